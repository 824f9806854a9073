"""A store written by schema version 1 opens, keeps everything, and gains version 2 (and on)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from survey_app.answers.codes import make_code
from survey_app.sealing.device_keys import DeviceKey
from survey_app.store import DeviceStore
from survey_app.store.connection import connect
from survey_app.store.paths import backup_path, header_path
from survey_app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, user_version
from survey_app.store.unlock import derive_key, new_header, read_header, write_header

from .conftest import FAST_KDF, PASSPHRASE

AT = "2025-03-14T10:00:00.000Z"
PAPER_CODE, SEALED_CODE = make_code(11), make_code(12)


def _write_v1_store(path: Path) -> None:
    """Build the database exactly as version 1 of the app left it: schema and rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header, key = new_header(PASSPHRASE, FAST_KDF)
    write_header(header_path(path), header)
    conn = connect(path, key)
    migrate(conn, None, {1: MIGRATIONS[1]})
    device = DeviceKey.generate()
    rows = [
        (
            "INSERT INTO device (id, private_key, public_key, device_id, created_at) "
            "VALUES (1, ?, ?, ?, ?)",
            (device.private_bytes(), device.public_b64, device.device_id, AT),
        ),
        ("INSERT INTO meetings VALUES ('m1', '2025-03-14', 'Skolen', 'AB', ?)", (AT,)),
        (
            "INSERT INTO sessions (id, meeting_id, participant_code, timepoint, language, "
            "source, status, resume_form_id, resume_item_id, started_at) "
            "VALUES ('s1', 'm1', ?, 'baseline', 'ar', 'paper', 'in_progress', 'hscl25', "
            "'hscl_02', ?)",
            (PAPER_CODE, AT),
        ),
        (
            "INSERT INTO sessions (id, meeting_id, participant_code, timepoint, language, "
            "source, status, outcome, started_at, completed_at, submission_id) "
            "VALUES ('s2', 'm1', ?, 'baseline', 'nb', 'screen', 'sealed', 'completed', ?, ?, "
            "'sub-2')",
            (SEALED_CODE, AT, AT),
        ),
        (
            "INSERT INTO answers VALUES ('s1', 'hscl25', 'hscl_01', '3', 'answered', ?, "
            "'1.0', 'hash')",
            (AT,),
        ),
        ("INSERT INTO consents VALUES ('s2', 'consent', '1.0', 'hash', '{\"c\":1}', ?)", (AT,)),
        (
            "INSERT INTO sealed (submission_id, session_id, envelope, envelope_hash, sealed_at) "
            "VALUES ('sub-2', 's2', '{}', 'h', ?)",
            (AT,),
        ),
        (
            "INSERT INTO audit (at, actor, device_id, action) VALUES (?, 'system', ?, "
            "'store_created')",
            (AT, device.device_id),
        ),
    ]
    for statement, params in rows:
        conn.execute(statement, params)
    conn.close()


def _raw(path: Path) -> sqlcipher3.Connection:
    header = read_header(header_path(path))
    return connect(path, derive_key(PASSPHRASE, header.salt, header.params))


@pytest.fixture
def migrated(store_path: Path):
    _write_v1_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as opened:
        yield opened


def test_v1_store_opens_at_the_current_version(migrated: DeviceStore) -> None:
    assert SCHEMA_VERSION >= 2
    assert user_version(migrated.conn) == SCHEMA_VERSION


def test_v1_sessions_keep_every_field(migrated: DeviceStore) -> None:
    paper, sealed = migrated.sessions()
    assert (paper.participant_code, paper.source, paper.status, paper.resume_item_id) == (
        PAPER_CODE,
        "paper",
        "in_progress",
        "hscl_02",
    )
    assert (sealed.status, sealed.outcome, sealed.submission_id) == ("sealed", "completed", "sub-2")


def test_v1_sessions_are_single_entry(migrated: DeviceStore) -> None:
    assert [s.double_entry for s in migrated.sessions()] == [False, False]


def test_v1_answers_consent_and_sealed_copy_survive(migrated: DeviceStore) -> None:
    assert [(a.item_id, a.value) for a in migrated.answers("s1")] == [("hscl_01", 3)]
    assert migrated.consent("s2").decisions == {"c": 1}
    assert [c.submission_id for c in migrated.pending_envelopes()] == ["sub-2"]


def test_migration_from_v1_is_audited(migrated: DeviceStore) -> None:
    entry = migrated.audit_trail()[-1]
    assert (entry.action, entry.detail) == ("schema_migrated", {"from": 1, "to": SCHEMA_VERSION})


def test_migration_from_v1_keeps_an_encrypted_v1_copy(
    migrated: DeviceStore, store_path: Path
) -> None:
    copy = _raw(backup_path(store_path, 1))
    try:
        sessions = copy.execute("SELECT count(*) FROM sessions").fetchone()[0]
        assert (user_version(copy), sessions) == (1, 2)
    finally:
        copy.close()


def test_migrated_store_can_record_a_server_erasure(migrated: DeviceStore) -> None:
    migrated.mark_erased_on_server("sub-2", {"erased": True})
    assert migrated.session("s2").status == "erased"


def test_migrated_store_still_enforces_foreign_keys(migrated: DeviceStore) -> None:
    with pytest.raises(sqlcipher3.IntegrityError):
        migrated.conn.execute(
            "INSERT INTO answers VALUES ('nobody', 'f', 'i', '1', 'answered', ?, '1', 'h')", (AT,)
        )


def test_migrated_schema_equals_a_new_stores_schema(migrated: DeviceStore, tmp_path: Path) -> None:
    def shape(conn: sqlcipher3.Connection) -> dict[str, list[tuple]]:
        tables = ("sessions", "answers", "consents", "sealed")
        found = {t: [tuple(r) for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
        found["fks"] = [
            tuple(r) for t in tables for r in conn.execute(f"PRAGMA foreign_key_list({t})")
        ]
        found["indexes"] = [tuple(r) for r in conn.execute("PRAGMA index_list(sessions)")]
        return found

    with DeviceStore.create(tmp_path / "new" / "device-store.db", PASSPHRASE, kdf=FAST_KDF) as new:
        assert shape(migrated.conn) == shape(new.conn)
