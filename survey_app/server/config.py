"""Server settings, passed in explicitly (no globals, no environment lookups here)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs

from survey_app.identifiers import STUDY_ID_RULE, is_study_id

DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_ADDRESS_HEADER = "x-forwarded-for"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def default_database_path() -> Path:
    """`<platform data dir>/survey-app/server.sqlite3`: `python main.py server` needs no set-up."""
    return Path(platformdirs.user_data_dir("survey-app", appauthor=False)) / "server.sqlite3"


def parse_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    """Trusted proxy addresses or networks (CIDR); ValueError naming the bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not a trusted proxy address or network: {value!r}") from None
    return tuple(networks)


@dataclass(frozen=True)
class ServerConfig:
    """How one server process behaves.

    `database` is a SQLite file path or a `postgresql://` URL. `study_ids` lists the studies
    this server collects: envelopes of any other study are refused, and without a list every
    upload is refused. Rate limits (kept in the database, shared by every process on it) are per
    enrolled device or account, and per client address for everything else; behind a reverse
    proxy, the client address is read from `client_address_header`, but only on requests that
    come from one of `trusted_proxies`.
    """

    database: str
    study_ids: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    rate_per_second: float = 20.0
    rate_burst: int = 200
    enrol_failures_per_hour: int = 20
    enrol_failures_total_per_hour: int = 200
    trusted_proxies: tuple[str, ...] = ()
    client_address_header: str = DEFAULT_ADDRESS_HEADER
    export_page_size: int = 500
    enrol_code_ttl: timedelta = timedelta(hours=24)
    enrol_challenge_ttl_seconds: int = 300

    def __post_init__(self) -> None:
        bad = [s for s in self.study_ids if not is_study_id(s)]
        if bad:
            raise ValueError(f"not a study id: {bad[0][:60]!r} (a study id is {STUDY_ID_RULE})")
        parse_networks(self.trusted_proxies)
        if self.enrol_challenge_ttl_seconds < 1:
            raise ValueError("enrol_challenge_ttl_seconds must be at least 1")
        if self.enrol_failures_per_hour < 1:
            raise ValueError("enrol_failures_per_hour must be at least 1")
        if self.enrol_failures_total_per_hour < 1:
            raise ValueError("enrol_failures_total_per_hour must be at least 1")

    @property
    def study_id(self) -> str | None:
        """The study new enrolment codes are bound to: the only one, when there is one."""
        return self.study_ids[0] if len(self.study_ids) == 1 else None

    @property
    def proxy_networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)
