"""Participants' rights on the import record: find, erase, and rewrite the data sets after.

A participant is known to the data manager only by their code. `find_participant` lists what
the record holds for a code (metadata, never answers); `erase_participant` removes every
submission of the code through the record's audited erasure; `outputs.write_outputs` then writes the
CSV/SAV/DTA files again from what is left and removes output files no longer produced (a
free-text file of an earlier run would otherwise keep the erased answers). The copy for a
participant (right of access) is built in `survey_app.importer.rights_export`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from survey_app.answers.codes import validate_code
from survey_app.answers.errors import AnswerError
from survey_app.errors import UserFacingError
from survey_app.importer.record import ErasureEntry, ImportRecord
from survey_app.importer.trial_record import forget_code

# A request reference such as "DPO-2025-07": letters, digits and a few separators, so a name
# or a code typed by mistake is less likely to end up in the log.
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/:#-]{0,59}")


@dataclass(frozen=True)
class SubmissionSummary:
    """What `find` shows about one submission: ids, times, device, status; no answers."""

    submission_id: str
    timepoint: str
    status: str
    language: str
    device_id: str
    meeting_date: str
    started_at: str
    completed_at: str
    duplicate_flag: bool
    imported_at: str


@dataclass(frozen=True)
class Findings:
    """Everything the record holds about one code, as metadata."""

    submissions: tuple[SubmissionSummary, ...]
    erasures: tuple[ErasureEntry, ...]
    refused: int = 0


def canonical_code(text: str) -> str:
    """The code as stored (canonical form when it is a valid code, else the text stripped)."""
    try:
        return validate_code(text)
    except AnswerError:
        stripped = text.strip()
        if not stripped:
            raise UserFacingError("give the participant code") from None
        return stripped


def refuse_mistyped(code: str) -> None:
    """Refuse a code the record holds nothing of when it is not even a valid code (a typo)."""
    try:
        validate_code(code)
    except AnswerError:
        raise UserFacingError(
            "no submissions of this code, and it is not a valid code; check how it is written"
        ) from None


def find_participant(record: ImportRecord, code: str) -> Findings:
    """What the record holds about a code: submissions (metadata) and earlier erasures."""
    summaries = []
    for payload, imported_at in record.payloads_of(code):
        session = payload.get("session") or {}
        meeting = payload.get("meeting") or {}
        summaries.append(
            SubmissionSummary(
                submission_id=str(payload["submission_id"]),
                timepoint=str(session.get("timepoint") or ""),
                status=str(session.get("status") or ""),
                language=str(session.get("language") or ""),
                device_id=str(payload.get("device_id") or ""),
                meeting_date=str(meeting.get("date") or ""),
                started_at=str(session.get("started_at") or ""),
                completed_at=str(session.get("completed_at") or ""),
                duplicate_flag=bool(session.get("duplicate_flag")),
                imported_at=imported_at,
            )
        )
    summaries.sort(key=lambda s: (s.started_at, s.submission_id))
    erasures = tuple(record.erasures(code))
    refused = sum(record.refusals(e.erasure_id) for e in erasures)
    return Findings(tuple(summaries), erasures, refused)


def check_reference(reference: str, code: str) -> str:
    """A request reference fit for the erasure log (empty is allowed)."""
    reference = reference.strip()
    if not reference:
        return ""
    if not _REFERENCE.fullmatch(reference):
        raise UserFacingError(
            "the reference may hold letters, digits, spaces and . _ / : # - (at most 60); no names"
        )
    if code.casefold() in reference.casefold():
        raise UserFacingError("the reference must not contain the participant code")
    return reference


def erase_participant(
    record: ImportRecord, code: str, *, at: str, reference: str = ""
) -> ErasureEntry | None:
    """Erase every submission of a code; None when it was erased before and nothing is left.

    A code with no submissions yet is still logged, so a bundle imported later cannot bring
    the participant in. A code that does not even have a valid check character is refused then,
    since that is far more likely a typing error.
    """
    reference = check_reference(reference, code)
    held = record.payloads_of(code)
    if not held and record.erasures(code):
        forget_code(record, code)
        return None
    if not held:
        refuse_mistyped(code)
    entry = record.erase_code(code, at=at, reference=reference)
    # The allocation's slot and arm stay for the sequence check; the code goes.
    forget_code(record, code)
    return entry
