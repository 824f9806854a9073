"""The server's tables and every query on them, written once for both database backends."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from survey_app.server.credentials import ROLES, hash_secret
from survey_app.server.db import Database, Transaction

SCHEMA_VERSION = "4"  # 2: erasure log and tombstones; 3: rate-limit buckets; 4: challenges
# (Rate-limit buckets are created by the RateLimiter, in `Database.volatile()`.)


def utc_now() -> datetime:
    """Current time, aware UTC."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Fixed-width ISO 8601 UTC text, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    """Inverse of `iso`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _schema(serial_pk: str) -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS enrol_codes (
            code_hash TEXT PRIMARY KEY, label TEXT, study_id TEXT,
            created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
            used_at TEXT, device_id TEXT)""",
        """CREATE TABLE IF NOT EXISTS devices (
            device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE, study_id TEXT, label TEXT,
            enrolled_at TEXT NOT NULL, revoked_at TEXT)""",
        """CREATE TABLE IF NOT EXISTS accounts (
            account_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT)""",
        f"""CREATE TABLE IF NOT EXISTS submissions (
            seq {serial_pk}, submission_id TEXT NOT NULL UNIQUE,
            device_id TEXT NOT NULL, study_id TEXT NOT NULL, content_hash TEXT NOT NULL,
            envelope TEXT NOT NULL, received_at TEXT NOT NULL, receipt_signature TEXT NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS conflicts (
            id {serial_pk}, submission_id TEXT NOT NULL, device_id TEXT NOT NULL,
            content_hash TEXT NOT NULL, at TEXT NOT NULL)""",
        # Erasure log: who, when, how many, a reference; never a submission id in clear.
        f"""CREATE TABLE IF NOT EXISTS erasures (
            seq {serial_pk}, erasure_id TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
            requested_by TEXT NOT NULL, reference TEXT NOT NULL,
            deleted INTEGER NOT NULL, not_stored INTEGER NOT NULL)""",
        # Tombstones: a keyed hash (HMAC, server secret) of each erased submission id.
        """CREATE TABLE IF NOT EXISTS erased_submissions (
            id_hash TEXT PRIMARY KEY, erasure_id TEXT NOT NULL, at TEXT NOT NULL)""",
        # Enrolment challenges handed out and not yet used (hash only); a use deletes the row.
        """CREATE TABLE IF NOT EXISTS enrol_challenges (
            challenge_hash TEXT PRIMARY KEY, study_id TEXT, expires_at TEXT NOT NULL)""",
    ]


@dataclass(frozen=True)
class Device:
    """An enrolled laptop."""

    device_id: str
    public_key: str
    study_id: str | None
    label: str | None
    enrolled_at: str
    revoked: bool


@dataclass(frozen=True)
class Account:
    """A person's credential on the server: admin or data manager."""

    account_id: str
    name: str
    role: str
    revoked: bool


@dataclass(frozen=True)
class StoredSubmission:
    """One accepted envelope and the receipt fields it was acknowledged with."""

    seq: int
    submission_id: str
    device_id: str
    study_id: str
    content_hash: str
    envelope_json: str
    received_at: str
    receipt_signature: str


class CodeProblem(Exception):
    """An enrolment code that cannot be used; `reason` is unknown, expired or used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeviceRevoked(Exception):
    """The device was revoked: enrolling again never lifts a revocation."""


class Conflict(Exception):
    """A submission id already stored with different content."""


class Erased(Exception):
    """A submission id erased at a participant's request: it is never stored again."""

    def __init__(self, erased_at: str) -> None:
        super().__init__("erased")
        self.erased_at = erased_at


# Per-id outcomes of an erasure request.
DELETED = "deleted"  # was stored; deleted now
NOT_STORED = "not_stored"  # not here (yet): tombstoned so it is refused when it arrives
ALREADY_ERASED = "already_erased"  # an earlier erasure covered it


@dataclass(frozen=True)
class ErasureEntry:
    """One line of the erasure log (no submission ids)."""

    erasure_id: str
    at: str
    requested_by: str
    reference: str
    deleted: int
    not_stored: int


@dataclass
class Repository:
    """Every read and write the server does, one method = one transaction."""

    db: Database
    clock: Callable[[], datetime] = utc_now

    def initialise(self) -> None:
        """Create missing tables (idempotent, safe for several processes)."""
        with self.db.transaction() as tx:
            tx.lock_appends()
            for statement in _schema(self.db.serial_primary_key):
                tx.execute(statement)
            row = tx.fetchone("SELECT value FROM server_meta WHERE key = ?", ("schema",))
            if row is None:
                tx.execute(
                    "INSERT INTO server_meta (key, value) VALUES (?, ?)", ("schema", SCHEMA_VERSION)
                )
            elif int(row[0]) < int(SCHEMA_VERSION):
                # Older databases only lacked tables, which CREATE ... IF NOT EXISTS just added.
                tx.execute(
                    "UPDATE server_meta SET value = ? WHERE key = ?", (SCHEMA_VERSION, "schema")
                )

    # -- settings ---------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """Read one server setting."""
        with self.db.transaction(write=False) as tx:
            row = tx.fetchone("SELECT value FROM server_meta WHERE key = ?", (key,))
        return None if row is None else row[0]

    def get_or_create_meta(self, key: str, make: Callable[[], str]) -> str:
        """Read a setting, creating it once (first writer wins across processes)."""
        with self.db.transaction() as tx:
            tx.lock_appends()
            row = tx.fetchone("SELECT value FROM server_meta WHERE key = ?", (key,))
            if row is not None:
                return row[0]
            value = make()
            tx.execute("INSERT INTO server_meta (key, value) VALUES (?, ?)", (key, value))
            return value

    # -- enrolment codes ----------------------------------------------------------------------

    def add_enrol_code(
        self, code: str, ttl: timedelta, *, label: str | None = None, study_id: str | None = None
    ) -> datetime:
        """Store a new one-time code (hashed); return when it expires."""
        now = self.clock()
        expires = now + ttl
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO enrol_codes (code_hash, label, study_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (hash_secret(code), label, study_id, iso(now), iso(expires)),
            )
        return expires

    def add_challenge(
        self, digest: str, study_id: str | None, ttl: timedelta, *, limit: int
    ) -> bool:
        """Remember a handed-out enrolment challenge (its hash) until it expires.

        False (nothing stored) when `limit` challenges are open already.
        """
        now = self.clock()
        with self.db.transaction(durable=False) as tx:
            # Unused challenges go when they expire; the limit bounds what requests from very
            # many addresses could pile up within one lifetime.
            tx.execute("DELETE FROM enrol_challenges WHERE expires_at <= ?", (iso(now),))
            row = tx.fetchone("SELECT COUNT(*) FROM enrol_challenges")
            if row is not None and row[0] >= limit:
                return False
            tx.execute(
                "INSERT INTO enrol_challenges (challenge_hash, study_id, expires_at)"
                " VALUES (?, ?, ?)",
                (digest, study_id, iso(now + ttl)),
            )
        return True

    def use_challenge(self, digest: str) -> tuple[bool, str | None]:
        """Delete a stored challenge: (True, its study) if it was there and not expired.

        Deleting and reading in one statement means two processes racing with one captured
        challenge cannot both get it.
        """
        with self.db.transaction() as tx:
            row = tx.fetchone(
                "DELETE FROM enrol_challenges WHERE challenge_hash = ?"
                " RETURNING study_id, expires_at",
                (digest,),
            )
        if row is None or parse_iso(row[1]) <= self.clock():
            return False, None
        return True, row[0]

    def enrol_device(
        self,
        code: str,
        device_id: str,
        public_key: str,
        token: str,
        label: str | None,
        *,
        study_id: str | None = None,
        served_studies: tuple[str, ...] = (),
    ) -> Device:
        """Spend a code and register (or re-key the token of) the device, atomically.

        DeviceRevoked (and the code stays unspent) if the device was revoked; CodeProblem
        "other_study" if the code belongs to another study than `study_id` (the one the laptop
        signed for). The device keeps the code's study, as before.
        """
        now = self.clock()
        with self.db.transaction() as tx:
            row = tx.fetchone(
                "SELECT expires_at, used_at, study_id FROM enrol_codes WHERE code_hash = ?",
                (hash_secret(code),),
            )
            if row is None:
                raise CodeProblem("unknown")
            expires_at, used_at, code_study = row
            # A code made without a study fits any challenge. A server with several studies
            # hands out challenges without one: then the code's study must be one it serves.
            if code_study is not None and study_id is not None and code_study != study_id:
                raise CodeProblem("other_study")
            unserved = served_studies and code_study not in served_studies
            if code_study is not None and study_id is None and unserved:
                raise CodeProblem("other_study")
            if used_at is not None:
                raise CodeProblem("used")
            if parse_iso(expires_at) <= now:
                raise CodeProblem("expired")
            existing = tx.fetchone(
                "SELECT public_key, revoked_at FROM devices WHERE device_id = ?", (device_id,)
            )
            if existing is not None and existing[1] is not None:
                raise DeviceRevoked(device_id)
            tx.execute(
                "UPDATE enrol_codes SET used_at = ?, device_id = ? WHERE code_hash = ?",
                (iso(now), device_id, hash_secret(code)),
            )
            if existing is None:
                tx.execute(
                    "INSERT INTO devices (device_id, public_key, token_hash, study_id, label,"
                    " enrolled_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (device_id, public_key, hash_secret(token), code_study, label, iso(now)),
                )
            else:
                # The laptop proved it holds the key: a fresh code replaces its token.
                tx.execute(
                    "UPDATE devices SET token_hash = ?, study_id = ?, label = ?, enrolled_at = ?"
                    " WHERE device_id = ? AND revoked_at IS NULL",
                    (hash_secret(token), code_study, label, iso(now), device_id),
                )
        return Device(device_id, public_key, code_study, label, iso(now), False)

    # -- credentials --------------------------------------------------------------------------

    def device_for_token(self, token: str) -> Device | None:
        """The active device a bearer token belongs to, if any."""
        digest = hash_secret(token)
        with self.db.transaction(write=False) as tx:
            row = tx.fetchone(
                "SELECT device_id, public_key, study_id, label, enrolled_at, revoked_at,"
                " token_hash FROM devices WHERE token_hash = ?",
                (digest,),
            )
        if row is None or not hmac.compare_digest(row[6], digest) or row[5] is not None:
            return None
        return Device(row[0], row[1], row[2], row[3], row[4], False)

    def revoke_device(self, device_id: str) -> bool:
        """Stop accepting a device's token; True if the device existed."""
        with self.db.transaction() as tx:
            row = tx.fetchone("SELECT device_id FROM devices WHERE device_id = ?", (device_id,))
            if row is None:
                return False
            tx.execute(
                "UPDATE devices SET revoked_at = ? WHERE device_id = ?",
                (iso(self.clock()), device_id),
            )
        return True

    def devices(self) -> list[Device]:
        """Every enrolled device, oldest first."""
        with self.db.transaction(write=False) as tx:
            rows = tx.fetchall(
                "SELECT device_id, public_key, study_id, label, enrolled_at, revoked_at"
                " FROM devices ORDER BY enrolled_at, device_id"
            )
        return [Device(r[0], r[1], r[2], r[3], r[4], r[5] is not None) for r in rows]

    def add_account(self, account_id: str, name: str, role: str, token: str) -> Account:
        """Create an admin or data-manager credential (token stored hashed)."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        with self.db.transaction() as tx:
            if tx.fetchone("SELECT 1 FROM accounts WHERE name = ?", (name,)) is not None:
                raise ValueError("an account with that name exists")
            tx.execute(
                "INSERT INTO accounts (account_id, name, role, token_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (account_id, name, role, hash_secret(token), iso(self.clock())),
            )
        return Account(account_id, name, role, False)

    def account_for_token(self, token: str) -> Account | None:
        """The active account a bearer token belongs to, if any."""
        digest = hash_secret(token)
        with self.db.transaction(write=False) as tx:
            row = tx.fetchone(
                "SELECT account_id, name, role, revoked_at, token_hash FROM accounts"
                " WHERE token_hash = ?",
                (digest,),
            )
        if row is None or not hmac.compare_digest(row[4], digest) or row[3] is not None:
            return None
        return Account(row[0], row[1], row[2], False)

    # -- submissions ---------------------------------------------------------------------------

    def store_submission(
        self,
        *,
        submission_id: str,
        device_id: str,
        study_id: str,
        content_hash: str,
        envelope_json: str,
        sign_receipt: Callable[[str], str],
        tombstone: str | None = None,
    ) -> tuple[StoredSubmission, bool]:
        """Insert once; a retry returns the stored row. Returns (row, newly_stored).

        `sign_receipt(received_at)` is called inside the transaction so the receipt's signature
        is committed together with the envelope. Different content under the same id is logged
        in `conflicts` and raises Conflict. An id whose `tombstone` (keyed hash) is in the
        erasure log raises Erased, checked under the same lock as erasures take.
        """
        # Concurrent uploads share one transaction and one fsync (group commit); this returns
        # only once the row is durably committed, so a receipt is never sent for less.

        def store(tx: Transaction) -> tuple[str, StoredSubmission | str | None]:
            tx.lock_appends()
            if tombstone is not None:
                erased = tx.fetchone(
                    "SELECT at FROM erased_submissions WHERE id_hash = ?", (tombstone,)
                )
                if erased is not None:
                    return "erased", erased[0]
            existing = self._submission(tx, submission_id)
            if existing is not None:
                if existing.content_hash == content_hash and existing.device_id == device_id:
                    return "existing", existing
                tx.execute(
                    "INSERT INTO conflicts (submission_id, device_id, content_hash, at)"
                    " VALUES (?, ?, ?, ?)",
                    (submission_id, device_id, content_hash, iso(self.clock())),
                )
                return "conflict", None
            received_at = iso(self.clock())
            tx.execute(
                "INSERT INTO submissions (submission_id, device_id, study_id, content_hash,"
                " envelope, received_at, receipt_signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    submission_id,
                    device_id,
                    study_id,
                    content_hash,
                    envelope_json,
                    received_at,
                    sign_receipt(received_at),
                ),
            )
            return "stored", self._submission(tx, submission_id)

        outcome, value = self.db.write_shared(store)
        # Raised after the commit, so the conflict record is kept, not rolled back.
        if outcome == "erased":
            raise Erased(str(value))
        if outcome == "conflict":
            raise Conflict(submission_id)
        assert isinstance(value, StoredSubmission)
        return value, outcome == "stored"

    def submission(self, submission_id: str) -> StoredSubmission | None:
        """One stored submission by id."""
        with self.db.transaction(write=False) as tx:
            return self._submission(tx, submission_id)

    @staticmethod
    def _submission(tx: Transaction, submission_id: str) -> StoredSubmission | None:
        row = tx.fetchone(
            "SELECT seq, submission_id, device_id, study_id, content_hash, envelope,"
            " received_at, receipt_signature FROM submissions WHERE submission_id = ?",
            (submission_id,),
        )
        return None if row is None else StoredSubmission(int(row[0]), *row[1:])

    def submissions_after(
        self, cursor: int, limit: int, study_id: str | None = None
    ) -> list[StoredSubmission]:
        """Submissions with seq > cursor (of one study, if given) in seq order, at most `limit`."""
        where, params = (
            ("seq > ?", [cursor])
            if study_id is None
            else (
                "seq > ? AND study_id = ?",
                [cursor, study_id],
            )
        )
        with self.db.transaction(write=False) as tx:
            rows = tx.fetchall(
                "SELECT seq, submission_id, device_id, study_id, content_hash, envelope,"
                f" received_at, receipt_signature FROM submissions WHERE {where}"
                " ORDER BY seq LIMIT ?",
                (*params, limit),
            )
        return [StoredSubmission(int(r[0]), *r[1:]) for r in rows]

    def study_ids(self) -> list[str]:
        """Studies that have at least one stored submission."""
        with self.db.transaction(write=False) as tx:
            rows = tx.fetchall("SELECT DISTINCT study_id FROM submissions ORDER BY study_id")
        return [r[0] for r in rows]

    def count_submissions(self) -> int:
        """How many submissions are stored."""
        with self.db.transaction(write=False) as tx:
            row = tx.fetchone("SELECT COUNT(*) FROM submissions")
        return int(row[0]) if row else 0

    def conflicts(self) -> list[tuple[str, str, str, str]]:
        """Logged refusals: (submission_id, device_id, content_hash, at), oldest first."""
        with self.db.transaction(write=False) as tx:
            rows = tx.fetchall(
                "SELECT submission_id, device_id, content_hash, at FROM conflicts ORDER BY id"
            )
        return [tuple(r) for r in rows]  # type: ignore[misc]

    # -- erasure -------------------------------------------------------------------------------

    def erase_submissions(
        self,
        targets: list[tuple[str, str]],
        *,
        erasure_id: str,
        requested_by: str,
        reference: str,
    ) -> tuple[dict[str, str], ErasureEntry | None]:
        """Delete and tombstone (submission_id, id_hash) pairs in one transaction.

        Returns the outcome per submission id and the new log entry, or None when every id was
        erased before (a repeated request changes nothing and logs nothing).
        """
        now = iso(self.clock())
        outcomes: dict[str, str] = {}
        with self.db.transaction() as tx:
            tx.lock_appends()
            for submission_id, id_hash in targets:
                if submission_id in outcomes:
                    continue
                stored = tx.fetchone(
                    "SELECT seq FROM submissions WHERE submission_id = ?", (submission_id,)
                )
                known = tx.fetchone(
                    "SELECT 1 FROM erased_submissions WHERE id_hash = ?", (id_hash,)
                )
                # Conflict notes name the id in clear; they go with the submission.
                tx.execute("DELETE FROM conflicts WHERE submission_id = ?", (submission_id,))
                if stored is not None:
                    tx.execute("DELETE FROM submissions WHERE submission_id = ?", (submission_id,))
                if known is not None:
                    outcomes[submission_id] = ALREADY_ERASED
                    continue
                tx.execute(
                    "INSERT INTO erased_submissions (id_hash, erasure_id, at) VALUES (?, ?, ?)",
                    (id_hash, erasure_id, now),
                )
                outcomes[submission_id] = DELETED if stored is not None else NOT_STORED
            counts = [sum(1 for o in outcomes.values() if o == k) for k in (DELETED, NOT_STORED)]
            if not any(counts):
                return outcomes, None
            entry = ErasureEntry(erasure_id, now, requested_by, reference, *counts)
            tx.execute(
                "INSERT INTO erasures (erasure_id, at, requested_by, reference, deleted,"
                " not_stored) VALUES (?, ?, ?, ?, ?, ?)",
                (erasure_id, now, requested_by, reference, *counts),
            )
        self.db.after_delete(("submissions", "conflicts"))
        return outcomes, entry

    def erasures(self) -> list[ErasureEntry]:
        """The erasure log, oldest first."""
        with self.db.transaction(write=False) as tx:
            rows = tx.fetchall(
                "SELECT erasure_id, at, requested_by, reference, deleted, not_stored"
                " FROM erasures ORDER BY seq"
            )
        return [ErasureEntry(r[0], r[1], r[2], r[3], int(r[4]), int(r[5])) for r in rows]

    def is_erased(self, id_hash: str) -> bool:
        """True when a tombstone with this keyed hash exists."""
        with self.db.transaction(write=False) as tx:
            row = tx.fetchone("SELECT 1 FROM erased_submissions WHERE id_hash = ?", (id_hash,))
        return row is not None
