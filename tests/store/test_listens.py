"""Played recordings are audited per session and sealed with it (docs/reading-support.md)."""

from __future__ import annotations

import pytest

from survey_app.sealing.envelope import open_envelope
from survey_app.store import DeviceStore, InvalidSessionState, SessionInfo, StoreError
from survey_app.study import Study


def _listens(payload: dict) -> list[dict]:
    return [e["detail"] for e in payload["audit"] if e["action"] == "item_listened"]


def test_a_listen_is_sealed_with_the_session_and_carries_no_answer(
    store: DeviceStore, session: SessionInfo, study: Study, study_identity: str
) -> None:
    forms = study.library.forms
    store.record_consent(session.id, forms["consent"], {"consent_participate": 1}, actor="AB")
    store.record_listen(session.id, "background", "bg_gender", "ar", "text")
    store.record_listen(session.id, "background", "bg_gender", "ar", "options")
    copy = store.complete_session(session.id, study, actor="AB")
    listens = _listens(open_envelope(copy.envelope, study_identity))
    assert listens == [
        {"form_id": "background", "item_id": "bg_gender", "part": "text", "language": "ar"},
        {"form_id": "background", "item_id": "bg_gender", "part": "options", "language": "ar"},
    ]


def test_a_listen_to_the_instructions_names_no_item(
    store: DeviceStore, session: SessionInfo
) -> None:
    store.record_listen(session.id, "background", None, "nb", "instructions")
    [entry] = [e for e in store.audit_trail(session.id) if e.action == "item_listened"]
    assert entry.detail["item_id"] is None


def test_a_listen_in_an_unknown_language_is_refused(
    store: DeviceStore, session: SessionInfo
) -> None:
    with pytest.raises(StoreError):
        store.record_listen(session.id, "background", "bg_gender", "xx", "text")


def test_a_listen_after_the_session_is_sealed_is_refused(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    forms = study.library.forms
    store.record_consent(session.id, forms["consent"], {"consent_participate": 1}, actor="AB")
    store.complete_session(session.id, study, actor="AB")
    with pytest.raises(InvalidSessionState):
        store.record_listen(session.id, "background", "bg_gender", "ar", "text")
