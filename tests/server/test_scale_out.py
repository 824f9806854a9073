"""Two server processes on one PostgreSQL behave as one server.

Everything a request depends on (enrolment codes, stored submissions and their receipts,
erasure tombstones) lives in the database, so a laptop may reach either process behind a
load balancer, even both at once when a retry races the first attempt.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import envelope_hash
from survey_app.server.config import ServerConfig
from survey_app.server.receipts import verify_receipt
from survey_app.server.service import ServerService
from tests.server.support import ServerProcess, make_envelope, post_enrol, start_server_process

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROUNDS = 40


def _two_processes(
    url: str, *options: str
) -> Iterator[tuple[ServerProcess, ServerProcess, ServerService]]:
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: start_server_process(url, 0, *options), range(2))
    admin = ServerService.open(ServerConfig(database=url))
    try:
        yield first, second, admin
    finally:
        for process in (first, second):
            process.stop()
        admin.close()


@pytest.fixture
def two(pg_url: str) -> Iterator[tuple[ServerProcess, ServerProcess, ServerService]]:
    """Two `server` processes started at the same moment on one empty database."""
    yield from _two_processes(pg_url)


def _enrol(url: str, admin: ServerService, key: DeviceKey) -> dict[str, str]:
    code, _ = admin.create_enrol_code()
    with httpx.Client(base_url=url) as client:
        response = post_enrol(client, code, key)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _both_at_once(
    clients: list[httpx.Client], headers: dict[str, str], envelope: dict[str, str]
) -> list[httpx.Response]:
    start = threading.Barrier(len(clients))

    def upload(client: httpx.Client) -> httpx.Response:
        start.wait()
        return client.post("/v1/submissions", json=envelope, headers=headers)

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(upload, clients))


def test_same_submission_to_two_processes_at_once_is_stored_once_with_one_receipt(
    two: tuple[ServerProcess, ServerProcess, ServerService],
) -> None:
    first, second, admin = two
    key = DeviceKey.generate()
    headers = _enrol(first.url, admin, key)
    with (
        httpx.Client(base_url=first.url, timeout=30) as a,
        httpx.Client(base_url=second.url, timeout=30) as b,
    ):
        assert a.get("/v1/health").json()["server_public_key"] == admin.server_public_key
        assert b.get("/v1/health").json()["server_public_key"] == admin.server_public_key
        envelopes = [make_envelope(key) for _ in range(ROUNDS)]
        for envelope in envelopes:
            responses = _both_at_once([a, b], headers, envelope)
            assert sorted(r.status_code for r in responses) == [200, 201]
            receipts = [r.json() for r in responses]
            assert receipts[0] == receipts[1]
            for receipt in receipts:
                verify_receipt(
                    receipt,
                    server_public_key=admin.server_public_key,
                    submission_id=envelope["submission_id"],
                    content_hash=envelope_hash(envelope),
                )
    assert admin.repository.count_submissions() == ROUNDS


def test_different_content_under_a_stored_id_is_refused_by_either_process(
    two: tuple[ServerProcess, ServerProcess, ServerService],
) -> None:
    first, second, admin = two
    key = DeviceKey.generate()
    headers = _enrol(first.url, admin, key)
    original = make_envelope(key)
    other = make_envelope(key, submission_id=original["submission_id"], payload={"x": 1})
    assert (
        httpx.post(f"{first.url}/v1/submissions", json=original, headers=headers).status_code == 201
    )
    for process in (first, second):
        refused = httpx.post(f"{process.url}/v1/submissions", json=other, headers=headers)
        assert refused.status_code == 409
        assert refused.json()["error"] == "conflict"
    stored = admin.repository.submission(original["submission_id"])
    assert stored is not None and stored.content_hash == envelope_hash(original)


def test_enrolment_code_spent_on_one_process_is_refused_by_the_other(
    two: tuple[ServerProcess, ServerProcess, ServerService],
) -> None:
    first, second, admin = two
    code, _ = admin.create_enrol_code()
    with httpx.Client(base_url=first.url) as a, httpx.Client(base_url=second.url) as b:
        assert post_enrol(a, code, DeviceKey.generate()).status_code == 201
        again = post_enrol(b, code, DeviceKey.generate())
    assert again.status_code == 403
    assert again.json()["error"] == "code_used"


def test_erasure_through_one_process_is_refused_on_upload_by_the_other(
    two: tuple[ServerProcess, ServerProcess, ServerService],
) -> None:
    first, second, admin = two
    key = DeviceKey.generate()
    headers = _enrol(first.url, admin, key)
    _, token = admin.create_account("dm-scale", "data_manager")
    envelope = make_envelope(key)
    assert httpx.post(f"{second.url}/v1/submissions", json=envelope, headers=headers).is_success
    erased = httpx.post(
        f"{first.url}/v1/erasures",
        json={"submission_ids": [envelope["submission_id"]]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert erased.json()["deleted"] == 1
    again = httpx.post(f"{second.url}/v1/submissions", json=envelope, headers=headers)
    assert again.status_code == 410


@pytest.fixture
def two_limited(pg_url: str) -> Iterator[tuple[ServerProcess, ServerProcess, ServerService]]:
    """Two `server` processes that allow 4 requests at once per device or address."""
    yield from _two_processes(pg_url, "--rate", "0.001", "--burst", "4")


@pytest.fixture
def two_enrol_limited(pg_url: str) -> Iterator[tuple[ServerProcess, ServerProcess, ServerService]]:
    """Two `server` processes that allow 3 failed enrolments per address and hour."""
    yield from _two_processes(pg_url, "--enrol-failures-per-hour", "3")


def test_a_devices_request_budget_is_shared_by_both_processes(
    two_limited: tuple[ServerProcess, ServerProcess, ServerService],
) -> None:
    first, second, admin = two_limited
    key = DeviceKey.generate()
    headers = _enrol(first.url, admin, key)
    statuses = [
        httpx.post(f"{p.url}/v1/submissions", json=make_envelope(key), headers=headers).status_code
        for p in (first, second, first, second, first, second)
    ]
    # The enrolment took nothing from the device's bucket: 4 uploads pass, wherever they land.
    assert statuses[:4] == [201] * 4
    assert statuses[4:] == [429, 429]


def test_failed_enrolments_from_one_address_are_counted_across_processes(
    two_enrol_limited: tuple[ServerProcess, ServerProcess, ServerService],
) -> None:
    first, second, admin = two_enrol_limited
    guesses = []
    for process in (first, second, first):
        with httpx.Client(base_url=process.url) as client:
            guesses.append(post_enrol(client, "AAAA-BBBB-CCCC", DeviceKey.generate()))
    assert [g.json()["error"] for g in guesses] == ["code_unknown"] * 3
    code, _ = admin.create_enrol_code()
    with httpx.Client(base_url=second.url) as client:
        blocked = post_enrol(client, code, DeviceKey.generate())
    assert (blocked.status_code, blocked.json()["error"]) == (429, "rate_limited")
