"""The importer's own record: an encrypted SQLCipher database of everything taken so far.

Keyed from the study private key (HKDF-SHA256), so whoever can open the record could already
decrypt the bundles. Accepted submissions are append-only (SQL triggers refuse UPDATE and
DELETE), so a later import can add but never change or lose what was imported before.

The one exception is a participant's erasure (`erase_code`): the DELETE trigger lets a row go
only while an `erase_authorised` row names it, and that row exists only inside the erasure's own
transaction. The erasure log keeps keyed hashes of the code and the submission ids, never the
code, and `add_submission` refuses anything it matches, so an old bundle cannot bring it back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from survey_app.errors import UserFacingError, disk_problem
from survey_app.private_files import private_database
from survey_app.sealing.canonical import sorted_json

RECORD_NAME = "import-record.db"
SCHEMA_VERSION = 2
_INFO = b"survey-app/import-record/v1"
_ERASURE_INFO = b"survey-app/import-record/erasure/v1"

# Encrypted pages of 64 KiB: a payload (~18 kB) fits in one page instead of a chain of five,
# which cuts SQLCipher's per-page work (IV, HMAC, key set-up) on an import's inserts by ~40%
# (~0.09 s of CPU for 2,000). Records made before keep the default and open as they are.
PAGE_SIZE = 65536
LEGACY_PAGE_SIZE = 4096
# The log is copied into the database every ~4 MB (SQLite's default of 1,000 pages of 4 KiB),
# whatever the page size: during the import, between bundles, not all at once when the record
# is closed (with 1,000 pages of 64 KiB that was ~0.05 s of an import's tail).
CHECKPOINT_BYTES = 1000 * LEGACY_PAGE_SIZE

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
-- The report's totals by laptop, timepoint and language read this, not every row's page
-- (~0.015 s after an import of 2,000, in its tail; a record from before gets it when opened).
CREATE INDEX IF NOT EXISTS submissions_by_origin ON submissions(device_id, timepoint, language);
-- What was imported before, read at the start of every import: from this small index, not from
-- the rows, whose 64 KiB pages each hold a whole payload (~0.1 s for 2,000 without it).
CREATE INDEX IF NOT EXISTS submissions_hashes
    ON submissions(submission_id, envelope_sha256, payload_sha256);
CREATE TRIGGER IF NOT EXISTS submissions_no_update BEFORE UPDATE ON submissions
    BEGIN SELECT RAISE(ABORT, 'imported submissions are never changed'); END;
DROP TRIGGER IF EXISTS submissions_no_delete;
CREATE TABLE IF NOT EXISTS erase_authorised (submission_id TEXT PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS submissions_delete_only_erased BEFORE DELETE ON submissions
    WHEN NOT EXISTS (SELECT 1 FROM erase_authorised WHERE submission_id = OLD.submission_id)
    BEGIN SELECT RAISE(ABORT, 'imported submissions are deleted only by an erasure'); END;
CREATE TABLE IF NOT EXISTS erasures (
    erasure_id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    submissions INTEGER NOT NULL,
    reference TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS erased_submissions (
    submission_hash TEXT PRIMARY KEY,
    erasure_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS erasure_refusals (
    at TEXT NOT NULL,
    erasure_id TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS erasures_no_update BEFORE UPDATE ON erasures
    BEGIN SELECT RAISE(ABORT, 'the erasure log is never changed'); END;
CREATE TRIGGER IF NOT EXISTS erasures_no_delete BEFORE DELETE ON erasures
    BEGIN SELECT RAISE(ABORT, 'the erasure log is never changed'); END;
CREATE TRIGGER IF NOT EXISTS erased_submissions_no_update BEFORE UPDATE ON erased_submissions
    BEGIN SELECT RAISE(ABORT, 'the erasure log is never changed'); END;
CREATE TRIGGER IF NOT EXISTS erased_submissions_no_delete BEFORE DELETE ON erased_submissions
    BEGIN SELECT RAISE(ABORT, 'the erasure log is never changed'); END;
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


@dataclass(frozen=True)
class ErasureEntry:
    """One audited erasure: when, a keyed hash of the code (never the code), how many."""

    erasure_id: str
    at: str
    code_hash: str
    submissions: int
    reference: str


def stored_text(payload: Mapping[str, Any]) -> str:
    """The text the record keeps of an accepted payload: compact, keys sorted.

    Its sha256 is the payload's identity (payload_sha256) between import runs.
    """
    return sorted_json(payload)


def record_key(identity: str, info: bytes = _INFO) -> bytes:
    """Derive the 32-byte database key (or another purpose's key) from the study's age key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info)
    return hkdf.derive(identity.strip().encode("ascii"))


class ImportRecord:
    """Open with `ImportRecord.open(out_dir, identity)`; use as a context manager."""

    def __init__(self, conn: sqlcipher3.Connection, path: Path, hash_key: bytes) -> None:
        self._conn = conn
        self.path = path
        self._hash_key = hash_key
        # Whether a log (erasures, withdrawals) has any entry, learnt once per transaction
        # (see `logged`): while it is empty, nothing needs hashing or looking up per submission.
        self._logged: dict[str, bool] = {}
        # Set by survey_app.importer.trial_record once its tables are known to be committed.
        self.trial_tables_ready = False

    @classmethod
    def open(cls, out_dir: Path, identity: str) -> ImportRecord:
        """Open (or create) the record in out_dir; RecordError if it belongs to another key."""
        path = Path(out_dir) / RECORD_NAME
        new = not path.exists() or path.stat().st_size == 0
        private_database(path)
        key = record_key(identity)
        # A new record has large pages; one made before them keeps SQLCipher's default size.
        sizes = (PAGE_SIZE,) if new else (LEGACY_PAGE_SIZE, PAGE_SIZE)
        for attempt, size in enumerate(sizes, start=1):
            conn = sqlcipher3.connect(str(path), isolation_level=None)
            try:
                conn.execute("PRAGMA cipher_log_level = NONE")
                conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
                conn.execute(f"PRAGMA cipher_page_size = {size}")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                break
            except sqlcipher3.DatabaseError as exc:
                conn.close()
                if disk_problem(exc):
                    raise  # a full or read-only folder, not a wrong key: run_import says which
                if attempt == len(sizes):
                    raise RecordError(
                        f"{path.name} in the output folder was made with another study key "
                        "(or is damaged); use a new output folder for this study"
                    ) from None
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_BYTES // size}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA temp_store = MEMORY")
        # Every freed page is zeroed, not only during an erasure: a page freed earlier (a
        # B-tree rebalance during an import) would otherwise keep decrypted answers that an
        # erasure can no longer reach.
        conn.execute("PRAGMA secure_delete = ON")
        # One transaction: a new record's ~20 statements would otherwise each wait for the
        # disk (WAL, synchronous FULL) before the first bundle can even be read.
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;{_SCHEMA}INSERT OR REPLACE INTO meta(key, value) "
                f"VALUES ('schema_version', '{int(SCHEMA_VERSION)}');COMMIT;"
            )
        except BaseException:
            conn.close()  # rolls the half-made schema back and lets go of the write lock
            raise
        return cls(conn, path, record_key(identity, _ERASURE_INFO))

    def close(self) -> None:
        """Close the database."""
        self._conn.close()

    @property
    def conn(self) -> sqlcipher3.Connection:
        """The open connection, for the trial tables (survey_app.importer.trial_record)."""
        return self._conn

    def __enter__(self) -> ImportRecord:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: one bundle's additions are committed together or not at all."""
        self._conn.execute("BEGIN IMMEDIATE")
        # Another process may have logged an erasure or a withdrawal since: look again, under
        # the write lock.
        self._logged.clear()
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
        submission_id: str,
        session: Mapping[str, Any],
        payload_text: str,
        payload_sha256: str,
        envelope_sha256: str,
        device_id: str,
        bundle_sha256: str,
        at: str,
    ) -> bool:
        """Record an accepted payload (its stored_text); False (a refusal noted) if erased."""
        erased = self.erased_by(submission_id, str(session.get("participant_code")))
        if erased is not None:
            self._conn.execute(
                "INSERT INTO erasure_refusals VALUES (?, ?, ?)", (at, erased, bundle_sha256)
            )
            return False
        self._conn.execute(
            "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                submission_id,
                payload_sha256,
                envelope_sha256,
                device_id,
                str(session.get("timepoint", "")),
                str(session.get("language", "")),
                payload_text,
                bundle_sha256,
                at,
            ),
        )
        return True

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

    def submission_ids(self) -> list[str]:
        """Every accepted submission id, in order."""
        rows = self._conn.execute("SELECT submission_id FROM submissions ORDER BY submission_id")
        return [r[0] for r in rows]

    def code_of_submission(self, submission_id: str) -> str | None:
        """The participant code exactly as stored in an accepted submission (None: not held)."""
        row = self._conn.execute(
            "SELECT json_extract(payload, '$.session.participant_code') FROM submissions "
            "WHERE submission_id = ?",
            (submission_id,),
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def payload_texts(self, submission_ids: list[str]) -> list[str]:
        """The stored_text of these accepted submissions, in the order given."""
        texts: dict[str, str] = {}
        for start in range(0, len(submission_ids), 500):
            chunk = submission_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT submission_id, payload FROM submissions WHERE submission_id IN ({marks})",
                chunk,
            )
            texts.update((r[0], r[1]) for r in rows)
        return [texts[sid] for sid in submission_ids]

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

    def status_totals(self) -> dict[str, int]:
        """Session status -> count over everything accepted so far (old payloads: completed)."""
        rows = self._conn.execute(
            "SELECT coalesce(json_extract(payload, '$.session.status'), 'completed'), count(*) "
            "FROM submissions GROUP BY 1 ORDER BY 1"
        )
        return {r[0]: r[1] for r in rows}

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

    def forget_output(self, name: str) -> None:
        """Drop what was remembered about an output file (it was removed)."""
        self._conn.execute("DELETE FROM outputs WHERE name = ?", (name,))

    def output_names(self) -> list[str]:
        """Every output file name the record remembers."""
        return [r[0] for r in self._conn.execute("SELECT name FROM outputs ORDER BY name")]

    def keyed_hash(self, kind: str, value: str) -> str:
        """HMAC-SHA256 under a key derived from the study key: stable, unreadable without it."""
        message = f"{kind}\0{value}".encode()
        return hmac.new(self._hash_key, message, hashlib.sha256).hexdigest()

    def logged(self, log: str, exists_query: str) -> bool:
        """Whether a log holds any entry (`exists_query`: SELECT EXISTS ...).

        Asked once per transaction (BEGIN IMMEDIATE forgets it: another process may have added
        one), and outside one every time; `note_logged` after adding an entry.
        """
        if log not in self._logged or not self._conn.in_transaction:
            self._logged[log] = bool(self._conn.execute(exists_query).fetchone()[0])
        return self._logged[log]

    def note_logged(self, log: str) -> None:
        """An entry was just added to a log: later questions in this transaction find it."""
        self._logged[log] = True

    def erased_by(self, submission_id: str, code: str) -> str | None:
        """The erasure id covering this submission id or participant code, if any."""
        if not self.logged(
            "erasures",
            "SELECT EXISTS (SELECT 1 FROM erasures) OR EXISTS (SELECT 1 FROM erased_submissions)",
        ):
            return None
        row = self._conn.execute(
            "SELECT erasure_id FROM erased_submissions WHERE submission_hash = ?",
            (self.keyed_hash("submission", submission_id),),
        ).fetchone()
        if row is None:
            row = self._conn.execute(
                "SELECT erasure_id FROM erasures WHERE code_hash = ? ORDER BY at LIMIT 1",
                (self.keyed_hash("code", code),),
            ).fetchone()
        return row[0] if row else None

    def payloads_of(self, code: str) -> list[tuple[dict[str, Any], str]]:
        """(payload, imported at) of every accepted submission of one participant code."""
        rows = self._conn.execute(
            "SELECT payload, imported_at FROM submissions WHERE "
            "json_extract(payload, '$.session.participant_code') = ? ORDER BY submission_id",
            (code,),
        )
        return [(json.loads(text), at) for text, at in rows]

    def erase_code(self, code: str, *, at: str, reference: str) -> ErasureEntry:
        """Delete every submission (and conflict note) of a code and log it, all or nothing."""
        # Freed pages are zeroed, and the checkpoint below empties the WAL, so the decrypted
        # payloads do not linger in the file for whoever holds the key.
        self._conn.execute("PRAGMA secure_delete = ON")
        with self.transaction():
            self.note_logged("erasures")
            # The trigger lets exactly these rows go, and only inside this transaction.
            ids = [(p["submission_id"],) for p, _ in self.payloads_of(code)]
            entry = ErasureEntry(
                str(uuid.uuid4()), at, self.keyed_hash("code", code), len(ids), reference
            )
            self._conn.executemany("INSERT INTO erase_authorised VALUES (?)", ids)
            self._conn.executemany("DELETE FROM submissions WHERE submission_id = ?", ids)
            self._conn.execute("DELETE FROM erase_authorised")
            self._conn.executemany("DELETE FROM conflicts WHERE submission_id = ?", ids)
            self._conn.executemany(
                "INSERT OR IGNORE INTO erased_submissions VALUES (?, ?)",
                [(self.keyed_hash("submission", i), entry.erasure_id) for (i,) in ids],
            )
            self._conn.execute(
                "INSERT INTO erasures VALUES (?, ?, ?, ?, ?)",
                (entry.erasure_id, at, entry.code_hash, entry.submissions, reference),
            )
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return entry

    def erasures(self, code: str | None = None) -> list[ErasureEntry]:
        """The erasure log (oldest first), or only the entries of one code."""
        sql = "SELECT erasure_id, at, code_hash, submissions, reference FROM erasures"
        params: tuple[str, ...] = ()
        if code is not None:
            sql += " WHERE code_hash = ?"
            params = (self.keyed_hash("code", code),)
        return [ErasureEntry(*r) for r in self._conn.execute(sql + " ORDER BY at", params)]

    def refusals(self, erasure_id: str) -> int:
        """How many times an import offered something this erasure covers (and was refused)."""
        row = self._conn.execute(
            "SELECT count(*) FROM erasure_refusals WHERE erasure_id = ?", (erasure_id,)
        ).fetchone()
        return int(row[0])
