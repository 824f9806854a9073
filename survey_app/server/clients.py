"""Who is asking: the client address (through trusted proxies only) and the bearer token."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from survey_app.server.config import Network


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: object, networks: Sequence[Network]) -> bool:
    return address is not None and any(address in net for net in networks)  # type: ignore[operator]


def client_address(
    peer: str | None,
    headers: Iterable[tuple[bytes, bytes]],
    trusted: Sequence[Network],
    header: str,
) -> str:
    """The address rate limits count against.

    The TCP peer, unless the peer is a trusted proxy: then the forwarding header, read from the
    right (the hop the proxy itself added) and skipping further trusted proxies, so a client
    cannot choose its own address by writing the header first. Anything malformed in the
    chain stops the walk at the last address that could be trusted.
    """
    current = peer or "-"
    if not trusted or not _trusted(_ip(current), trusted):
        return current
    name = header.lower().encode("latin-1")
    chain = [
        hop.strip()
        for key, value in headers
        if key == name
        for hop in value.decode("latin-1").split(",")
    ]
    for hop in reversed(chain):
        address = _ip(hop)
        if address is None:
            return current
        current = str(address)
        if not _trusted(address, trusted):
            return current
    return current


def bearer_token(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The bearer token of a request, if it has one."""
    for key, value in headers:
        if key == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None
