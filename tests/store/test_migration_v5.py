"""A store written by schema version 4 opens at version 5, keeps its sessions, and can close one
unfinished."""

from __future__ import annotations

from pathlib import Path

from survey_app.answers.codes import make_code
from survey_app.sealing.device_keys import DeviceKey
from survey_app.store import DeviceStore
from survey_app.store.connection import connect
from survey_app.store.paths import header_path
from survey_app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, user_version
from survey_app.store.unlock import new_header, write_header

from .conftest import FAST_KDF, PASSPHRASE

AT = "2025-09-01T10:00:00.000Z"


def _write_v4_store(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header, key = new_header(PASSPHRASE, FAST_KDF)
    write_header(header_path(path), header)
    conn = connect(path, key)
    migrate(conn, None, {v: MIGRATIONS[v] for v in (1, 2, 3, 4)})
    device = DeviceKey.generate()
    conn.execute(
        "INSERT INTO device (id, private_key, public_key, device_id, created_at) "
        "VALUES (1, ?, ?, ?, ?)",
        (device.private_bytes(), device.public_b64, device.device_id, AT),
    )
    conn.execute(
        "INSERT INTO meetings (id, date, place, staff, created_at) VALUES ('m1', '2025-09-01', "
        "'Skolen', 'AB', ?)",
        (AT,),
    )
    conn.execute(
        "INSERT INTO sessions (id, meeting_id, participant_code, timepoint, language, source, "
        "status, started_at, addressee, double_entry) VALUES ('s1', 'm1', ?, 'baseline', 'ar', "
        "'screen', 'in_progress', ?, 'female', 0)",
        (make_code(3), AT),
    )
    conn.close()


def test_v4_store_opens_at_the_current_version_with_its_sessions(store_path: Path) -> None:
    _write_v4_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert user_version(store.conn) == SCHEMA_VERSION >= 5
        [session] = store.sessions()
        assert (session.id, session.addressee, session.status) == ("s1", "female", "in_progress")


def test_a_session_of_a_v4_store_can_be_closed_unfinished(store_path: Path, study) -> None:
    _write_v4_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        store.abandon_session("s1", study, reason="participant_left", actor="AB")
        assert store.session("s1").outcome == "abandoned"
