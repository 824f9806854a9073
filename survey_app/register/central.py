"""The central linking register on the data manager's side (principal investigator's key).

An encrypted SQLCipher file keyed from the register's private key (HKDF, as the import record
is keyed from the study key), so whoever can open it could already open the snapshots. It
merges laptop snapshots (newest entry wins, corrections included), keeps consent records and
withdrawals, records contact attempts, and erases a code at a participant's request, keeping
only a keyed hash so that a later snapshot cannot bring the entry back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3

from survey_app.importer.record import record_key
from survey_app.private_files import private_database
from survey_app.register import model as m
from survey_app.register.model import ConsentEntry, Person, RegisterError, Withdrawal
from survey_app.register.snapshot_file import Snapshot
from survey_app.sealing.device_keys import device_id_for
from survey_app.trial.notices import normalise_scopes

CENTRAL_FILE = "central-register.db"
_KEY_INFO = b"survey-app/central-register/v1"
_HASH_INFO = b"survey-app/central-register/code-hash/v1"
CORRECTABLE = ("name", "phone", "email", "address", "language")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS people (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL, email TEXT NOT NULL,
    address TEXT NOT NULL, language TEXT NOT NULL, registered_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, staff TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consents (
    id TEXT PRIMARY KEY, code TEXT NOT NULL, entry TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS withdrawals (
    id TEXT PRIMARY KEY, code TEXT, code_hash TEXT NOT NULL, scopes TEXT NOT NULL,
    effective_date TEXT NOT NULL, recorded_at TEXT NOT NULL, staff TEXT NOT NULL,
    source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (
    id TEXT PRIMARY KEY, code TEXT NOT NULL, timepoint TEXT NOT NULL, channel TEXT NOT NULL,
    at TEXT NOT NULL, outcome TEXT NOT NULL, staff TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tombstones (
    code_hash TEXT PRIMARY KEY, at TEXT NOT NULL, reference TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, created_at TEXT NOT NULL,
    imported_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, first_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL,
    code_hash TEXT, detail TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
"""


@dataclass(frozen=True)
class Attempt:
    """One contact attempt for a follow-up: how, when, with what result."""

    id: str
    code: str
    timepoint: str
    channel: str
    at: str
    outcome: str
    staff: str


@dataclass
class SnapshotSummary:
    """What importing one snapshot did (counts only)."""

    new_people: int = 0
    updated_people: int = 0
    consents: int = 0
    withdrawals: int = 0
    refused_erased: int = 0
    erased: list[str] = field(default_factory=list)
    first_use_device: str | None = None
    already_imported: bool = False


class CentralRegister:
    """Open with `CentralRegister.open(folder, identity)`; use as a context manager."""

    def __init__(self, conn: sqlcipher3.Connection, path: Path, hash_key: bytes) -> None:
        self._conn = conn
        self.path = path
        self._hash_key = hash_key

    @classmethod
    def open(cls, folder: Path, identity: str) -> CentralRegister:
        """Open or create the central register in folder (RegisterError: another key)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / CENTRAL_FILE
        private_database(path)
        conn = sqlcipher3.connect(str(path), isolation_level=None)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{record_key(identity, _KEY_INFO).hex()}'\"")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            conn.close()
            raise RegisterError(
                "The central register in this folder was made with another key, or it is damaged."
            ) from None
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA secure_delete = ON")
        conn.executescript(_SCHEMA)
        conn.row_factory = sqlcipher3.Row
        return cls(conn, path, record_key(identity, _HASH_INFO))

    def close(self) -> None:
        """Close the database."""
        self._conn.close()

    def __enter__(self) -> CentralRegister:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlcipher3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def code_hash(self, code: str) -> str:
        """A keyed hash of a code: stable, not reversible without the register key."""
        return hmac.new(self._hash_key, f"code\0{code}".encode(), hashlib.sha256).hexdigest()

    def _audit(self, conn, at: str, action: str, code: str | None, detail: dict | None = None):
        conn.execute(
            "INSERT INTO audit (at, action, code_hash, detail) VALUES (?, ?, ?, ?)",
            (at, action, None if code is None else self.code_hash(code), json.dumps(detail or {})),
        )

    def meta(self, key: str) -> str | None:
        """A stored setting (the study id the register belongs to)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def erased(self, code: str) -> bool:
        """True when the code was erased here at the participant's request."""
        row = self._conn.execute(
            "SELECT 1 FROM tombstones WHERE code_hash = ?", (self.code_hash(code),)
        ).fetchone()
        return row is not None

    # -- importing laptop snapshots ---------------------------------------------------------

    def import_snapshot(self, snapshot: Snapshot, *, study_id: str, at: str) -> SnapshotSummary:
        """Merge one laptop's snapshot; withdrawals that ask for erasure are applied at once."""
        payload, envelope = snapshot.payload, snapshot.envelope
        if payload.get("study_id") != study_id:
            raise RegisterError("{name} belongs to another study.", name=snapshot.path.name)
        owner = self.meta("study_id")
        if owner is not None and owner != study_id:
            raise RegisterError("This central register belongs to study {study}.", study=owner)
        summary = SnapshotSummary()
        device, public = str(envelope["device_id"]), str(envelope["device_public_key"])
        if device_id_for(public) != device:
            raise RegisterError("{name}: the laptop's key does not match its id.",
                                name=snapshot.path.name)  # fmt: skip
        erase_now: list[tuple[str, str]] = []
        with self._tx() as conn:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('study_id', ?)", (study_id,))
            known = conn.execute(
                "SELECT public_key FROM devices WHERE device_id = ?", (device,)
            ).fetchone()
            if known is not None and known[0] != public:
                raise RegisterError("{name} was signed by a new key for a known laptop.",
                                    name=snapshot.path.name)  # fmt: skip
            if known is None:
                conn.execute("INSERT INTO devices VALUES (?, ?, ?)", (device, public, at))
                summary.first_use_device = device
            seen = conn.execute(
                "SELECT 1 FROM snapshots WHERE snapshot_id = ?", (payload["snapshot_id"],)
            ).fetchone()
            if seen is not None:
                summary.already_imported = True
                return summary
            conn.execute(
                "INSERT INTO snapshots VALUES (?, ?, ?, ?)",
                (payload["snapshot_id"], device, str(payload["created_at"]), at),
            )
            for person in payload.get("people") or ():
                self._merge_person(conn, person, device, summary)
            for entry in payload.get("consents") or ():
                if self.erased(entry["code"]):
                    summary.refused_erased += 1
                    continue
                added = conn.execute(
                    "INSERT OR IGNORE INTO consents VALUES (?, ?, ?, ?)",
                    (entry["id"], entry["code"], json.dumps(entry, ensure_ascii=False), device),
                ).rowcount
                summary.consents += added
            for w in payload.get("withdrawals") or ():
                if not self._add_withdrawal(conn, w, device):
                    continue
                summary.withdrawals += 1
                if "erase" in w["scopes"]:
                    erase_now.append((w["code"], f"withdrawal {w['id'][:8]}"))
                    summary.erased.append(w["id"][:8])
            self._audit(conn, at, "snapshot_imported", None, {"snapshot": payload["snapshot_id"]})
        for code, reference in erase_now:
            self.erase(code, at=at, reference=reference)
        return summary

    def _merge_person(self, conn, person: dict, device: str, summary: SnapshotSummary) -> None:
        code = str(person["code"])
        if self.erased(code):
            summary.refused_erased += 1
            return
        old = conn.execute("SELECT updated_at FROM people WHERE code = ?", (code,)).fetchone()
        values = (code, person["name"], person["phone"], person["email"], person["address"],
                  person["language"], person["registered_at"], person["updated_at"],
                  person["staff"], device)  # fmt: skip
        if old is None:
            conn.execute("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
            summary.new_people += 1
        elif str(person["updated_at"]) > str(old[0]):
            # Newest wins; a correction made here is newer than the laptop entry it corrects.
            conn.execute("INSERT OR REPLACE INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         values)  # fmt: skip
            summary.updated_people += 1

    def _add_withdrawal(self, conn, w: dict, source: str) -> bool:
        scopes = normalise_scopes(w["scopes"])
        code = str(w["code"])
        return bool(
            conn.execute(
                "INSERT OR IGNORE INTO withdrawals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (w["id"], None if self.erased(code) else code, self.code_hash(code),
                 json.dumps(list(scopes)), w["effective_date"], w["recorded_at"], w["staff"],
                 source),
            ).rowcount
        )  # fmt: skip

    # -- finding -----------------------------------------------------------------------------

    def person(self, code: str) -> Person | None:
        """One participant's current entry."""
        row = self._conn.execute("SELECT * FROM people WHERE code = ?", (code,)).fetchone()
        return None if row is None else _person(row)

    def people(self) -> list[Person]:
        """Every entry, by code."""
        return [_person(r) for r in self._conn.execute("SELECT * FROM people ORDER BY code")]

    def find_name(self, query: str) -> list[Person]:
        """Entries whose name holds every word of the query (case, accents, Arabic marks folded)."""
        if not m.search_key(query):
            raise RegisterError("Write a name to search for.")
        return [p for p in self.people() if m.name_matches(p.name, query)]

    def consents(self, code: str) -> list[ConsentEntry]:
        """A code's consent records, oldest first."""
        rows = self._conn.execute("SELECT entry FROM consents WHERE code = ?", (code,))
        entries = [ConsentEntry(**json.loads(r[0])) for r in rows]
        return sorted(entries, key=lambda e: e.at)

    def withdrawals(self, code: str | None = None) -> list[Withdrawal]:
        """Withdrawals still linked to a code (all, or one code's)."""
        sql = "SELECT * FROM withdrawals WHERE code IS NOT NULL"
        params: tuple[str, ...] = ()
        if code is not None:
            sql, params = sql + " AND code = ?", (code,)
        rows = self._conn.execute(sql + " ORDER BY recorded_at", params)
        return [
            Withdrawal(r["id"], r["code"], tuple(json.loads(r["scopes"])), r["effective_date"],
                       r["recorded_at"], r["staff"])
            for r in rows
        ]  # fmt: skip

    def contact_stopped(self, code: str) -> bool:
        """True when the participant asked not to be contacted again (or was erased)."""
        if self.erased(code):
            return True
        return any("contact" in w.scopes for w in self.withdrawals(code))

    def collection_stopped(self, code: str) -> bool:
        """True when the participant withdrew from further data collection."""
        return self.erased(code) or any("collection" in w.scopes for w in self.withdrawals(code))

    # -- changes by the data manager ---------------------------------------------------------

    def correct(self, code: str, field_name: str, value: str, *, at: str) -> Person:
        """Rectify one field of an entry (audited: which field, never the value)."""
        if field_name not in CORRECTABLE:
            raise RegisterError("Only {fields} can be corrected.", fields=", ".join(CORRECTABLE))
        person = self.person(code)
        if person is None:
            raise RegisterError("The register holds no entry for this code.")
        clean = {
            "name": m.clean_name,
            "phone": m.clean_phone,
            "email": m.clean_email,
            "address": m.clean_address,
            "language": m.clean_language,
        }[field_name](value)
        with self._tx() as conn:
            conn.execute(
                f"UPDATE people SET {field_name} = ?, updated_at = ?, source = 'correction' "
                "WHERE code = ?",
                (clean, at, code),
            )
            self._audit(conn, at, "corrected", code, {"field": field_name})
        corrected = self.person(code)
        assert corrected is not None
        return corrected

    def record_withdrawal(
        self, code: str, scopes: list[str], effective_date: str, *, staff: str, at: str
    ) -> Withdrawal:
        """A withdrawal received by the research team directly (by phone, letter, e-mail)."""
        entry = {
            "id": str(uuid.uuid4()),
            "code": code,
            "scopes": list(normalise_scopes(scopes)),
            "effective_date": effective_date,
            "recorded_at": at,
            "staff": m.clean_initials(staff),
        }
        with self._tx() as conn:
            self._add_withdrawal(conn, entry, "data-manager")
            self._audit(conn, at, "withdrawal_recorded", code, {"scopes": entry["scopes"]})
        if "erase" in entry["scopes"]:
            self.erase(code, at=at, reference=f"withdrawal {entry['id'][:8]}")
        return Withdrawal(entry["id"], code, tuple(entry["scopes"]), effective_date, at,
                          entry["staff"])  # fmt: skip

    def record_attempt(
        self, code: str, *, timepoint: str, channel: str, at: str, outcome: str, staff: str
    ) -> Attempt:
        """Record one contact attempt (letter, SMS, call, e-mail) for a follow-up."""
        if channel not in m.CHANNELS:
            raise RegisterError("The channel is one of {channels}.", channels=", ".join(m.CHANNELS))
        if self.contact_stopped(code):
            raise RegisterError("This participant asked not to be contacted again.")
        if self.person(code) is None:
            raise RegisterError("The register holds no entry for this code.")
        at = m.clean_moment(at)
        attempt = Attempt(str(uuid.uuid4()), code, timepoint, channel, at,
                          m.clean_note(outcome, "outcome"), m.clean_initials(staff))  # fmt: skip
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?)", tuple(vars(attempt).values())
            )
            self._audit(conn, at, "contact_attempt", code, {"channel": channel})
        return attempt

    def attempts(self, code: str | None = None) -> list[Attempt]:
        """Contact attempts (all, or one code's), oldest first."""
        sql, params = "SELECT * FROM attempts", ()
        if code is not None:
            sql, params = sql + " WHERE code = ?", (code,)
        rows = self._conn.execute(sql + " ORDER BY at, rowid", params)
        return [Attempt(*tuple(r)) for r in rows]

    def erase(self, code: str, *, at: str, reference: str = "") -> dict[str, int]:
        """Erase a code's entry, consent records and contact attempts; keep a keyed tombstone."""
        with self._tx() as conn:
            counts = {
                "people": conn.execute("DELETE FROM people WHERE code = ?", (code,)).rowcount,
                "consents": conn.execute("DELETE FROM consents WHERE code = ?", (code,)).rowcount,
                "attempts": conn.execute("DELETE FROM attempts WHERE code = ?", (code,)).rowcount,
            }
            conn.execute("UPDATE withdrawals SET code = NULL WHERE code = ?", (code,))
            conn.execute(
                "INSERT OR IGNORE INTO tombstones VALUES (?, ?, ?)",
                (self.code_hash(code), at, reference),
            )
            self._audit(conn, at, "erased", code, {**counts, "reference": reference})
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return counts

    def participant_copy(self, code: str) -> dict[str, Any]:
        """Everything the register holds about a code (for the participant's right of access)."""
        person = self.person(code)
        return {
            "person": None if person is None else person.to_json(),
            "consents": [c.to_json() for c in self.consents(code)],
            "withdrawals": [w.to_json() for w in self.withdrawals(code)],
            "contact_attempts": [dict(vars(a)) for a in self.attempts(code)],
            "erased": self.erased(code),
        }


def _person(row: sqlcipher3.Row) -> Person:
    return Person(*(row[k] for k in ("code", "name", "phone", "email", "address", "language",
                                     "registered_at", "updated_at", "staff")))  # fmt: skip
