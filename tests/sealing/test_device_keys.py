"""Ed25519 device keys: signatures verify only for the right key and the right bytes."""

from __future__ import annotations

import base64
import binascii
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.sealing import device_keys
from survey_app.sealing.device_keys import (
    DeviceKey,
    b64decode_standard,
    device_id_for,
    verify_signature,
)
from tests.properties import examples

_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def test_signature_verifies_with_the_signing_key(device_key: DeviceKey) -> None:
    signature = device_key.sign(b"data")
    assert verify_signature(device_key.public_b64, signature, b"data")


def test_signature_fails_for_changed_data(device_key: DeviceKey) -> None:
    signature = device_key.sign(b"data")
    assert not verify_signature(device_key.public_b64, signature, b"datA")


def test_signature_fails_for_another_key(device_key: DeviceKey) -> None:
    signature = device_key.sign(b"data")
    assert not verify_signature(DeviceKey.generate().public_b64, signature, b"data")


def test_malformed_signature_or_key_is_false_not_an_exception(device_key: DeviceKey) -> None:
    signature = device_key.sign(b"data")
    assert not verify_signature(device_key.public_b64, signature[:-4], b"data")
    assert not verify_signature("not base64!", signature, b"data")
    assert not verify_signature(device_key.public_b64[:20], signature, b"data")


@pytest.mark.parametrize("public", [None, 7, [], {}, b"key"], ids=repr)
def test_a_public_key_that_is_not_text_verifies_nothing(device_key: DeviceKey, public) -> None:
    # As read from a malformed document: refused, never raised (a list cannot be cached).
    assert not verify_signature(public, device_key.sign(b"data"), b"data")


def test_private_bytes_round_trip_keeps_the_key(device_key: DeviceKey) -> None:
    restored = DeviceKey.from_private_bytes(device_key.private_bytes())
    assert restored.public_b64 == device_key.public_b64
    assert verify_signature(device_key.public_b64, restored.sign(b"x"), b"x")


def test_device_id_is_short_stable_and_per_key(device_key: DeviceKey) -> None:
    device_id = device_id_for(device_key.public_b64)
    assert re.fullmatch(r"[0-9a-f]{16}", device_id)
    assert device_id == device_id_for(device_key.public_b64) == device_key.device_id
    assert device_id != DeviceKey.generate().device_id


def test_repr_does_not_reveal_the_private_key(device_key: DeviceKey) -> None:
    assert device_key.private_bytes().hex() not in repr(device_key)
    assert device_key.public_b64 in repr(device_key)


@settings(max_examples=examples(300))
@given(st.binary(max_size=80))
def test_standard_base64_decodes_to_its_bytes(data: bytes) -> None:
    assert b64decode_standard(base64.b64encode(data).decode()) == data


@settings(max_examples=examples(1000))
@given(
    st.binary(max_size=30),
    st.integers(0, 40),
    st.sampled_from(_B64_ALPHABET + "=\n -_é"),
    st.sampled_from(["replace", "insert", "drop", "none"]),
)
def test_exactly_the_standard_spelling_of_some_bytes_is_decoded(
    data: bytes, at: int, char: str, edit: str
) -> None:
    text = base64.b64encode(data).decode()
    text = {
        "replace": text[:at] + char + text[at + 1 :],
        "insert": text[:at] + char + text[at:],
        "drop": text[:at] + text[at + 1 :],
        "none": text,
    }[edit]
    try:
        strict = binascii.a2b_base64(text.encode(), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        strict = None
    standard = strict is not None and base64.b64encode(strict).decode() == text
    assert b64decode_standard(text) == (strict if standard else None)


@pytest.mark.parametrize(
    "text", ["QR==", "QQ", "QQ=", "QQ===", "=QQ=", "QQ==QQ==", "QQ==\n", " QQ==", "QUJD\n", "é"]
)
def test_other_spellings_and_malformed_text_are_left_to_the_strict_decoder(text: str) -> None:
    assert b64decode_standard(text) is None


def test_a_device_key_is_parsed_once_for_many_signatures(
    device_key: DeviceKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = DeviceKey.generate()
    parsed = []
    real = device_keys.Ed25519PublicKey.from_public_bytes
    monkeypatch.setattr(
        device_keys.Ed25519PublicKey,
        "from_public_bytes",
        lambda raw: parsed.append(raw) or real(raw),
    )
    for n in range(5):
        assert verify_signature(key.public_b64, key.sign(b"%d" % n), b"%d" % n)
    assert not verify_signature(key.public_b64, device_key.sign(b"0"), b"0")
    assert len(parsed) == 1
