"""The trial on a laptop: sealed lists, reveal only after a sealed baseline, once per code."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from survey_app.answers.codes import make_code
from survey_app.sealing.envelope import open_envelope
from survey_app.sealing.study_keys import generate_study_keypair
from survey_app.store import DeviceStore, InvalidSessionState
from survey_app.trial.errors import ListError, StratumNeeded, TrialError
from survey_app.trial.notices import ALLOCATION_FORMAT, WITHDRAWAL_FORMAT
from survey_app.trial.sealed_lists import write_list_set
from tests.store.test_sealing import answer_values_in_audit

MEETING_DAY = "2025-01-14"


def write_lists(study, out: Path, *laptops: tuple[str, str]) -> list[Path]:
    """Lists for (label, list recipient) laptops, sealed to them, seed to the study keys."""
    written = write_list_set(
        study.config.trial.randomisation,
        list(laptops),
        study_id=study.study_id,
        keyholders=[study.public_key, study.config.register_public_key],
        out_dir=out,
    )
    return list(written.list_files)


@pytest.fixture
def trial_store(store: DeviceStore, study, tmp_path: Path) -> DeviceStore:
    (path,) = write_lists(study, tmp_path / "lists", ("laptop-1", store.list_recipient()))
    store.load_allocation_list(path.read_bytes(), study, actor="AB")
    return store


def baseline(store: DeviceStore, study, number: int, gender: int | None = 2, *, finish=True):
    """A baseline session with consent and a gender answer, completed and sealed."""
    meeting = (
        store.meetings()[0]
        if store.meetings()
        else store.create_meeting(MEETING_DAY, "Skolen", "AB")
    )
    session = store.start_session(meeting.id, make_code(number), "baseline", "ar", actor="AB")
    consent, background = study.library.steps("baseline")[:2]
    store.record_consent(session.id, consent, {i.id: 1 for i in consent.answerable_items},
                         actor="AB")  # fmt: skip
    if gender is not None:
        store.save_answer(session.id, background, "bg_gender", gender)
    else:
        store.save_answer(session.id, background, "bg_gender", None, status="declined")
    if finish:
        store.complete_session(session.id, study, actor="AB")
    return store.session(session.id)


def test_the_list_key_is_made_once_and_kept(store: DeviceStore) -> None:
    assert store.list_recipient() == store.list_recipient()
    assert store.list_recipient().startswith("age1")


def test_a_list_for_another_laptop_is_refused(store, study, tmp_path) -> None:
    other = generate_study_keypair().public
    (path,) = write_lists(study, tmp_path, ("laptop-9", other))
    with pytest.raises(ListError, match="another laptop"):
        store.load_allocation_list(path.read_bytes(), study, actor="AB")


def test_the_same_list_cannot_be_loaded_twice(trial_store, study, tmp_path) -> None:
    data = next((tmp_path / "lists").glob("*.surveylist")).read_bytes()
    with pytest.raises(ListError, match="already loaded"):
        trial_store.load_allocation_list(data, study, actor="AB")


def test_no_allocation_is_revealed_while_the_baseline_is_in_progress(trial_store, study) -> None:
    session = baseline(trial_store, study, 1, finish=False)
    with pytest.raises(TrialError, match="completed and sealed"):
        trial_store.reveal_allocation(session.id, study, actor="AB")
    assert trial_store.allocation(session.participant_code) is None


def test_a_declined_consent_is_never_randomised(trial_store, study) -> None:
    meeting = trial_store.create_meeting(MEETING_DAY, "Skolen", "AB")
    session = trial_store.start_session(meeting.id, make_code(2), "baseline", "nb", actor="AB")
    consent = study.library.steps("baseline")[0]
    trial_store.record_consent(session.id, consent, {i.id: 0 for i in consent.answerable_items},
                               actor="AB")  # fmt: skip
    trial_store.decline_session(session.id, study, actor="AB")
    with pytest.raises(TrialError, match="completed and sealed"):
        trial_store.reveal_allocation(session.id, study, actor="AB")


def test_the_arm_stays_undecided_until_the_baseline_is_sealed(store, study, tmp_path) -> None:
    """Two laptops with the same list and the same participant: different seals, other draws."""
    arms = set()
    for n in range(12):
        folder = tmp_path / f"laptop{n}"
        with DeviceStore.create(folder / "s.db", "passphrase-1", kdf=store_kdf()) as laptop:
            (path,) = write_lists(study, folder / "lists", ("laptop-1", laptop.list_recipient()))
            laptop.load_allocation_list(path.read_bytes(), study, actor="AB")
            session = baseline(laptop, study, 1)
            arms.add(laptop.reveal_allocation(session.id, study, actor="AB").arm)
    assert arms == {"intervention", "control"}


def store_kdf():
    from tests.store.conftest import FAST_KDF

    return FAST_KDF


def test_a_completed_baseline_reveals_an_allocation_sealed_to_the_study_key(
    trial_store, study, study_identity
) -> None:
    session = baseline(trial_store, study, 3, gender=1)
    info = trial_store.reveal_allocation(session.id, study, actor="AB")
    assert (info.stratum, info.period, info.emergency) == ("women", 1, False)
    (notice,) = [c for c in trial_store.pending_envelopes() if c.session_id == session.id
                 and c.submission_id == info.submission_id]  # fmt: skip
    payload = open_envelope(notice.envelope, study_identity)
    assert payload["format"] == ALLOCATION_FORMAT
    assert (payload["arm"], payload["stratum_source"]) == (info.arm, "answer")
    sealed = trial_store.sealed_copy(session.submission_id)
    assert payload["entropy"] == sealed.envelope_hash


def test_a_code_is_never_randomised_twice(trial_store, study) -> None:
    session = baseline(trial_store, study, 4)
    trial_store.reveal_allocation(session.id, study, actor="AB")
    with pytest.raises(TrialError, match="never randomised twice"):
        trial_store.reveal_allocation(session.id, study, actor="AB")
    with pytest.raises(TrialError, match="never randomised twice"):
        trial_store.emergency_reveal(
            make_code(4), study, reason="other", stratum="men", meeting_date=MEETING_DAY,
            actor="AB",
        )  # fmt: skip


def test_the_database_refuses_to_change_or_remove_an_allocation(trial_store, study) -> None:
    session = baseline(trial_store, study, 5)
    trial_store.reveal_allocation(session.id, study, actor="AB")
    with pytest.raises(sqlcipher3.IntegrityError):
        trial_store.conn.execute("UPDATE allocations SET arm = 'control'")
    with pytest.raises(sqlcipher3.IntegrityError):
        trial_store.conn.execute("DELETE FROM allocations")


def test_a_declined_stratum_question_needs_the_staff_to_choose(trial_store, study) -> None:
    session = baseline(trial_store, study, 6, gender=None)
    with pytest.raises(StratumNeeded):
        trial_store.reveal_allocation(session.id, study, actor="AB")
    info = trial_store.reveal_allocation(session.id, study, actor="AB", stratum="women")
    assert info.stratum == "women"


def test_an_emergency_reveal_is_logged_and_marked(trial_store, study, study_identity) -> None:
    info = trial_store.emergency_reveal(
        make_code(7), study, reason="baseline_impossible", stratum="men",
        meeting_date=MEETING_DAY, actor="KH",
    )  # fmt: skip
    assert info.emergency
    entry = trial_store.audit_trail()[-1]
    assert (entry.action, entry.actor, entry.detail["reason"]) == (
        "emergency_reveal", "KH", "baseline_impossible",
    )  # fmt: skip
    notice = trial_store.sealed_copy(info.submission_id)
    assert open_envelope(notice.envelope, study_identity)["emergency_reason"] == (
        "baseline_impossible"
    )


def test_reveals_without_a_list_say_so(store, study) -> None:
    session = baseline(store, study, 8)
    with pytest.raises(ListError, match="No allocation list"):
        store.reveal_allocation(session.id, study, actor="AB")


def test_each_allocation_links_to_the_one_before(trial_store, study, study_identity) -> None:
    first = trial_store.reveal_allocation(baseline(trial_store, study, 9).id, study, actor="AB")
    second = trial_store.reveal_allocation(baseline(trial_store, study, 10).id, study, actor="AB")
    p1 = open_envelope(trial_store.sealed_copy(first.submission_id).envelope, study_identity)
    p2 = open_envelope(trial_store.sealed_copy(second.submission_id).envelope, study_identity)
    import hashlib

    from survey_app.sealing.canonical import canonical_json

    assert p1["previous"] == ""
    assert p2["previous"] == hashlib.sha256(canonical_json(p1)).hexdigest()


def test_status_counts_free_slots_without_showing_arms(trial_store, study) -> None:
    before = trial_store.allocation_status(MEETING_DAY)
    trial_store.reveal_allocation(baseline(trial_store, study, 11).id, study, actor="AB")
    after = trial_store.allocation_status(MEETING_DAY)
    assert after.remaining["men"] == before.remaining["men"] - 1
    assert "intervention" not in repr(after) and "control" not in repr(after)


def test_notices_are_exported_and_synced_like_submissions(trial_store, study) -> None:
    info = trial_store.reveal_allocation(baseline(trial_store, study, 12).id, study, actor="AB")
    trial_store.mark_exported([info.submission_id], "bundle-1")
    assert info.submission_id not in [
        c.submission_id for c in trial_store.pending_envelopes(include_exported=False)
    ]
    trial_store.mark_synced(info.submission_id, {"ok": True})
    trial_store.mark_synced(info.submission_id, {"ok": True})
    assert info.submission_id not in [c.submission_id for c in trial_store.pending_envelopes()]


def test_a_withdrawal_from_collection_stops_new_sessions(trial_store, study, study_identity):
    from survey_app.store import StoreError

    baseline(trial_store, study, 13)
    notice = trial_store.record_withdrawal(make_code(13), ["collection"], "2025-02-01", study,
                                           actor="AB")  # fmt: skip
    payload = open_envelope(notice.envelope, study_identity)
    assert (payload["format"], payload["scopes"]) == (WITHDRAWAL_FORMAT, ["collection"])
    meeting = trial_store.meetings()[0]
    with pytest.raises(StoreError, match="withdrawn"):
        trial_store.start_session(meeting.id, make_code(13), "followup-12m", "ar", actor="AB")


def test_a_withdrawal_with_erasure_erases_on_the_laptop_at_once(trial_store, study) -> None:
    session = baseline(trial_store, study, 14)
    trial_store.record_withdrawal(make_code(14), ["erase"], "2025-02-01", study, actor="AB")
    assert trial_store.withdrawal_scopes(make_code(14)) == ("collection", "erase")
    assert trial_store.session(session.id).status == "erased"
    assert trial_store.answers(session.id) == []
    assert session.submission_id not in [c.submission_id for c in trial_store.pending_envelopes()]


def test_a_withdrawal_with_erasure_also_erases_a_session_closed_unfinished(
    trial_store, study
) -> None:
    session = baseline(trial_store, study, 15, finish=False)
    trial_store.abandon_session(session.id, study, reason="participant_left", actor="AB")
    submission_id = trial_store.session(session.id).submission_id
    trial_store.record_withdrawal(make_code(15), ["erase"], "2025-02-01", study, actor="AB")
    assert trial_store.session(session.id).status == "erased"
    assert trial_store.answers(session.id) == []
    assert submission_id not in [c.submission_id for c in trial_store.pending_envelopes()]


def test_a_withdrawal_with_erasure_leaves_no_answer_value_in_the_audit_trail(
    trial_store, study
) -> None:
    session = baseline(trial_store, study, 16, gender=1, finish=False)
    _, background = study.library.steps("baseline")[:2]
    trial_store.save_answer(session.id, background, "bg_gender", 2)
    trial_store.complete_session(session.id, study, actor="AB")
    trial_store.record_withdrawal(make_code(16), ["erase"], "2025-02-01", study, actor="AB")
    assert answer_values_in_audit(trial_store, session.id) == []


def test_a_withdrawal_with_erasure_also_erases_a_session_still_in_progress(
    trial_store, study
) -> None:
    # Staff record the withdrawal while the participant's session is still open on the
    # dashboard: its answers go at once and nobody can resume and send it afterwards.
    session = baseline(trial_store, study, 17, finish=False)
    trial_store.record_withdrawal(make_code(17), ["erase"], "2025-02-01", study, actor="AB")
    assert trial_store.answers(session.id) == []
    assert trial_store.session(session.id).status == "erased"
    assert session.id not in [p.session.id for p in trial_store.interrupted_sessions()]
    with pytest.raises(InvalidSessionState):
        trial_store.complete_session(session.id, study, actor="AB")


def test_a_withdrawal_from_collection_closes_a_session_still_in_progress(
    trial_store, study, study_identity
) -> None:
    # The participant leaves the study mid-questionnaire: what was answered under consent is
    # kept and sent, but nobody can resume the session and go on asking.
    session = baseline(trial_store, study, 18, finish=False)
    trial_store.record_withdrawal(make_code(18), ["collection"], "2025-02-01", study, actor="AB")
    closed = trial_store.session(session.id)
    assert (closed.status, closed.outcome) == ("sealed", "abandoned")
    assert session.id not in [p.session.id for p in trial_store.interrupted_sessions()]
    _, background = study.library.steps("baseline")[:2]
    with pytest.raises(InvalidSessionState):
        trial_store.save_answer(session.id, background, "bg_gender", 1)
    sent = [c for c in trial_store.pending_envelopes() if c.submission_id == closed.submission_id]
    payload = open_envelope(sent[0].envelope, study_identity)
    assert payload["session"]["close_reason"]["reason"] == "withdrawn"
    assert {a["item_id"]: a["value"] for a in payload["answers"]}["bg_gender"] == 2


def test_a_withdrawal_of_contact_only_leaves_a_session_in_progress_open(trial_store, study):
    session = baseline(trial_store, study, 19, finish=False)
    trial_store.record_withdrawal(make_code(19), ["contact"], "2025-02-01", study, actor="AB")
    assert trial_store.session(session.id).status == "in_progress"
