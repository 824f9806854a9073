"""The store's files are readable by the laptop account only (0600), new or found wider."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from survey_app.store import DeviceStore, SessionInfo

from .conftest import FAST_KDF, PASSPHRASE

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _store_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("device-store.db"))


def test_new_store_files_are_owner_only(store: DeviceStore, session: SessionInfo) -> None:
    files = _store_files(store.path.parent)
    # The database, its header, and SQLite's -wal and -shm while it is open.
    assert {p.name for p in files} >= {
        "device-store.db",
        "device-store.db.kdf.json",
        "device-store.db-wal",
        "device-store.db-shm",
    }
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_store_files_found_world_readable_are_made_owner_only_on_open(
    store_path: Path,
) -> None:
    DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF).close()
    for path in _store_files(store_path.parent):
        path.chmod(0o644)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        store.create_meeting("2025-03-14", "Skolen", "AB")
        files = _store_files(store_path.parent)
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
