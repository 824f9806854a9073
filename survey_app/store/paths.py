"""Where the device store lives: platform data dir, overridable by option or environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "survey-app"
STORE_FILE = "device-store.db"
ENV_DATA_DIR = "SURVEY_APP_DATA_DIR"
HEADER_SUFFIX = ".kdf.json"
PENDING_HEADER_SUFFIX = ".kdf.json.new"
GUARD_SUFFIX = ".unlock-guard"
CREATING_SUFFIX = ".creating"
JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")


def store_path_in(data_dir: Path) -> Path:
    """Return the store file inside a data directory (for a --data-dir option)."""
    return Path(data_dir) / STORE_FILE


def default_store_path(env: Mapping[str, str] = os.environ) -> Path:
    """Return the store path: $SURVEY_APP_DATA_DIR if set, else the platform user data dir."""
    override = env.get(ENV_DATA_DIR, "").strip()
    if override:
        return store_path_in(Path(override).expanduser())
    from platformdirs import user_data_dir

    return store_path_in(Path(user_data_dir(APP_NAME, appauthor=False)))


def header_path(db_path: Path) -> Path:
    """Return the key-derivation header file that sits beside the database."""
    return db_path.with_name(db_path.name + HEADER_SUFFIX)


def pending_header_path(db_path: Path) -> Path:
    """Return the header written during a passphrase change, before it replaces the old one."""
    return db_path.with_name(db_path.name + PENDING_HEADER_SUFFIX)


def creating_path(db_path: Path) -> Path:
    """Return the name a new store is built under before it is renamed into place."""
    return db_path.with_name(db_path.name + CREATING_SUFFIX)


def remove_with_journals(db_path: Path) -> None:
    """Remove a database file and SQLite's -wal/-shm/-journal files beside it (if any)."""
    for name in (db_path.name, *(db_path.name + s for s in JOURNAL_SUFFIXES)):
        db_path.with_name(name).unlink(missing_ok=True)


def guard_path(db_path: Path) -> Path:
    """Return the file that remembers failed unlock attempts across runs."""
    return db_path.with_name(db_path.name + GUARD_SUFFIX)


def backup_path(db_path: Path, version: int) -> Path:
    """Return the copy made before migrating a store from schema `version`."""
    return db_path.with_name(f"{db_path.name}.v{version}.bak")


def remove_migration_backups(db_path: Path) -> int:
    """Delete every copy made before a schema migration (and its key header); return how many.

    The copy only protects a migration that fails; once readable answers are purged or a
    participant is erased, a copy that still holds them would break that promise.
    """
    removed = 0
    for copy in db_path.parent.glob(f"{db_path.name}.v*.bak"):
        remove_with_journals(copy)
        header_path(copy).unlink(missing_ok=True)
        removed += 1
    return removed


def store_exists(path: Path) -> bool:
    """Return True when a store (database and key header) exists at path."""
    path = Path(path)
    return path.is_file() and header_path(path).is_file()
