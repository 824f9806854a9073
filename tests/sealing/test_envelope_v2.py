"""Version 2 envelopes: signed bytes as sealed; every changed byte, swap and mix is refused."""

from __future__ import annotations

import base64
import hashlib
import unicodedata

import pyrage
import pytest

from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import (
    ENVELOPE_FORMAT_V1,
    ENVELOPE_FORMAT_V2,
    INNER_FORMAT,
    INNER_FORMAT_V1,
    EnvelopeError,
    open_envelope,
    seal,
    signed_header,
    verify_envelope,
)
from survey_app.sealing.study_keys import StudyKeyPair, parse_identity, parse_recipient


def _seal(payload: dict, key: DeviceKey, keys: StudyKeyPair, version: int = 2) -> dict:
    return seal(
        payload,
        submission_id="sub-0001",
        study_id="test",
        device_id=key.device_id,
        device_key=key,
        recipient=keys.public,
        version=version,
    )


@pytest.fixture
def envelope(payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair) -> dict:
    return _seal(payload, device_key, study_keypair)


def _plaintext(envelope: dict, keys: StudyKeyPair) -> bytes:
    ciphertext = base64.b64decode(envelope["ciphertext"])
    return pyrage.decrypt(ciphertext, [parse_identity(keys.identity)])


def _refiled(envelope: dict, plaintext: bytes, key: DeviceKey, keys: StudyKeyPair) -> dict:
    """The envelope around other sealed bytes, its header validly signed by key.

    Anyone can encrypt to the study's public key; only the sealed bytes' own signature can
    tell a forgery apart, so this is what the inner checks alone must refuse.
    """
    ciphertext = pyrage.encrypt(plaintext, [parse_recipient(keys.public)])
    forged = {k: v for k, v in envelope.items() if k != "signature"}
    forged["ciphertext"] = base64.b64encode(ciphertext).decode()
    forged["ciphertext_sha256"] = hashlib.sha256(ciphertext).hexdigest()
    forged["signature"] = key.sign(signed_header(forged))
    return forged


def _head(key: DeviceKey, **changes: object) -> bytes:
    head = {
        "format": INNER_FORMAT,
        "submission_id": "sub-0001",
        "study_id": "test",
        "device_id": key.device_id,
        "device_public_key": key.public_b64,
        **changes,
    }
    return canonical_json(head)


def _signed_by(key: DeviceKey, head: bytes, payload_bytes: bytes) -> bytes:
    signed = head + b"\n" + payload_bytes
    return key.sign(signed).encode() + b"\n" + signed


def test_sealed_bytes_are_signature_head_and_canonical_payload(
    envelope: dict, payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    signature, head, body = _plaintext(envelope, study_keypair).split(b"\n")
    assert head == _head(device_key)
    assert body == canonical_json(payload)
    assert len(signature) == 88


def test_header_signature_leaves_out_only_the_ciphertext(envelope: dict) -> None:
    assert b"ciphertext_sha256" in signed_header(envelope)
    assert envelope["ciphertext"].encode() not in signed_header(envelope)


def test_every_changed_byte_of_the_sealed_content_is_refused(
    envelope: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    plaintext = _plaintext(envelope, study_keypair)
    for position in range(len(plaintext)):
        changed = bytearray(plaintext)
        changed[position] ^= 0x01
        forged = _refiled(envelope, bytes(changed), device_key, study_keypair)
        with pytest.raises(EnvelopeError):
            open_envelope(forged, study_keypair.identity)


def test_changed_payload_byte_breaks_the_payload_signature(
    envelope: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    plaintext = _plaintext(envelope, study_keypair)
    forged = _refiled(
        envelope, plaintext.replace(b'"value":1', b'"value":3', 1), device_key, study_keypair
    )
    with pytest.raises(EnvelopeError, match="payload signature"):
        open_envelope(forged, study_keypair.identity)


def test_every_changed_header_character_is_refused(envelope: dict) -> None:
    for field in ("submission_id", "study_id", "device_id", "sealed_at", "ciphertext_sha256"):
        forged = dict(envelope)
        forged[field] = forged[field][:-1] + ("0" if forged[field][-1] != "0" else "1")
        with pytest.raises(EnvelopeError, match=r"signature|checksum"):
            verify_envelope(forged)


def test_second_spelling_of_the_same_ciphertext_is_refused(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    # Base64 with padding has spare bits in its last character; the header signature does not
    # cover the base64 text in v2, so only the standard spelling may pass.
    sealed = _seal(payload, device_key, study_keypair)
    while not sealed["ciphertext"].endswith("="):
        payload = {**payload, "pad": payload.get("pad", "") + "x"}
        sealed = _seal(payload, device_key, study_keypair)
    text = sealed["ciphertext"].rstrip("=")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    spare = alphabet[alphabet.index(text[-1]) ^ 1]
    other = text[:-1] + spare + "=" * (len(sealed["ciphertext"]) - len(text))
    assert base64.b64decode(other) == base64.b64decode(sealed["ciphertext"])
    with pytest.raises(EnvelopeError, match="base64"):
        verify_envelope({**sealed, "ciphertext": other})


def test_second_spelling_signed_in_a_v1_header_still_opens(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    # Version 1 signs the base64 text itself, so any strict spelling of it was always taken.
    sealed = _seal(payload, device_key, study_keypair, version=1)
    while not sealed["ciphertext"].endswith("="):
        payload = {**payload, "pad": payload.get("pad", "") + "x"}
        sealed = _seal(payload, device_key, study_keypair, version=1)
    text = sealed["ciphertext"].rstrip("=")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    spare = alphabet[alphabet.index(text[-1]) ^ 1]
    other = {k: v for k, v in sealed.items() if k != "signature"}
    other["ciphertext"] = text[:-1] + spare + "=" * (len(sealed["ciphertext"]) - len(text))
    other["signature"] = device_key.sign(signed_header(other))
    assert open_envelope(other, study_keypair.identity) == payload


def test_header_signature_of_another_envelope_is_refused(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    first = _seal(payload, device_key, study_keypair)
    second = _seal(payload, device_key, study_keypair)
    with pytest.raises(EnvelopeError, match="device signature"):
        verify_envelope({**first, "signature": second["signature"]})


def test_payload_signature_of_another_submission_is_refused(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    mine = _seal(payload, device_key, study_keypair)
    other = _seal({**payload, "note": "other"}, device_key, study_keypair)
    signed = _plaintext(mine, study_keypair)[89:]
    swapped = _plaintext(other, study_keypair)[:88] + b"\n" + signed
    with pytest.raises(EnvelopeError, match="payload signature"):
        open_envelope(_refiled(mine, swapped, device_key, study_keypair), study_keypair.identity)


def test_header_signature_in_the_payload_signature_place_is_refused(
    envelope: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    signed = _plaintext(envelope, study_keypair)[89:]
    swapped = envelope["signature"].encode() + b"\n" + signed
    with pytest.raises(EnvelopeError, match="payload signature"):
        open_envelope(
            _refiled(envelope, swapped, device_key, study_keypair), study_keypair.identity
        )


def test_sealed_bytes_signed_by_another_device_are_refused(
    envelope: dict, payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    stranger = DeviceKey.generate()
    sealed = stranger.sign(_head(device_key) + b"\n" + canonical_json(payload)).encode()
    plaintext = sealed + b"\n" + _head(device_key) + b"\n" + canonical_json(payload)
    forged = _refiled(envelope, plaintext, device_key, study_keypair)
    with pytest.raises(EnvelopeError, match="payload signature"):
        open_envelope(forged, study_keypair.identity)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"submission_id": "sub-0002"}, "belongs elsewhere"),
        ({"study_id": "other"}, "belongs elsewhere"),
        ({"format": "survey-app/signed-payload/v1"}, "unknown format"),
        ({"extra": "x"}, "wrong fields"),
    ],
)
def test_head_naming_something_else_is_refused(
    envelope: dict,
    payload: dict,
    device_key: DeviceKey,
    study_keypair: StudyKeyPair,
    change: dict,
    message: str,
) -> None:
    plaintext = _signed_by(device_key, _head(device_key, **change), canonical_json(payload))
    forged = _refiled(envelope, plaintext, device_key, study_keypair)
    with pytest.raises(EnvelopeError, match=message):
        open_envelope(forged, study_keypair.identity)


def test_head_not_in_canonical_form_is_refused(
    envelope: dict, payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    head = _head(device_key).replace(b'","', b'", "', 1)
    plaintext = _signed_by(device_key, head, canonical_json(payload))
    with pytest.raises(EnvelopeError, match="wrong fields"):
        open_envelope(
            _refiled(envelope, plaintext, device_key, study_keypair), study_keypair.identity
        )


@pytest.mark.parametrize(
    ("payload_bytes", "message"),
    [
        (b'{"a":1,"a":2}', "canonical form"),  # duplicate key: last one would win silently
        (b'{"b":1,"a":2}', "canonical form"),  # keys out of order
        (b'{"a": 1}', "canonical form"),  # a space
        (b'{"a":1.0e0}', "canonical form"),  # another spelling of a number
        (b'{"a":"\\u0041"}', "canonical form"),  # an escape canonical JSON does not write
        (unicodedata.normalize("NFD", '{"a":"é"}').encode(), "canonical form"),
        (b'{"a":NaN}', "not valid JSON"),
        (b'{"a":Infinity}', "not valid JSON"),
        (b'{"a":1', "not valid JSON"),
        (b'{"a":"\xff"}', "not valid JSON"),
        (b'["a"]', "not a JSON object"),
        (b'{"a":1e400}', "canonical form"),  # json.loads reads inf, which JSON cannot write
        (b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not valid JSON"),
    ],
    ids=[
        "duplicate-key",
        "unsorted",
        "space",
        "number-form",
        "escape",
        "not-nfc",
        "nan",
        "infinity",
        "truncated",
        "not-utf8",
        "list",
        "overflows-to-infinity",
        "too-deep",
    ],
)
def test_payload_signed_but_not_canonical_is_refused(
    envelope: dict,
    device_key: DeviceKey,
    study_keypair: StudyKeyPair,
    payload_bytes: bytes,
    message: str,
) -> None:
    plaintext = _signed_by(device_key, _head(device_key), payload_bytes)
    forged = _refiled(envelope, plaintext, device_key, study_keypair)
    with pytest.raises(EnvelopeError, match=message):
        open_envelope(forged, study_keypair.identity)


@pytest.mark.parametrize(
    ("payload_bytes", "message"),
    [
        (b'{"a":1e400}', "canonical form"),
        (b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not valid JSON"),
        # Decoded and encoded, but too deep to normalise (its text is not NFC).
        (('{"a":' + "[" * 600 + '"e\u0301"' + "]" * 600 + "}").encode(), "nested too deeply"),
    ],
    ids=["overflows-to-infinity", "too-deep", "too-deep-to-normalise"],
)
def test_v1_payload_that_python_cannot_encode_is_refused(
    envelope: dict,
    device_key: DeviceKey,
    study_keypair: StudyKeyPair,
    payload_bytes: bytes,
    message: str,
) -> None:
    # Refused as a sealed submission, not raised as some other error that stops the import.
    inner = canonical_json(
        {
            "format": INNER_FORMAT_V1,
            "submission_id": "sub-0001",
            "study_id": "test",
            "device_id": device_key.device_id,
            "device_public_key": device_key.public_b64,
            "payload_sha256": "0" * 64,
            "payload": {"a": 1},
            "signature": "x",
        }
    ).replace(b'{"a":1}', payload_bytes)
    v1 = {k: v for k, v in envelope.items() if k != "signature"}
    v1["format"] = ENVELOPE_FORMAT_V1
    v1["signature"] = device_key.sign(signed_header(v1))
    with pytest.raises(EnvelopeError, match=message):
        open_envelope(_refiled(v1, inner, device_key, study_keypair), study_keypair.identity)


def test_canonical_payload_signed_the_same_way_opens(
    envelope: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    # The control for the cases above: only the byte changes make them fail.
    plaintext = _signed_by(device_key, _head(device_key), b'{"a":[1,2.5,"\xc3\xa9"]}')
    opened = open_envelope(
        _refiled(envelope, plaintext, device_key, study_keypair), study_keypair.identity
    )
    assert opened == {"a": [1, 2.5, "é"]}


@pytest.mark.parametrize(
    "plaintext",
    [b"", b"x" * 88, b"x" * 88 + b"\n" + b"{}", b"x" * 87 + b"\n" + b"{}\n{}"],
    ids=["empty", "signature-only", "no-payload-line", "short-signature"],
)
def test_sealed_bytes_without_the_layout_are_refused(
    envelope: dict, device_key: DeviceKey, study_keypair: StudyKeyPair, plaintext: bytes
) -> None:
    forged = _refiled(envelope, plaintext, device_key, study_keypair)
    with pytest.raises(EnvelopeError):
        open_envelope(forged, study_keypair.identity)


def test_v2_content_under_a_v1_header_is_refused(
    envelope: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    downgraded = {k: v for k, v in envelope.items() if k != "signature"}
    downgraded["format"] = ENVELOPE_FORMAT_V1
    downgraded["signature"] = device_key.sign(signed_header(downgraded))
    verify_envelope(downgraded)  # the header alone is self-consistent
    with pytest.raises(EnvelopeError, match="not valid JSON"):
        open_envelope(downgraded, study_keypair.identity)


def test_v1_content_under_a_v2_header_is_refused(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    old = _seal(payload, device_key, study_keypair, version=1)
    upgraded = {k: v for k, v in old.items() if k != "signature"}
    upgraded["format"] = ENVELOPE_FORMAT_V2
    upgraded["signature"] = device_key.sign(signed_header(upgraded))
    verify_envelope(upgraded)
    with pytest.raises(EnvelopeError, match="unknown format"):
        open_envelope(upgraded, study_keypair.identity)


def test_v1_header_signature_does_not_pass_as_v2(
    payload: dict, device_key: DeviceKey, study_keypair: StudyKeyPair
) -> None:
    old = _seal(payload, device_key, study_keypair, version=1)
    with pytest.raises(EnvelopeError, match="device signature"):
        verify_envelope({**old, "format": ENVELOPE_FORMAT_V2})
