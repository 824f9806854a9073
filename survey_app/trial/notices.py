"""Allocation and withdrawal notices: sealed to the study key and exported like submissions.

Both carry the participant code and nothing that names a person. They travel in the same
envelopes and bundles as submissions; the importer tells them apart by their payload format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

ALLOCATION_FORMAT = "survey-app/allocation/v1"
WITHDRAWAL_FORMAT = "survey-app/withdrawal/v1"
NOTICE_FORMATS = (ALLOCATION_FORMAT, WITHDRAWAL_FORMAT)

# Stop further contact; stop further data collection; erase what was collected.
WITHDRAWAL_SCOPES = ("contact", "collection", "erase")
STRATUM_SOURCES = ("answer", "staff")
EMERGENCY_REASONS = ("baseline_impossible", "clinical", "other")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def normalise_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """Scopes in their fixed order; erasing what was collected also stops further collection."""
    chosen = set(scopes)
    unknown = chosen - set(WITHDRAWAL_SCOPES)
    if unknown or not chosen:
        raise ValueError("a withdrawal needs one or more of: " + ", ".join(WITHDRAWAL_SCOPES))
    if "erase" in chosen:
        chosen.add("collection")
    return tuple(s for s in WITHDRAWAL_SCOPES if s in chosen)


def allocation_payload(
    *,
    submission_id: str,
    study_id: str,
    device_id: str,
    list_id: str,
    laptop: str,
    participant_code: str,
    stratum: str,
    stratum_source: str,
    period: int,
    position: int,
    arm: str,
    baseline_submission_id: str | None,
    entropy: str,
    meeting_date: str,
    revealed_at: str,
    emergency_reason: str | None,
    staff: str,
    previous: str,
) -> dict[str, Any]:
    """The payload of one revealed allocation."""
    return {
        "format": ALLOCATION_FORMAT,
        "submission_id": submission_id,
        "study_id": study_id,
        "device_id": device_id,
        "list_id": list_id,
        "laptop": laptop,
        "participant_code": participant_code,
        "stratum": stratum,
        "stratum_source": stratum_source,
        "period": period,
        "position": position,
        "arm": arm,
        "baseline_submission_id": baseline_submission_id,
        "entropy": entropy,
        "meeting_date": meeting_date,
        "revealed_at": revealed_at,
        "emergency_reason": emergency_reason,
        "staff": staff,
        "previous": previous,
    }


def withdrawal_payload(
    *,
    submission_id: str,
    study_id: str,
    device_id: str,
    participant_code: str,
    scopes: tuple[str, ...],
    effective_date: str,
    recorded_at: str,
    staff: str,
) -> dict[str, Any]:
    """The payload of one withdrawal (no reason is asked or kept)."""
    return {
        "format": WITHDRAWAL_FORMAT,
        "submission_id": submission_id,
        "study_id": study_id,
        "device_id": device_id,
        "participant_code": participant_code,
        "scopes": list(scopes),
        "effective_date": effective_date,
        "recorded_at": recorded_at,
        "staff": staff,
    }


def allocation_problems(payload: Mapping[str, Any], envelope: Mapping[str, Any]) -> list[str]:
    """Why an allocation payload cannot be used (empty: it is well formed)."""
    reasons = _common(payload, envelope)
    text = ("list_id", "laptop", "participant_code", "stratum", "arm", "meeting_date", "staff")
    for key in text:
        if not isinstance(payload.get(key), str) or not payload[key]:
            reasons.append(f"the allocation has no {key}")
    for key in ("period", "position"):
        value = payload.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            reasons.append(f"the allocation's {key} is not a positive whole number")
    if payload.get("stratum_source") not in STRATUM_SOURCES:
        reasons.append("the allocation's stratum source is unknown")
    emergency = payload.get("emergency_reason")
    if emergency is None:
        if not isinstance(payload.get("baseline_submission_id"), str):
            reasons.append("the allocation names no baseline submission")
        if not _HEX64.fullmatch(str(payload.get("entropy"))):
            reasons.append("the allocation's baseline hash is malformed")
    elif emergency not in EMERGENCY_REASONS:
        reasons.append("the emergency reason is unknown")
    if not isinstance(payload.get("previous"), str):
        reasons.append("the allocation has no chain link")
    return reasons


def withdrawal_problems(payload: Mapping[str, Any], envelope: Mapping[str, Any]) -> list[str]:
    """Why a withdrawal payload cannot be used (empty: it is well formed)."""
    reasons = _common(payload, envelope)
    if not isinstance(payload.get("participant_code"), str) or not payload["participant_code"]:
        reasons.append("the withdrawal has no participant code")
    scopes = payload.get("scopes")
    try:
        if not isinstance(scopes, list) or tuple(scopes) != normalise_scopes(scopes):
            reasons.append("the withdrawal scopes are malformed")
    except (ValueError, TypeError):
        reasons.append("the withdrawal scopes are unknown")
    try:
        date.fromisoformat(str(payload.get("effective_date")))
    except ValueError:
        reasons.append("the withdrawal date is malformed")
    return reasons


def _common(payload: Mapping[str, Any], envelope: Mapping[str, Any]) -> list[str]:
    for key in ("submission_id", "study_id", "device_id"):
        if payload.get(key) != envelope.get(key):
            return [f"the sealed {key} differs from the envelope's"]
    return []
