"""Core of the device store: unlocking, device key, meetings, sessions, answers, audit."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

import sqlcipher3

from survey_app import crashpoints
from survey_app.sealing.device_keys import DeviceKey
from survey_app.store import validation as check
from survey_app.store.connection import connect, unlock
from survey_app.store.errors import (
    InvalidSessionState,
    StoreCorrupt,
    StoreError,
    StoreExists,
    StoreThreadError,
    WrongPassphrase,
    write_error,
)
from survey_app.store.paths import (
    creating_path,
    guard_path,
    header_path,
    pending_header_path,
    remove_migration_backups,
    remove_with_journals,
)
from survey_app.store.records import (
    AuditEntry,
    Meeting,
    iso_utc,
    to_json,
    utc_now,
)
from survey_app.store.schema import migrate
from survey_app.store.unlock import (
    KdfParams,
    KeyHeader,
    UnlockGuard,
    check_passphrase,
    derive_key,
    fsync_dir,
    new_header,
    sqlcipher_rekey_pragma,
    write_header,
)

Clock = Callable[[], datetime]
P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="StoreCore")


def owned(
    method: Callable[Concatenate[S, P], R],
) -> Callable[Concatenate[S, P], R]:
    """Refuse calls from another thread than the opener, and calls after close()."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        if threading.get_ident() != self._owner:
            raise StoreThreadError(
                "DeviceStore used from another thread; open it in the thread that uses it"
            )
        if self._conn is None:
            raise StoreThreadError("DeviceStore used after close()")
        try:
            return method(self, *args, **kwargs)
        except (sqlcipher3.OperationalError, OSError) as exc:
            # A full, read-only or failing disk: say so, instead of an internal error.
            clear = write_error(exc, self._path.parent)
            if clear is None:
                raise
            raise clear from exc

    return wrapper


def _remove_new_store(path: Path) -> None:
    """Remove the files of a store whose creation failed (it never held anything)."""
    for leftover in (creating_path(path), path):
        with contextlib.suppress(OSError):
            remove_with_journals(leftover)
    with contextlib.suppress(OSError):
        header_path(path).unlink(missing_ok=True)


class StoreCore:
    """Meetings, sessions, answers, consent and audit of one laptop (no sealing)."""

    def __init__(
        self,
        conn: sqlcipher3.Connection,
        path: Path,
        header: KeyHeader,
        clock: Clock | None,
    ) -> None:
        self._conn: sqlcipher3.Connection | None = conn
        self._path = path
        self._header = header
        self._clock = clock or utc_now
        self._owner = threading.get_ident()
        self._guard = UnlockGuard()
        self._device_key: DeviceKey | None = None
        self._device_id = ""

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        clock: Clock | None = None,
    ) -> Self:
        """Create a new store (first run) with a new device signing key.

        The database is built complete (schema and device key) under a temporary name and only
        then renamed into place, so a file at `path` is always a whole store: an empty or
        half-made one can be refused as damaged instead of being silently started afresh.
        """
        path = Path(path)
        if path.exists():
            raise StoreExists()
        header, key = new_header(passphrase, kdf or KdfParams())
        header, key = new_header(passphrase, kdf or KdfParams())
        building = creating_path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Header first: a crash before the rename leaves no store, only a stale header.
            write_header(header_path(path), header)
            remove_with_journals(building)
            conn = connect(building, key)
            try:
                migrate(conn, None)
                crashpoints.reach("store.create.schema")
                cls(conn, building, header, clock)._create_device()
                crashpoints.reach("store.create.device")
                # Everything into the main file, durably, before it gets its real name.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            os.replace(building, path)
            fsync_dir(path.parent)
            store = cls(connect(path, key), path, header, clock)
            store._load_device()
        except (sqlcipher3.OperationalError, OSError) as exc:
            # A full or read-only disk at first run: leave nothing behind (a header or a
            # half-built file would look like a damaged store at the next start).
            _remove_new_store(path)
            clear = write_error(exc, path.parent if path.parent.is_dir() else None)
            if clear is None:
                raise
            raise clear from exc
        return store

    @classmethod
    def open(
        cls,
        path: Path,
        passphrase: str,
        *,
        guard: UnlockGuard | None = None,
        clock: Clock | None = None,
    ) -> Self:
        """Unlock an existing store, migrating its schema if an older app wrote it."""
        path = Path(path)
        unlocked = unlock(path, passphrase, guard or UnlockGuard())
        conn = unlocked.conn
        try:
            before, after = migrate(conn, path)
            store = cls(conn, path, unlocked.header, clock)
            store._load_device()
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            raise StoreCorrupt() from exc
        except BaseException:
            conn.close()
            raise
        if 0 < before < after:
            store.append_audit(
                "schema_migrated", actor="system", detail={"from": before, "to": after}
            )
        return store

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection (idempotent)."""
        if self._conn is not None:
            if threading.get_ident() != self._owner:
                raise StoreThreadError("DeviceStore closed from another thread")
            self._conn.close()
            self._conn = None

    @property
    def path(self) -> Path:
        return self._path

    @owned
    def change_passphrase(self, old: str, new: str) -> None:
        """Re-encrypt the store under a new passphrase; nothing is lost."""
        check_passphrase(new)
        self._guard.attach(guard_path(self._path))
        self._guard.wait_turn()
        old_key = derive_key(old, self._header.salt, self._header.params)
        if not self._header.matches(old_key):
            raise WrongPassphrase(self._guard.failed())
        self._guard.reset()
        header, key = new_header(new, self._header.params)
        pending, main = pending_header_path(self._path), header_path(self._path)
        # The new header is durable before the rekey: after a crash, open() tries both.
        write_header(pending, header)
        self.conn.execute(sqlcipher_rekey_pragma(key))
        os.replace(pending, main)
        fsync_dir(main.parent)
        self._header = header
        # A copy made before a schema upgrade opens with the old passphrase: it goes too.
        remove_migration_backups(self._path)
        self.append_audit("passphrase_changed", actor="system")

    # -- internals -------------------------------------------------------------------------

    @property
    def conn(self) -> sqlcipher3.Connection:
        if self._conn is None:
            raise StoreThreadError("DeviceStore used after close()")
        return self._conn

    def _now(self) -> str:
        return iso_utc(self._clock())

    @contextmanager
    def _tx(self) -> Iterator[sqlcipher3.Connection]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _audit(
        self,
        conn: sqlcipher3.Connection,
        action: str,
        actor: str,
        session_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        cur = conn.execute(
            "INSERT INTO audit (at, actor, device_id, action, session_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self._now(), actor, self._device_id, action, session_id, to_json(detail or {})),
        )
        return int(cur.lastrowid)

    def _create_device(self) -> None:
        key = DeviceKey.generate()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO device (id, private_key, public_key, device_id, created_at) "
                "VALUES (1, ?, ?, ?, ?)",
                (key.private_bytes(), key.public_b64, key.device_id, self._now()),
            )
            self._device_key, self._device_id = key, key.device_id
            self._audit(conn, "store_created", "system")

    def _load_device(self) -> None:
        row = self.conn.execute("SELECT private_key, device_id FROM device WHERE id = 1").fetchone()
        if row is None:
            # An app before atomic creation could be killed between schema and device key; such
            # a store holds nothing yet. Anything else without a device key is damaged.
            if self.conn.execute("SELECT 1 FROM meetings UNION SELECT 1 FROM sessions").fetchone():
                raise StoreCorrupt()
            self._create_device()
            return
        self._device_key = DeviceKey.from_private_bytes(bytes(row["private_key"]))
        self._device_id = row["device_id"]

    def _session_row(self, conn: sqlcipher3.Connection, session_id: str) -> sqlcipher3.Row:
        row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError("Unknown session.")
        return row

    def _editable_session(self, conn: sqlcipher3.Connection, session_id: str) -> sqlcipher3.Row:
        row = self._session_row(conn, session_id)
        if row["status"] != "in_progress":
            raise InvalidSessionState("This session is finished and can no longer be changed.")
        return row

    # -- device ----------------------------------------------------------------------------

    @property
    @owned
    def device_id(self) -> str:
        """Short stable id of this laptop's signing key."""
        return self._device_id

    @property
    @owned
    def device_key(self) -> DeviceKey:
        """The laptop's Ed25519 signing key (kept inside the encrypted store)."""
        assert self._device_key is not None
        return self._device_key

    # -- meetings --------------------------------------------------------------------------

    @owned
    def create_meeting(self, date: str, place: str, staff: str) -> Meeting:
        """Record a meeting (date, place label, staff initials)."""
        meeting = Meeting(
            id=str(uuid.uuid4()),
            date=check.meeting_date(date),
            place=check.place_label(place),
            staff=check.staff_initials(staff),
            created_at=self._now(),
        )
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO meetings (id, date, place, staff, created_at) VALUES (?, ?, ?, ?, ?)",
                (meeting.id, meeting.date, meeting.place, meeting.staff, meeting.created_at),
            )
            self._audit(conn, "meeting_created", meeting.staff, detail={"meeting_id": meeting.id})
        return meeting

    @owned
    def meetings(self) -> list[Meeting]:
        """All meetings, newest first."""
        rows = self.conn.execute("SELECT * FROM meetings ORDER BY date DESC, created_at DESC")
        return [Meeting.from_row(r) for r in rows]

    @owned
    def meeting(self, meeting_id: str) -> Meeting:
        """One meeting by id."""
        row = self.conn.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        if row is None:
            raise StoreError("Unknown meeting.")
        return Meeting.from_row(row)

    # -- audit -----------------------------------------------------------------------------

    @owned
    def append_audit(
        self,
        action: str,
        *,
        actor: str,
        session_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """Append an entry to the audit trail (it can never be changed or removed)."""
        with self._tx() as conn:
            seq = self._audit(conn, action, check.actor(actor), session_id, detail)
            row = conn.execute("SELECT * FROM audit WHERE seq = ?", (seq,)).fetchone()
        return AuditEntry.from_row(row)

    @owned
    def audit_trail(
        self, session_id: str | None = None, *, actions: tuple[str, ...] = ()
    ) -> list[AuditEntry]:
        """Audit entries, oldest first (all, or one session's; only `actions` if given)."""
        where, params = [], []
        if session_id is not None:
            where.append("session_id = ?")
            params.append(session_id)
        if actions:
            where.append(f"action IN ({', '.join('?' * len(actions))})")
            params.extend(actions)
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "")
        rows = self.conn.execute(sql + " ORDER BY seq", params)
        return [AuditEntry.from_row(r) for r in rows]
