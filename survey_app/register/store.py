"""The laptop's linking register: a second SQLCipher file with its own passphrase.

Same key derivation and file handling as the device store (survey_app.store.unlock), but a
different file, a different passphrase and a different key: whoever unlocks the answers cannot
read the names, and the reverse. Its signing key signs the register snapshots it exports.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Self

import sqlcipher3

from survey_app.answers.codes import validate_code
from survey_app.answers.errors import AnswerError
from survey_app.register import model as m
from survey_app.register.model import ConsentEntry, Person, RegisterError, Withdrawal
from survey_app.sealing.device_keys import DeviceKey
from survey_app.store.connection import connect, unlock
from survey_app.store.errors import StoreCorrupt, StoreExists, StoreNotFound
from survey_app.store.paths import header_path
from survey_app.store.records import iso_utc, to_json, utc_now
from survey_app.store.unlock import KdfParams, UnlockGuard, new_header, write_header
from survey_app.trial.notices import normalise_scopes

REGISTER_FILE = "linking-register.db"
SNAPSHOT_FORMAT = "survey-app/register-snapshot/v1"

_SCHEMA = (
    """CREATE TABLE signer (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        private_key BLOB NOT NULL,
        device_id TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE people (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        staff TEXT NOT NULL)""",
    """CREATE TABLE consent_records (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        timepoint TEXT NOT NULL,
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        form_hash TEXT NOT NULL,
        language TEXT NOT NULL,
        reading TEXT NOT NULL,
        audio TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL,
        at TEXT NOT NULL,
        staff TEXT NOT NULL,
        witness TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL CHECK (outcome IN ('given', 'declined')),
        decisions TEXT NOT NULL DEFAULT '{}')""",
    "CREATE INDEX consents_by_code ON consent_records (code)",
    """CREATE TABLE withdrawals (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        scopes TEXT NOT NULL,
        effective_date TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        staff TEXT NOT NULL)""",
    """CREATE TABLE exports (
        snapshot_id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        people INTEGER NOT NULL,
        consents INTEGER NOT NULL,
        withdrawals INTEGER NOT NULL)""",
    # Who did what, by code: never a name, phone number or address.
    """CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        code TEXT,
        detail TEXT NOT NULL DEFAULT '{}')""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    "PRAGMA user_version = 1",
)

Clock = Callable[[], datetime]


def register_path_in(data_dir: Path) -> Path:
    """The register file inside a laptop's data folder (beside the device store)."""
    return Path(data_dir) / REGISTER_FILE


def register_exists(path: Path) -> bool:
    """True when a register (database and key header) exists at path."""
    path = Path(path)
    return path.is_file() and header_path(path).is_file()


class RegisterStore:
    """Open with `RegisterStore.create(...)` or `.open(...)`; one thread, like the device store."""

    def __init__(self, conn: sqlcipher3.Connection, path: Path, clock: Clock | None) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock or utc_now
        row = conn.execute("SELECT private_key, device_id FROM signer WHERE id = 1").fetchone()
        self._signer = DeviceKey.from_private_bytes(bytes(row["private_key"]))
        self.device_id = str(row["device_id"])

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        clock: Clock | None = None,
    ) -> Self:
        """Create a new, empty register with its own passphrase and signing key."""
        path = Path(path)
        if path.exists():
            raise StoreExists()
        path.parent.mkdir(parents=True, exist_ok=True)
        header, key = new_header(passphrase, kdf or KdfParams())
        write_header(header_path(path), header)
        conn = connect(path, key)
        signer = DeviceKey.generate()
        now = iso_utc((clock or utc_now)())
        conn.execute("BEGIN IMMEDIATE")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO signer (id, private_key, device_id, created_at) VALUES (1, ?, ?, ?)",
            (signer.private_bytes(), signer.device_id, now),
        )
        conn.execute("COMMIT")
        return cls(conn, path, clock)

    @classmethod
    def open(
        cls,
        path: Path,
        passphrase: str,
        *,
        guard: UnlockGuard | None = None,
        clock: Clock | None = None,
    ) -> Self:
        """Unlock an existing register (WrongPassphrase after a wrong passphrase)."""
        try:
            unlocked = unlock(Path(path), passphrase, guard or UnlockGuard())
        except StoreNotFound:
            raise RegisterError("There is no linking register on this laptop yet.") from None
        except StoreCorrupt:
            raise RegisterError(
                "The linking register file is damaged. Do not delete it; contact the data manager."
            ) from None
        return cls(unlocked.conn, Path(path), clock)

    def close(self) -> None:
        """Close the database (idempotent)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None  # type: ignore[assignment]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def signer(self) -> DeviceKey:
        """The key that signs this laptop's register snapshots."""
        return self._signer

    def _now(self) -> str:
        return iso_utc(self._clock())

    @contextmanager
    def _tx(self) -> Iterator[sqlcipher3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _audit(self, conn, action: str, actor: str, code: str | None, detail: dict | None = None):
        conn.execute(
            "INSERT INTO audit (at, actor, action, code, detail) VALUES (?, ?, ?, ?, ?)",
            (self._now(), actor, action, code, to_json(detail or {})),
        )

    # -- people ----------------------------------------------------------------------------

    def register_person(
        self,
        code: str,
        *,
        name: str,
        phone: str = "",
        email: str = "",
        address: str = "",
        language: str,
        actor: str,
    ) -> Person:
        """Add or update a participant's identity and contact details (which fields: audited)."""
        code = _code(code)
        values = {
            "name": m.clean_name(name),
            "phone": m.clean_phone(phone),
            "email": m.clean_email(email),
            "address": m.clean_address(address),
            "language": m.clean_language(language),
        }
        who = m.clean_initials(actor)
        now = self._now()
        with self._tx() as conn:
            old = conn.execute("SELECT * FROM people WHERE code = ?", (code,)).fetchone()
            if old is None:
                conn.execute(
                    "INSERT INTO people (code, name, phone, email, address, language, "
                    "registered_at, updated_at, staff) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (code, *values.values(), now, now, who),
                )
                self._audit(conn, "registered", who, code)
            else:
                changed = sorted(k for k, v in values.items() if old[k] != v)
                if changed:
                    sets = ", ".join(f"{k} = ?" for k in changed)
                    conn.execute(
                        f"UPDATE people SET {sets}, updated_at = ?, staff = ? WHERE code = ?",
                        (*(values[k] for k in changed), now, who, code),
                    )
                    # Which fields changed, never their values.
                    self._audit(conn, "corrected", who, code, {"fields": changed})
        person = self.person(code)
        assert person is not None
        return person

    def person(self, code: str) -> Person | None:
        """One participant's entry, if registered on this laptop."""
        row = self._conn.execute("SELECT * FROM people WHERE code = ?", (code,)).fetchone()
        return None if row is None else _person(row)

    def people(self) -> list[Person]:
        """Everyone registered on this laptop, by code."""
        return [_person(r) for r in self._conn.execute("SELECT * FROM people ORDER BY code")]

    def find(self, query: str) -> list[Person]:
        """Entries whose name contains every word of the query (case and accents folded)."""
        return [p for p in self.people() if m.name_matches(p.name, query)]

    # -- consent records -------------------------------------------------------------------

    def record_consent(
        self,
        code: str,
        *,
        timepoint: str,
        form: Any,
        language: str,
        reading: str,
        place: str,
        outcome: str,
        actor: str,
        witness: str = "",
        audio: str = "",
        decisions: dict[str, int] | None = None,
        witness_required: bool = False,
    ) -> ConsentEntry:
        """Document one consent given or declined, with the exact consent form version."""
        code = _code(code)
        if reading not in m.READING:
            raise RegisterError("Say how the consent form was read.")
        if outcome not in m.OUTCOMES:
            raise RegisterError("Say whether consent was given or declined.")
        witness = m.clean_note(witness, "witness")
        if witness_required and not witness:
            raise RegisterError("This study asks for a witness to every consent.")
        if getattr(form, "kind", None) != "consent":
            raise RegisterError("Choose the consent form that was used.")
        entry = ConsentEntry(
            id=str(uuid.uuid4()),
            code=code,
            timepoint=str(timepoint),
            form_id=form.id,
            form_version=form.version,
            form_hash=form.content_hash,
            language=m.clean_language(language),
            reading=reading,
            audio=m.clean_note(audio, "audio") if reading == "audio" else "",
            place=m.clean_note(place, "place"),
            at=self._now(),
            staff=m.clean_initials(actor),
            witness=witness,
            outcome=outcome,
            decisions=dict(sorted((decisions or {}).items())),
        )
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO consent_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.id, code, entry.timepoint, entry.form_id, entry.form_version,
                 entry.form_hash, entry.language, entry.reading, entry.audio, entry.place,
                 entry.at, entry.staff, entry.witness, entry.outcome, to_json(entry.decisions)),
            )  # fmt: skip
            self._audit(conn, "consent_recorded", entry.staff, code, {"outcome": outcome})
        return entry

    def consents(self, code: str | None = None) -> list[ConsentEntry]:
        """Consent records (of one code, or all), oldest first."""
        if code is None:
            rows = self._conn.execute("SELECT * FROM consent_records ORDER BY at, rowid")
        else:
            rows = self._conn.execute(
                "SELECT * FROM consent_records WHERE code = ? ORDER BY at, rowid", (code,)
            )
        return [_consent(r) for r in rows]

    # -- withdrawals -----------------------------------------------------------------------

    def record_withdrawal(
        self, code: str, scopes: list[str] | tuple[str, ...], effective_date: str, *, actor: str
    ) -> Withdrawal:
        """Record a withdrawal (its date and scope; no reason is asked)."""
        from survey_app.store.validation import meeting_date

        code = _code(code)
        try:
            chosen = normalise_scopes(scopes)
        except ValueError:
            raise RegisterError("Choose what the withdrawal covers.") from None
        entry = Withdrawal(
            str(uuid.uuid4()), code, chosen, meeting_date(effective_date), self._now(),
            m.clean_initials(actor),
        )  # fmt: skip
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO withdrawals VALUES (?, ?, ?, ?, ?, ?)",
                (entry.id, code, to_json(list(chosen)), entry.effective_date, entry.recorded_at,
                 entry.staff),
            )  # fmt: skip
            self._audit(conn, "withdrawal_recorded", entry.staff, code, {"scopes": list(chosen)})
        return entry

    def withdrawals(self, code: str | None = None) -> list[Withdrawal]:
        """Withdrawals (of one code, or all), oldest first."""
        sql, params = "SELECT * FROM withdrawals", ()
        if code is not None:
            sql, params = sql + " WHERE code = ?", (code,)
        rows = self._conn.execute(sql + " ORDER BY recorded_at, rowid", params)
        return [_withdrawal(r) for r in rows]

    # -- snapshot for the principal investigator -------------------------------------------

    def snapshot(self, study_id: str) -> dict[str, Any]:
        """Everything this laptop holds, as the payload of a sealed register snapshot."""
        return {
            "format": SNAPSHOT_FORMAT,
            "snapshot_id": str(uuid.uuid4()),
            "study_id": study_id,
            "device_id": self.device_id,
            "created_at": self._now(),
            "people": [p.to_json() for p in self.people()],
            "consents": [c.to_json() for c in self.consents()],
            "withdrawals": [w.to_json() for w in self.withdrawals()],
        }

    def mark_exported(self, snapshot: dict[str, Any], *, actor: str = "system") -> None:
        """Remember that a snapshot was written (counts only)."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO exports VALUES (?, ?, ?, ?, ?)",
                (snapshot["snapshot_id"], self._now(), len(snapshot["people"]),
                 len(snapshot["consents"]), len(snapshot["withdrawals"])),
            )  # fmt: skip
            self._audit(conn, "exported", actor, None, {"snapshot_id": snapshot["snapshot_id"]})

    def last_export(self) -> str | None:
        """When the last snapshot was written, if ever."""
        row = self._conn.execute("SELECT max(at) FROM exports").fetchone()
        return row[0] if row else None

    def audit_actions(self) -> list[tuple[str, str | None, dict]]:
        """(action, code, detail) of the audit trail, oldest first."""
        rows = self._conn.execute("SELECT action, code, detail FROM audit ORDER BY seq")
        return [(r[0], r[1], json.loads(r[2])) for r in rows]


def _code(text: str) -> str:
    try:
        return validate_code(text)
    except AnswerError:
        raise RegisterError("This is not a valid participant code.") from None


def _person(row: sqlcipher3.Row) -> Person:
    return Person(*(row[k] for k in ("code", "name", "phone", "email", "address", "language",
                                     "registered_at", "updated_at", "staff")))  # fmt: skip


def _consent(row: sqlcipher3.Row) -> ConsentEntry:
    keys = ("id", "code", "timepoint", "form_id", "form_version", "form_hash", "language",
            "reading", "audio", "place", "at", "staff", "witness", "outcome")  # fmt: skip
    return ConsentEntry(*(row[k] for k in keys), decisions=json.loads(row["decisions"]))


def _withdrawal(row: sqlcipher3.Row) -> Withdrawal:
    return Withdrawal(
        row["id"], row["code"], tuple(json.loads(row["scopes"])), row["effective_date"],
        row["recorded_at"], row["staff"],
    )  # fmt: skip
