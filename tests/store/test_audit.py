"""The audit trail is append-only at the database level."""

from __future__ import annotations

import pytest
import sqlcipher3

from survey_app.store import DeviceStore, SessionInfo


def test_audit_rows_cannot_be_updated(store: DeviceStore, session: SessionInfo) -> None:
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE audit SET actor = 'XX'")


def test_audit_rows_cannot_be_deleted(store: DeviceStore, session: SessionInfo) -> None:
    count = len(store.audit_trail())
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM audit")
    assert len(store.audit_trail()) == count


def test_appended_entry_names_device_actor_and_time(store: DeviceStore) -> None:
    entry = store.append_audit("staff_unlock", actor="ab", detail={"screen": "start"})
    assert (entry.actor, entry.device_id, entry.action) == ("AB", store.device_id, "staff_unlock")
    assert entry.at.endswith("Z")
    assert store.audit_trail()[-1] == entry


def test_store_creation_is_the_first_audit_entry(store: DeviceStore) -> None:
    assert store.audit_trail()[0].action == "store_created"
