"""Erasure on the server: keyed tombstones of submission ids and the rules for a request.

A participant's erasure reaches the server as a list of submission ids (random, not personal
data). The server deletes what it holds and keeps, per id, only an HMAC-SHA256 of the id under a
secret of its own, so the erasure log never names a submission yet a later upload of the same id
is recognised and refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

ERASURE_KEY_META = "erasure_hmac_key"
MAX_IDS_PER_REQUEST = 1000
CLI_REQUESTER = "server-cli"
# Same rule as the import record's request references: no room for a name or a sentence.
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/:#-]{0,59}")


class ErasureRequestError(ValueError):
    """A request that cannot be carried out as given (message for a person, no ids in it)."""


def new_erasure_key() -> str:
    """A fresh 256-bit secret for tombstones, as hex text for server_meta."""
    return secrets.token_hex(32)


def tombstone(key: bytes, submission_id: str) -> str:
    """The keyed hash under which an erased submission id is remembered."""
    return hmac.new(key, b"submission:" + submission_id.encode("utf-8"), hashlib.sha256).hexdigest()


def check_reference(reference: str | None) -> str:
    """A request reference fit for the log (empty is allowed)."""
    reference = (reference or "").strip()
    if reference and not _REFERENCE.fullmatch(reference):
        raise ErasureRequestError(
            "the reference may hold letters, digits, spaces and . _ / : # - (at most 60); no names"
        )
    return reference


def check_ids(submission_ids: Sequence[object], pattern: re.Pattern[str]) -> list[str]:
    """Distinct, well-formed submission ids in the given order."""
    if not submission_ids:
        raise ErasureRequestError("give at least one submission id")
    if len(submission_ids) > MAX_IDS_PER_REQUEST:
        raise ErasureRequestError(f"at most {MAX_IDS_PER_REQUEST} submission ids per request")
    ids: list[str] = []
    for position, value in enumerate(submission_ids, start=1):
        if not isinstance(value, str) or not pattern.fullmatch(value):
            # The position, never the value: a mistyped field might hold anything.
            raise ErasureRequestError(f"submission id number {position} is not a valid id")
        if value not in ids:
            ids.append(value)
    return ids


@dataclass(frozen=True)
class ErasureResult:
    """What one erasure request did: per submission id an outcome, and the log entry's id."""

    erasure_id: str | None  # None when everything was erased before
    at: str | None
    outcomes: dict[str, str]

    def count(self, outcome: str) -> int:
        """How many ids ended with this outcome."""
        return sum(1 for o in self.outcomes.values() if o == outcome)
