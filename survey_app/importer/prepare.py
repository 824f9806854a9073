"""Open and check one sealed submission: pure work, so worker processes can share it out.

Everything here depends only on the envelope and the study (key, forms, protocol, cut-off),
never on what the import record holds. The import decides in order, in one process, what to
do with each result (trust, de-duplication, conflicts, the record), so the outcome is the same
however many processes did the opening.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import pyrage

from survey_app.codebook import Codebook
from survey_app.importer.dataset import RowMaker, TableRow, answer_map, make_scorer
from survey_app.importer.validate import FormIndex, validate_submission
from survey_app.scoring import ScoringError
from survey_app.sealing.envelope import open_envelope_text
from survey_app.sealing.study_keys import parse_identity
from survey_app.trial.notices import NOTICE_FORMATS


@dataclass(frozen=True)
class StudyChecks:
    """What opening and checking needs: the study's secret key, its forms and rules."""

    identity: str
    forms: FormIndex
    timepoints: tuple[str, ...]
    pcl_cutoff: int
    codebook: Codebook


@dataclass(frozen=True)
class Prepared:
    """One envelope opened and checked.

    What went wrong is kept, not raised, and raised by the import only where it would have
    been had it done the work itself at that point: opening (`open_failure`, usually an
    EnvelopeError) or checking (`check_failure`).
    """

    envelope_sha256: str
    session: dict[str, Any] | None = None  # of the payload, once opened
    payload_sha256: str = ""
    payload_text: str = ""  # stored_text of the payload
    reasons: tuple[str, ...] = ()
    row: TableRow | None = None  # its data-set row, when it passed every check
    open_failure: Exception | None = None
    check_failure: Exception | None = None
    notice: dict[str, Any] | None = None  # an allocation or withdrawal (survey_app.trial)


def content_sha256(doc: Mapping[str, Any]) -> str:
    """sha256 of key-sorted compact JSON: the importer's identity of a payload or envelope.

    Cheaper than canonical_json (no NFC walk); the envelope has already proven the payload's
    canonical hash, this one only has to be stable between import runs.
    """
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def opened_envelope_sha256(envelope: Mapping[str, str]) -> str:
    """content_sha256 of an envelope that opened: every field text, the ciphertext base64.

    json.dumps would scan the ~23 kB of base64 for characters to escape; base64 has none.
    Every other field is text, which json.dumps(ensure_ascii=False) hands to encode_basestring:
    called directly, the same bytes for a tenth of the time.
    """
    parts = [
        f'"ciphertext":"{value}"'
        if key == "ciphertext"
        else f"{encode_basestring(key)}:{encode_basestring(value)}"
        for key, value in sorted(envelope.items())
    ]
    return hashlib.sha256(("{" + ",".join(parts) + "}").encode("utf-8")).hexdigest()


class Preparer:
    """Opens and checks envelopes for one study (the key is parsed once)."""

    def __init__(self, checks: StudyChecks) -> None:
        self._checks = checks
        self._identity: pyrage.x25519.Identity = parse_identity(checks.identity)
        self._scores = make_scorer(checks.pcl_cutoff)
        self.rows = RowMaker(checks.codebook, self._scores, checks.forms)

    @property
    def codebook(self) -> Codebook:
        """The codebook the data-set rows are made by."""
        return self._checks.codebook

    def __call__(self, envelope: dict[str, Any]) -> Prepared:
        """Verify, decrypt, validate and score one envelope."""
        try:
            payload, text = open_envelope_text(envelope, self._identity)
        except Exception as exc:  # kept: raised by the import where it is used
            return Prepared(content_sha256(envelope), open_failure=exc)
        envelope_sha256 = opened_envelope_sha256(envelope)
        # The text the signature check encoded is the record's stored_text: hash it, keep it.
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if payload.get("format") in NOTICE_FORMATS:
            # Checked and recorded by the import in order (survey_app.importer.trial_import).
            return Prepared(envelope_sha256, None, digest, text, notice=payload)
        session = payload.get("session")
        session = dict(session) if isinstance(session, Mapping) else {}
        checks = self._checks
        try:
            memo: dict[str, Any] = {}  # the form logic's states, for validation and the row
            reasons = validate_submission(payload, envelope, checks.forms, checks.timepoints, memo)
            row = None
            if not reasons:
                try:
                    # Kept in memo: the row needs the same map (made once, not twice).
                    answers = memo["answer_map"] = answer_map(payload)
                    scores = self._scores(_answered(answers))
                except ScoringError as exc:
                    reasons = [f"cannot be scored: {exc}"]
                else:
                    row = self.rows(payload, scores, memo)
        except Exception as exc:  # kept: raised by the import where it is used
            return Prepared(envelope_sha256, session, digest, check_failure=exc)
        return Prepared(envelope_sha256, session, digest, text, tuple(reasons), row)

    def row_of(self, payload_text: str) -> TableRow:
        """The data-set row of a payload the record holds (as its stored_text)."""
        return self.rows(json.loads(payload_text))


def _answered(answers: Mapping[str, tuple[str, Any]]) -> dict[str, Any]:
    return {k: v for k, (status, v) in answers.items() if status == "answered"}
