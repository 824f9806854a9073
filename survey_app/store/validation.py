"""Checks on what staff type for meetings and sessions (no personal data in the messages)."""

from __future__ import annotations

import re
from datetime import date

from survey_app.forms.model import LANGUAGES
from survey_app.i18n import Counted
from survey_app.store.errors import StoreError
from survey_app.store.schema import ADDRESSEES

SOURCES = ("screen", "paper")
MAX_PLACE_LENGTH = 120
_INITIALS = re.compile(r"[^\W\d_]{1,8}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_ACTOR = re.compile(r"[^\W\d_]{1,8}|participant|system")


def meeting_date(text: str) -> str:
    """Return a valid YYYY-MM-DD date."""
    try:
        if not isinstance(text, str) or len(text) != 10:
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise StoreError("The meeting date must be a date like 2025-03-14.") from None
    return text


def place_label(text: str) -> str:
    """Return a trimmed, non-empty place label."""
    label = " ".join(str(text).split())
    if not label or len(label) > MAX_PLACE_LENGTH:
        raise StoreError(
            Counted(
                "The place must be a short label of 1 to {count} character.",
                "The place must be a short label of 1 to {count} characters.",
            ),
            count=MAX_PLACE_LENGTH,
        )
    return label


def staff_initials(text: str) -> str:
    """Return staff initials in capitals (letters only, at most 8)."""
    value = str(text).strip()
    if not _INITIALS.fullmatch(value):
        raise StoreError("Staff initials must be 1 to 8 letters.")
    return value.upper()


def actor(text: str) -> str:
    """Return a valid audit actor: staff initials, "participant" or "system"."""
    value = str(text).strip()
    if not _ACTOR.fullmatch(value):
        raise StoreError("Staff initials must be 1 to 8 letters.")
    return value if value in ("participant", "system") else value.upper()


def participant_language(code: str) -> str:
    """Return a language the forms are written in."""
    if code not in LANGUAGES:
        raise StoreError("Unknown questionnaire language.")
    return code


def interpreter_language(code: str | None) -> str | None:
    """Return an interpreter's working language code (any ISO 639 code) or None."""
    if code is None or code == "":
        return None
    if not _LANGUAGE_CODE.fullmatch(str(code)):
        raise StoreError("Unknown interpreter language.")
    return str(code)


def addressee(value: str | None) -> str | None:
    """Return "female", "male" or None (not stated)."""
    if value is None or value == "":
        return None
    if str(value) not in ADDRESSEES:
        raise StoreError("A participant is addressed as a woman, as a man, or not stated.")
    return str(value)


def source(value: str) -> str:
    """Return "screen" or "paper"."""
    if value not in SOURCES:
        raise StoreError("The source must be screen or paper.")
    return value


def timepoint(value: str) -> str:
    """Return a non-empty timepoint id."""
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", value):
        raise StoreError("Unknown timepoint.")
    return value


def arm(value: str | None) -> str | None:
    """Return a study arm id or None."""
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", str(value)):
        raise StoreError("Unknown study arm.")
    return str(value)
