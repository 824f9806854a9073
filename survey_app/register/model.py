"""What the linking register holds, and the checks on what staff type into it (no Qt).

The register is the only place where a participant code meets a name, a phone number or an
address. None of it ever goes into the answers store, a sealed submission, the server or a log.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from survey_app.errors import UserFacingError
from survey_app.i18n import N_, Counted

LANGUAGES = ("nb", "en", "ar")
READING = ("self", "read_aloud", "audio")
OUTCOMES = ("given", "declined")
CHANNELS = ("letter", "sms", "call", "email")
MAX_NAME = 120
MAX_ADDRESS = 240
MAX_NOTE = 80
_PHONE = re.compile(r"\+?[0-9]{5,15}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,20}")
_INITIALS = re.compile(r"[^\W\d_]{1,8}")


class RegisterError(UserFacingError):
    """A register failure fit to show to staff; `msgid` + `params` can be translated."""

    msgid = N_("The linking register could not do this.")

    def __init__(self, msgid: str | None = None, **params: object) -> None:
        if msgid is not None:
            self.msgid = msgid
        self.params = params
        super().__init__(self.msgid.format(**params) if params else self.msgid)


@dataclass(frozen=True)
class Person:
    """One participant's identity and contact details, under their code."""

    code: str
    name: str
    phone: str
    email: str
    address: str
    language: str
    registered_at: str
    updated_at: str
    staff: str

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (for the sealed register snapshot and the participant's copy)."""
        return dict(vars(self))


@dataclass(frozen=True)
class ConsentEntry:
    """How one consent was given or declined: which text, how it was read, where, by whom."""

    id: str
    code: str
    timepoint: str
    form_id: str
    form_version: str
    form_hash: str
    language: str
    reading: str
    audio: str
    place: str
    at: str
    staff: str
    witness: str
    outcome: str
    decisions: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return dict(vars(self))


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawal: when it takes effect and what it covers (no reason is asked)."""

    id: str
    code: str
    scopes: tuple[str, ...]
    effective_date: str
    recorded_at: str
    staff: str

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {**vars(self), "scopes": list(self.scopes)}


def clean_name(text: str) -> str:
    """A name as typed, with spaces tidied (any script; letters, spaces, - ' . only)."""
    name = " ".join(unicodedata.normalize("NFC", str(text)).split())
    if not name or len(name) > MAX_NAME:
        raise RegisterError(
            Counted(
                "Write the participant's name (at most {count} character).",
                "Write the participant's name (at most {count} characters).",
            ),
            count=MAX_NAME,
        )
    for char in name:
        if not (char.isalpha() or char in " -'’." or unicodedata.category(char) == "Mn"):
            raise RegisterError("A name has letters, spaces, hyphens and apostrophes only.")
    return name


def clean_phone(text: str) -> str:
    """A phone number as digits with an optional leading +; Norwegian 8-digit numbers get +47."""
    from survey_app.answers.digits import fold_digits, strip_bidi

    raw = fold_digits(strip_bidi(str(text)), allow_mixed=True)
    compact = re.sub(r"[\s().-]", "", raw)
    if not compact:
        return ""
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not _PHONE.fullmatch(compact):
        raise RegisterError("The phone number has digits only (and a + in front, if any).")
    if not compact.startswith("+") and len(compact) == 8:
        compact = "+47" + compact
    return compact


def clean_email(text: str) -> str:
    """An e-mail address, or empty."""
    value = str(text).strip()
    if value and not _EMAIL.fullmatch(value):
        raise RegisterError("The e-mail address does not look right.")
    return value


def clean_address(text: str) -> str:
    """A postal address: lines kept, spaces tidied."""
    lines = [" ".join(line.split()) for line in str(text).splitlines()]
    value = "\n".join(line for line in lines if line)
    if len(value) > MAX_ADDRESS:
        raise RegisterError(
            Counted(
                "The address is too long (at most {count} character).",
                "The address is too long (at most {count} characters).",
            ),
            count=MAX_ADDRESS,
        )
    return value


def clean_language(code: str) -> str:
    """A language the letters and receipts are printed in."""
    if code not in LANGUAGES:
        raise RegisterError("Choose the participant's preferred language.")
    return code


def clean_initials(text: str) -> str:
    """Staff initials in capitals."""
    value = str(text).strip()
    if not _INITIALS.fullmatch(value):
        raise RegisterError("Staff initials must be 1 to 8 letters.")
    return value.upper()


def clean_note(text: str, what: str) -> str:
    """A short free note (witness, audio file, place): one line, at most 80 characters."""
    value = " ".join(str(text).split())
    if len(value) > MAX_NOTE:
        # `what` is for the programmer; the message names no field, so it translates whole.
        raise RegisterError(
            Counted(
                "A note is too long (at most {count} character).",
                "A note is too long (at most {count} characters).",
            ),
            count=MAX_NOTE,
        )
    return value


def clean_moment(text: str) -> str:
    """A day (2026-01-20) or an ISO time (2026-01-20T14:30:00Z), kept as written: they sort."""
    from datetime import date, datetime

    value = str(text).strip()
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            if value[4:5] != "-" or value[10:11] != "T":
                raise ValueError(value)
    except ValueError:
        raise RegisterError(
            "Write the date like 2026-01-20, or the time like 2026-01-20T14:30."
        ) from None
    return value


def search_key(text: str) -> str:
    """A name folded for searching: case, accents, Arabic vowel marks and letter variants."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    folded = kept.casefold()
    for variants, base in (("أإآٱ", "ا"), ("ى", "ي"), ("ة", "ه"), ("ؤ", "و"), ("ئ", "ي")):
        for char in variants:
            folded = folded.replace(char, base)
    folded = folded.replace("\u0640", "")  # tatweel
    return " ".join(folded.replace("-", " ").split())


def name_matches(name: str, query: str) -> bool:
    """True when every word of the query is part of some word of the name (order free)."""
    words = search_key(name).split()
    wanted = search_key(query).split()
    return bool(wanted) and all(any(w in word for word in words) for w in wanted)
