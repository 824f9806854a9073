"""Sealed envelopes of both versions: round trip, every tamper case, and the wrong study key."""

from __future__ import annotations

import base64
import copy
import hashlib
import json

import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import (
    ENVELOPE_FORMAT,
    ENVELOPE_FORMAT_V1,
    ENVELOPE_FORMAT_V2,
    EnvelopeError,
    envelope_hash,
    envelope_id,
    open_envelope,
    open_envelope_text,
    payload_sha256,
    seal,
    signed_header,
    verify_envelope,
)
from survey_app.sealing.study_keys import StudyKeyPair


def _seal(payload: dict, device_key: DeviceKey, keys: StudyKeyPair, version: int = 2) -> dict:
    return seal(
        payload,
        submission_id="sub-0001",
        study_id="test",
        device_id=device_key.device_id,
        device_key=device_key,
        recipient=keys.public,
        version=version,
    )


# Every test taking `envelope` runs on both versions: v1 must keep every check it had.
@pytest.fixture(params=[1, 2], ids=["v1", "v2"])
def envelope(
    request: pytest.FixtureRequest,
    payload: dict,
    device_key: DeviceKey,
    study_keypair: StudyKeyPair,
) -> dict:
    return _seal(payload, device_key, study_keypair, request.param)


def _resign(envelope: dict, key: DeviceKey) -> dict:
    forged = {k: v for k, v in envelope.items() if k != "signature"}
    forged["device_public_key"] = key.public_b64
    forged["signature"] = key.sign(signed_header(forged))
    return forged


def test_round_trip_returns_the_payload(
    envelope: dict, payload: dict, study_keypair: StudyKeyPair
) -> None:
    assert open_envelope(envelope, study_keypair.identity) == payload


def test_envelope_survives_json_transport(
    envelope: dict, payload: dict, study_keypair: StudyKeyPair
) -> None:
    transported = json.loads(json.dumps(envelope))
    assert open_envelope(transported, study_keypair.identity) == payload


def test_envelope_header_has_the_contract_fields(envelope: dict, device_key: DeviceKey) -> None:
    assert envelope["format"] in (ENVELOPE_FORMAT_V1, ENVELOPE_FORMAT_V2)
    assert envelope["submission_id"] == "sub-0001"
    assert envelope["study_id"] == "test"
    assert envelope["device_id"] == device_key.device_id
    assert envelope["device_public_key"] == device_key.public_b64
    assert envelope["sealed_at"].endswith("Z")


def test_envelope_reveals_no_answers_or_participant_code(envelope: dict) -> None:
    text = json.dumps(envelope, ensure_ascii=False)
    assert "P-0007-W" not in text
    assert "hscl_01" not in text
    assert "المختص" not in text


def test_untouched_envelope_verifies_with_and_without_expected_key(
    envelope: dict, device_key: DeviceKey
) -> None:
    verify_envelope(envelope)
    verify_envelope(envelope, device_key.public_b64)


def test_changed_ciphertext_is_rejected(envelope: dict) -> None:
    raw = bytearray(base64.b64decode(envelope["ciphertext"]))
    raw[-1] ^= 0x01
    envelope["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(EnvelopeError, match="checksum"):
        verify_envelope(envelope)


def test_changed_ciphertext_with_updated_checksum_is_rejected(envelope: dict) -> None:
    raw = bytearray(base64.b64decode(envelope["ciphertext"]))
    raw[-1] ^= 0x01
    envelope["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    envelope["ciphertext_sha256"] = hashlib.sha256(bytes(raw)).hexdigest()
    with pytest.raises(EnvelopeError, match="signature"):
        verify_envelope(envelope)


@pytest.mark.parametrize("field", ["submission_id", "study_id", "device_id", "sealed_at"])
def test_changed_header_field_is_rejected(envelope: dict, field: str) -> None:
    envelope[field] = envelope[field] + "x"
    with pytest.raises(EnvelopeError, match="signature"):
        verify_envelope(envelope)


def test_signature_by_an_unexpected_device_key_is_rejected(envelope: dict) -> None:
    with pytest.raises(EnvelopeError, match="expected device key"):
        verify_envelope(envelope, DeviceKey.generate().public_b64)


def test_swapped_device_public_key_is_rejected(envelope: dict) -> None:
    envelope["device_public_key"] = DeviceKey.generate().public_b64
    with pytest.raises(EnvelopeError, match="signature"):
        verify_envelope(envelope)


def test_ciphertext_re_signed_by_another_device_does_not_open(
    envelope: dict, study_keypair: StudyKeyPair
) -> None:
    forged = _resign(envelope, DeviceKey.generate())
    verify_envelope(forged)  # self-consistent outside; the sealed inside names the real device
    with pytest.raises(EnvelopeError, match="belongs elsewhere"):
        open_envelope(forged, study_keypair.identity)


def test_truncated_base64_is_rejected(envelope: dict) -> None:
    envelope["ciphertext"] = envelope["ciphertext"][:-3]
    with pytest.raises(EnvelopeError, match="base64"):
        verify_envelope(envelope)


def test_unknown_format_is_rejected(envelope: dict) -> None:
    envelope["format"] = "survey-app/sealed-submission/v0"
    with pytest.raises(EnvelopeError, match="known format"):
        verify_envelope(envelope)


def test_missing_or_extra_field_is_rejected(envelope: dict) -> None:
    missing = copy.deepcopy(envelope)
    del missing["sealed_at"]
    with pytest.raises(EnvelopeError, match="missing sealed_at"):
        verify_envelope(missing)
    envelope["note"] = "added later"
    with pytest.raises(EnvelopeError, match="unknown note"):
        verify_envelope(envelope)


def test_non_object_is_rejected() -> None:
    with pytest.raises(EnvelopeError, match="JSON object"):
        verify_envelope(["not", "an", "envelope"])  # type: ignore[arg-type]


def test_wrong_study_key_cannot_open(envelope: dict, other_study_keypair: StudyKeyPair) -> None:
    with pytest.raises(EnvelopeError, match="not sealed to this study key"):
        open_envelope(envelope, other_study_keypair.identity)


def test_open_verifies_the_signature_before_decrypting(
    envelope: dict, study_keypair: StudyKeyPair
) -> None:
    envelope["study_id"] = "other"
    with pytest.raises(EnvelopeError, match="signature"):
        open_envelope(envelope, study_keypair.identity)


def test_reseal_keeps_payload_hash_but_not_envelope_hash(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    first = _seal(payload, device_key, study_keypair)
    second = _seal(payload, device_key, study_keypair)
    assert envelope_hash(first) != envelope_hash(second)
    assert envelope_id(first) == envelope_id(second) == "sub-0001"
    assert payload_sha256(payload) == payload_sha256(json.loads(json.dumps(payload)))


def test_envelope_hash_ignores_key_order(envelope: dict) -> None:
    reordered = dict(reversed(list(envelope.items())))
    assert envelope_hash(reordered) == envelope_hash(envelope)


def test_new_envelopes_are_sealed_as_version_2(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    sealed = seal(
        payload,
        submission_id="sub-0001",
        study_id="test",
        device_id=device_key.device_id,
        device_key=device_key,
        recipient=study_keypair.public,
    )
    assert sealed["format"] == ENVELOPE_FORMAT == ENVELOPE_FORMAT_V2


def test_both_versions_give_the_same_payload_hash(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    texts = [
        open_envelope_text(_seal(payload, device_key, study_keypair, v), study_keypair.identity)[1]
        for v in (1, 2)
    ]
    assert texts[0] == texts[1]
    assert hashlib.sha256(texts[1].encode()).hexdigest() == payload_sha256(payload)


def test_envelope_id_of_garbage_is_an_envelope_error() -> None:
    with pytest.raises(EnvelopeError):
        envelope_id({"format": ENVELOPE_FORMAT})
