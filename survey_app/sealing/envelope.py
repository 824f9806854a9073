"""Sealed submission envelopes: a payload signed by the device, encrypted to the study key.

Layout (all fields text), the same in both versions:
    format, submission_id, study_id, device_id, device_public_key, sealed_at,
    ciphertext (base64 of a binary age file), ciphertext_sha256, signature

Version 2 (`survey-app/sealed-submission/v2`, what seal() writes):
    `signature` is the device's Ed25519 signature of canonical_json(every other field except
    `ciphertext`); the ciphertext is bound through `ciphertext_sha256`, and its base64 must be
    the one standard spelling of its bytes. Inside the age file are bytes, not one JSON value:
        signature (88 characters of base64) "\n" head "\n" payload
    where head = canonical_json({format: INNER_FORMAT, submission_id, study_id, device_id,
    device_public_key}), payload = canonical_json(payload), and the signature covers the exact
    bytes `head "\n" payload` as stored. Opening verifies those bytes, then decodes the payload
    once; it must be canonical already (NFC, sorted keys, no duplicate keys, no spaces).
    sha256 of the payload bytes is payload_sha256(payload), as in version 1.

Version 1 (`survey-app/sealed-submission/v1`, still opened): `signature` covers
canonical_json(every other field, ciphertext included). Inside the age file is canonical_json of
    {format: INNER_FORMAT_V1, submission_id, study_id, device_id, device_public_key,
     payload_sha256, payload, signature}
whose signature covers canonical_json of every inner field except `signature`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pyrage

from survey_app.errors import UserFacingError
from survey_app.sealing.canonical import (
    canonical_from_sorted,
    canonical_json,
    canonical_json_decoded,
    canonical_object,
    loads_sorted_json,
    sorted_json,
)
from survey_app.sealing.device_keys import (
    DeviceKey,
    b64decode_standard,
    b64encode,
    verify_signature,
)
from survey_app.sealing.study_keys import parse_identity, parse_recipient

ENVELOPE_FORMAT_V1 = "survey-app/sealed-submission/v1"
ENVELOPE_FORMAT_V2 = "survey-app/sealed-submission/v2"
ENVELOPE_FORMAT = ENVELOPE_FORMAT_V2  # what seal() writes
ENVELOPE_FORMATS = (ENVELOPE_FORMAT_V1, ENVELOPE_FORMAT_V2)  # what is accepted
INNER_FORMAT_V1 = "survey-app/signed-payload/v1"
INNER_FORMAT = "survey-app/signed-payload/v2"

HEADER_FIELDS = (
    "format",
    "submission_id",
    "study_id",
    "device_id",
    "device_public_key",
    "sealed_at",
    "ciphertext",
    "ciphertext_sha256",
)
ENVELOPE_FIELDS = frozenset((*HEADER_FIELDS, "signature"))
# Version 2 signs the header without the ciphertext, which its checksum binds.
_SIGNED_HEADER_V2 = tuple(k for k in HEADER_FIELDS if k != "ciphertext")
INNER_FIELDS_V2 = frozenset(
    ("format", "submission_id", "study_id", "device_id", "device_public_key")
)
INNER_FIELDS = frozenset(
    (
        "format",
        "submission_id",
        "study_id",
        "device_id",
        "device_public_key",
        "payload_sha256",
        "payload",
        "signature",
    )
)
# Fields the inner wrapper repeats from the header, so a ciphertext cannot be re-filed.
_BOUND_FIELDS = ("submission_id", "study_id", "device_id", "device_public_key")
_SIGNATURE_CHARS = 88  # base64 of a 64-byte Ed25519 signature


class EnvelopeError(UserFacingError):
    """A sealed submission is malformed, tampered with, or not for this study key."""


def payload_sha256(payload: Mapping[str, Any]) -> str:
    """Return the sha256 hex of the canonical payload (stable across re-sealing)."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def seal(
    payload: Mapping[str, Any],
    *,
    submission_id: str,
    study_id: str,
    device_id: str,
    device_key: DeviceKey,
    recipient: str | pyrage.x25519.Recipient,
    version: int = 2,
) -> dict[str, str]:
    """Sign the payload with the device key, encrypt it to the study key, sign the envelope.

    `version=1` writes the older format (still opened everywhere; kept for tests and tools).
    """
    for name, value in (
        ("submission_id", submission_id),
        ("study_id", study_id),
        ("device_id", device_id),
    ):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be non-empty text")
    if version not in (1, 2):
        raise ValueError("version must be 1 or 2")
    if isinstance(recipient, str):
        recipient = parse_recipient(recipient)
    public = device_key.public_b64
    bound = {
        "submission_id": submission_id,
        "study_id": study_id,
        "device_id": device_id,
        "device_public_key": public,
    }
    if version == 1:
        inner: dict[str, Any] = {
            "format": INNER_FORMAT_V1,
            **bound,
            "payload_sha256": payload_sha256(payload),
            "payload": payload,
        }
        inner["signature"] = device_key.sign(canonical_json(inner))
        plaintext = canonical_json(inner)
    else:
        signed = canonical_json({"format": INNER_FORMAT, **bound}) + b"\n" + canonical_json(payload)
        plaintext = device_key.sign(signed).encode("ascii") + b"\n" + signed
    ciphertext = pyrage.encrypt(plaintext, [recipient])
    envelope = {
        "format": ENVELOPE_FORMAT_V1 if version == 1 else ENVELOPE_FORMAT_V2,
        **bound,
        "sealed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ciphertext": b64encode(ciphertext),
        "ciphertext_sha256": hashlib.sha256(ciphertext).hexdigest(),
    }
    envelope["signature"] = device_key.sign(signed_header(envelope))
    return envelope


def verify_envelope(envelope: Mapping[str, Any], device_public_b64: str | None = None) -> None:
    """Check format, ciphertext hash and device signature without decrypting (EnvelopeError)."""
    _verify(envelope, device_public_b64)


def open_envelope(
    envelope: Mapping[str, Any], identity: str | pyrage.x25519.Identity
) -> dict[str, Any]:
    """Verify the envelope, decrypt it with the study secret key and return the payload."""
    return open_envelope_text(envelope, identity)[0]


def open_envelope_text(
    envelope: Mapping[str, Any], identity: str | pyrage.x25519.Identity
) -> tuple[dict[str, Any], str]:
    """open_envelope, and the payload as sorted_json text (its canonical JSON when NFC)."""
    ciphertext = _verify(envelope, None)
    if isinstance(identity, str):
        identity = parse_identity(identity)
    try:
        plaintext = pyrage.decrypt(ciphertext, [identity])
    except pyrage.DecryptError as exc:
        if "no matching keys" in str(exc).lower():
            raise EnvelopeError(
                f"submission {_safe_id(envelope)} is not sealed to this study key"
            ) from None
        raise EnvelopeError(
            f"submission {_safe_id(envelope)}: the encrypted content is damaged"
        ) from None
    if envelope["format"] == ENVELOPE_FORMAT_V2:
        return _open_inner_v2(envelope, plaintext)
    try:
        inner = json.loads(plaintext.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise EnvelopeError(
            f"submission {_safe_id(envelope)}: the sealed content is not valid JSON"
        ) from None
    return inner["payload"], _check_inner(envelope, inner)


def envelope_id(envelope: Mapping[str, Any]) -> str:
    """Return the id an envelope is filed under: its submission id.

    Two envelopes with the same id but different `envelope_hash` are a conflict (a re-sealed or
    forged submission) that the receiver must report, never silently overwrite.
    """
    value = envelope.get("submission_id") if isinstance(envelope, Mapping) else None
    if not isinstance(value, str) or not value:
        raise EnvelopeError("not a sealed submission: the submission_id is missing")
    return value


def envelope_hash(envelope: Mapping[str, Any]) -> str:
    """Return the sha256 hex of the canonical envelope (identifies this exact envelope)."""
    return hashlib.sha256(canonical_json(envelope)).hexdigest()


def encode_envelope(envelope: Mapping[str, str]) -> tuple[bytes, str]:
    """canonical_json of an envelope whose fields were checked to be text, and its hash."""
    data = canonical_json_decoded(dict(envelope))
    return data, hashlib.sha256(data).hexdigest()


def signed_header(envelope: Mapping[str, str]) -> bytes:
    """The bytes the envelope's `signature` covers (its header fields are text)."""
    # Every header field is text (checked, or written by seal()), so keys and values are JSON.
    if envelope["format"] == ENVELOPE_FORMAT_V2:
        return canonical_json_decoded({k: envelope[k] for k in _SIGNED_HEADER_V2})
    return canonical_json_decoded({k: envelope[k] for k in HEADER_FIELDS})


def _verify(envelope: Mapping[str, Any], device_public_b64: str | None) -> bytes:
    if not isinstance(envelope, Mapping):
        raise EnvelopeError("not a sealed submission: expected a JSON object")
    fmt = envelope.get("format")
    if fmt not in ENVELOPE_FORMATS:
        raise EnvelopeError(f"not a sealed submission of a known format ({str(fmt)[:60]!r})")
    keys = set(envelope)
    missing = sorted(ENVELOPE_FIELDS - keys)
    extra = sorted(keys - ENVELOPE_FIELDS)
    if missing or extra:
        detail = ", ".join([*(f"missing {k}" for k in missing), *(f"unknown {k}" for k in extra)])
        raise EnvelopeError(f"submission {_safe_id(envelope)} has the wrong fields: {detail}")
    for key in ENVELOPE_FIELDS:
        if not isinstance(envelope[key], str):
            raise EnvelopeError(f"submission {_safe_id(envelope)}: field {key} must be text")
    signer = envelope["device_public_key"]
    if device_public_b64 is not None and device_public_b64 != signer:
        raise EnvelopeError(
            f"submission {_safe_id(envelope)} was not sealed by the expected device key"
        )
    text = envelope["ciphertext"]
    # Nearly every ciphertext is the standard spelling of its bytes (SIMD, a tenth of the
    # time); any other text is decoded strictly as before.
    ciphertext = b64decode_standard(text)
    if ciphertext is None:
        ciphertext = _strict_b64decode(text)
        # Version 2 does not sign the base64 text itself, so only its one standard spelling is
        # taken (no stray padding bits): the same bytes never travel as two different envelopes.
        if ciphertext is None or (
            fmt == ENVELOPE_FORMAT_V2 and not _standard_tail(ciphertext, text)
        ):
            raise EnvelopeError(
                f"submission {_safe_id(envelope)}: the ciphertext is not valid base64 (truncated?)"
            )
    if hashlib.sha256(ciphertext).hexdigest() != envelope["ciphertext_sha256"]:
        raise EnvelopeError(
            f"submission {_safe_id(envelope)}: the ciphertext does not match its checksum"
        )
    if not verify_signature(signer, envelope["signature"], signed_header(envelope)):
        raise EnvelopeError(
            f"submission {_safe_id(envelope)}: the device signature does not match "
            "(changed after sealing, or signed by another key)"
        )
    return ciphertext


def _strict_b64decode(text: str) -> bytes | None:
    try:
        return binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        return None


def _standard_tail(data: bytes, text: str) -> bool:
    # Strict decoding already refused every other character, space and misplaced padding; the
    # only freedom left is in the spare bits of the last group, so re-encode just that group.
    rest = len(data) % 3
    return not rest or base64.b64encode(data[-rest:]).decode("ascii") == text[-4:]


def _open_inner_v2(envelope: Mapping[str, Any], plaintext: bytes) -> tuple[dict[str, Any], str]:
    sid = _safe_id(envelope)
    # signature (88 base64 characters) "\n" head "\n" payload; canonical JSON has no raw
    # line break, so the first one after the signature ends the head.
    signature, sep, signed = (
        plaintext[:_SIGNATURE_CHARS],
        plaintext[_SIGNATURE_CHARS : _SIGNATURE_CHARS + 1],
        plaintext[_SIGNATURE_CHARS + 1 :],
    )
    head_bytes, sep2, payload_bytes = signed.partition(b"\n")
    if sep != b"\n" or not sep2:
        raise EnvelopeError(f"submission {sid}: the sealed content has an unknown format")
    try:
        head = json.loads(head_bytes.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):
        raise EnvelopeError(f"submission {sid}: the sealed content is not valid JSON") from None
    if not isinstance(head, dict) or head.get("format") != INNER_FORMAT:
        raise EnvelopeError(f"submission {sid}: the sealed content has an unknown format")
    if set(head) != INNER_FIELDS_V2 or canonical_json_decoded(head) != head_bytes:
        raise EnvelopeError(f"submission {sid}: the sealed content has the wrong fields")
    for key in _BOUND_FIELDS:
        if head[key] != envelope[key]:
            raise EnvelopeError(f"submission {sid}: the sealed content belongs elsewhere ({key})")
    # The signature covers the bytes exactly as sealed: nothing is encoded again to check it.
    if not verify_signature(
        head["device_public_key"], signature.decode("ascii", "replace"), signed
    ):
        raise EnvelopeError(f"submission {sid}: the payload signature does not match")
    return _decode_payload(payload_bytes, sid)


def _decode_payload(payload_bytes: bytes, sid: str) -> tuple[dict[str, Any], str]:
    # Canonical already, or refused: NFC text, and the bytes are what canonical JSON of the
    # decoded value gives (so no duplicate keys, unsorted keys, spaces or other number forms).
    # payload_sha256 stays the hash of canonical JSON. Nearly every payload is decided by the
    # fast check; whatever it leaves is checked exactly as before (json.loads, sorted_json).
    try:
        text = payload_bytes.decode("utf-8")
        payload = loads_sorted_json(payload_bytes)
        sorted_already = payload is not None
        if payload is None:
            payload = json.loads(text, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise EnvelopeError(f"submission {sid}: the sealed payload is not valid JSON") from None
    if not isinstance(payload, dict):
        raise EnvelopeError(f"submission {sid}: the sealed payload is not a JSON object")
    if not unicodedata.is_normalized("NFC", text) or (
        not sorted_already and _sorted_text(payload, sid) != text
    ):
        raise EnvelopeError(f"submission {sid}: the sealed payload is not in canonical form")
    return payload, text


def _check_inner(envelope: Mapping[str, Any], inner: object) -> str:
    sid = _safe_id(envelope)
    if not isinstance(inner, dict) or inner.get("format") != INNER_FORMAT_V1:
        raise EnvelopeError(f"submission {sid}: the sealed content has an unknown format")
        raise EnvelopeError(f"submission {sid}: the sealed content has an unknown format")
    if set(inner) != INNER_FIELDS:
        raise EnvelopeError(f"submission {sid}: the sealed content has the wrong fields")
    for key in _BOUND_FIELDS:
        if inner[key] != envelope[key]:
            raise EnvelopeError(f"submission {sid}: the sealed content belongs elsewhere ({key})")
    if not isinstance(inner["payload"], dict):
        raise EnvelopeError(f"submission {sid}: the sealed payload is not a JSON object")
    # The payload (nearly all the bytes) is encoded once: for its checksum and, as a member
    # of the signed wrapper, for the signature. Every other inner field was compared above.
    text = _sorted_text(inner["payload"], sid)
    try:
        members = {
            k: canonical_json_decoded(v)
            for k, v in inner.items()
            if k not in ("signature", "payload")
        }
        members["payload"] = canonical_from_sorted(inner["payload"], text)
    except ValueError:  # two keys equal after Unicode normalisation
        raise EnvelopeError(f"submission {sid}: the sealed payload has ambiguous keys") from None
    except RecursionError:  # normalising recurses deeper than decoding did
        raise EnvelopeError(f"submission {sid}: the sealed payload is nested too deeply") from None
    if hashlib.sha256(members["payload"]).hexdigest() != inner["payload_sha256"]:
        raise EnvelopeError(f"submission {sid}: the payload does not match its checksum")
    signature = inner["signature"]
    if not isinstance(signature, str) or not verify_signature(
        inner["device_public_key"], signature, canonical_object(members)
    ):
        raise EnvelopeError(f"submission {sid}: the payload signature does not match")
    return text


def _sorted_text(payload: dict[str, Any], sid: str) -> str:
    # json.loads reads 1e400 as inf, which JSON cannot write, and nesting the decoder took can
    # still be too deep to encode: a sealed payload is refused then, never raised otherwise.
    try:
        return sorted_json(payload)
    except (ValueError, RecursionError):
        raise EnvelopeError(
            f"submission {sid}: the sealed payload is not in canonical form"
        ) from None


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON, and canonical JSON cannot encode them.
    raise ValueError(f"{name} is not JSON")


def _safe_id(envelope: Mapping[str, Any]) -> str:
    # Only the random submission id is ever echoed; nothing from the payload.
    value = envelope.get("submission_id") if isinstance(envelope, Mapping) else None
    if isinstance(value, str) and value and len(value) <= 80 and value.isprintable():
        return repr(value)
    return "(without id)"
