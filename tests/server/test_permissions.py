"""The server's SQLite file holds the receipt signing key and the erasure HMAC key: 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")


def _modes(folder: Path) -> dict[str, int]:
    return {
        p.name: stat.S_IMODE(p.stat().st_mode)
        for p in folder.iterdir()
        if p.name.startswith("server.sqlite3")
    }


def test_new_server_database_files_are_owner_only(tmp_path: Path) -> None:
    service = ServerService.open(ServerConfig(database=str(tmp_path / "server.sqlite3")))
    try:
        service.create_enrol_code()
        modes = _modes(tmp_path)
        # The rate-limit companion file names client addresses: owner only too.
        assert {"server.sqlite3", "server.sqlite3-wal", "server.sqlite3-limits"} <= set(modes)
        assert modes == dict.fromkeys(modes, 0o600)
    finally:
        service.close()


def test_server_database_found_world_readable_is_made_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "server.sqlite3"
    ServerService.open(ServerConfig(database=str(database))).close()
    database.chmod(0o644)
    service = ServerService.open(ServerConfig(database=str(database)))
    try:
        modes = _modes(tmp_path)
        assert modes == dict.fromkeys(modes, 0o600)
    finally:
        service.close()
