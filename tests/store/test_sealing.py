"""Finishing sessions: sealed submissions, sync/export marks and the purge policy."""

from __future__ import annotations

import pytest

from survey_app.answers.codes import make_code
from survey_app.forms.library import check_file
from survey_app.forms.model import Form
from survey_app.sealing.envelope import open_envelope, verify_envelope
from survey_app.store import DeviceStore, InvalidSessionState, SessionInfo
from survey_app.store.submission import SUBMISSION_FORMAT
from survey_app.study import Study
from tests.forms.logic_fixture import LOGIC_FORM, MULTI_FILTER_FORM


def _answer_some(store: DeviceStore, session: SessionInfo, study: Study, notes: Form) -> None:
    forms = study.library.forms
    store.record_consent(session.id, forms["consent"], {"consent_participate": 1}, actor="AB")
    for number in range(1, 26):
        store.save_answer(session.id, forms["hscl25"], f"hscl_{number:02d}", 1 + number % 4)
    store.save_answer(session.id, forms["eqvas"], "eqvas", None, status="declined")
    store.save_answer(session.id, notes, "fn_comment", "Jeg er fornøyd, شكرا")


def _complete(store: DeviceStore, session: SessionInfo, study: Study, notes: Form) -> str:
    _answer_some(store, session, study, notes)
    return store.complete_session(session.id, study, actor="AB").submission_id


def test_completed_session_envelope_opens_with_study_key_and_has_every_answer(
    store: DeviceStore,
    session: SessionInfo,
    study: Study,
    study_identity: str,
    notes_form: Form,
) -> None:
    _answer_some(store, session, study, notes_form)
    stored = {(a.form_id, a.item_id): (a.value, a.status) for a in store.answers(session.id)}
    copy = store.complete_session(session.id, study, actor="AB")
    payload = open_envelope(copy.envelope, study_identity)
    sent = {(a["form_id"], a["item_id"]): (a["value"], a["status"]) for a in payload["answers"]}
    assert sent == stored
    assert len(sent) == 27


def test_payload_carries_session_meeting_consent_and_device(
    store: DeviceStore,
    session: SessionInfo,
    study: Study,
    study_identity: str,
    notes_form: Form,
) -> None:
    submission_id = _complete(store, session, study, notes_form)
    payload = open_envelope(store.sealed_copy(submission_id).envelope, study_identity)
    assert payload["format"] == SUBMISSION_FORMAT
    assert payload["submission_id"] == submission_id
    assert payload["study_id"] == study.study_id
    assert payload["device_id"] == store.device_id
    assert payload["session"]["participant_code"] == session.participant_code
    assert payload["session"]["status"] == "completed"
    assert payload["meeting"]["staff"] == "AB"
    assert payload["consent"]["decisions"] == {"consent_participate": 1}
    form_ids = {f["form_id"] for f in payload["forms"]}
    assert form_ids == {"consent", "hscl25", "eqvas", "fieldnotes"}


def test_sealed_envelope_verifies_against_device_key(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    submission_id = _complete(store, session, study, notes_form)
    verify_envelope(store.sealed_copy(submission_id).envelope, store.device_key.public_b64)


def test_completed_session_is_sealed_and_pending(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    submission_id = _complete(store, session, study, notes_form)
    info = store.session(session.id)
    assert (info.status, info.outcome, info.submission_id) == (
        "sealed",
        "completed",
        submission_id,
    )
    assert [c.submission_id for c in store.pending_envelopes()] == [submission_id]
    assert store.interrupted_sessions() == []


def test_session_without_consent_cannot_be_completed(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    with pytest.raises(InvalidSessionState, match="consent"):
        store.complete_session(session.id, study, actor="AB")
    assert store.session(session.id).status == "in_progress"


def test_declined_session_is_sealed_without_answers(
    store: DeviceStore, session: SessionInfo, study: Study, study_identity: str
) -> None:
    forms = study.library.forms
    store.record_consent(session.id, forms["consent"], {"consent_participate": 0}, actor="AB")
    store.save_answer(session.id, forms["hscl25"], "hscl_01", 2)
    copy = store.decline_session(session.id, study, actor="AB")
    payload = open_envelope(copy.envelope, study_identity)
    assert payload["session"]["status"] == "declined"
    assert payload["answers"] == []
    assert payload["consent"]["decisions"] == {"consent_participate": 0}
    assert store.answers(session.id) == []
    assert store.session(session.id).outcome == "declined"


def test_synced_copy_is_no_longer_pending(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    submission_id = _complete(store, session, study, notes_form)
    store.mark_synced(submission_id, {"received_at": "2025-03-15T10:00:00Z"})
    assert store.pending_envelopes() == []
    assert store.session(session.id).status == "synced"
    assert store.sealed_copy(submission_id).receipt == {"received_at": "2025-03-15T10:00:00Z"}


def test_exported_copy_stays_pending_for_sync_unless_excluded(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    submission_id = _complete(store, session, study, notes_form)
    store.mark_exported([submission_id], "bundle-1")
    assert store.session(session.id).status == "exported"
    assert [c.submission_id for c in store.pending_envelopes()] == [submission_id]
    assert store.pending_envelopes(include_exported=False) == []
    assert store.sealed_copy(submission_id).bundle_id == "bundle-1"


def _second_session(store: DeviceStore, session: SessionInfo, study: Study, notes: Form) -> str:
    other = store.start_session(session.meeting_id, make_code(8), "baseline", "nb", actor="AB")
    return _complete(store, other, study, notes)


def test_purge_after_sync_removes_answers_of_synced_sessions_only(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    synced = _complete(store, session, study, notes_form)
    exported = _second_session(store, session, study, notes_form)
    store.mark_synced(synced, {})
    store.mark_exported([exported], "bundle-1")
    assert store.purge_confirmed("after_sync") == 1
    assert store.answers(session.id) == []
    assert store.session(session.id).purged
    assert store.consent(session.id).decisions is None
    exported_session = store.sealed_copy(exported).session_id
    assert len(store.answers(exported_session)) == 27


def test_purge_after_export_also_removes_exported_sessions(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    exported = _second_session(store, session, study, notes_form)
    store.mark_exported([exported], "bundle-1")
    assert store.purge_confirmed("after_export") == 1
    assert store.answers(store.sealed_copy(exported).session_id) == []


def test_purge_never_keeps_everything(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    store.mark_synced(_complete(store, session, study, notes_form), {})
    assert store.purge_confirmed("never") == 0
    assert len(store.answers(session.id)) == 27


def test_purge_keeps_sealed_copy(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    submission_id = _complete(store, session, study, notes_form)
    envelope = store.sealed_copy(submission_id).envelope
    store.mark_synced(submission_id, {})
    store.purge_confirmed()
    assert store.sealed_copy(submission_id).envelope == envelope
    assert store.audit_trail(session.id)[-1].action == "purged"


def test_unsealed_finished_session_is_sealed_later(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    _answer_some(store, session, study, notes_form)
    # What a crash between "completed" and "sealed" leaves behind.
    store.conn.execute(
        "UPDATE sessions SET status = 'completed', outcome = 'completed' WHERE id = ?",
        (session.id,),
    )
    [copy] = store.seal_unsealed(study)
    assert copy.session_id == session.id
    assert store.session(session.id).status == "sealed"


def test_payload_says_how_the_participant_was_addressed(
    store: DeviceStore, study: Study, study_identity: str, notes_form: Form
) -> None:
    meeting = store.create_meeting("2025-03-14", "Allmøte, skolen", "AB")
    woman = store.start_session(
        meeting.id, make_code(31), "baseline", "ar", addressee="female", actor="AB"
    )
    unstated = store.start_session(meeting.id, make_code(32), "baseline", "ar", actor="AB")
    sent = {}
    for started in (woman, unstated):
        submission_id = _complete(store, started, study, notes_form)
        payload = open_envelope(store.sealed_copy(submission_id).envelope, study_identity)
        sent[started.id] = payload["session"]["addressee"]
    assert sent == {woman.id: "female", unstated.id: None}


def test_a_stopped_session_sends_no_answer_value_in_its_audit(
    store: DeviceStore, session: SessionInfo, study: Study, study_identity: str, tmp_path
) -> None:
    # The participant answered, the form's logic cleared one answer (audited with its old
    # value), then they stopped: a declined submission must carry no answer value at all.
    path = tmp_path / "lg.yaml"
    path.write_text(LOGIC_FORM, encoding="utf-8")
    logic_form, _ = check_file(path)
    store.record_consent(
        session.id, study.library.forms["consent"], {"consent_participate": 1}, actor="AB"
    )
    store.save_answer(session.id, logic_form, "lg_country", 3)
    store.save_answer(session.id, logic_form, "lg_country_other", "Tsjad-MARKER")
    store.save_answer(session.id, logic_form, "lg_country", 1)
    copy = store.decline_session(session.id, study, actor="AB")
    payload = open_envelope(copy.envelope, study_identity)
    assert payload["answers"] == []
    assert "MARKER" not in repr(payload["audit"])


def answer_values_in_audit(store: DeviceStore, session_id: str) -> list[object]:
    """Every answer value or consent decision the session's audit trail still holds."""
    found = []
    for entry in store.audit_trail(session_id):
        for side in ("old", "new"):
            value = (entry.detail.get(side) or {}).get("value")
            if value is not None:
                found.append(value)
        if entry.detail.get("removed") is not None:
            found.append(entry.detail["removed"])
        if entry.detail.get("decisions") is not None:
            found.append(entry.detail["decisions"])
    return found


def test_a_stopped_session_keeps_no_removed_option_in_its_audit_trail(
    tmp_path, store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    path = tmp_path / "cf.yaml"
    path.write_text(MULTI_FILTER_FORM, encoding="utf-8")
    cities, _ = check_file(path)
    store.save_answer(session.id, cities, "cf_country", 1)
    store.save_answer(session.id, cities, "cf_city", [2, 4])
    store.save_answer(session.id, cities, "cf_country", 2)
    [entry] = store.audit_trail(session.id, actions=("answer_not_offered",))
    assert entry.detail["removed"] == [2]
    store.decline_session(session.id, study, actor="AB")
    [entry] = store.audit_trail(session.id, actions=("answer_not_offered",))
    assert entry.detail["removed"] is None
    assert answer_values_in_audit(store, session.id) == []


def _answer_and_change(store: DeviceStore, session: SessionInfo, study: Study, notes: Form):
    _answer_some(store, session, study, notes)
    store.save_answer(session.id, notes, "fn_comment", "changed my mind")
    assert answer_values_in_audit(store, session.id)


def test_purge_leaves_no_answer_value_in_the_audit_trail(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    _answer_and_change(store, session, study, notes_form)
    submission_id = store.complete_session(session.id, study, actor="AB").submission_id
    store.mark_synced(submission_id, {"received_at": "2025-03-15T10:00:00Z"})
    assert store.purge_confirmed("after_sync") == 1
    assert answer_values_in_audit(store, session.id) == []


def test_a_stopped_session_keeps_no_answer_value_in_its_audit_trail(
    store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form
) -> None:
    _answer_and_change(store, session, study, notes_form)
    store.decline_session(session.id, study, actor="AB")
    assert [v for v in answer_values_in_audit(store, session.id) if not isinstance(v, dict)] == []
