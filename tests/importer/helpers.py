"""Build real submission payloads, seal them with real keys and write real bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from survey_app.bundle import write_bundle
from survey_app.forms.library import FormLibrary
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import seal

STUDY_ID = "fixture"


def make_payload(
    library: FormLibrary,
    submission_id: str,
    device: DeviceKey,
    *,
    code: str = "P-0007-W",
    timepoint: str = "baseline",
    language: str = "ar",
    arm: str | None = None,
    answers: dict[str, Any] | None = None,
    declined: tuple[str, ...] = (),
    consent: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A submission payload in the documented format, answered on the library's forms."""
    steps = library.steps(timepoint, arm)
    consent_form = steps[0]
    by_item = {item.id: form for form in steps[1:] for item in form.stored_items}
    rows = []
    for item_id, value in sorted((answers or {}).items()):
        form = by_item[item_id]
        rows.append(_answer(form, item_id, value, "answered"))
    for item_id in declined:
        rows.append(_answer(by_item[item_id], item_id, None, "declined"))
    decisions = consent or {i.id: 1 for i in consent_form.answerable_items}
    used = {(r["form_id"], r["form_version"], r["form_hash"]) for r in rows}
    used.add((consent_form.id, consent_form.version, consent_form.content_hash))
    return {
        "format": "survey-app/submission/v1",
        "submission_id": submission_id,
        "study_id": STUDY_ID,
        "device_id": device.device_id,
        "meeting": {"id": "m1", "date": "2025-03-04", "place": "Skolen", "staff": "AB"},
        "session": {
            "id": f"s-{submission_id}",
            "participant_code": code,
            "timepoint": timepoint,
            "arm": arm,
            "language": language,
            "interpreter_language": "ti" if language == "nb" else None,
            "interpreter_assisted": language == "nb",
            "source": "screen",
            "status": "completed",
            "started_at": "2025-03-04T18:00:00.000Z",
            "completed_at": "2025-03-04T18:40:00.000Z",
            "duplicate_flag": False,
        },
        "consent": {
            "form_id": consent_form.id,
            "form_version": consent_form.version,
            "form_hash": consent_form.content_hash,
            "decisions": decisions,
            "at": "2025-03-04T18:05:00.000Z",
        },
        "forms": [{"form_id": f, "version": v, "content_hash": h} for f, v, h in sorted(used)],
        "answers": rows,
        "audit": [],
    }


def _answer(form, item_id: str, value: Any, status: str) -> dict[str, Any]:
    return {
        "form_id": form.id,
        "item_id": item_id,
        "value": value,
        "status": status,
        "answered_at": "2025-03-04T18:10:00.000Z",
        "form_version": form.version,
        "form_hash": form.content_hash,
    }


def seal_payload(payload: dict[str, Any], device: DeviceKey, recipient: str) -> dict[str, str]:
    """Seal a payload the way the device store does."""
    return seal(
        payload,
        submission_id=payload["submission_id"],
        study_id=payload["study_id"],
        device_id=device.device_id,
        device_key=device,
        recipient=recipient,
    )


def bundle_file(path: Path, envelopes: list[dict], device: DeviceKey) -> Path:
    """Write a laptop bundle of envelopes signed by the device."""
    write_bundle(path, envelopes, device, device.device_id, STUDY_ID)
    return path
