"""Secrets handed to people and laptops: bearer tokens, one-time enrolment codes, roles."""

from __future__ import annotations

import hashlib
import secrets

ROLE_DEVICE = "device"
ROLE_ADMIN = "admin"
ROLE_DATA_MANAGER = "data_manager"
ROLES = frozenset({ROLE_ADMIN, ROLE_DATA_MANAGER})

# Crockford base32 without the letters people confuse (I, L, O, U).
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_GROUPS = 3
_CODE_GROUP_LENGTH = 4


def hash_secret(secret: str) -> str:
    """sha256 hex of a token or code: only this is ever stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token(prefix: str) -> str:
    """A bearer token: a readable prefix plus 32 random bytes."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def new_enrol_code() -> str:
    """A 60-bit one-time code that is easy to read aloud and type: XXXX-XXXX-XXXX."""
    groups = (
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_GROUP_LENGTH))
        for _ in range(_CODE_GROUPS)
    )
    return "-".join(groups)


def normalise_enrol_code(text: str) -> str:
    """Accept lower case, spaces and missing dashes, and the usual look-alike letters."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    size = _CODE_GROUP_LENGTH
    return "-".join(cleaned[i : i + size] for i in range(0, len(cleaned), size))
