"""The HTTP API over a real uvicorn server: enrolment, upload, export, limits and errors."""

from __future__ import annotations

import io
import logging
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from survey_app.bundle import read_bundle
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import envelope_hash
from survey_app.server.config import ServerConfig
from survey_app.server.middleware import ACCESS_LOGGER
from survey_app.server.receipts import verify_receipt
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
def device(http: httpx.Client, service: ServerService) -> Enrolled:
    return enrol(http, service)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_description_lists_the_endpoints(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/v1/enrol", "/v1/submissions", "/v1/export", "/v1/health"} <= set(paths)


def test_upload_returns_receipt_signed_by_server_key(http: httpx.Client, device: Enrolled) -> None:
    envelope = make_envelope(device.key)
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert response.status_code == 201
    verify_receipt(
        response.json(),
        server_public_key=device.server_public_key,
        submission_id=envelope["submission_id"],
        content_hash=envelope_hash(envelope),
    )


def test_retried_upload_gets_the_same_receipt_and_no_duplicate(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    envelope = make_envelope(device.key)
    first = http.post("/v1/submissions", json=envelope, headers=device.headers)
    second = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert service.repository.count_submissions() == 1


def test_same_id_with_different_content_is_refused_with_409_and_logged(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    original = make_envelope(device.key, submission_id="sub-1")
    http.post("/v1/submissions", json=original, headers=device.headers)
    other = make_envelope(device.key, submission_id="sub-1", payload={"different": True})
    response = http.post("/v1/submissions", json=other, headers=device.headers)
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert [c[0] for c in service.repository.conflicts()] == ["sub-1"]
    assert service.repository.submission("sub-1").content_hash == envelope_hash(original)


def test_envelope_claiming_another_device_is_forbidden(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    other = enrol(http, service)
    envelope = make_envelope(other.key)
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert response.status_code == 403
    assert response.json()["error"] == "wrong_device"


def test_envelope_signed_by_unenrolled_key_is_forbidden(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    forged = make_envelope(DeviceKey.generate(), device_id=device.key.device_id)
    response = http.post("/v1/submissions", json=forged, headers=device.headers)
    assert response.status_code == 403
    assert service.repository.count_submissions() == 0


def test_envelope_with_a_forged_signature_is_forbidden(
    http: httpx.Client, device: Enrolled
) -> None:
    envelope = make_envelope(device.key)
    envelope["signature"] = DeviceKey.generate().sign(b"something else")
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert response.status_code == 403
    assert response.json()["error"] == "bad_signature"


def test_upload_without_token_is_unauthorised(http: httpx.Client, device: Enrolled) -> None:
    response = http.post("/v1/submissions", json=make_envelope(device.key))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_enrolment_code_cannot_be_reused(http: httpx.Client, service: ServerService) -> None:
    code, _ = service.create_enrol_code()
    first = post_enrol(http, code, DeviceKey.generate())
    second = post_enrol(http, code, DeviceKey.generate())
    assert first.status_code == 201
    assert (second.status_code, second.json()["error"]) == (403, "code_used")


def test_expired_enrolment_code_is_refused(http: httpx.Client, service: ServerService) -> None:
    code, _ = service.create_enrol_code(ttl=timedelta(microseconds=1))
    response = post_enrol(http, code, DeviceKey.generate())
    assert (response.status_code, response.json()["error"]) == (403, "code_expired")


def test_enrolment_code_is_accepted_in_lower_case_without_dashes(
    http: httpx.Client, service: ServerService
) -> None:
    code, _ = service.create_enrol_code()
    typed = code.replace("-", " ").lower()
    response = post_enrol(http, typed, DeviceKey.generate())
    assert response.status_code == 201


def test_device_token_cannot_export(http: httpx.Client, device: Enrolled) -> None:
    response = http.get("/v1/export", headers=device.headers)
    assert response.status_code == 403


def test_admin_token_cannot_export(http: httpx.Client, service: ServerService) -> None:
    _, token = service.create_account("admin", "admin")
    assert http.get("/v1/export", headers=_bearer(token)).status_code == 403


def test_data_manager_cannot_create_enrolment_codes(
    http: httpx.Client, service: ServerService
) -> None:
    _, token = service.create_account("dm", "data_manager")
    response = http.post("/v1/admin/enrol-codes", json={}, headers=_bearer(token))
    assert response.status_code == 403


def test_admin_creates_an_enrolment_code_that_enrols(
    http: httpx.Client, service: ServerService
) -> None:
    _, token = service.create_account("admin", "admin")
    code = http.post("/v1/admin/enrol-codes", json={"ttl_hours": 1}, headers=_bearer(token))
    key = DeviceKey.generate()
    response = post_enrol(http, code.json()["code"], key)
    assert response.json()["device_id"] == key.device_id


def test_export_bundle_holds_every_upload_and_is_signed_by_the_server(
    http: httpx.Client, service: ServerService, device: Enrolled, tmp_path: Path
) -> None:
    _, token = service.create_account("dm", "data_manager")
    sent = [make_envelope(device.key) for _ in range(3)]
    for envelope in sent:
        http.post("/v1/submissions", json=envelope, headers=device.headers)
    response = http.get("/v1/export", headers=_bearer(token))
    path = tmp_path / "pull.surveybundle"
    path.write_bytes(response.content)
    bundle = read_bundle(path)
    assert sorted(e["submission_id"] for e in bundle.envelopes) == sorted(
        e["submission_id"] for e in sent
    )
    assert bundle.manifest.device_public_key == service.server_public_key


def test_export_since_cursor_returns_only_new_envelopes(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    _, token = service.create_account("dm", "data_manager")
    http.post("/v1/submissions", json=make_envelope(device.key), headers=device.headers)
    first = http.get("/v1/export", params={"format": "json"}, headers=_bearer(token)).json()
    newer = make_envelope(device.key)
    http.post("/v1/submissions", json=newer, headers=device.headers)
    second = http.get(
        "/v1/export", params={"format": "json", "since": first["cursor"]}, headers=_bearer(token)
    ).json()
    assert second["envelopes"] == [newer]


def test_export_bundle_response_carries_the_next_cursor(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    _, token = service.create_account("dm", "data_manager")
    http.post("/v1/submissions", json=make_envelope(device.key), headers=device.headers)
    response = http.get("/v1/export", headers=_bearer(token))
    assert zipfile.is_zipfile(io.BytesIO(response.content))
    assert response.headers["X-Export-Cursor"] == "1"
    assert response.headers["X-Export-More"] == "false"


def test_malformed_json_gets_a_clear_json_error(http: httpx.Client, device: Enrolled) -> None:
    response = http.post(
        "/v1/submissions",
        content=b"{not json",
        headers={**device.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_json", "message": "the body is not valid JSON"}


def test_validation_error_does_not_echo_the_input(http: httpx.Client) -> None:
    response = http.post("/v1/enrol", json={"code": "X", "device_public_key": "secret-ish"})
    assert response.status_code == 422
    assert "secret-ish" not in response.text
    assert set(response.json()) == {"error", "message"}


def test_database_failure_gives_json_500_without_stack_trace(
    http: httpx.Client, config: ServerConfig, device: Enrolled
) -> None:
    with sqlite3.connect(config.database) as conn:
        conn.execute("DROP TABLE submissions")
    response = http.post("/v1/submissions", json=make_envelope(device.key), headers=device.headers)
    assert response.status_code == 500
    assert response.json()["error"] == "internal"
    assert "Traceback" not in response.text
    assert "sqlite" not in response.text.lower()


def test_access_log_has_device_and_status_but_no_ciphertext(
    http: httpx.Client, device: Enrolled, caplog: pytest.LogCaptureFixture
) -> None:
    envelope = make_envelope(device.key)
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        http.post("/v1/submissions", json=envelope, headers=device.headers)
    lines = [r.getMessage() for r in caplog.records if r.name == ACCESS_LOGGER]
    assert any(f"POST /v1/submissions 201 device={device.key.device_id}" in line for line in lines)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert envelope["ciphertext"][:40] not in logged
    assert device.token not in logged


def test_request_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    config = ServerConfig(
        database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES, max_body_bytes=4096
    )
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        device = enrol(http, service)
        big = make_envelope(device.key, payload={"text": "x" * 8000})
        response = http.post("/v1/submissions", json=big, headers=device.headers)
        assert response.status_code == 413
        assert response.json()["error"] == "too_large"
        assert service.repository.count_submissions() == 0


def test_streamed_body_over_the_limit_is_refused(tmp_path: Path) -> None:
    config = ServerConfig(
        database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES, max_body_bytes=4096
    )
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        device = enrol(http, service)
        chunks = iter([b'{"a": "' + b"x" * 3000, b"x" * 3000 + b'"}'])
        response = http.post("/v1/submissions", content=chunks, headers=device.headers)
        assert response.status_code == 413


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    config = ServerConfig(
        database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES, rate_per_second=0.5, rate_burst=3
    )
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        device = enrol(http, service)
        statuses = [
            http.post("/v1/submissions", json=make_envelope(device.key), headers=device.headers)
            for _ in range(4)
        ]
    assert [r.status_code for r in statuses] == [201, 201, 201, 429]
    assert int(statuses[-1].headers["Retry-After"]) >= 1
    assert statuses[-1].json()["error"] == "rate_limited"


def test_server_for_one_study_refuses_another_study(tmp_path: Path) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"), study_ids=("study-a",))
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        device = enrol(http, service)
        envelope = make_envelope(device.key, study_id="study-b")
        response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert (response.status_code, response.json()["error"]) == (403, "wrong_study")


def test_submission_id_that_could_not_be_exported_is_refused(
    http: httpx.Client, device: Enrolled
) -> None:
    envelope = make_envelope(device.key, submission_id="../etc/passwd")
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_envelope")


def test_export_of_an_empty_server_is_an_empty_bundle(
    http: httpx.Client, service: ServerService, tmp_path: Path
) -> None:
    _, token = service.create_account("dm", "data_manager")
    response = http.get("/v1/export", headers=_bearer(token))
    path = tmp_path / "empty.surveybundle"
    path.write_bytes(response.content)
    assert read_bundle(path).envelopes == ()
