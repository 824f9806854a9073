"""A store written by schema version 2 opens at version 3: sessions gain how they address the
participant (not stated for every session already there), and new sessions can store it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from survey_app.answers.codes import make_code
from survey_app.sealing.device_keys import DeviceKey
from survey_app.store import DeviceStore
from survey_app.store.connection import connect
from survey_app.store.errors import StoreError
from survey_app.store.paths import header_path
from survey_app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, user_version
from survey_app.store.unlock import new_header, write_header

from .conftest import FAST_KDF, PASSPHRASE

AT = "2025-09-01T10:00:00.000Z"
CODE = make_code(21)


def _write_v2_store(path: Path) -> None:
    """Build the database as version 2 of the app left it, with one session in progress."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header, key = new_header(PASSPHRASE, FAST_KDF)
    write_header(header_path(path), header)
    conn = connect(path, key)
    migrate(conn, None, {1: MIGRATIONS[1], 2: MIGRATIONS[2]})
    device = DeviceKey.generate()
    conn.execute(
        "INSERT INTO device (id, private_key, public_key, device_id, created_at) "
        "VALUES (1, ?, ?, ?, ?)",
        (device.private_bytes(), device.public_b64, device.device_id, AT),
    )
    conn.execute("INSERT INTO meetings VALUES ('m1', '2025-09-01', 'Skolen', 'AB', ?)", (AT,))
    conn.execute(
        "INSERT INTO sessions (id, meeting_id, participant_code, timepoint, language, source, "
        "status, resume_form_id, resume_item_id, started_at, double_entry) "
        "VALUES ('s1', 'm1', ?, 'baseline', 'ar', 'screen', 'in_progress', 'cantril', "
        "'cantril_now', ?, 0)",
        (CODE, AT),
    )
    conn.close()


@pytest.fixture
def migrated(store_path: Path):
    _write_v2_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as opened:
        yield opened


def test_v2_store_opens_at_version_3(migrated: DeviceStore) -> None:
    assert user_version(migrated.conn) == SCHEMA_VERSION == 3


def test_sessions_from_version_2_address_nobody_in_particular(migrated: DeviceStore) -> None:
    session = migrated.session("s1")
    assert session.addressee is None
    assert (session.participant_code, session.resume_item_id) == (CODE, "cantril_now")


def test_migrated_store_keeps_how_a_new_session_addresses_its_participant(
    migrated: DeviceStore,
) -> None:
    started = migrated.start_session(
        "m1", make_code(22), "baseline", "ar", addressee="female", actor="AB"
    )
    assert migrated.session(started.id).addressee == "female"


def test_the_database_refuses_any_other_addressee(migrated: DeviceStore) -> None:
    with pytest.raises(sqlcipher3.IntegrityError):
        migrated.conn.execute("UPDATE sessions SET addressee = 'child' WHERE id = 's1'")


def test_starting_a_session_with_an_unknown_addressee_is_refused(migrated: DeviceStore) -> None:
    with pytest.raises(StoreError):
        migrated.start_session("m1", make_code(23), "baseline", "ar", addressee="x", actor="AB")
