"""A submission the research server erased at the participant's request: final, purged."""

from __future__ import annotations

import pytest

from survey_app.forms.model import Form
from survey_app.store import DeviceStore, SessionInfo, StoreError
from survey_app.study import Study

NOTICE = {"erased": True, "erased_at": "2025-04-01T09:00:00.000Z", "signature": "c2lnbmVk"}


def _sealed(store: DeviceStore, session: SessionInfo, study: Study, notes: Form) -> str:
    forms = study.library.forms
    store.record_consent(session.id, forms["consent"], {"consent_participate": 1}, actor="AB")
    store.save_answer(session.id, forms["hscl25"], "hscl_01", 3)
    store.save_answer(session.id, notes, "fn_comment", "Jeg er fornøyd, شكرا")
    return store.complete_session(session.id, study, actor="AB").submission_id


@pytest.fixture
def erased(store: DeviceStore, session: SessionInfo, study: Study, notes_form: Form) -> str:
    submission_id = _sealed(store, session, study, notes_form)
    store.mark_erased_on_server(submission_id, {**NOTICE, "submission_id": submission_id})
    return submission_id


def test_erased_submission_has_status_erased(
    store: DeviceStore, session: SessionInfo, erased: str
) -> None:
    assert store.session(session.id).status == "erased"


def test_erased_submission_is_not_pending(store: DeviceStore, erased: str) -> None:
    assert store.pending_envelopes() == []


def test_erased_submission_keeps_the_notice_and_no_receipt(store: DeviceStore, erased: str) -> None:
    copy = store.sealed_copy(erased)
    assert (copy.erasure_notice, copy.receipt, copy.synced_at) == (
        {**NOTICE, "submission_id": erased},
        None,
        None,
    )


def test_later_receipt_does_not_turn_erased_into_synced(
    store: DeviceStore, session: SessionInfo, erased: str
) -> None:
    store.mark_synced(erased, {"received_at": "2025-04-02T10:00:00Z"})
    assert (store.session(session.id).status, store.pending_envelopes()) == ("erased", [])


def test_export_does_not_turn_erased_into_exported(
    store: DeviceStore, session: SessionInfo, erased: str
) -> None:
    store.mark_exported([erased], "bundle-1")
    assert store.session(session.id).status == "erased"


def test_erasure_audit_entry_names_the_submission_only(
    store: DeviceStore, session: SessionInfo, erased: str
) -> None:
    entries = [e for e in store.audit_trail(session.id) if e.action == "erased_on_server"]
    assert [(e.actor, e.detail) for e in entries] == [("system", {"submission_id": erased})]


def test_marking_erased_twice_writes_one_audit_entry(
    store: DeviceStore, session: SessionInfo, erased: str
) -> None:
    store.mark_erased_on_server(erased, NOTICE)
    actions = [e.action for e in store.audit_trail(session.id)]
    assert actions.count("erased_on_server") == 1


def test_unknown_submission_cannot_be_marked_erased(store: DeviceStore) -> None:
    with pytest.raises(StoreError, match="Unknown submission"):
        store.mark_erased_on_server("no-such-submission", NOTICE)


@pytest.mark.parametrize("policy", ["after_sync", "after_export", "never"])
def test_every_purge_policy_removes_readable_answers_of_erased_sessions(
    store: DeviceStore, session: SessionInfo, erased: str, policy: str
) -> None:
    assert store.purge_confirmed(policy) == 1
    assert (store.answers(session.id), store.consent(session.id).decisions) == ([], None)


def test_purge_of_erased_session_keeps_status_erased(
    store: DeviceStore, session: SessionInfo, erased: str
) -> None:
    store.purge_confirmed("never")
    info = store.session(session.id)
    assert (info.status, info.purged) == ("erased", True)


def test_export_of_everything_leaves_erased_submissions_out(
    store: DeviceStore, erased: str
) -> None:
    from survey_app.bundle.from_store import envelopes_to_export

    exported = [e["submission_id"] for e in envelopes_to_export(store, include_all=True)]
    assert erased not in exported
