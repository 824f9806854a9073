"""The audit trail is append-only at the database level."""

from __future__ import annotations

import pytest
import sqlcipher3

from survey_app.store import DeviceStore, SessionInfo
from survey_app.store.schema import REDACTED_ANSWER_DETAIL


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


def _changed_answer(store: DeviceStore, session: SessionInfo, notes_form) -> int:
    store.save_answer(session.id, notes_form, "fn_comment", "first")
    store.save_answer(session.id, notes_form, "fn_comment", "second")
    [entry] = store.audit_trail(session.id, actions=("answer_changed",))
    return entry.seq


def test_an_audit_entry_cannot_be_rewritten_with_other_values(
    store: DeviceStore, session: SessionInfo, notes_form
) -> None:
    seq = _changed_answer(store, session, notes_form)
    forged = "json_set(detail, '$.new.value', 'forged')"
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        store.conn.execute(f"UPDATE audit SET detail = {forged} WHERE seq = ?", (seq,))


def test_blanking_the_values_cannot_change_anything_else_of_the_entry(
    store: DeviceStore, session: SessionInfo, notes_form
) -> None:
    seq = _changed_answer(store, session, notes_form)
    blanked = REDACTED_ANSWER_DETAIL.format("detail")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        store.conn.execute(
            f"UPDATE audit SET detail = {blanked}, actor = 'XX' WHERE seq = ?", (seq,)
        )
    [entry] = store.audit_trail(session.id, actions=("answer_changed",))
    assert entry.detail["new"]["value"] == "second"
