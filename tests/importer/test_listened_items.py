"""How many items a participant listened to (recorded readings) reaches the data set."""

from __future__ import annotations

import csv

from survey_app.importer import run_import

from .helpers import bundle_file, make_payload, seal_payload


def _listen(form_id: str, item_id: str | None, part: str, language: str = "ar") -> dict:
    detail = {"form_id": form_id, "item_id": item_id, "part": part, "language": language}
    return {
        "at": "2025-03-14T10:00:00Z",
        "actor": "participant",
        "action": "item_listened",
        "detail": detail,
    }


def test_listened_items_counts_distinct_items_per_session(
    tmp_path, library, laptop, study_keys, settings
):
    heard = make_payload(library, "sub-1", laptop, code="L1")
    heard["audit"] = [
        _listen("background", "bg_gender", "text"),
        _listen("background", "bg_gender", "options"),  # the same item again
        _listen("background", "bg_country", "text", "nb"),
        _listen("background", None, "instructions"),  # not an item
    ]
    silent = make_payload(library, "sub-2", laptop, code="L2")
    envelopes = [seal_payload(p, laptop, study_keys.public) for p in (heard, silent)]
    path = bundle_file(tmp_path / "a.surveybundle", envelopes, laptop)
    report = run_import([path], study_keys.identity, settings)
    assert report.rejections == []
    with (settings.out_dir / "baseline.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["participant_code"]: r["listened_items"] for r in csv.DictReader(fh)}
    assert rows == {"L1": "2", "L2": "0"}
