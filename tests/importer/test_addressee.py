"""How the participant was addressed (woman, man, not stated) reaches the data set."""

from __future__ import annotations

import csv

from survey_app.importer import run_import

from .helpers import bundle_file, make_payload, seal_payload


def _import(tmp_path, library, laptop, study_keys, settings, **addressed):
    payloads = []
    for number, (code, value) in enumerate(addressed.items(), start=1):
        payload = make_payload(library, f"sub-{number}", laptop, code=code)
        if value != "absent":
            payload["session"]["addressee"] = value
        payloads.append(payload)
    envelopes = [seal_payload(p, laptop, study_keys.public) for p in payloads]
    path = bundle_file(tmp_path / "a.surveybundle", envelopes, laptop)
    return run_import([path], study_keys.identity, settings)


def test_addressee_is_a_column_of_the_data_set(tmp_path, library, laptop, study_keys, settings):
    report = _import(
        tmp_path, library, laptop, study_keys, settings, A1="female", A2="male", A3=None
    )
    assert report.rejections == []
    with (settings.out_dir / "baseline.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["participant_code"]: r["addressee"] for r in csv.DictReader(fh)}
    assert rows == {"A1": "female", "A2": "male", "A3": ""}


def test_submissions_sealed_before_addressees_existed_still_import(
    tmp_path, library, laptop, study_keys, settings
):
    report = _import(tmp_path, library, laptop, study_keys, settings, OLD="absent")
    assert (report.new_count, report.rejections) == (1, [])


def test_an_unknown_addressee_is_rejected_with_its_reason(
    tmp_path, library, laptop, study_keys, settings
):
    report = _import(tmp_path, library, laptop, study_keys, settings, X1="child")
    assert report.new_count == 0
    assert "addresses its participant in an unknown way" in report.rejections[0].reason
