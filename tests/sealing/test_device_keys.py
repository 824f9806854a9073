"""Ed25519 device keys: signatures verify only for the right key and the right bytes."""

from __future__ import annotations

import re

from survey_app.sealing.device_keys import DeviceKey, device_id_for, verify_signature


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
