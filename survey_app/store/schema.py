"""Versioned schema (PRAGMA user_version) and forward-only migrations."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from survey_app.store.errors import StoreCorrupt, StoreTooNew
from survey_app.store.paths import backup_path, header_path

# Frozen with version 1: a migration must always build exactly what that version had.
_V1_STATUSES = ("in_progress", "completed", "declined", "sealed", "synced", "exported")
# "erased": the research server erased the submission at the participant's request (final).
SESSION_STATUSES = (*_V1_STATUSES, "erased")

# No table has a column for names, phone numbers or addresses: the participant code is the only
# link to a person, and its key is kept elsewhere.
_V1 = (
    """CREATE TABLE device (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        private_key BLOB NOT NULL,
        public_key TEXT NOT NULL,
        device_id TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE meetings (
        id TEXT PRIMARY KEY,
        date TEXT NOT NULL,
        place TEXT NOT NULL,
        staff TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    f"""CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        participant_code TEXT NOT NULL,
        timepoint TEXT NOT NULL,
        arm TEXT,
        language TEXT NOT NULL,
        interpreter_language TEXT,
        interpreter_assisted INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL CHECK (source IN ('screen', 'paper')),
        status TEXT NOT NULL CHECK (status IN {_V1_STATUSES!r}),
        outcome TEXT CHECK (outcome IN ('completed', 'declined')),
        duplicate_flag INTEGER NOT NULL DEFAULT 0,
        resume_form_id TEXT,
        resume_item_id TEXT,
        started_at TEXT NOT NULL,
        completed_at TEXT,
        submission_id TEXT UNIQUE,
        purged INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX sessions_by_code ON sessions (participant_code, timepoint)",
    "CREATE INDEX sessions_by_meeting ON sessions (meeting_id)",
    """CREATE TABLE answers (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        form_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        value TEXT,
        status TEXT NOT NULL CHECK (status IN ('answered', 'declined')),
        answered_at TEXT NOT NULL,
        form_version TEXT NOT NULL,
        form_hash TEXT NOT NULL,
        PRIMARY KEY (session_id, form_id, item_id))""",
    """CREATE TABLE consents (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id),
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        form_hash TEXT NOT NULL,
        decisions TEXT,
        at TEXT NOT NULL)""",
    """CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        device_id TEXT NOT NULL,
        action TEXT NOT NULL,
        session_id TEXT,
        detail TEXT NOT NULL DEFAULT '{}')""",
    "CREATE INDEX audit_by_session ON audit (session_id)",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    """CREATE TABLE sealed (
        submission_id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id),
        envelope TEXT NOT NULL,
        envelope_hash TEXT NOT NULL,
        sealed_at TEXT NOT NULL,
        synced_at TEXT,
        receipt TEXT,
        exported_at TEXT,
        bundle_id TEXT)""",
)

_SESSION_COLUMNS_V1 = (
    "id, meeting_id, participant_code, timepoint, arm, language, interpreter_language, "
    "interpreter_assisted, source, status, outcome, duplicate_flag, resume_form_id, "
    "resume_item_id, started_at, completed_at, submission_id, purged"
)

# Version 2: sessions remember double entry and may end "erased". SQLite cannot change a CHECK
# constraint in place, so the table is rebuilt (create, copy, drop, rename: the order SQLite
# documents, which leaves the other tables' references to "sessions" intact).
_V2 = (
    f"""CREATE TABLE sessions_v2 (
        id TEXT PRIMARY KEY,
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        participant_code TEXT NOT NULL,
        timepoint TEXT NOT NULL,
        arm TEXT,
        language TEXT NOT NULL,
        interpreter_language TEXT,
        interpreter_assisted INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL CHECK (source IN ('screen', 'paper')),
        status TEXT NOT NULL CHECK (status IN {SESSION_STATUSES!r}),
        outcome TEXT CHECK (outcome IN ('completed', 'declined')),
        duplicate_flag INTEGER NOT NULL DEFAULT 0,
        resume_form_id TEXT,
        resume_item_id TEXT,
        started_at TEXT NOT NULL,
        completed_at TEXT,
        submission_id TEXT UNIQUE,
        purged INTEGER NOT NULL DEFAULT 0,
        double_entry INTEGER NOT NULL DEFAULT 0 CHECK (double_entry IN (0, 1)))""",
    f"INSERT INTO sessions_v2 ({_SESSION_COLUMNS_V1}) "
    f"SELECT {_SESSION_COLUMNS_V1} FROM sessions ORDER BY rowid",
    "DROP TABLE sessions",
    "ALTER TABLE sessions_v2 RENAME TO sessions",
    "CREATE INDEX sessions_by_code ON sessions (participant_code, timepoint)",
    "CREATE INDEX sessions_by_meeting ON sessions (meeting_id)",
    "ALTER TABLE sealed ADD COLUMN erased_at TEXT",
    "ALTER TABLE sealed ADD COLUMN erasure_notice TEXT",
)

# Version 3: sessions remember how the participant is addressed (Arabic texts inflect for the
# reader's gender): "female", "male", or NULL (not stated: texts in their default form). A new
# nullable column with a CHECK can be added in place; every existing row is NULL.
ADDRESSEES = ("female", "male")
_V3 = (f"ALTER TABLE sessions ADD COLUMN addressee TEXT CHECK (addressee IN {ADDRESSEES!r})",)

# Version 4: running the trial (docs/trial.md). The laptop's allocation-list key, the sealed
# lists it received, the allocations it revealed (append-only: a code is never randomised twice)
# and notices (allocations, withdrawals) sealed to the study key and exported like submissions.
# Still no names or contact details: those live in the separate linking register.
_V4 = (
    """CREATE TABLE list_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        identity TEXT NOT NULL,
        recipient TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE allocation_lists (
        list_id TEXT PRIMARY KEY,
        laptop TEXT NOT NULL,
        sealed BLOB NOT NULL,
        list_sha256 TEXT NOT NULL,
        loaded_at TEXT NOT NULL)""",
    """CREATE TABLE allocations (
        participant_code TEXT PRIMARY KEY,
        submission_id TEXT NOT NULL UNIQUE,
        list_id TEXT NOT NULL REFERENCES allocation_lists(list_id),
        stratum TEXT NOT NULL,
        period INTEGER NOT NULL,
        position INTEGER NOT NULL,
        arm TEXT NOT NULL,
        baseline_session_id TEXT REFERENCES sessions(id),
        emergency INTEGER NOT NULL DEFAULT 0 CHECK (emergency IN (0, 1)),
        payload_sha256 TEXT NOT NULL,
        revealed_at TEXT NOT NULL,
        UNIQUE (list_id, stratum, position))""",
    """CREATE TRIGGER allocations_no_update BEFORE UPDATE ON allocations
        BEGIN SELECT RAISE(ABORT, 'an allocation is never changed'); END""",
    """CREATE TRIGGER allocations_no_delete BEFORE DELETE ON allocations
        BEGIN SELECT RAISE(ABORT, 'an allocation is never removed'); END""",
    """CREATE TABLE notices (
        submission_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('allocation', 'withdrawal')),
        participant_code TEXT NOT NULL,
        session_id TEXT,
        scopes TEXT,
        envelope TEXT NOT NULL,
        envelope_hash TEXT NOT NULL,
        sealed_at TEXT NOT NULL,
        synced_at TEXT,
        receipt TEXT,
        exported_at TEXT,
        bundle_id TEXT,
        erased_at TEXT,
        erasure_notice TEXT)""",
    "CREATE INDEX notices_by_code ON notices (participant_code)",
)

_SESSION_COLUMNS_V4 = f"{_SESSION_COLUMNS_V1}, double_entry, addressee"
# Version 5: staff may close a session left unfinished ("abandoned"): it is sealed with the
# answers given so far (the participant consented) and exported like the others. Both CHECKs
# change, so the sessions table is rebuilt as in version 2.
OUTCOMES = ("completed", "declined", "abandoned")
SESSION_STATUSES_V5 = (*SESSION_STATUSES, "abandoned")
_V5 = (
    f"""CREATE TABLE sessions_v5 (
        id TEXT PRIMARY KEY,
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        participant_code TEXT NOT NULL,
        timepoint TEXT NOT NULL,
        arm TEXT,
        language TEXT NOT NULL,
        interpreter_language TEXT,
        interpreter_assisted INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL CHECK (source IN ('screen', 'paper')),
        status TEXT NOT NULL CHECK (status IN {SESSION_STATUSES_V5!r}),
        outcome TEXT CHECK (outcome IN {OUTCOMES!r}),
        duplicate_flag INTEGER NOT NULL DEFAULT 0,
        resume_form_id TEXT,
        resume_item_id TEXT,
        started_at TEXT NOT NULL,
        completed_at TEXT,
        submission_id TEXT UNIQUE,
        purged INTEGER NOT NULL DEFAULT 0,
        double_entry INTEGER NOT NULL DEFAULT 0 CHECK (double_entry IN (0, 1)),
        addressee TEXT CHECK (addressee IN {ADDRESSEES!r}))""",
    f"INSERT INTO sessions_v5 ({_SESSION_COLUMNS_V4}) "
    f"SELECT {_SESSION_COLUMNS_V4} FROM sessions ORDER BY rowid",
    "DROP TABLE sessions",
    "ALTER TABLE sessions_v5 RENAME TO sessions",
    "CREATE INDEX sessions_by_code ON sessions (participant_code, timepoint)",
    "CREATE INDEX sessions_by_meeting ON sessions (meeting_id)",
)

# Version 6: the audit trail stays append-only, but an entry that holds an answer value (old
# and new) or consent decisions may lose exactly those and nothing else, so purging, declining
# and erasing a participant's answers also reaches the copies of them in the audit trail.
ANSWER_VALUE_ACTIONS = ("answer_changed", "answer_not_applicable", "answer_not_offered")
REDACTED_ANSWER_DETAIL_V6 = (
    "json_set({}, '$.old.value', NULL, '$.new.value', NULL, '$.redacted', json('true'))"
)
REDACTED_CONSENT_DETAIL = "json_set({}, '$.decisions', NULL, '$.redacted', json('true'))"


def _audit_trigger(redacted_answer: str) -> str:
    return f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        WHEN NOT (NEW.seq IS OLD.seq AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor
            AND NEW.device_id IS OLD.device_id AND NEW.action IS OLD.action
            AND NEW.session_id IS OLD.session_id
            AND ((OLD.action IN {ANSWER_VALUE_ACTIONS!r}
                  AND NEW.detail IS {redacted_answer.format("OLD.detail")})
                 OR (OLD.action = 'consent'
                  AND NEW.detail IS {REDACTED_CONSENT_DETAIL.format("OLD.detail")})))
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END"""


_V6 = ("DROP TRIGGER audit_no_update", _audit_trigger(REDACTED_ANSWER_DETAIL_V6))

# Version 7: an "answer_not_offered" entry names the options a choice_filter took out of a
# multiple choice answer (`removed`, a list of chosen codes): an answer value too, so blanking
# the values blanks it as well (json_replace: entries without it stay without it).
REDACTED_ANSWER_DETAIL = f"json_replace({REDACTED_ANSWER_DETAIL_V6}, '$.removed', NULL)"
_V7 = ("DROP TRIGGER audit_no_update", _audit_trigger(REDACTED_ANSWER_DETAIL))

MIGRATIONS: Mapping[int, Sequence[str]] = {
    1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5, 6: _V6, 7: _V7
}  # fmt: skip
SCHEMA_VERSION = max(MIGRATIONS)


def user_version(conn) -> int:
    """Return the schema version recorded in the database."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(conn, supported: int = SCHEMA_VERSION) -> int:
    """Return the stored version; StoreTooNew if a newer app wrote it."""
    found = user_version(conn)
    if found > supported:
        raise StoreTooNew(found=found, supported=supported)
    return found


def migrate(
    conn, db_path: Path | None, migrations: Mapping[int, Sequence[str]] = MIGRATIONS
) -> tuple[int, int]:
    """Bring the schema up to date, copying the file first if it holds data; return (from, to)."""
    target = max(migrations)
    found = check_not_newer(conn, target)
    if found == target:
        return found, found
    if found > 0 and db_path is not None:
        # The copy stays encrypted under the same key: a failed migration loses nothing.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        backup = backup_path(db_path, found)
        shutil.copy2(db_path, backup)
        if header_path(db_path).is_file():
            shutil.copy2(header_path(db_path), header_path(backup))
    # Rebuilding a table drops the old one, which enforced foreign keys would refuse; the
    # references are checked as a whole before the commit instead. The pragma is a no-op
    # inside a transaction, so it is switched around it.
    enforced = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for version in range(found + 1, target + 1):
                for statement in migrations[version]:
                    conn.execute(statement)
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StoreCorrupt()
            conn.execute(f"PRAGMA user_version = {int(target)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        if enforced:
            conn.execute("PRAGMA foreign_keys = ON")
    return found, target
