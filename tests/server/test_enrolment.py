"""Enrolment needs the laptop's PRIVATE key: a code and a public key alone get nothing.

The proof is bound to a single-use server challenge and to the code, so a captured proof cannot
be replayed nor used with another code.
"""

from __future__ import annotations

import time

import httpx
import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.server.config import ServerConfig
from survey_app.server.enrol_proof import new_challenge, proof_message
from survey_app.server.service import ServerService
from tests.server.support import (
    TEST_STUDIES,
    Enrolled,
    enrol,
    make_envelope,
    post_enrol,
    running_server,
)


@pytest.fixture
def laptop(http: httpx.Client, service: ServerService) -> Enrolled:
    return enrol(http, service)


def _upload(http: httpx.Client, device: Enrolled) -> int:
    return http.post(
        "/v1/submissions", json=make_envelope(device.key), headers=device.headers
    ).status_code


def test_code_and_a_public_key_from_an_envelope_cannot_take_over_a_laptop(
    http: httpx.Client, service: ServerService, laptop: Enrolled
) -> None:
    # The attacker has a valid code and the laptop's public key (it is in every envelope),
    # but not its private key: the best they can do is sign with a key of their own.
    public_key = make_envelope(laptop.key)["device_public_key"]
    victim = DeviceKey.from_private_bytes(laptop.key.private_bytes())
    assert victim.public_b64 == public_key
    code, _ = service.create_enrol_code()
    attempt = post_enrol(http, code, victim, signer=DeviceKey.generate())
    assert (attempt.status_code, attempt.json()["error"]) == (403, "bad_proof")
    assert "token" not in attempt.json()
    assert _upload(http, laptop) == 201


def test_enrolment_without_a_proof_is_refused(
    http: httpx.Client, service: ServerService, laptop: Enrolled
) -> None:
    code, _ = service.create_enrol_code()
    response = http.post(
        "/v1/enrol", json={"code": code, "device_public_key": laptop.key.public_b64}
    )
    assert response.status_code == 422
    assert _upload(http, laptop) == 201


def _signed_body(
    key: DeviceKey, code: str, challenge: str, study_id: str | None = None
) -> dict[str, str]:
    """An enrolment request signed correctly by `key` for this challenge, code and study."""
    return {
        "code": code,
        "device_public_key": key.public_b64,
        "challenge": challenge,
        "proof": key.sign(proof_message(challenge, code, study_id, key.public_b64)),
    }


def _challenge(http: httpx.Client) -> tuple[str, str | None]:
    offer = http.post("/v1/enrol/challenge").json()
    return offer["challenge"], offer["study_id"]


def test_a_challenge_the_server_did_not_make_is_refused(
    http: httpx.Client, service: ServerService
) -> None:
    key = DeviceKey.generate()
    code, _ = service.create_enrol_code()
    forged = new_challenge(b"not the server's secret" * 2)
    response = http.post("/v1/enrol", json=_signed_body(key, code, forged, service.config.study_id))
    assert (response.status_code, response.json()["error"]) == (403, "bad_challenge")


def test_a_challenge_past_its_time_is_refused(http: httpx.Client, service: ServerService) -> None:
    key = DeviceKey.generate()
    code, _ = service.create_enrol_code()
    old = new_challenge(service.challenge_key, now=1_000_000.0)
    response = http.post("/v1/enrol", json=_signed_body(key, code, old, service.config.study_id))
    assert (response.status_code, response.json()["error"]) == (403, "bad_challenge")


def test_a_handed_out_challenge_that_expired_is_refused(tmp_path) -> None:
    config = ServerConfig(
        database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES, enrol_challenge_ttl_seconds=1
    )
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        key = DeviceKey.generate()
        code, _ = service.create_enrol_code()
        challenge, study_id = _challenge(http)
        time.sleep(2.1)
        response = http.post("/v1/enrol", json=_signed_body(key, code, challenge, study_id))
        assert (response.status_code, response.json()["error"]) == (403, "bad_challenge")
        assert post_enrol(http, code, key).status_code == 201


def test_a_challenge_not_handed_out_by_the_server_is_refused(
    http: httpx.Client, service: ServerService
) -> None:
    # Made with the server's own secret (as if it leaked) but never stored as handed out.
    key = DeviceKey.generate()
    code, _ = service.create_enrol_code()
    made = new_challenge(service.challenge_key)
    response = http.post("/v1/enrol", json=_signed_body(key, code, made, service.config.study_id))
    assert (response.status_code, response.json()["error"]) == (403, "bad_challenge")


def test_replaying_a_captured_proof_is_refused(
    http: httpx.Client, service: ServerService, laptop: Enrolled
) -> None:
    code, _ = service.create_enrol_code()
    challenge, study_id = _challenge(http)
    captured = _signed_body(laptop.key, code, challenge, study_id)
    assert http.post("/v1/enrol", json=captured).status_code == 201
    replay = http.post("/v1/enrol", json=captured)
    assert (replay.status_code, replay.json()["error"]) == (403, "bad_challenge")
    assert "token" not in replay.json()


def test_a_proof_made_for_one_code_is_refused_with_another(
    http: httpx.Client, service: ServerService, laptop: Enrolled
) -> None:
    # The laptop's own attempt with code A never arrived (captured); the attacker holds code B.
    code_a, _ = service.create_enrol_code()
    code_b, _ = service.create_enrol_code()
    challenge, study_id = _challenge(http)
    captured = _signed_body(laptop.key, code_a, challenge, study_id)
    attempt = http.post("/v1/enrol", json={**captured, "code": code_b})
    assert (attempt.status_code, attempt.json()["error"]) == (403, "bad_proof")
    assert _upload(http, laptop) == 201
    assert post_enrol(http, code_b, DeviceKey.generate()).status_code == 201


def test_a_proof_signed_for_another_study_is_refused(
    http: httpx.Client, service: ServerService
) -> None:
    key = DeviceKey.generate()
    code, _ = service.create_enrol_code()
    challenge, _ = _challenge(http)
    body = _signed_body(key, code, challenge, "another-study")
    response = http.post("/v1/enrol", json=body)
    assert (response.status_code, response.json()["error"]) == (403, "bad_proof")


def test_a_failed_proof_does_not_spend_the_code(http: httpx.Client, service: ServerService) -> None:
    key = DeviceKey.generate()
    code, _ = service.create_enrol_code()
    assert post_enrol(http, code, key, signer=DeviceKey.generate()).status_code == 403
    assert post_enrol(http, code, key).status_code == 201


def test_revoked_laptop_stays_revoked_when_enrolled_again_with_its_own_key(
    http: httpx.Client, service: ServerService, laptop: Enrolled
) -> None:
    service.repository.revoke_device(laptop.key.device_id)
    code, _ = service.create_enrol_code()
    response = post_enrol(http, code, laptop.key)
    assert (response.status_code, response.json()["error"]) == (403, "device_revoked")
    assert _upload(http, laptop) == 401
    [device] = service.repository.devices()
    assert device.revoked


def test_laptop_enrolling_again_with_its_own_key_gets_a_new_token(
    http: httpx.Client, service: ServerService, laptop: Enrolled
) -> None:
    again = enrol(http, service, laptop.key)
    assert again.token != laptop.token
    assert _upload(http, again) == 201
    assert _upload(http, laptop) == 401


def test_a_challenge_from_one_server_process_is_accepted_once_by_another(tmp_path) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)
    with (
        running_server(config) as (service, first),
        running_server(config) as (_, second),
        httpx.Client(base_url=first.url) as a,
        httpx.Client(base_url=second.url) as b,
    ):
        key = DeviceKey.generate()
        code, _ = service.create_enrol_code()
        challenge, study_id = _challenge(a)
        body = _signed_body(key, code, challenge, study_id)
        assert b.post("/v1/enrol", json=body).status_code == 201
        assert a.post("/v1/enrol", json=body).json()["error"] == "bad_challenge"


def test_challenges_beyond_the_open_limit_are_refused_until_some_expire(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import survey_app.server.service as service_module

    monkeypatch.setattr(service_module, "MAX_OPEN_CHALLENGES", 2)
    statuses = [http.post("/v1/enrol/challenge").status_code for _ in range(3)]
    assert statuses == [201, 201, 503]
    refused = http.post("/v1/enrol/challenge")
    assert refused.json()["error"] == "enrolment_busy"
    assert refused.headers["Retry-After"] == "60"


def test_using_a_challenge_makes_room_for_another(
    http: httpx.Client, service: ServerService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import survey_app.server.service as service_module

    monkeypatch.setattr(service_module, "MAX_OPEN_CHALLENGES", 1)
    code, _ = service.create_enrol_code()
    assert post_enrol(http, code, DeviceKey.generate()).status_code == 201
    assert http.post("/v1/enrol/challenge").status_code == 201


def _code_bound_to(tmp_path, study_id: str) -> str:
    """A code made by an admin whose configuration names one study only."""
    admin = ServerService.open(ServerConfig(database=str(tmp_path / "s.db"), study_ids=(study_id,)))
    try:
        return admin.create_enrol_code()[0]
    finally:
        admin.close()


def test_a_code_for_one_of_several_served_studies_enrols(tmp_path) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)
    with running_server(config) as (_, server), httpx.Client(base_url=server.url) as http:
        code = _code_bound_to(tmp_path, TEST_STUDIES[1])
        key = DeviceKey.generate()
        challenge, study_id = _challenge(http)
        response = http.post("/v1/enrol", json=_signed_body(key, code, challenge, study_id))
        assert response.status_code == 201


def test_a_code_for_a_study_the_server_does_not_serve_is_refused(tmp_path) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)
    with running_server(config) as (_, server), httpx.Client(base_url=server.url) as http:
        code = _code_bound_to(tmp_path, "another-study")
        key = DeviceKey.generate()
        challenge, study_id = _challenge(http)
        response = http.post("/v1/enrol", json=_signed_body(key, code, challenge, study_id))
        assert (response.status_code, response.json()["error"]) == (403, "code_other_study")
