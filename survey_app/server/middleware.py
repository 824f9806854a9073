"""ASGI middleware: access log without content, rate limits, request size and JSON shape limits."""

from __future__ import annotations

import json
import logging
import math
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from survey_app.server.clients import bearer_token, client_address
from survey_app.server.json_guard import json_shape_problem

ACCESS_LOGGER = "survey_app.server.access"

# Cheap reachability checks must never be refused, or laptops would think the network is down.
_UNLIMITED_PATHS = frozenset({"/v1/health", "/v1/health/live", "/v1/health/ready"})


async def send_json_error(send: Send, status: int, code: str, message: str, **headers: str) -> None:
    """Send a complete `{error, message}` JSON response."""
    body = json.dumps({"error": code, "message": message}).encode("utf-8")
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        *((k.lower().encode("ascii"), v.encode("ascii")) for k, v in headers.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class AccessLogMiddleware:
    """One line per request: method, path, status, device id, duration. Never bodies or queries."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        logged = False

        def log_once() -> None:
            nonlocal logged
            if logged:
                return
            logged = True
            state = scope.get("state") or {}
            fields = {
                "event": "request",
                "method": scope.get("method", "-"),
                "path": scope.get("path", "-"),
                "status": status,
                "device": state.get("device_id", "-"),
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            self.log.info(
                "%(method)s %(path)s %(status)d device=%(device)s duration_ms=%(duration_ms).1f",
                fields,
                extra=fields,
            )

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Log before the last bytes leave: the line exists once a client has its answer.
                log_once()
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            log_once()


class RateLimitMiddleware:
    """Token buckets in the database: per enrolled device or account, else per client address.

    A bearer token counts only when it is a valid credential; an unknown or made-up token is
    the same as none, so a new random token per request does not buy a fresh bucket. The
    identity found is kept in the request state for the handlers.
    """

    def __init__(self, app: ASGIApp, service: Any) -> None:
        self.app = app
        self.service = service
        config = service.config
        self.networks = config.proxy_networks
        self.header = config.client_address_header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", ())
        peer = scope.get("client")
        address = client_address(peer[0] if peer else None, headers, self.networks, self.header)
        state = scope.setdefault("state", {})
        state["client_address"] = address
        if scope.get("path") in _UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        # One trip to a worker thread for both the token and the bucket (each trip costs the
        # busiest request more CPU than the database work it carries).
        identity, wait = await run_in_threadpool(
            self.service.identify_and_admit, bearer_token(headers), f"addr:{address}"
        )
        if identity is not None:
            state["identity"] = identity
        if wait > 0:
            await send_json_error(
                send,
                429,
                "rate_limited",
                "too many requests; try again later",
                **{"Retry-After": str(max(1, math.ceil(wait)))},
            )
            return
        await self.app(scope, receive, send)


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request is larger than {limit} bytes")


class BodySizeLimitMiddleware:
    """Refuse bodies over `max_bytes`: early by Content-Length, else while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await send_json_error(
                send, 413, "too_large", f"the request is larger than {self.max_bytes} bytes"
            )
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class JsonShapeMiddleware:
    """Refuse request bodies nested too deep or with absurd numbers before anything parses them.

    Bodies are small (the size limit runs first), so the body is read whole, checked, and handed
    on unchanged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        try:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
        except BodyTooLarge as exc:
            await send_json_error(send, 413, "too_large", str(exc.detail))
            return
        body = b"".join(chunks)
        problem = json_shape_problem(body)
        if problem is not None:
            await send_json_error(send, 400, "invalid_json", problem)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def install(app: Any, *, service: Any, max_body_bytes: int) -> None:
    """Add the middleware; access log outermost (refusals are logged too), rate limit before
    anything reads the body, JSON shape check last."""
    app.add_middleware(JsonShapeMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(RateLimitMiddleware, service=service)
    app.add_middleware(AccessLogMiddleware)
