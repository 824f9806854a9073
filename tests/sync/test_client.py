"""SyncClient against a real server and a real encrypted device store."""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from survey_app.answers.codes import make_code
from survey_app.sealing.envelope import (
    ENVELOPE_FORMAT,
    ENVELOPE_FORMAT_V1,
    envelope_hash,
    seal,
    signed_header,
)
from survey_app.server.config import ServerConfig
from survey_app.server.runner import BackgroundServer
from survey_app.server.service import ServerService
from survey_app.store import DeviceStore, device_store
from survey_app.study import Study, load_study
from survey_app.study.demo import demo_study_dir
from survey_app.sync.client import (
    ALREADY_ON_SERVER,
    PENDING,
    REFUSED,
    SYNCED,
    RetryPolicy,
    SyncAuthError,
    SyncClient,
    SyncCredentials,
    SyncError,
)
from survey_app.sync.credentials import credentials_path, load_credentials, save_credentials
from tests.kdf import FAST_KDF
from tests.server.support import TEST_STUDIES, running_server

NO_WAIT = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)


@pytest.fixture(scope="module")
def study() -> Study:
    return load_study(demo_study_dir())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DeviceStore]:
    with DeviceStore.create(
        tmp_path / "laptop" / "device-store.db", "passphrase-1", kdf=FAST_KDF
    ) as s:
        yield s


def finish_sessions(store: DeviceStore, study: Study, count: int, start: int = 1) -> list[str]:
    """Complete `count` participant sessions with consent and a few answers; return ids."""
    meeting = store.create_meeting("2025-03-14", "Allmøte, skolen", "AB")
    forms = study.library.forms
    ids = []
    for number in range(start, start + count):
        session = store.start_session(meeting.id, make_code(number), "baseline", "ar", actor="AB")
        store.record_consent(session.id, forms["consent"], {"consent_participate": 1}, actor="AB")
        store.save_answer(session.id, forms["hscl25"], "hscl_01", 2)
        ids.append(store.complete_session(session.id, study, actor="AB").submission_id)
    return ids


def enrolled_client(
    store: DeviceStore, service: ServerService, server: BackgroundServer, **options: object
) -> SyncClient:
    client = SyncClient(server.url, retry=NO_WAIT, **options)
    code, _ = service.create_enrol_code()
    client.enrol(code, store.device_key)
    return client


def test_enrolment_returns_this_laptops_device_id_and_the_receipt_key(
    store: DeviceStore, service: ServerService, live: tuple
) -> None:
    with SyncClient(live[1].url) as client:
        code, _ = service.create_enrol_code()
        credentials = client.enrol(code, store.device_key, label="laptop 3")
    assert credentials.device_id == store.device_id
    assert credentials.server_public_key == service.server_public_key


def test_sync_uploads_every_pending_submission_and_marks_them_synced(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    ids = finish_sessions(store, study, 3)
    with enrolled_client(store, service, live[1]) as client:
        result = client.sync_once(store)
    assert result.complete
    assert sorted(o.submission_id for o in result.outcomes) == sorted(ids)
    assert store.pending_envelopes() == []
    assert service.repository.count_submissions() == 3


def test_v1_envelopes_sealed_before_the_update_still_sync_beside_v2(
    store: DeviceStore, study: Study, service: ServerService, live: tuple, monkeypatch
) -> None:
    # A laptop updated mid-study holds v1 envelopes sealed by the old version, unsent.
    monkeypatch.setattr(device_store, "seal", functools.partial(seal, version=1))
    old = finish_sessions(store, study, 2)
    monkeypatch.undo()
    new = finish_sessions(store, study, 1, start=3)
    formats = {i: store.sealed_copy(i).envelope["format"] for i in old + new}
    assert formats == {
        old[0]: ENVELOPE_FORMAT_V1,
        old[1]: ENVELOPE_FORMAT_V1,
        new[0]: ENVELOPE_FORMAT,
    }
    with enrolled_client(store, service, live[1]) as client:
        result = client.sync_once(store)
    assert {o.submission_id: o.status for o in result.outcomes} == dict.fromkeys(old + new, SYNCED)
    assert service.repository.count_submissions() == 3


def test_sync_reports_status_per_session(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    finish_sessions(store, study, 2)
    sessions = {s.id for s in store.sessions()}
    with enrolled_client(store, service, live[1]) as client:
        result = client.sync_once(store)
    assert result.per_session == dict.fromkeys(sessions, SYNCED)
    assert {s.status for s in store.sessions()} == {"synced"}


def test_stored_receipt_proves_the_envelope_the_laptop_holds(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (submission_id,) = finish_sessions(store, study, 1)
    with enrolled_client(store, service, live[1]) as client:
        client.sync_once(store)
    copy = store.sealed_copy(submission_id)
    assert copy.receipt["content_hash"] == envelope_hash(copy.envelope)


def test_progress_callback_sees_every_submission_in_order(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    finish_sessions(store, study, 3)
    seen: list[tuple[int, int]] = []
    with enrolled_client(store, service, live[1]) as client:
        client.sync_once(store, lambda done, total, _: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_submission_already_on_server_is_confirmed_without_a_duplicate(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (submission_id,) = finish_sessions(store, study, 1)
    with enrolled_client(store, service, live[1]) as client:
        # The server stored it but the answer was lost: the laptop still has it pending.
        client.upload(store.sealed_copy(submission_id).envelope)
        result = client.sync_once(store)
    assert [o.status for o in result.outcomes] == [ALREADY_ON_SERVER]
    assert service.repository.count_submissions() == 1


def test_receipt_signed_by_another_key_keeps_the_submission_pending(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    finish_sessions(store, study, 1)
    with enrolled_client(store, service, live[1]) as client:
        creds = client.credentials
        client.credentials = SyncCredentials(
            creds.base_url, creds.device_id, creds.token, service.server_public_key[::-1]
        )
        result = client.sync_once(store)
    assert [o.status for o in result.outcomes] == [PENDING]
    assert "receipt" in (result.stopped or "")
    assert len(store.pending_envelopes()) == 1


def test_conflicting_submission_is_refused_and_the_rest_still_sync(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    first, second = finish_sessions(store, study, 2)
    with enrolled_client(store, service, live[1]) as client:
        tampered = dict(store.sealed_copy(first).envelope)
        tampered["sealed_at"] = "2000-01-01T00:00:00Z"
        tampered["signature"] = store.device_key.sign(signed_header(tampered))
        client.upload(tampered)
        result = client.sync_once(store)
    assert {o.submission_id: o.status for o in result.outcomes} == {
        first: REFUSED,
        second: SYNCED,
    }


def test_revoked_laptop_gets_an_auth_error_and_keeps_everything(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    finish_sessions(store, study, 2)
    with enrolled_client(store, service, live[1]) as client:
        service.repository.revoke_device(store.device_id)
        result = client.sync_once(store)
        with pytest.raises(SyncAuthError):
            client.upload(store.pending_envelopes()[0].envelope)
    assert result.count(PENDING) == 2
    assert len(store.pending_envelopes()) == 2


def test_unreachable_server_stops_after_bounded_retries(
    store: DeviceStore, study: Study, tmp_path: Path
) -> None:
    finish_sessions(store, study, 2)
    waits: list[float] = []
    with running_server(ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)) as (
        service,
        server,
    ):
        client = enrolled_client(store, service, server)
    client.retry = RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=3.0)
    client._sleep = waits.append
    with client:
        result = client.sync_once(store)
    assert result.count(PENDING) == 2
    assert len(waits) == 3
    assert all(0 <= w <= 3.0 for w in waits)


def test_back_off_grows_exponentially_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    rng = random.Random(7)
    ceilings = [max(policy.delay(n, rng) for _ in range(200)) for n in (1, 2, 3, 6)]
    assert ceilings[0] <= 1.0 < ceilings[1] <= 2.0 < ceilings[2] <= 4.0 < ceilings[3] <= 5.0


def test_is_server_reachable_follows_the_server(tmp_path: Path) -> None:
    with running_server(ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)) as (
        _,
        server,
    ):
        client = SyncClient(server.url)
        assert client.is_server_reachable()
    assert not client.is_server_reachable(timeout=0.5)
    client.close()


def test_wrong_enrolment_code_is_a_clear_error(store: DeviceStore, live: tuple) -> None:
    with SyncClient(live[1].url) as client, pytest.raises(SyncError, match="not valid"):
        client.enrol("AAAA-BBBB-CCCC", store.device_key)


def test_paused_enrolment_tells_staff_when_to_try_again(store: DeviceStore, tmp_path) -> None:
    config = ServerConfig(
        database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES, enrol_failures_total_per_hour=1
    )
    with running_server(config) as (service, server), SyncClient(server.url) as client:
        with pytest.raises(SyncError, match="not valid"):
            client.enrol("AAAA-BBBB-CCCC", store.device_key)
        code, _ = service.create_enrol_code()
        with pytest.raises(SyncError) as paused:
            client.enrol(code, store.device_key)
    assert paused.value.msgid.startswith("The server is not accepting enrolments for a while")
    assert re.fullmatch(r"\d\d:\d\d", str(paused.value.params["time"]))


def test_a_server_busy_with_enrolments_says_so(
    store: DeviceStore, live: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    import survey_app.server.service as service_module

    monkeypatch.setattr(service_module, "MAX_OPEN_CHALLENGES", 0)
    with SyncClient(live[1].url) as client, pytest.raises(SyncError, match="busy with enrol"):
        client.enrol("AAAA-BBBB-CCCC", store.device_key)


def test_credentials_survive_closing_and_reopening_the_store(
    store: DeviceStore, service: ServerService, live: tuple
) -> None:
    with SyncClient(live[1].url) as client:
        code, _ = service.create_enrol_code()
        credentials = client.enrol(code, store.device_key)
    save_credentials(store, credentials)
    path = store.path
    store.close()
    with DeviceStore.open(path, "passphrase-1") as reopened:
        assert load_credentials(reopened) == credentials


def test_saved_token_is_not_readable_in_the_credentials_file(
    store: DeviceStore, service: ServerService, live: tuple
) -> None:
    with SyncClient(live[1].url) as client:
        code, _ = service.create_enrol_code()
        credentials = client.enrol(code, store.device_key)
    save_credentials(store, credentials)
    raw = credentials_path(store.path).read_bytes()
    assert credentials.token.encode() not in raw
    assert credentials.token[4:20].encode() not in raw


def test_upload_through_plain_httpx_matches_the_client_receipt(
    store: DeviceStore, study: Study, service: ServerService, live: tuple
) -> None:
    (submission_id,) = finish_sessions(store, study, 1)
    envelope = store.sealed_copy(submission_id).envelope
    with enrolled_client(store, service, live[1]) as client:
        receipt, created = client.upload(envelope)
        token = client.credentials.token
    again = httpx.post(
        f"{live[1].url}/v1/submissions", json=envelope, headers={"Authorization": f"Bearer {token}"}
    )
    assert created
    assert again.json() == receipt
