"""Participants' rights on the import record: find, erase, and rewrite the data sets after.

A participant is known to the data manager only by their code. `find_participant` lists what
the record holds for a code (metadata, never answers); `erase_participant` removes every
submission of the code through the record's audited erasure; `rewrite_outputs` then writes the
CSV/SAV/DTA files again from what is left and removes output files no longer produced (a
free-text file of an earlier run would otherwise keep the erased answers). The copy for a
participant (right of access) is built in `survey_app.importer.rights_export`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from survey_app.answers.codes import validate_code
from survey_app.answers.errors import AnswerError
from survey_app.bundle.atomic import atomic_write_bytes
from survey_app.codebook import build_codebook, codebook_csv_bytes, codebook_json_bytes
from survey_app.errors import UserFacingError
from survey_app.importer.dataset import Table, build_tables
from survey_app.importer.record import ErasureEntry, ImportRecord
from survey_app.importer.run import ImportSettings, make_scorer
from survey_app.importer.writers import (
    csv_bytes,
    file_sha256,
    table_fingerprint,
    write_dta,
    write_sav,
)

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


@dataclass
class OutputChanges:
    """Output files rewritten, left as they were, and removed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def canonical_code(text: str) -> str:
    """The code as stored (canonical form when it is a valid code, else the text stripped)."""
    try:
        return validate_code(text)
    except AnswerError:
        stripped = text.strip()
        if not stripped:
            raise UserFacingError("give the participant code") from None
        return stripped


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
        return None
    if not held:
        try:
            validate_code(code)
        except AnswerError:
            raise UserFacingError(
                "no submissions of this code, and it is not a valid code; check how it is written"
            ) from None
    return record.erase_code(code, at=at, reference=reference)


def rewrite_outputs(record: ImportRecord, settings: ImportSettings) -> OutputChanges:
    """Write the data sets again from the record; remove output files no longer produced.

    Uses the same fingerprints as the import, so files whose content did not change are left
    byte-identical and a later import does not rewrite them either.
    """
    out_dir = Path(settings.out_dir)
    codebook = build_codebook(settings.library, settings.pcl_cutoff)
    tables = build_tables(
        codebook,
        record.payloads(),
        make_scorer(settings.pcl_cutoff),
        separate_free_text=settings.separate_free_text,
    )
    json_doc, csv_doc = codebook_json_bytes(codebook), codebook_csv_bytes(codebook)
    outputs: list[tuple[str, str, Callable[[Path], None]]] = [
        ("codebook.json", hashlib.sha256(json_doc).hexdigest(), _bytes(json_doc)),
        ("codebook.csv", hashlib.sha256(csv_doc).hexdigest(), _bytes(csv_doc)),
    ]
    for table in tables:
        outputs += _table_outputs(table, settings.label_language)
    changes = OutputChanges()
    for name, content, write in outputs:
        path = out_dir / name
        previous = record.output(name)
        if previous and path.is_file() and previous == (content, file_sha256(path)):
            changes.unchanged.append(name)
            continue
        write(path)
        record.set_output(name, content, file_sha256(path))
        changes.written.append(name)
    produced = {name for name, _, _ in outputs}
    for name in record.output_names():
        if name not in produced:
            (out_dir / name).unlink(missing_ok=True)
            record.forget_output(name)
            changes.removed.append(name)
    return changes


def _table_outputs(table: Table, language: str) -> list[tuple[str, str, Callable[[Path], None]]]:
    data = csv_bytes(table)
    return [
        (f"{table.name}.csv", table_fingerprint(table, language, "csv"), _bytes(data)),
        (
            f"{table.name}.sav",
            table_fingerprint(table, language, "sav"),
            lambda path: write_sav(path, table, language),
        ),
        (
            f"{table.name}.dta",
            table_fingerprint(table, language, "dta"),
            lambda path: write_dta(path, table, language),
        ),
    ]


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: atomic_write_bytes(path, data)
