"""Damaged files, stores from newer versions, and migrations that keep a copy first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlcipher3

from survey_app.cli.main import main
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore, StoreCorrupt, StoreNotFound, StoreTooNew
from survey_app.store.paths import backup_path, header_path
from survey_app.store.schema import SCHEMA_VERSION, migrate, user_version
from survey_app.store.unlock import read_header
from survey_app.study import demo_study_dir, load_study
from tests.crash.support import run_child

from .conftest import FAST_KDF, PASSPHRASE


def _raw_connection(store_path: Path) -> sqlcipher3.Connection:
    """Open the store underneath DeviceStore, with the key derived from its header."""
    from survey_app.store.connection import connect
    from survey_app.store.unlock import derive_key

    header = read_header(header_path(store_path))
    return connect(store_path, derive_key(PASSPHRASE, header.salt, header.params))


def test_garbage_file_with_header_is_reported_corrupt(store: DeviceStore, store_path: Path) -> None:
    store.close()
    store_path.write_bytes(b"this is not a database at all\n" * 500)
    for name in ("device-store.db-wal", "device-store.db-shm"):
        (store_path.parent / name).unlink(missing_ok=True)
    with pytest.raises(StoreCorrupt, match="damaged"):
        DeviceStore.open(store_path, PASSPHRASE)


def test_plain_sqlite_file_is_not_accepted_as_store(store: DeviceStore, store_path: Path) -> None:
    store.close()
    for name in ("device-store.db", "device-store.db-wal", "device-store.db-shm"):
        (store_path.parent / name).unlink(missing_ok=True)
    plain = sqlite3.connect(store_path)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    with pytest.raises(StoreCorrupt):
        DeviceStore.open(store_path, PASSPHRASE)


def test_damaged_page_is_reported_corrupt(store: DeviceStore, store_path: Path) -> None:
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(store_path.read_bytes())
    data[100:4000] = bytes(3900)
    store_path.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt):
        DeviceStore.open(store_path, PASSPHRASE)


def test_missing_key_header_is_reported_corrupt(store: DeviceStore, store_path: Path) -> None:
    store.close()
    header_path(store_path).unlink()
    with pytest.raises(StoreCorrupt):
        DeviceStore.open(store_path, PASSPHRASE)


def test_store_from_newer_version_is_refused(store: DeviceStore, store_path: Path) -> None:
    store.close()
    conn = _raw_connection(store_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreTooNew, match="newer version"):
        DeviceStore.open(store_path, PASSPHRASE)


def test_migration_copies_file_before_changing_schema(store: DeviceStore, store_path: Path) -> None:
    meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
    store.close()
    conn = _raw_connection(store_path)
    future = {
        1: (),
        SCHEMA_VERSION + 1: ("ALTER TABLE meetings ADD COLUMN room TEXT",),
    }
    assert migrate(conn, store_path, future) == (SCHEMA_VERSION, SCHEMA_VERSION + 1)
    assert user_version(conn) == SCHEMA_VERSION + 1
    conn.close()
    backup = backup_path(store_path, SCHEMA_VERSION)
    copy = _raw_connection(backup)
    assert user_version(copy) == SCHEMA_VERSION
    assert copy.execute("SELECT id FROM meetings").fetchone()["id"] == meeting.id
    copy.close()


def test_failed_migration_leaves_schema_unchanged(store: DeviceStore, store_path: Path) -> None:
    store.close()
    conn = _raw_connection(store_path)
    broken = {1: (), SCHEMA_VERSION + 1: ("ALTER TABLE meetings ADD COLUMN x", "NOT SQL")}
    with pytest.raises(sqlcipher3.DatabaseError):
        migrate(conn, store_path, broken)
    assert user_version(conn) == SCHEMA_VERSION
    assert "x" not in {r[1] for r in conn.execute("PRAGMA table_info(meetings)")}
    conn.close()


def test_created_store_has_current_schema_version(store: DeviceStore) -> None:
    assert user_version(store.conn) == SCHEMA_VERSION


def test_store_created_with_cheap_kdf_reopens_with_its_own_parameters(
    store: DeviceStore, store_path: Path
) -> None:
    store.close()
    assert read_header(header_path(store_path)).params == FAST_KDF


def _damage_middle(store_path: Path) -> bytes:
    """Zero 64 bytes in the middle of the file (a bad sector, a bad copy); return the bytes."""
    data = bytearray(store_path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    store_path.write_bytes(bytes(data))
    return bytes(data)


def _filled_store(store_path: Path, sessions: int = 5) -> None:
    study = load_study(demo_study_dir())
    with DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF) as store:
        simulate(store, study, sessions, seed=2, clock=SimClock())
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_emptied_store_file_is_refused_and_no_new_device_key_is_made(store_path: Path) -> None:
    DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF).close()
    store_path.write_bytes(b"")
    with pytest.raises(StoreCorrupt, match="damaged"):
        DeviceStore.open(store_path, PASSPHRASE)
    assert store_path.read_bytes() == b""
    assert sorted(p.name for p in store_path.parent.iterdir()) == [
        "device-store.db",
        "device-store.db.kdf.json",
    ]


def test_damage_in_the_middle_is_refused_at_open_and_the_file_is_not_written(
    store_path: Path,
) -> None:
    _filled_store(store_path)
    damaged = _damage_middle(store_path)
    with pytest.raises(StoreCorrupt, match="damaged"):
        DeviceStore.open(store_path, PASSPHRASE)
    assert store_path.read_bytes() == damaged


def test_simulate_refuses_a_damaged_store_with_a_clear_message(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _filled_store(store_path)
    damaged = _damage_middle(store_path)
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)
    code = main(["simulate", "--participants", "3", "--store", str(store_path)])
    assert code == 1
    assert "damaged" in capsys.readouterr().err
    assert store_path.read_bytes() == damaged


def test_first_run_killed_before_the_store_was_complete_can_be_set_up_again(
    store_path: Path,
) -> None:
    script = (
        "import sys; from pathlib import Path; from survey_app.store import DeviceStore; "
        "from tests.store.conftest import FAST_KDF, PASSPHRASE; "
        "DeviceStore.create(Path(sys.argv[1]), PASSPHRASE, kdf=FAST_KDF)"
    )
    for point in ("store.create.schema", "store.create.device"):
        run = run_child(["-c", script, str(store_path)], crash_at=f"{point}:1")
        assert run.killed
        with pytest.raises(StoreNotFound):
            DeviceStore.open(store_path, PASSPHRASE)
        with DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF) as store:
            assert store.device_id
        for leftover in store_path.parent.iterdir():
            leftover.unlink()
