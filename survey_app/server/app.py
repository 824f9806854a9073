"""The HTTP API (FastAPI): thin handlers over ServerService, JSON errors, OpenAPI description."""

# No `from __future__ import annotations`: FastAPI must see the closures in Annotated[...].
import json
import logging
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from survey_app.sealing.envelope import ENVELOPE_FIELDS, ENVELOPE_FORMATS
from survey_app.server import health as health_routes
from survey_app.server import middleware
from survey_app.server.credentials import ROLE_ADMIN, ROLE_DATA_MANAGER
from survey_app.server.export import build_bundle
from survey_app.server.repository import (
    ALREADY_ERASED,
    DELETED,
    NOT_STORED,
    Account,
    Device,
)
from survey_app.server.service import (
    EXPORT_FORMAT,
    SUBMISSION_ID_PATTERN,
    Identity,
    ServerService,
    ServiceError,
)
from survey_app.server.strict_query import StrictQueryRoute

log = logging.getLogger("survey_app.server")

API_VERSION = "1"
_bearer = HTTPBearer(auto_error=False, description="Device token or data-manager/admin token")
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}


class ErrorBody(BaseModel):
    error: str = Field(description="stable machine-readable code")
    message: str = Field(description="explanation for a person")


class EnrolRequest(BaseModel):
    code: str = Field(min_length=4, max_length=64, description="one-time enrolment code")
    device_public_key: str = Field(
        min_length=40, max_length=64, description="Ed25519 public key, base64 (32 raw bytes)"
    )
    challenge: str = Field(
        min_length=8, max_length=200, description="from POST /v1/enrol/challenge"
    )
    proof: str = Field(
        min_length=40,
        max_length=200,
        description="base64 Ed25519 signature by the device key of canonical_json({format: "
        "'survey-app/enrol-proof/v2', challenge, code_sha256: sha256 hex of the normalised "
        "code, study_id: from the challenge answer, device_public_key})",
    )
    label: str | None = Field(default=None, max_length=120, description="e.g. 'Laptop 3'")


class ChallengeResponse(BaseModel):
    challenge: str = Field(description="sign it with the device key; good for one attempt")
    expires_in: int = Field(description="seconds it stays valid")
    study_id: str | None = Field(description="the study enrolment is into; part of the proof")


class EnrolResponse(BaseModel):
    device_id: str
    token: str = Field(description="bearer token for every later request; shown once")
    server_public_key: str = Field(description="Ed25519 key that signs upload receipts")
    study_id: str | None


class Receipt(BaseModel):
    format: str
    submission_id: str
    device_id: str
    content_hash: str = Field(description="sha256 of canonical_json(envelope)")
    received_at: str
    server_signature: str


class ExportResponse(BaseModel):
    format: str
    cursor: str = Field(description="pass as ?since= next time")
    more: bool = Field(description="true when another page is waiting")
    envelopes: list[dict[str, Any]]


class ErasureRequest(BaseModel):
    submission_ids: list[str] = Field(
        min_length=1, max_length=1000, description="ids of the submissions to erase"
    )
    reference: str | None = Field(
        default=None, max_length=60, description="request reference, e.g. DPO-2025-07 (no names)"
    )


class ErasureResponse(BaseModel):
    erasure_id: str | None = Field(description="log entry; null when all were erased before")
    erased_at: str | None
    deleted: int = Field(description="were stored; deleted now")
    not_stored: int = Field(description="not here; refused if they ever arrive")
    already_erased: int
    submissions: dict[str, str] = Field(
        description="submission id -> deleted | not_stored | already_erased"
    )


class EnrolCodeRequest(BaseModel):
    label: str | None = Field(default=None, max_length=120)
    ttl_hours: float = Field(default=24.0, gt=0, le=24 * 30)


class EnrolCodeResponse(BaseModel):
    code: str
    expires_at: str


class Health(BaseModel):
    status: str
    api_version: str
    server_public_key: str


# What accept_upload checks before the signatures: the schema says exactly that, so a client
# (or schemathesis) can tell a malformed envelope from one refused for its signature.
_ENVELOPE_SCHEMA = {
    "type": "object",
    "description": (
        f"A sealed submission envelope ({' or '.join(ENVELOPE_FORMATS)}); never decrypted here."
    ),
    "required": sorted(ENVELOPE_FIELDS),
    "properties": {
        **{name: {"type": "string", "minLength": 1} for name in sorted(ENVELOPE_FIELDS)},
        "format": {"type": "string", "enum": list(ENVELOPE_FORMATS)},
        "submission_id": {"type": "string", "pattern": f"^{SUBMISSION_ID_PATTERN}$"},
    },
    "additionalProperties": False,
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


def create_app(service: ServerService) -> FastAPI:
    """Build the ASGI application around an opened ServerService."""
    config = service.config
    app = FastAPI(
        title="Survey app research server",
        version=API_VERSION,
        description="Receives sealed (encrypted, signed) submissions from enrolled laptops and "
        "hands them to the data manager. The server never holds the study's private key.",
        docs_url="/docs",
        redoc_url=None,
    )
    # Before any route is added: every route refuses query parameters it does not declare.
    app.router.route_class = StrictQueryRoute
    app.state.service = service
    middleware.install(app, service=service, max_body_bytes=config.max_body_bytes)
    _install_error_handlers(app)

    # Header parsing only: async, so FastAPI runs it on the event loop, not in a thread.
    async def credentials(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> str:
        if creds is None or not creds.credentials:
            raise ServiceError(401, "unauthorized", "a bearer token is required")
        return creds.credentials

    def identity(request: Request, token: str) -> Identity | None:
        # The rate-limit middleware already looked the token up; ask again only without it.
        found = getattr(request.state, "identity", None)
        return found if found is not None else service.identify(token)

    def device_for(request: Request, token: str) -> Device:
        found = identity(request, token)
        device = found.device if found is not None else None
        if device is None:
            raise ServiceError(401, "unauthorized", "the device token is not valid")
        request.state.device_id = device.device_id
        return device

    def account_with(role: str):  # returns a FastAPI dependency
        def dependency(request: Request, token: Annotated[str, Depends(credentials)]) -> Account:
            found = identity(request, token)
            account = found.account if found is not None else None
            if account is None:
                if found is not None:
                    raise ServiceError(403, "forbidden", "a device token cannot do this")
                raise ServiceError(401, "unauthorized", "the token is not valid")
            if account.role != role:
                raise ServiceError(403, "forbidden", f"this needs the {role} role")
            return account

        return dependency

    health_routes.install(
        app, service.repository.db, account_with(ROLE_ADMIN), _errors(401, 403, 422, 429)
    )

    @app.get("/v1/health", response_model=Health, tags=["device"])
    def health() -> Health:
        """Cheap reachability check; also tells the receipt key."""
        return Health(
            status="ok", api_version=API_VERSION, server_public_key=service.server_public_key
        )

    @app.post(
        "/v1/enrol/challenge",
        response_model=ChallengeResponse,
        status_code=201,
        tags=["device"],
        responses=_errors(413, 429, 503),
    )
    def enrol_challenge() -> ChallengeResponse:
        """A challenge the laptop signs with its device key to prove it holds the private key.

        503 `enrolment_busy` (with Retry-After) while 10,000 challenges are open already.
        """
        challenge, ttl, study_id = service.enrol_challenge()
        return ChallengeResponse(challenge=challenge, expires_in=ttl, study_id=study_id)

    @app.post(
        "/v1/enrol",
        response_model=EnrolResponse,
        status_code=201,
        tags=["device"],
        responses=_errors(400, 403, 413, 422, 429, 503),
    )
    def enrol(request: Request, body: EnrolRequest) -> EnrolResponse:
        """Spend a one-time enrolment code and register the laptop's Ed25519 signing key.

        503 `enrolment_paused` (with Retry-After) after too many failures from all addresses.

        403 `bad_challenge` / `bad_proof` when the proof of possession of the private key does
        not hold, `device_revoked` for a revoked laptop, `code_*` for the code.
        """
        result = service.enrol(
            body.code,
            body.device_public_key,
            body.label,
            challenge=body.challenge,
            proof=body.proof,
            client=getattr(request.state, "client_address", "-"),
        )
        return EnrolResponse(
            device_id=result.device_id,
            token=result.token,
            server_public_key=result.server_public_key,
            study_id=result.study_id,
        )

    @app.post(
        "/v1/submissions",
        response_model=Receipt,
        status_code=201,
        tags=["device"],
        responses={
            200: {"model": Receipt, "description": "already stored: the same receipt again"},
            **_errors(400, 401, 403, 409, 413, 422, 429),
            410: {
                "model": ErrorBody,
                "description": "erased at a participant's request: never taken again; the body "
                "also holds `notice`, an erasure notice signed by the server key",
            },
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ENVELOPE_SCHEMA}},
            }
        },
    )
    async def upload(request: Request, token: Annotated[str, Depends(credentials)]) -> Any:
        """Store a sealed envelope once (idempotent by submission id) and return a signed receipt.

        201: stored now; 200: a retry of an already stored envelope; 409: the id is taken by
        different content (refused and logged). Stored durably before the answer is sent.
        """
        raw = await request.body()

        def accept() -> Any:
            # One trip to a worker thread for the token, the parsing and the store: the busiest
            # request pays for one thread hand-over, not three.
            device = device_for(request, token)
            try:
                envelope = json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise ServiceError(400, "invalid_json", "the body is not valid JSON") from None
            return service.accept_upload(device, envelope)

        result = await run_in_threadpool(accept)
        return JSONResponse(result.receipt, status_code=201 if result.created else 200)

    @app.get(
        "/v1/export",
        tags=["data manager"],
        responses={
            200: {
                "description": "an export bundle (zip, see docs/import.md); the next cursor is in "
                "the X-Export-Cursor header, X-Export-More says whether another page waits. "
                "With format=json: {format, cursor, more, envelopes}.",
                "content": {
                    "application/zip": {},
                    "application/json": {"schema": ExportResponse.model_json_schema()},
                },
            },
            **_errors(400, 401, 403, 404, 429),
        },
    )
    def export(
        _: Annotated[Account, Depends(account_with(ROLE_DATA_MANAGER))],
        since: Annotated[str, Query(max_length=20, description="cursor of the last export")] = "0",
        limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
        study: Annotated[str | None, Query(max_length=100)] = None,
        format: Annotated[str, Query(pattern="^(bundle|json)$")] = "bundle",
    ) -> Response:
        """Every envelope stored after the cursor, oldest first, one page per request."""
        if not since.isdigit():
            raise ServiceError(400, "invalid_cursor", "since must be a cursor from an export")
        study_id = service.export_study(study)
        page = service.export_page(int(since), limit, study_id)
        headers = {"X-Export-Cursor": str(page.cursor), "X-Export-More": str(page.more).lower()}
        if format == "json":
            body = ExportResponse(
                format=EXPORT_FORMAT,
                cursor=str(page.cursor),
                more=page.more,
                envelopes=page.envelopes(),
            )
            return JSONResponse(body.model_dump(), headers=headers)
        bundle = build_bundle(service, page, study_id)
        headers["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
        return Response(bundle.data, media_type="application/zip", headers=headers)

    @app.post(
        "/v1/erasures",
        response_model=ErasureResponse,
        tags=["data manager"],
        responses=_errors(400, 401, 403, 413, 422, 429),
    )
    def erase(
        body: ErasureRequest,
        account: Annotated[Account, Depends(account_with(ROLE_DATA_MANAGER))],
    ) -> ErasureResponse:
        """Erase sealed submissions for good: deleted now, refused on upload, never exported.

        Idempotent: ids erased before are reported as already_erased and logged once only.
        """
        result = service.erase_submissions(
            list(body.submission_ids), reference=body.reference, requested_by=account.account_id
        )
        return ErasureResponse(
            erasure_id=result.erasure_id,
            erased_at=result.at,
            deleted=result.count(DELETED),
            not_stored=result.count(NOT_STORED),
            already_erased=result.count(ALREADY_ERASED),
            submissions=result.outcomes,
        )

    @app.post(
        "/v1/admin/enrol-codes",
        response_model=EnrolCodeResponse,
        status_code=201,
        tags=["admin"],
        responses=_errors(400, 401, 403, 413, 422, 429),
    )
    def create_enrol_code(
        body: EnrolCodeRequest, _: Annotated[Account, Depends(account_with(ROLE_ADMIN))]
    ) -> EnrolCodeResponse:
        """Create a one-time enrolment code for one laptop."""
        code, expires = service.create_enrol_code(
            ttl=timedelta(hours=body.ttl_hours), label=body.label
        )
        return EnrolCodeResponse(code=code, expires_at=expires.isoformat())

    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        headers = dict(exc.headers)
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(
            {**exc.extra, "error": exc.code, "message": exc.message},
            status_code=exc.status,
            headers=headers,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return JSONResponse(
            {"error": code, "message": message},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Pydantic's default body echoes the input back; only say where and what is wrong.
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
            for err in exc.errors()[:5]
        )
        return JSONResponse(
            {"error": "invalid_request", "message": problems or "invalid request"}, status_code=422
        )

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        log.error("internal error while handling a request: %s", type(exc).__name__)
        return JSONResponse(
            {"error": "internal", "message": "internal server error; please try again later"},
            status_code=500,
        )
