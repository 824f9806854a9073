"""A submission whose participant code is not a valid code: imported and kept, flagged
`invalid_code = 1` in every data set, counted in the import report by submission id (never
by code). Real sealed bundles, a real import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyreadstat
import pytest

from survey_app.importer import run_import

from .helpers import bundle_file, make_payload, seal_payload

VALID = "P-0007-W"
# Not valid: wrong check character, no dashes at all, and a lower-case form of a valid code
# (the CLI looks codes up in their canonical form, so it could not reach that one either).
INVALID = {"sub-bad-check": "P-0007-X", "sub-bad-format": "B2", "sub-lower": "p-0007-w"}


@pytest.fixture
def report(tmp_path, library, laptop, study_keys, settings):
    payloads = [make_payload(library, "sub-good", laptop, code=VALID, answers={"mbg_age": 30})]
    payloads += [
        make_payload(library, sid, laptop, code=code, timepoint="baseline", answers={"mbg_age": 40})
        for sid, code in INVALID.items()
    ]
    envelopes = [seal_payload(p, laptop, study_keys.public) for p in payloads]
    bundle = bundle_file(tmp_path / "codes.surveybundle", envelopes, laptop)
    return run_import([bundle], study_keys.identity, settings)


def _csv_flags(out: Path) -> dict[str, str]:
    text = (out / "baseline.csv").read_text(encoding="utf-8-sig")
    return {row["submission_id"]: row["invalid_code"] for row in csv.DictReader(io.StringIO(text))}


def test_submissions_with_an_invalid_code_are_kept_and_flagged(report, settings):
    assert report.new_count == 4
    assert _csv_flags(settings.out_dir) == {
        "sub-good": "0",
        "sub-bad-check": "1",
        "sub-bad-format": "1",
        "sub-lower": "1",
    }


def test_the_report_counts_them_by_submission_id_without_the_code(report, settings):
    doc = json.loads((settings.out_dir / "import-report.json").read_text(encoding="utf-8"))
    assert doc["submissions"]["invalid_code"] == 3
    assert sorted(doc["invalid_code_submission_ids"]) == sorted(INVALID)
    text = (settings.out_dir / "import-report.txt").read_text(encoding="utf-8")
    assert "Participant code not valid: 3 submission(s)" in text
    for code in INVALID.values():
        assert code not in text
        assert code not in json.dumps(doc)


def test_the_flag_is_labelled_in_the_sav_file_and_the_codebook(report, settings):
    _frame, meta = pyreadstat.read_sav(str(settings.out_dir / "baseline.sav"))
    assert meta.column_names_to_labels["invalid_code"].startswith("Participant code not valid")
    assert set(meta.variable_value_labels["invalid_code"]) == {0, 1}
    codebook = json.loads((settings.out_dir / "codebook.json").read_text(encoding="utf-8"))
    assert "invalid_code" in json.dumps(codebook)


def test_the_flag_is_labelled_in_the_dta_file(report, settings):
    dta = settings.out_dir / "baseline.dta"
    if not dta.exists():
        pytest.skip("this import writes no .dta")
    _frame, meta = pyreadstat.read_dta(str(dta))
    assert "invalid_code" in meta.column_names
    assert meta.variable_value_labels.get("invalid_code")


def test_the_report_names_the_participant_command_of_the_program_run(report) -> None:
    # An installed app's data manager types `survey-app`, not `python main.py`.
    text = report.to_text("survey-app")
    assert "`survey-app participant find|erase --submission ID`" in text
    assert "python main.py" not in text
