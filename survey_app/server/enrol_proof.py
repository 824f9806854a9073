"""Proof that an enrolling laptop holds its device PRIVATE key (no web stack; the client uses it).

A laptop's public key is in every envelope it ever sealed, so knowing it proves nothing. Before
enrolling, the laptop asks the server for a challenge and signs it with its Ed25519 device key;
the server checks the signature against the public key being enrolled. The challenge is
stateless: random bytes, an expiry time and an HMAC under a server secret (kept in the database,
so every server process on it accepts the others' challenges). Replaying a captured proof gains
nothing: it only enrols the same key, and the enrolment code it came with is single use.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
import time

from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.device_keys import DeviceKey, verify_signature

PROOF_FORMAT = "survey-app/enrol-proof/v1"
CHALLENGE_KEY_META = "enrol_challenge_hmac_key"
CHALLENGE_TTL_SECONDS = 300
_NONCE_BYTES = 16
_MAC_BYTES = 16


class ProofError(ValueError):
    """A challenge or proof that does not hold (message for a person, no secrets in it)."""


def new_challenge_key() -> str:
    """A fresh 256-bit secret for challenges, as hex text for server_meta."""
    return secrets.token_hex(32)


def new_challenge(key: bytes, now: float | None = None, ttl: int = CHALLENGE_TTL_SECONDS) -> str:
    """A challenge the server can later recognise as its own and not expired."""
    expires = int((time.time() if now is None else now) + ttl)
    body = secrets.token_bytes(_NONCE_BYTES) + struct.pack(">Q", expires)
    mac = hmac.new(key, body, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(body + mac).decode("ascii")


def check_challenge(key: bytes, challenge: str, now: float | None = None) -> None:
    """ProofError unless the server made this challenge and it has not expired."""
    try:
        raw = base64.urlsafe_b64decode(challenge.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ProofError("the enrolment challenge is not one of this server's") from None
    body, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    expected = hmac.new(key, body, hashlib.sha256).digest()[:_MAC_BYTES]
    if len(body) != _NONCE_BYTES + 8 or not hmac.compare_digest(mac, expected):
        raise ProofError("the enrolment challenge is not one of this server's")
    (expires,) = struct.unpack(">Q", body[_NONCE_BYTES:])
    if (time.time() if now is None else now) > expires:
        raise ProofError("the enrolment challenge has expired; ask for a new one")


def proof_message(challenge: str, device_public_key: str) -> bytes:
    """The bytes a laptop signs: the challenge bound to the public key being enrolled."""
    return canonical_json(
        {"format": PROOF_FORMAT, "challenge": challenge, "device_public_key": device_public_key}
    )


def sign_proof(device_key: DeviceKey, challenge: str) -> str:
    """The laptop's proof of possession for a challenge (base64 Ed25519 signature)."""
    return device_key.sign(proof_message(challenge, device_key.public_b64))


def check_proof(device_public_key: str, challenge: str, signature: str) -> None:
    """ProofError unless `signature` is the key's signature of the challenge."""
    if not verify_signature(
        device_public_key, signature, proof_message(challenge, device_public_key)
    ):
        raise ProofError(
            "the enrolment proof does not match the device key (it must be signed with the "
            "laptop's own private key)"
        )
