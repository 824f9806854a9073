"""Build the submission payload (docs/submission-format.md) from stored records: pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from survey_app.store.records import AuditEntry, ConsentRecord, Meeting, SessionInfo, StoredAnswer
from survey_app.store.schema import ANSWER_VALUE_ACTIONS

SUBMISSION_FORMAT = "survey-app/submission/v1"


def build_payload(
    *,
    submission_id: str,
    study_id: str,
    device_id: str,
    meeting: Meeting,
    session: SessionInfo,
    consent: ConsentRecord | None,
    answers: Sequence[StoredAnswer],
    audit: Sequence[AuditEntry],
) -> dict[str, Any]:
    """Return the payload dict that is signed and sealed for one session."""
    declined = session.outcome == "declined"
    abandoned = session.outcome == "abandoned"
    # A session closed unfinished keeps the answers given so far only under a recorded consent.
    dropped = declined or (abandoned and consent is None)
    kept_answers = [] if dropped else sorted(answers, key=lambda a: (a.form_id, a.item_id))
    payload = {
        "format": SUBMISSION_FORMAT,
        "submission_id": submission_id,
        "study_id": study_id,
        "device_id": device_id,
        "meeting": {
            "id": meeting.id,
            "date": meeting.date,
            "place": meeting.place,
            "staff": meeting.staff,
        },
        "session": {
            "id": session.id,
            "participant_code": session.participant_code,
            "timepoint": session.timepoint,
            "arm": session.arm,
            "language": session.language,
            "interpreter_language": session.interpreter_language,
            "interpreter_assisted": session.interpreter_assisted,
            "addressee": session.addressee,
            "source": session.source,
            "status": session.outcome if declined or abandoned else "completed",
            "started_at": session.started_at,
            "completed_at": session.completed_at,
            "duplicate_flag": session.duplicate_flag,
        },
        "consent": _consent(consent),
        "forms": _forms(consent, kept_answers),
        "answers": [a.to_payload() for a in kept_answers],
        "audit": [_audit(e) for e in audit if not (dropped and e.action in ANSWER_VALUE_ACTIONS)],
    }
    if abandoned:
        payload["session"]["close_reason"] = _close_reason(audit)
    return payload


def _close_reason(audit: Sequence[AuditEntry]) -> dict[str, Any]:
    """Why staff closed the session unfinished (the newest 'abandoned' entry's detail)."""
    for entry in reversed(audit):
        if entry.action == "abandoned":
            detail = entry.detail or {}
            return {"reason": detail.get("reason"), "note": detail.get("note")}
    return {"reason": None, "note": None}


def _consent(consent: ConsentRecord | None) -> dict[str, Any] | None:
    if consent is None:
        return None
    return {
        "form_id": consent.form_id,
        "form_version": consent.form_version,
        "form_hash": consent.form_hash,
        "decisions": dict(consent.decisions or {}),
        "at": consent.at,
    }


def _forms(consent: ConsentRecord | None, answers: Sequence[StoredAnswer]) -> list[dict[str, str]]:
    seen = {(a.form_id, a.form_version, a.form_hash) for a in answers}
    if consent is not None:
        seen.add((consent.form_id, consent.form_version, consent.form_hash))
    return [
        {"form_id": form_id, "version": version, "content_hash": content_hash}
        for form_id, version, content_hash in sorted(seen)
    ]


def _audit(entry: AuditEntry) -> dict[str, Any]:
    return {"at": entry.at, "actor": entry.actor, "action": entry.action, "detail": entry.detail}
