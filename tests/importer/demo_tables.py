"""The DEMO study's data-set tables for simulated submissions, made as the import makes them.

Payloads are answered on the DEMO forms as on screen (items the form's logic skips are not
asked, a few are declined or left out), then turned into tables by the importer's own
build_tables: -7/-8/-9 codes, scores, free text and Arabic/Norwegian labels as in a real import.
Synthetic data only.
"""

from __future__ import annotations

import random
from datetime import date
from functools import cache
from typing import Any

from survey_app.codebook import build_codebook
from survey_app.forms.logic import constraint_holds, form_state
from survey_app.forms.model import ItemType
from survey_app.importer.dataset import Table, build_tables, make_scorer
from survey_app.importer.validate import FormIndex
from survey_app.study import demo_study_dir, load_study

PCL_CUTOFF = 33
SESSION_DAY = date(2025, 3, 4)


@cache
def _study() -> Any:
    return load_study(demo_study_dir())


def demo_tables(count: int, seed: int = 1) -> list[Table]:
    """The tables (one per timepoint, free text apart) of `count` simulated submissions."""
    study = _study()
    rng = random.Random(seed)
    payloads = [simulated_payload(study, n, rng) for n in range(count)]
    return build_tables(
        build_codebook(study.library, PCL_CUTOFF),
        payloads,
        make_scorer(PCL_CUTOFF),
        separate_free_text=True,
        forms=FormIndex.from_library(study.library),
    )


TEXTS = ("نص تجريبي", "fritekst på norsk", "", "free text, synthetic")


def _value(item: Any, rng: random.Random, texts: tuple[str, ...]) -> Any:
    if item.type is ItemType.MULTIPLE_CHOICE:
        return sorted(rng.sample(item.scale.codes, 2))
    if item.type is ItemType.TEXT:
        return rng.choice(texts)
    if item.type is ItemType.DATE:
        return "2016-05-01"
    if item.type is ItemType.INTEGER:
        return rng.randint(item.minimum or 0, item.maximum or 99)
    if item.type is ItemType.CONSENT:
        return 1
    return rng.randint(item.scale.min, item.scale.max)


def simulated_payload(
    study: Any,
    n: int,
    rng: random.Random,
    *,
    device_id: str = "device-demo",
    id_prefix: str = "demo",
    declined: float = 0.03,
    left_out: float = 0.06,
    texts: tuple[str, ...] = TEXTS,
) -> dict[str, Any]:
    """Submission n, answered on the study's forms as on screen (synthetic data).

    Items the form's logic skips are not asked and answers keep the items' constraints; a
    `declined` share of the declinable items is declined and a further share (up to
    `left_out`) left unanswered; free text is drawn from `texts`.
    """
    timepoint = "baseline" if n % 4 else "followup-12m"
    arm = rng.choice(("intervention", "control"))
    steps = study.library.steps(timepoint, arm)
    answers, forms = [], []
    for form in steps[1:]:
        forms.append(
            {"form_id": form.id, "version": form.version, "content_hash": form.content_hash}
        )
        given: dict[str, tuple[object, str]] = {}
        for item in form.answerable_items:
            state = form_state(form, given, SESSION_DAY)
            if not state.applies(item.id):
                continue
            roll = rng.random()
            status = "declined" if roll < declined and item.allow_decline else "answered"
            if roll < left_out and status == "answered":
                continue
            value = None if status == "declined" else _value(item, rng, texts)
            for _ in range(50):
                if value is None or constraint_holds(form, item, value, state):
                    break
                value = _value(item, rng, texts)
            else:
                continue
            given[item.id] = (value, status)
            answers.append(
                {
                    "form_id": form.id,
                    "item_id": item.id,
                    "value": value,
                    "status": status,
                    "answered_at": "2025-03-04T18:10:00.000Z",
                    "form_version": form.version,
                    "form_hash": form.content_hash,
                }
            )
    consent = steps[0]
    forms.append(
        {"form_id": consent.id, "version": consent.version, "content_hash": consent.content_hash}
    )
    return {
        "format": "survey-app/submission/v1",
        "submission_id": f"{id_prefix}-{n:06d}",
        "study_id": study.study_id,
        "device_id": device_id,
        "meeting": {"id": "m", "date": "2025-03-04", "place": "x", "staff": "AB"},
        "session": {
            "id": f"s{n}",
            "participant_code": f"P{n:05d}",
            "timepoint": timepoint,
            "arm": arm,
            "language": rng.choice(("ar", "nb", "en")),
            "interpreter_language": None,
            "interpreter_assisted": False,
            "source": "screen",
            "status": "completed",
            "started_at": "2025-03-04T18:00:00.000Z",
            "completed_at": "2025-03-04T18:40:00.000Z",
            "duplicate_flag": False,
        },
        "consent": {
            "form_id": consent.id,
            "form_version": consent.version,
            "form_hash": consent.content_hash,
            "decisions": {i.id: 1 for i in consent.answerable_items},
            "at": "2025-03-04T18:05:00Z",
        },
        "forms": sorted(forms, key=lambda f: f["form_id"]),
        "answers": sorted(answers, key=lambda a: (a["form_id"], a["item_id"])),
        "audit": [],
    }
