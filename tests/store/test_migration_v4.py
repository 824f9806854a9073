"""A store written by schema version 3 opens at version 4 and can run the trial at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.store import DeviceStore
from survey_app.store.connection import connect
from survey_app.store.paths import header_path
from survey_app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, user_version
from survey_app.store.unlock import new_header, write_header

from .conftest import FAST_KDF, PASSPHRASE

AT = "2025-09-01T10:00:00.000Z"


def _write_v3_store(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header, key = new_header(PASSPHRASE, FAST_KDF)
    write_header(header_path(path), header)
    conn = connect(path, key)
    migrate(conn, None, {v: MIGRATIONS[v] for v in (1, 2, 3)})
    device = DeviceKey.generate()
    conn.execute(
        "INSERT INTO device (id, private_key, public_key, device_id, created_at) "
        "VALUES (1, ?, ?, ?, ?)",
        (device.private_bytes(), device.public_b64, device.device_id, AT),
    )
    conn.close()


@pytest.fixture
def migrated(store_path: Path):
    _write_v3_store(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as opened:
        yield opened


def test_v3_store_opens_at_the_current_version(migrated: DeviceStore) -> None:
    assert SCHEMA_VERSION >= 4
    assert user_version(migrated.conn) == SCHEMA_VERSION


def test_a_migrated_store_makes_its_list_key_and_has_nothing_pending(migrated) -> None:
    assert migrated.list_recipient().startswith("age1")
    assert migrated.allocations() == [] and migrated.pending_envelopes() == []
    assert migrated.allocation_status() is None
