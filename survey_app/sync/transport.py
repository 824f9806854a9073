"""How a laptop reaches the research server: https only, the study's CA, honest error names."""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from survey_app.i18n import N_

PLAIN_HTTP_REFUSED = N_(
    "The server address must start with https:// (plain http:// is only allowed for this "
    "computer itself)."
)
BAD_ADDRESS = N_("The server address is not usable. It looks like https://survey.example.org")
CERTIFICATE_NOT_TRUSTED = N_(
    "The server's certificate is not trusted (self-signed, or from an authority this laptop "
    "does not know). This is not a network problem: ask the study administrator for the "
    "server's CA certificate."
)
UNREADABLE_CA = N_("Cannot read the CA certificate file {name}.")
UNUSABLE_CA = N_("The CA certificate file {name} holds no usable certificate (PEM).")


class TransportProblem(ValueError):
    """A server address or TLS setting that cannot work; `msgid`/`params` for translation."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params


def is_loopback_host(host: str | None) -> bool:
    """True for this computer itself (localhost, 127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(url: str, *, allow_insecure: bool = False) -> str:
    """The URL without a trailing slash; TransportProblem for http:// to another computer."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TransportProblem(BAD_ADDRESS)
    if parts.scheme == "http" and not allow_insecure and not is_loopback_host(parts.hostname):
        # Envelopes are sealed anyway, but tokens and enrolment codes must not travel bare.
        raise TransportProblem(PLAIN_HTTP_REFUSED)
    return url.strip().rstrip("/")


def read_ca_file(path: str | Path) -> str:
    """The PEM text of a CA certificate file (checked to be usable)."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise TransportProblem(UNREADABLE_CA, name=name) from None
    ca_context(text, name)
    return text


def ca_context(pem: str, name: str = "") -> ssl.SSLContext:
    """A verifying TLS context that trusts exactly this CA (the study's own)."""
    try:
        return ssl.create_default_context(cadata=pem)
    except (ssl.SSLError, ValueError):
        raise TransportProblem(UNUSABLE_CA, name=name or "?") from None


def is_certificate_problem(exc: BaseException) -> bool:
    """True when a connection failed because the server's certificate was not trusted."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if isinstance(seen, httpx.ConnectError) and "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def connection_settings(
    url: str, verify: bool | str, *, allow_insecure: bool = False
) -> tuple[str, bool | ssl.SSLContext]:
    """(base URL, httpx `verify`) for a server address and a CA file or True; TransportProblem."""
    base = check_server_url(url, allow_insecure=allow_insecure)
    if isinstance(verify, str):
        return base, ca_context(read_ca_file(verify), Path(verify).name)
    return base, verify
