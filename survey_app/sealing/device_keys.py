"""Per-laptop Ed25519 signing keys: every sealed submission says which device made it."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from functools import lru_cache

import pybase64
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)


def b64encode(data: bytes) -> str:
    """Standard base64 with padding, as text."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict standard base64 (raises ValueError on anything malformed or truncated)."""
    if not isinstance(text, str):
        raise ValueError("base64 value must be text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"invalid base64: {exc}") from None


def b64decode_standard(text: str) -> bytes | None:
    """The bytes whose standard base64 (padded, spare bits zero) is exactly text, else None."""
    try:
        raw = text.encode("ascii")
        data = pybase64.b64decode(raw, validate=True)
    except (ValueError, UnicodeEncodeError):  # binascii.Error is a ValueError
        return None
    # The re-encoding is the proof, whatever the decoder makes of other text: the standard
    # spelling of some bytes is strict base64 of exactly those bytes.
    return data if pybase64.b64encode(data) == raw else None


@dataclass(frozen=True)
class DeviceKey:
    """A device's Ed25519 private key."""

    _key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> DeviceKey:
        """Create a new random device key."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, data: bytes) -> DeviceKey:
        """Rebuild a key from the 32 raw bytes returned by `private_bytes`."""
        if len(data) != 32:
            raise ValueError("an Ed25519 private key has 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(bytes(data)))

    def private_bytes(self) -> bytes:
        """Return the 32 raw private bytes (store them only inside the encrypted store)."""
        return self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    @property
    def public_b64(self) -> str:
        """The raw 32-byte public key in base64."""
        return b64encode(self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    @property
    def device_id(self) -> str:
        """The short stable id derived from the public key."""
        return device_id_for(self.public_b64)

    def sign(self, data: bytes) -> str:
        """Sign bytes; return the 64-byte signature in base64."""
        return b64encode(self._key.sign(data))

    def __repr__(self) -> str:
        return f"DeviceKey(public_b64={self.public_b64!r})"


def public_key_from_b64(public_b64: str) -> Ed25519PublicKey:
    """Parse a base64 raw Ed25519 public key (ValueError if malformed)."""
    raw = b64decode(public_b64)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_signature(public_b64: str, signature_b64: str, data: bytes) -> bool:
    """Return True only if the signature is a valid Ed25519 signature of data by that key."""
    if not isinstance(public_b64, str):  # not base64 text (and maybe not hashable either)
        return False
    try:
        key = _public_key(public_b64)
        signature = b64decode(signature_b64)
        key.verify(signature, data)
    except (ValueError, InvalidSignature):
        return False
    return True


def device_id_for(public_b64: str) -> str:
    """Return a short stable id (16 hex digits) for a device public key."""
    raw = b64decode(public_b64)
    return hashlib.sha256(raw).hexdigest()[:16]


@lru_cache(maxsize=256)
def _public_key(public_b64: str) -> Ed25519PublicKey:
    # One device signs hundreds of envelopes, each checked twice: parse its key once. Only
    # keys that parse are kept, and a study has far fewer devices than this bound.
    return public_key_from_b64(public_b64)
