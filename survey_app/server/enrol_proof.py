"""Proof that an enrolling laptop holds its device PRIVATE key (no web stack; the client uses it).

A laptop's public key is in every envelope it ever sealed, so knowing it proves nothing. Before
enrolling, the laptop asks the server for a challenge and signs, with its Ed25519 device key, a
message that binds together the challenge, the enrolment code (as its sha256), the study the
server enrols into and the public key being enrolled. The server checks the signature against
that public key.

A challenge is random bytes, an expiry time and an HMAC under a server secret (so a forged or
stale one is refused without touching the database); the server also stores its hash with the
expiry in the database when it hands it out, and deletes the row when an enrolment uses it. A
captured proof therefore works at most once, only with the code it was made for, and only
until its challenge expires; every server process on the database shares both the secret and
the stored challenges.
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
from survey_app.server.credentials import normalise_enrol_code

PROOF_FORMAT = "survey-app/enrol-proof/v2"
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


def challenge_hash(challenge: str) -> str:
    """What the database keeps of a handed-out challenge (sha256 hex)."""
    return hashlib.sha256(challenge.encode("utf-8")).hexdigest()


def code_hash(code: str) -> str:
    """sha256 hex of the normalised code: what the proof binds, never the code itself."""
    return hashlib.sha256(normalise_enrol_code(code).encode("utf-8")).hexdigest()


def proof_message(challenge: str, code: str, study_id: str | None, device_public_key: str) -> bytes:
    """The bytes a laptop signs: challenge, code, study and public key, bound together."""
    return canonical_json(
        {
            "format": PROOF_FORMAT,
            "challenge": challenge,
            "code_sha256": code_hash(code),
            "study_id": study_id,
            "device_public_key": device_public_key,
        }
    )


def sign_proof(device_key: DeviceKey, challenge: str, code: str, study_id: str | None) -> str:
    """The laptop's proof of possession for a challenge and code (base64 Ed25519 signature)."""
    return device_key.sign(proof_message(challenge, code, study_id, device_key.public_b64))


def check_proof(
    device_public_key: str, challenge: str, code: str, study_id: str | None, signature: str
) -> None:
    """ProofError unless `signature` is the key's signature of this challenge, code and study."""
    message = proof_message(challenge, code, study_id, device_public_key)
    if not verify_signature(device_public_key, signature, message):
        raise ProofError(
            "the enrolment proof does not match (it must be signed with the laptop's own "
            "private key, for this enrolment code and this server's challenge)"
        )
