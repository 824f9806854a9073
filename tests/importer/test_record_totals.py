"""The report's totals come from a small index, in records made before it existed too."""

from __future__ import annotations

import dataclasses

from survey_app.importer import run_import
from survey_app.importer.record import ImportRecord

from .helpers import bundle_file, make_payload, seal_payload

_TOTALS_PLAN = (
    "EXPLAIN QUERY PLAN SELECT device_id, timepoint, language, count(*) FROM submissions "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
)


def _import(tmp_path, library, laptop, study_keys, settings, languages):
    envelopes = [
        seal_payload(
            make_payload(library, f"s-{n}", laptop, code=f"P{n:03d}", language=language),
            laptop,
            study_keys.public,
        )
        for n, language in enumerate(languages)
    ]
    bundle = bundle_file(tmp_path / f"{len(languages)}.surveybundle", envelopes, laptop)
    return run_import([bundle], study_keys.identity, dataclasses.replace(settings, workers=1))


def test_totals_count_every_submission_by_laptop_timepoint_and_language(
    tmp_path, library, laptop, study_keys, settings
):
    report = _import(tmp_path, library, laptop, study_keys, settings, ["ar", "nb", "ar"])
    assert report.totals == [
        (laptop.device_id, "baseline", "ar", 2),
        (laptop.device_id, "baseline", "nb", 1),
    ]


def test_a_record_made_without_the_totals_index_gets_it_when_opened(
    tmp_path, library, laptop, study_keys, settings
):
    _import(tmp_path, library, laptop, study_keys, settings, ["en"])
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        record.conn.execute("DROP INDEX submissions_by_origin")
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        plan = " ".join(str(row) for row in record.conn.execute(_TOTALS_PLAN))
        assert "COVERING INDEX submissions_by_origin" in plan
        assert record.totals() == [(laptop.device_id, "baseline", "en", 1)]
