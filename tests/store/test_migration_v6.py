"""A store written by schema version 5 opens at version 6, and purging it also blanks the answer
values its audit trail held before the upgrade."""

from __future__ import annotations

import json
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


def _write_v5_store(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header, key = new_header(PASSPHRASE, FAST_KDF)
    write_header(header_path(path), header)
    conn = connect(path, key)
    migrate(conn, None, {v: MIGRATIONS[v] for v in (1, 2, 3, 4, 5)})
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
        "status, outcome, started_at, completed_at, submission_id) VALUES ('s1', 'm1', ?, "
        "'baseline', 'ar', 'screen', 'synced', 'completed', ?, ?, 'sub1')",
        (make_code(3), AT, AT),
    )
    detail = {"form_id": "fn", "item_id": "fn_comment", "old": {"value": "before", "status":
              "answered"}, "new": {"value": "after", "status": "answered"}}  # fmt: skip
    conn.execute(
        "INSERT INTO audit (at, actor, device_id, action, session_id, detail) "
        "VALUES (?, 'PARTICIPANT', ?, 'answer_changed', 's1', ?)",
        (AT, device.device_id, json.dumps(detail)),
    )
    conn.close()


def test_v5_store_opens_at_version_6(store_path: Path) -> None:
    _write_v5_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert user_version(store.conn) == SCHEMA_VERSION >= 6


def test_purging_an_upgraded_store_blanks_the_values_written_before_the_upgrade(
    store_path: Path,
) -> None:
    _write_v5_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert store.purge_confirmed("after_sync") == 1
        [entry] = store.audit_trail("s1", actions=("answer_changed",))
        assert (entry.detail["old"]["value"], entry.detail["new"]["value"]) == (None, None)
        assert entry.detail["item_id"] == "fn_comment"


def _backups(store_path: Path) -> list[str]:
    return sorted(p.name for p in store_path.parent.iterdir() if ".bak" in p.name)


def test_the_copy_made_before_the_upgrade_is_gone_once_the_answers_are_purged(
    store_path: Path,
) -> None:
    # The copy kept in case the upgrade failed still holds every answer of that moment: a
    # purge (or an erasure) that leaves it behind would leave the participant's answers too.
    _write_v5_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert _backups(store_path) == ["device-store.db.v5.bak", "device-store.db.v5.bak.kdf.json"]
        store.purge_confirmed("after_sync")
    assert _backups(store_path) == []


def test_the_copy_made_before_the_upgrade_is_gone_once_a_participant_is_erased(
    store_path: Path, study
) -> None:
    _write_v5_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert _backups(store_path)
        store.record_withdrawal(make_code(3), ["erase"], "2025-09-02", study, actor="AB")
    assert _backups(store_path) == []


def test_after_a_passphrase_change_no_copy_opens_with_the_old_passphrase(store_path: Path) -> None:
    # Staff change a passphrase that became known: the copy made before the upgrade, which
    # opens with the passphrase of that moment, must not stay behind for whoever knows it.
    _write_v5_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert _backups(store_path)
        store.change_passphrase(PASSPHRASE, "a new long passphrase")
    assert _backups(store_path) == []


def test_a_purge_with_nothing_new_still_removes_the_copy_made_before_the_upgrade(
    store_path: Path,
) -> None:
    # A power cut between a purge's commit and the removal of the copy: the next purge finds
    # nothing new to purge, and must still remove it.
    _write_v5_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert _backups(store_path)
        assert store.purge_confirmed("never") == 0
    assert _backups(store_path) == []
