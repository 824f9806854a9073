"""Uploads of both sealed formats: v1 from laptops not yet updated, v2 from the rest."""

from __future__ import annotations

import httpx
import pytest

from survey_app.sealing.envelope import (
    ENVELOPE_FORMAT_V1,
    ENVELOPE_FORMAT_V2,
    envelope_hash,
    signed_header,
)
from survey_app.server.receipts import verify_receipt
from survey_app.server.service import ServerService
from tests.server.support import Enrolled, enrol, make_envelope


@pytest.fixture
def device(http: httpx.Client, service: ServerService) -> Enrolled:
    return enrol(http, service)


@pytest.mark.parametrize("version", [1, 2])
def test_upload_of_either_version_gets_a_verified_receipt(
    http: httpx.Client, device: Enrolled, version: int
) -> None:
    envelope = make_envelope(device.key, version=version)
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert response.status_code == 201
    verify_receipt(
        response.json(),
        server_public_key=device.server_public_key,
        submission_id=envelope["submission_id"],
        content_hash=envelope_hash(envelope),
    )


@pytest.mark.parametrize("version", [1, 2])
def test_retried_upload_of_either_version_is_stored_once(
    http: httpx.Client, service: ServerService, device: Enrolled, version: int
) -> None:
    envelope = make_envelope(device.key, version=version)
    first = http.post("/v1/submissions", json=envelope, headers=device.headers)
    second = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert service.repository.count_submissions() == 1


def test_same_id_sealed_once_as_v1_and_once_as_v2_is_a_conflict(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    old = make_envelope(device.key, submission_id="sub-1", version=1)
    new = make_envelope(device.key, submission_id="sub-1", version=2)
    assert http.post("/v1/submissions", json=old, headers=device.headers).status_code == 201
    response = http.post("/v1/submissions", json=new, headers=device.headers)
    assert response.status_code == 409
    assert service.repository.submission("sub-1").content_hash == envelope_hash(old)


@pytest.mark.parametrize("field", ["sealed_at", "study_id", "ciphertext_sha256"])
def test_v2_with_a_changed_header_field_is_refused(
    http: httpx.Client, service: ServerService, device: Enrolled, field: str
) -> None:
    envelope = make_envelope(device.key)
    envelope[field] = envelope[field][:-1] + ("0" if envelope[field][-1] != "0" else "1")
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert response.status_code in (403, 422)
    assert service.repository.count_submissions() == 0


def test_v2_header_signature_on_a_v1_envelope_is_refused(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    # The format names which bytes are signed; relabelling must not let a header through.
    old = make_envelope(device.key, version=1)
    relabelled = {**old, "format": ENVELOPE_FORMAT_V2}
    response = http.post("/v1/submissions", json=relabelled, headers=device.headers)
    assert response.status_code == 403
    assert response.json()["error"] == "bad_signature"
    assert service.repository.count_submissions() == 0


def test_header_re_signed_by_another_key_is_refused(
    http: httpx.Client, service: ServerService, device: Enrolled
) -> None:
    other = enrol(http, service)
    envelope = make_envelope(device.key)
    envelope["signature"] = other.key.sign(signed_header(envelope))
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert response.status_code == 403
    assert service.repository.count_submissions() == 0


def test_unknown_format_version_is_refused_as_malformed(
    http: httpx.Client, device: Enrolled
) -> None:
    envelope = {**make_envelope(device.key), "format": "survey-app/sealed-submission/v3"}
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert response.status_code == 422


def test_openapi_schema_names_both_formats(http: httpx.Client) -> None:
    text = http.get("/openapi.json").text
    assert ENVELOPE_FORMAT_V1 in text and ENVELOPE_FORMAT_V2 in text
