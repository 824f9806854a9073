"""A laptop whose submission was erased on the server stops sending it (real store, real server)."""

from __future__ import annotations

import httpx
import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.server.receipts import verify_erasure_notice
from survey_app.server.service import ServerService
from survey_app.store import DeviceStore
from survey_app.study import Study
from survey_app.sync.client import (
    ERASED,
    ERASED_MESSAGE,
    PENDING,
    SYNCED,
    SubmissionErased,
    SyncClient,
    SyncCredentials,
    SyncError,
)
from tests.sync.test_client import enrolled_client, finish_sessions, store, study

__all__ = ["store", "study"]


def _erase_on_server(service: ServerService, *submission_ids: str) -> None:
    # As the data manager does after erasing a participant who came in by USB bundle.
    service.erase_submissions(list(submission_ids), reference="DPO-1", requested_by="test")


def test_upload_refused_as_erased_ends_with_outcome_erased(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    erased, kept = finish_sessions(store, study, 2)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as client:
        result = client.sync_once(store)
    statuses = {o.submission_id: (o.status, o.message) for o in result.outcomes}
    assert statuses == {erased: (ERASED, ERASED_MESSAGE), kept: (SYNCED, "")}


def test_erased_submission_is_not_sent_again(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (erased,) = finish_sessions(store, study, 1)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as client:
        client.sync_once(store)
        second = client.sync_once(store)
    assert store.pending_envelopes() == []
    assert second.outcomes == []
    assert service.repository.count_submissions() == 0


def test_round_with_an_erased_submission_is_complete(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    erased, _ = finish_sessions(store, study, 2)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as client:
        result = client.sync_once(store)
    assert (result.complete, result.confirmed, result.count(ERASED)) == (True, 1, 1)


def test_laptop_keeps_the_servers_signed_erasure_notice(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (erased,) = finish_sessions(store, study, 1)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as client:
        client.sync_once(store)
    notice = store.sealed_copy(erased).erasure_notice
    assert notice is not None and notice["erased"] is True
    verify_erasure_notice(notice, server_public_key=service.server_public_key, submission_id=erased)


def test_erased_submission_is_recorded_as_erased_not_synced(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    erased, kept = finish_sessions(store, study, 2)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as client:
        client.sync_once(store)
    statuses = {s.submission_id: s.status for s in store.sessions()}
    assert statuses == {erased: "erased", kept: "synced"}


def test_erased_submission_keeps_no_receipt(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (erased,) = finish_sessions(store, study, 1)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as client:
        client.sync_once(store)
    copy = store.sealed_copy(erased)
    assert (copy.synced_at, copy.receipt, copy.erased_at is not None) == (None, None, True)


def test_sync_writes_an_erased_on_server_audit_entry(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (erased,) = finish_sessions(store, study, 1)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as client:
        client.sync_once(store)
    actions = [e.action for e in store.audit_trail()]
    assert ("erased_on_server" in actions, "synced" in actions) == (True, False)


def test_upload_raises_submission_erased_without_retrying(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (erased,) = finish_sessions(store, study, 1)
    _erase_on_server(service, erased)
    waits: list[float] = []
    with (
        enrolled_client(store, service, live[1], sleep=waits.append) as client,
        pytest.raises(SubmissionErased) as raised,
    ):
        client.upload(store.sealed_copy(erased).envelope)
    assert (raised.value.msgid, waits) == (ERASED_MESSAGE, [])


def test_erasure_notice_not_signed_by_the_enrolled_key_keeps_the_submission(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (erased,) = finish_sessions(store, study, 1)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as enrolled:
        real = enrolled.credentials
    assert real is not None
    # The laptop believes in another server key than the one answering.
    forged = SyncCredentials(
        real.base_url, real.device_id, real.token, DeviceKey.generate().public_b64
    )
    with SyncClient.for_credentials(forged) as client:
        result = client.sync_once(store)
    assert [o.status for o in result.outcomes] == [PENDING]
    assert result.stopped is not None and "erasure notice" in result.stopped
    assert [c.submission_id for c in store.pending_envelopes()] == [erased]


def test_erasure_notice_check_failure_is_a_sync_error_for_staff(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (erased,) = finish_sessions(store, study, 1)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as enrolled:
        real = enrolled.credentials
    assert real is not None
    forged = SyncCredentials(
        real.base_url, real.device_id, real.token, DeviceKey.generate().public_b64
    )
    with SyncClient.for_credentials(forged) as client, pytest.raises(SyncError) as raised:
        client.upload(store.sealed_copy(erased).envelope)
    assert raised.value.msgid.startswith("The server's erasure notice could not be verified")


def test_server_answers_410_erased_to_a_plain_http_upload(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (erased,) = finish_sessions(store, study, 1)
    _erase_on_server(service, erased)
    with enrolled_client(store, service, live[1]) as enrolled:
        token = enrolled.credentials.token if enrolled.credentials else ""
    response = httpx.post(
        f"{live[1].url}/v1/submissions",
        json=store.sealed_copy(erased).envelope,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (response.status_code, response.json()["error"]) == (410, "erased")
