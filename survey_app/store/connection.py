"""Opening the SQLCipher database: key, header checks, durability and privacy settings."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from survey_app.i18n import Counted
from survey_app.private_files import make_private, private_database
from survey_app.store.errors import StoreCorrupt, StoreNotFound, StoreReadOnly, WrongPassphrase
from survey_app.store.paths import guard_path, header_path, pending_header_path
from survey_app.store.unlock import (
    KeyHeader,
    UnlockGuard,
    derive_key,
    fsync_dir,
    read_header,
    sqlcipher_key_pragma,
)

INTERRUPTED_CHANGE = Counted(
    "A passphrase change was interrupted. Enter the NEW passphrase. "
    "Wait {seconds} second, then try again.",
    "A passphrase change was interrupted. Enter the NEW passphrase. "
    "Wait {seconds} seconds, then try again.",
    "seconds",
)


@dataclass
class Unlocked:
    """An open, keyed connection and the header whose key opened it."""

    conn: sqlcipher3.Connection
    header: KeyHeader
    key: bytes


def connect(db_path: Path, key: bytes) -> sqlcipher3.Connection:
    """Open and key a connection; DatabaseError if the key does not decrypt the file."""
    private_database(db_path)
    conn = sqlcipher3.connect(str(db_path), isolation_level=None, check_same_thread=True)
    try:
        # SQLCipher would otherwise print decryption failures to stderr.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(sqlcipher_key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        configure(conn)
    except BaseException:
        conn.close()
        raise
    conn.row_factory = sqlcipher3.Row
    return conn


def verify_store(db_path: Path, key: bytes) -> None:
    """Check a store before anything writes to it: StoreCorrupt if it is emptied or damaged.

    Read-only connection, so even a refused store is not touched (no WAL checkpoint on close).
    `quick_check` reads every page (SQLCipher checks each page's HMAC as it decrypts it) and the
    b-tree structure, including pages still in the WAL; DatabaseError if the key is wrong.
    """
    uri = Path(db_path).resolve().as_uri() + "?mode=ro"
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=True)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(sqlcipher_key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # A store always has a schema: an empty or schema-less file is not one (any more).
        if int(conn.execute("PRAGMA user_version").fetchone()[0]) < 1:
            raise StoreCorrupt()
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        except sqlcipher3.DatabaseError as exc:
            raise StoreCorrupt() from exc
        if result != ["ok"]:
            raise StoreCorrupt()
    finally:
        conn.close()


def configure(conn: sqlcipher3.Connection) -> None:
    """Durability and privacy: WAL (encrypted by SQLCipher), FULL sync, no temp files on disk."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA foreign_keys = ON")


def unlock(db_path: Path, passphrase: str, guard: UnlockGuard) -> Unlocked:
    """Derive the key and open the store; WrongPassphrase / StoreCorrupt / StoreNotFound."""
    if not db_path.is_file():
        raise StoreNotFound()
    main_path, pending_path = header_path(db_path), pending_header_path(db_path)
    if not main_path.is_file():
        raise StoreCorrupt()
    if not os.access(db_path.parent, os.W_OK) or not os.access(db_path, os.W_OK):
        # SQLite would fail to create its -wal/-shm files and look like a damaged store.
        raise StoreReadOnly()
    make_private(main_path)
    guard.attach(guard_path(db_path))
    guard.wait_turn()
    candidates = [(main_path, read_header(main_path))]
    if pending_path.is_file():
        with contextlib.suppress(StoreCorrupt):
            candidates.append((pending_path, read_header(pending_path)))
    matched = False
    for path, header in candidates:
        key = derive_key(passphrase, header.salt, header.params)
        if not header.matches(key):
            continue
        matched = True
        try:
            verify_store(db_path, key)
            conn = connect(db_path, key)
        except sqlcipher3.DatabaseError:
            continue
        _settle_headers(path, main_path, pending_path)
        guard.reset()
        return Unlocked(conn, header, key)
    if not matched:
        raise WrongPassphrase(guard.failed())
    if pending_path.is_file():
        raise WrongPassphrase(guard.failed(), INTERRUPTED_CHANGE)
    raise StoreCorrupt()


def _settle_headers(used: Path, main_path: Path, pending_path: Path) -> None:
    """After an interrupted passphrase change, keep exactly the header that opened the store."""
    if used == pending_path:
        os.replace(pending_path, main_path)
        fsync_dir(main_path.parent)
    elif pending_path.exists():
        pending_path.unlink()
