"""Server settings, passed in explicitly (no globals, no environment lookups here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs

DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024


def default_database_path() -> Path:
    """`<platform data dir>/survey-app/server.sqlite3`: `python main.py server` needs no set-up."""
    return Path(platformdirs.user_data_dir("survey-app", appauthor=False)) / "server.sqlite3"


@dataclass(frozen=True)
class ServerConfig:
    """How one server process behaves.

    `database` is a SQLite file path or a `postgresql://` URL. `study_id`, when set, makes the
    server refuse envelopes of any other study. Rate limits are per bearer token.
    """

    database: str
    study_id: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    rate_per_second: float = 20.0
    rate_burst: int = 200
    export_page_size: int = 500
    enrol_code_ttl: timedelta = timedelta(hours=24)
