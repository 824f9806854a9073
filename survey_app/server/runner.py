"""Run the API under uvicorn: in the foreground (command line) or in a thread (tests)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from survey_app.errors import UserFacingError
from survey_app.server.app import create_app
from survey_app.server.service import ServerService


@dataclass(frozen=True)
class TlsFiles:
    """A PEM certificate chain and its private key, for HTTPS without a reverse proxy."""

    certfile: Path
    keyfile: Path


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind a listening TCP socket (port 0 picks a free port) before uvicorn starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this; without it a response's header and body writes meet
    # the client's delayed ACK and every request waits ~40 ms (measured in bench_server.py).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserFacingError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def uvicorn_config(service: ServerService, tls: TlsFiles | None = None) -> uvicorn.Config:
    """A uvicorn configuration for the app; uvicorn's own access log is off (ours has no query).

    Which proxies may name the client (X-Forwarded-For) is the server's own rule
    (`ServerConfig.trusted_proxies`, the `forwarded_allow_ips` setting), applied by the rate
    limiter; uvicorn's proxy-header handling is off so there is exactly one such rule.
    """
    for path in (tls.certfile, tls.keyfile) if tls else ():
        if not Path(path).is_file():
            raise UserFacingError(f"TLS file not found: {path}")
    return uvicorn.Config(
        create_app(service),
        access_log=False,
        log_config=None,
        server_header=False,
        # Client addresses come from our own trusted-proxy rule (ServerConfig), never from
        # uvicorn's default of believing X-Forwarded-For from 127.0.0.1.
        proxy_headers=False,
        ssl_certfile=str(tls.certfile) if tls else None,
        ssl_keyfile=str(tls.keyfile) if tls else None,
        timeout_graceful_shutdown=5,
    )


@dataclass
class BackgroundServer:
    """A real uvicorn server on a loopback port, in a daemon thread. Use as a context manager."""

    service: ServerService
    host: str = "127.0.0.1"
    tls: TlsFiles | None = None
    _server: uvicorn.Server | None = field(default=None, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    _sock: socket.socket | None = field(default=None, init=False)

    @property
    def port(self) -> int:
        assert self._sock is not None, "server not started"
        return int(self._sock.getsockname()[1])

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        """Start serving and wait until uvicorn reports it is ready."""
        self._sock = bind_socket(self.host, 0)
        self._server = uvicorn.Server(uvicorn_config(self.service, self.tls))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the background server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_forever(
    service: ServerService,
    host: str,
    port: int,
    tls: TlsFiles | None = None,
) -> tuple[uvicorn.Server, socket.socket]:
    """Prepare a foreground server on host:port; the caller prints the address and runs it."""
    sock = bind_socket(host, port)
    return uvicorn.Server(uvicorn_config(service, tls)), sock
