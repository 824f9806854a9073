"""Sessions left unfinished: staff close them with a reason; sealed `abandoned`, then purged."""

from __future__ import annotations

import pytest

from survey_app.sealing.envelope import open_envelope
from survey_app.store import DeviceStore, InvalidSessionState, SessionInfo, StoreError
from survey_app.study import Study


def _half_answered(store: DeviceStore, session: SessionInfo, study: Study) -> None:
    forms = study.library.forms
    store.record_consent(session.id, forms["consent"], {"consent_participate": 1}, actor="AB")
    for number in range(1, 11):
        store.save_answer(session.id, forms["hscl25"], f"hscl_{number:02d}", 2)


def _abandon(store, session, study, reason="participant_left", note=None):
    return store.abandon_session(session.id, study, reason=reason, note=note, actor="AB")


def test_closed_session_is_sealed_with_status_abandoned(
    store: DeviceStore, session: SessionInfo, study: Study, study_identity: str
) -> None:
    _half_answered(store, session, study)
    payload = open_envelope(_abandon(store, session, study).envelope, study_identity)
    assert payload["session"]["status"] == "abandoned"


def test_closed_session_carries_the_answers_given_so_far(
    store: DeviceStore, session: SessionInfo, study: Study, study_identity: str
) -> None:
    _half_answered(store, session, study)
    payload = open_envelope(_abandon(store, session, study).envelope, study_identity)
    assert sorted(a["item_id"] for a in payload["answers"]) == [
        f"hscl_{n:02d}" for n in range(1, 11)
    ]


def test_closed_session_carries_the_reason_and_note(
    store: DeviceStore, session: SessionInfo, study: Study, study_identity: str
) -> None:
    _half_answered(store, session, study)
    copy = _abandon(store, session, study, "other", "  Brannalarm   i  skolen ")
    payload = open_envelope(copy.envelope, study_identity)
    assert payload["session"]["close_reason"] == {"reason": "other", "note": "Brannalarm i skolen"}


def test_closing_is_audited_with_the_reason_and_the_last_position(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    _half_answered(store, session, study)
    _abandon(store, session, study, "out_of_time")
    entry = next(e for e in store.audit_trail(session.id) if e.action == "abandoned")
    assert entry.detail["reason"] == "out_of_time"
    assert (entry.detail["last_form_id"], entry.detail["last_item_id"]) == ("hscl25", "hscl_10")


def test_closed_session_without_consent_keeps_no_answers(
    store: DeviceStore, session: SessionInfo, study: Study, study_identity: str
) -> None:
    store.save_answer(session.id, study.library.forms["hscl25"], "hscl_01", 2)
    payload = open_envelope(_abandon(store, session, study).envelope, study_identity)
    assert payload["answers"] == []


def test_completed_sessions_stay_completed(
    store: DeviceStore, session: SessionInfo, study: Study, study_identity: str
) -> None:
    _half_answered(store, session, study)
    copy = store.complete_session(session.id, study, actor="AB")
    payload = open_envelope(copy.envelope, study_identity)
    assert payload["session"]["status"] == "completed"
    assert "close_reason" not in payload["session"]


def test_closed_session_is_pending_for_sync_and_export(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    _half_answered(store, session, study)
    copy = _abandon(store, session, study)
    assert [c.submission_id for c in store.pending_envelopes()] == [copy.submission_id]
    info = store.session(session.id)
    assert (info.status, info.outcome) == ("sealed", "abandoned")


def test_closed_session_is_purged_once_synced(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    _half_answered(store, session, study)
    copy = _abandon(store, session, study)
    store.mark_synced(copy.submission_id, {})
    assert store.purge_confirmed("after_sync") == 1
    assert store.answers(session.id) == []


def test_closed_session_is_purged_once_exported(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    _half_answered(store, session, study)
    copy = _abandon(store, session, study)
    store.mark_exported([copy.submission_id], "bundle-1")
    assert store.purge_confirmed("after_export") == 1
    assert store.answers(session.id) == []


def test_closed_session_is_no_longer_listed_as_interrupted(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    _abandon(store, session, study)
    assert store.interrupted_sessions() == []


def test_a_finished_session_cannot_be_closed_unfinished(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    _half_answered(store, session, study)
    store.complete_session(session.id, study, actor="AB")
    with pytest.raises(InvalidSessionState):
        _abandon(store, session, study)


def test_an_unknown_reason_is_refused(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    with pytest.raises(StoreError):
        _abandon(store, session, study, "bored")
    assert store.session(session.id).status == "in_progress"


def test_other_needs_a_note(store: DeviceStore, session: SessionInfo, study: Study) -> None:
    with pytest.raises(StoreError):
        _abandon(store, session, study, "other", "   ")


def test_a_too_long_note_is_refused(store: DeviceStore, session: SessionInfo, study: Study) -> None:
    with pytest.raises(StoreError):
        _abandon(store, session, study, "other", "x" * 201)


def test_an_abandoned_session_left_unsealed_is_sealed_at_unlock(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    # As an app stopped between the two steps would leave it (one transaction today).
    with store._tx() as conn:
        conn.execute(
            "UPDATE sessions SET status = 'abandoned', outcome = 'abandoned' WHERE id = ?",
            (session.id,),
        )
    assert store.unsealed_count() == 1
    [copy] = store.seal_unsealed(study)
    assert store.session(session.id).status == "sealed"
    assert copy.session_id == session.id
