"""Meetings, sessions, answers and consent in a real store."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from survey_app.answers.codes import make_code
from survey_app.errors import UserFacingError
from survey_app.forms.model import Form
from survey_app.store import (
    DeviceStore,
    InvalidAnswer,
    InvalidSessionState,
    SessionInfo,
    StoreThreadError,
)
from survey_app.study import Study


def test_answer_is_stored_with_form_version_and_hash(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    hscl = study.library.forms["hscl25"]
    store.save_answer(session.id, hscl, "hscl_03", 2)
    [answer] = store.answers(session.id)
    assert (answer.form_id, answer.item_id, answer.value, answer.status) == (
        "hscl25",
        "hscl_03",
        2,
        "answered",
    )
    assert (answer.form_version, answer.form_hash) == (hscl.version, hscl.content_hash)


def test_declined_answer_is_stored_without_value(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    store.save_answer(session.id, study.library.forms["eqvas"], "eqvas", None, status="declined")
    [answer] = store.answers(session.id)
    assert (answer.value, answer.status) == (None, "declined")


@pytest.mark.parametrize(
    ("item_id", "value"),
    [("fn_years", 81), ("fn_years", True), ("fn_helped", [3, 3]), ("fn_arrived", "2025-13-01")],
)
def test_invalid_values_are_refused(
    store: DeviceStore, session: SessionInfo, notes_form: Form, item_id: str, value: object
) -> None:
    with pytest.raises(InvalidAnswer):
        store.save_answer(session.id, notes_form, item_id, value)
    assert store.answers(session.id) == []


def test_multiple_choice_is_stored_sorted(
    store: DeviceStore, session: SessionInfo, notes_form: Form
) -> None:
    assert store.save_answer(session.id, notes_form, "fn_helped", [3, 1]).value == [1, 3]


def test_saving_moves_the_resume_position(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    store.save_answer(session.id, study.library.forms["pcl5"], "pcl_04", 1)
    [point] = store.interrupted_sessions()
    assert (point.session.id, point.form_id, point.item_id) == (session.id, "pcl5", "pcl_04")


def test_changed_answer_is_audited_with_old_and_new_value(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    hscl = study.library.forms["hscl25"]
    store.save_answer(session.id, hscl, "hscl_01", 1)
    store.save_answer(session.id, hscl, "hscl_01", 3, actor="AB")
    [change] = [e for e in store.audit_trail(session.id) if e.action == "answer_changed"]
    assert change.actor == "AB"
    assert change.detail["old"] == {"value": 1, "status": "answered"}
    assert change.detail["new"] == {"value": 3, "status": "answered"}


def test_cleared_answer_is_gone_and_audited(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    store.save_answer(session.id, study.library.forms["hscl25"], "hscl_01", 1)
    store.clear_answer(session.id, "hscl25", "hscl_01")
    assert store.answers(session.id) == []
    assert store.audit_trail(session.id)[-1].detail["new"] == {"value": None, "status": None}


def test_duplicate_code_at_same_timepoint_is_flagged_on_both(
    store: DeviceStore, session: SessionInfo
) -> None:
    second = store.start_session(
        session.meeting_id, session.participant_code, "baseline", "nb", actor="CD"
    )
    assert second.id != session.id
    assert second.duplicate_flag
    assert store.session(session.id).duplicate_flag
    assert any(e.action == "duplicate_code" for e in store.audit_trail(second.id))


def test_same_code_at_another_timepoint_is_not_a_duplicate(
    store: DeviceStore, session: SessionInfo
) -> None:
    later = store.start_session(
        session.meeting_id,
        session.participant_code,
        "followup-12m",
        "ar",
        arm="control",
        actor="AB",
    )
    assert not later.duplicate_flag
    assert not store.session(session.id).duplicate_flag


def test_code_with_wrong_check_character_is_refused(store: DeviceStore) -> None:
    meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
    good = make_code(12)
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    with pytest.raises(UserFacingError):
        store.start_session(meeting.id, bad, "baseline", "ar", actor="AB")
    assert store.sessions() == []


def test_language_switch_is_audited(store: DeviceStore, session: SessionInfo) -> None:
    store.set_language(session.id, "nb", actor="AB")
    assert store.session(session.id).language == "nb"
    entry = store.audit_trail(session.id)[-1]
    assert (entry.action, entry.detail) == ("language_switch", {"old": "ar", "new": "nb"})


def test_interpreter_is_recorded(store: DeviceStore, session: SessionInfo) -> None:
    store.set_interpreter(session.id, "ti", True, actor="AB")
    info = store.session(session.id)
    assert (info.interpreter_language, info.interpreter_assisted) == ("ti", True)


def test_staff_listing_carries_no_answer_values(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    store.save_answer(session.id, study.library.forms["hscl25"], "hscl_01", 4)
    [listed] = store.sessions(session.meeting_id)
    fields = {f.name for f in dataclasses.fields(listed)}
    assert not fields & {"answers", "value", "values"}
    assert 4 not in dataclasses.astuple(listed)


def test_consent_records_form_version_and_decisions(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    consent_form = study.library.forms["consent"]
    store.record_consent(session.id, consent_form, {"consent_participate": 1}, actor="AB")
    record = store.consent(session.id)
    assert record is not None
    assert record.decisions == {"consent_participate": 1}
    assert (record.form_version, record.form_hash) == (
        consent_form.version,
        consent_form.content_hash,
    )


def test_consent_with_unknown_item_is_refused(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    with pytest.raises(InvalidAnswer):
        store.record_consent(session.id, study.library.forms["consent"], {"hscl_01": 1}, actor="AB")


def test_finished_session_cannot_take_answers(
    store: DeviceStore, session: SessionInfo, study: Study
) -> None:
    store.decline_session(session.id, study, actor="AB")
    with pytest.raises(InvalidSessionState):
        store.save_answer(session.id, study.library.forms["hscl25"], "hscl_01", 1)


def test_use_from_another_thread_raises(store: DeviceStore) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            store.meetings()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(errors) == 1
    assert isinstance(errors[0], StoreThreadError)


def test_use_after_close_raises(store: DeviceStore) -> None:
    store.close()
    with pytest.raises(StoreThreadError):
        store.meetings()


def test_a_used_code_is_refused_when_the_caller_asks_and_nothing_is_stored(
    store: DeviceStore, session: SessionInfo
) -> None:
    from survey_app.store.errors import CodeAlreadyUsed

    with pytest.raises(CodeAlreadyUsed) as refused:
        store.start_session(
            session.meeting_id,
            session.participant_code,
            "baseline",
            "nb",
            refuse_used_code=True,
            actor="CD",
        )

    assert refused.value.unfinished
    assert [s.id for s in store.sessions_of(session.participant_code, "baseline")] == [session.id]
    assert not store.session(session.id).duplicate_flag


def test_interpreter_switched_off_mid_session_is_audited_with_the_language(
    store: DeviceStore, session: SessionInfo
) -> None:
    store.set_interpreter(session.id, "nb", True, actor="AB")
    store.set_interpreter(session.id, None, False, actor="AB")
    on, off = [e.detail for e in store.audit_trail(session.id) if e.action == "interpreter_changed"]
    assert (on["switched"], on["new"]) == ("on", ["nb", True])
    assert (off["switched"], off["old"]) == ("off", ["nb", True])


def test_pause_is_audited_at_the_position_the_session_was_on(
    store: DeviceStore, session: SessionInfo
) -> None:
    store.set_position(session.id, "hscl25", "hscl_05")
    store.record_pause(session.id, actor="AB")
    entry = store.audit_trail(session.id)[-1]
    assert (entry.action, entry.detail) == ("paused", {"form_id": "hscl25", "item_id": "hscl_05"})
    assert store.session(session.id).status == "in_progress"


def test_resume_is_audited(store: DeviceStore, session: SessionInfo) -> None:
    store.record_resume(session.id, actor="AB")
    assert store.audit_trail(session.id)[-1].action == "resumed"
