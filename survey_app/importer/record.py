"""The importer's own record: an encrypted SQLCipher database of everything taken so far.

Keyed from the study private key (HKDF-SHA256), so whoever can open the record could already
decrypt the bundles. Accepted submissions are append-only (SQL triggers refuse UPDATE and
DELETE), so a later import can add but never change or lose what was imported before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from survey_app.errors import UserFacingError

RECORD_NAME = "import-record.db"
SCHEMA_VERSION = 1
_INFO = b"survey-app/import-record/v1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    submission_id TEXT PRIMARY KEY,
    payload_sha256 TEXT NOT NULL,
    envelope_sha256 TEXT NOT NULL,
    device_id TEXT NOT NULL,
    timepoint TEXT NOT NULL,
    language TEXT NOT NULL,
    payload TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS submissions_no_update BEFORE UPDATE ON submissions
    BEGIN SELECT RAISE(ABORT, 'imported submissions are never changed'); END;
CREATE TRIGGER IF NOT EXISTS submissions_no_delete BEFORE DELETE ON submissions
    BEGIN SELECT RAISE(ABORT, 'imported submissions are never deleted'); END;
CREATE TABLE IF NOT EXISTS conflicts (
    submission_id TEXT NOT NULL,
    payload_sha256 TEXT NOT NULL,
    device_id TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (submission_id, payload_sha256)
);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    trust TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    first_bundle TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bundles (
    file_sha256 TEXT PRIMARY KEY,
    bundle_id TEXT NOT NULL,
    signer_device_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    first_imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outputs (
    name TEXT PRIMARY KEY,
    content_sha256 TEXT NOT NULL,
    file_sha256 TEXT NOT NULL
);
"""


class RecordError(UserFacingError):
    """The import record cannot be opened with this study key."""


@dataclass(frozen=True)
class KnownSubmission:
    """What the record holds about one accepted submission."""

    submission_id: str
    payload_sha256: str
    device_id: str


@dataclass(frozen=True)
class DeviceTrust:
    """A device key the record has seen, and why it is trusted."""

    device_id: str
    public_key: str
    trust: str  # "known" (from --known-devices) | "first-use"
    first_seen_at: str
    first_bundle: str


def record_key(identity: str) -> bytes:
    """Derive the 32-byte database key from the study's age secret key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO)
    return hkdf.derive(identity.strip().encode("ascii"))


class ImportRecord:
    """Open with `ImportRecord.open(out_dir, identity)`; use as a context manager."""

    def __init__(self, conn: sqlcipher3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, out_dir: Path, identity: str) -> ImportRecord:
        """Open (or create) the record in out_dir; RecordError if it belongs to another key."""
        path = Path(out_dir) / RECORD_NAME
        conn = sqlcipher3.connect(str(path), isolation_level=None)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{record_key(identity).hex()}'\"")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            conn.close()
            raise RecordError(
                f"{path.name} in the output folder was made with another study key (or is "
                "damaged); use a new output folder for this study"
            ) from None
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.executescript(_SCHEMA)
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        return cls(conn, path)

    def close(self) -> None:
        """Close the database."""
        self._conn.close()

    def __enter__(self) -> ImportRecord:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: one bundle's additions are committed together or not at all."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        """A stored setting (e.g. the study id the record belongs to)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        self._conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def envelope_hashes(self) -> dict[str, str]:
        """submission id -> envelope sha256 of every accepted submission."""
        rows = self._conn.execute("SELECT submission_id, envelope_sha256 FROM submissions")
        return {r[0]: r[1] for r in rows}

    def submission_hashes(self) -> dict[str, str]:
        """submission id -> payload sha256 of every accepted submission."""
        rows = self._conn.execute("SELECT submission_id, payload_sha256 FROM submissions")
        return {r[0]: r[1] for r in rows}

    def add_submission(
        self,
        *,
        payload: dict[str, Any],
        payload_sha256: str,
        envelope_sha256: str,
        device_id: str,
        bundle_sha256: str,
        at: str,
    ) -> None:
        """Record an accepted submission (its decrypted payload stays inside the record)."""
        session = payload.get("session") or {}
        self._conn.execute(
            "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                payload["submission_id"],
                payload_sha256,
                envelope_sha256,
                device_id,
                str(session.get("timepoint", "")),
                str(session.get("language", "")),
                json.dumps(payload, ensure_ascii=False, sort_keys=True),
                bundle_sha256,
                at,
            ),
        )

    def add_conflict(
        self, submission_id: str, payload_sha256: str, device_id: str, bundle: str, at: str
    ) -> bool:
        """Note a second, different content under an id; False if it was noted before."""
        cur = self._conn.execute(
            "INSERT OR IGNORE INTO conflicts VALUES (?, ?, ?, ?, ?)",
            (submission_id, payload_sha256, device_id, bundle, at),
        )
        return cur.rowcount == 1

    def conflicts(self) -> list[tuple[str, str, str]]:
        """(submission id, conflicting payload sha256, device id) of every conflict seen."""
        rows = self._conn.execute(
            "SELECT submission_id, payload_sha256, device_id FROM conflicts ORDER BY 1, 2"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def payloads(self) -> Iterator[dict[str, Any]]:
        """Every accepted payload, in submission id order."""
        rows = self._conn.execute("SELECT payload FROM submissions ORDER BY submission_id")
        for (text,) in rows:
            yield json.loads(text)

    def totals(self) -> list[tuple[str, str, str, int]]:
        """(device id, timepoint, language, count) over everything accepted so far."""
        rows = self._conn.execute(
            "SELECT device_id, timepoint, language, count(*) FROM submissions "
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def device(self, device_id: str) -> DeviceTrust | None:
        """The trusted key of a device, if any."""
        row = self._conn.execute(
            "SELECT device_id, public_key, trust, first_seen_at, first_bundle FROM devices "
            "WHERE device_id = ?",
            (device_id,),
        ).fetchone()
        return DeviceTrust(*row) if row else None

    def devices(self) -> list[DeviceTrust]:
        """Every device key the record trusts."""
        rows = self._conn.execute(
            "SELECT device_id, public_key, trust, first_seen_at, first_bundle FROM devices "
            "ORDER BY device_id"
        )
        return [DeviceTrust(*r) for r in rows]

    def add_device(self, trust: DeviceTrust) -> None:
        """Remember a device key (first use or from the known-devices list)."""
        self._conn.execute(
            "INSERT OR IGNORE INTO devices VALUES (?, ?, ?, ?, ?)",
            (
                trust.device_id,
                trust.public_key,
                trust.trust,
                trust.first_seen_at,
                trust.first_bundle,
            ),
        )

    def add_bundle(self, file_sha256: str, bundle_id: str, signer: str, created: str, at: str):
        """Remember a bundle file that was accepted."""
        self._conn.execute(
            "INSERT OR IGNORE INTO bundles VALUES (?, ?, ?, ?, ?)",
            (file_sha256, bundle_id, signer, created, at),
        )

    def output(self, name: str) -> tuple[str, str] | None:
        """(content sha256, file sha256) of an output file as last written."""
        row = self._conn.execute(
            "SELECT content_sha256, file_sha256 FROM outputs WHERE name = ?", (name,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def set_output(self, name: str, content_sha256: str, file_sha256: str) -> None:
        """Remember what an output file holds."""
        self._conn.execute(
            "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)", (name, content_sha256, file_sha256)
        )
