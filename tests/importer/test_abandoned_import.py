"""Sessions closed unfinished: real store -> sealed `abandoned` -> export -> import -> data sets."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pyreadstat
import pytest

from survey_app.answers.codes import make_code
from survey_app.bundle.from_store import export_store
from survey_app.codebook import build_codebook
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.record import ImportRecord
from survey_app.sealing.study_keys import read_private_key
from survey_app.store import DeviceStore
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir, load_study
from tests.kdf import FAST_KDF

from .helpers import bundle_file, make_payload, seal_payload


@pytest.fixture(scope="module")
def study():
    return load_study(demo_study_dir())


@pytest.fixture(scope="module")
def identity() -> str:
    return read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)


def _session(store, study, meeting, number, hscl_items):
    forms = study.library.forms
    session = store.start_session(meeting.id, make_code(number), "baseline", "ar", actor="AB")
    store.record_consent(session.id, forms["consent"], {"consent_participate": 1}, actor="AB")
    for n in range(1, hscl_items + 1):
        store.save_answer(session.id, forms["hscl25"], f"hscl_{n:02d}", 3)
    return session


@pytest.fixture(scope="module")
def imported(tmp_path_factory, study, identity):
    """One completed and one abandoned session (10 of 25 HSCL items), exported and imported."""
    root = tmp_path_factory.mktemp("laptop")
    with DeviceStore.create(root / "data" / "store.db", "correct horse", kdf=FAST_KDF) as store:
        meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
        done = _session(store, study, meeting, 1, 25)
        store.complete_session(done.id, study, actor="AB")
        left = _session(store, study, meeting, 2, 10)
        store.abandon_session(left.id, study, reason="participant_unwell", actor="AB")
        info = export_store(store, root)
    out = tmp_path_factory.mktemp("import")
    settings = ImportSettings(
        out_dir=out, library=study.library, study_id=study.study_id, pcl_cutoff=study.pcl_cutoff
    )
    report = run_import([info.path], identity, settings)
    assert report.rejections == [] and report.conflicts == []
    return report, out, info.path


def _by_code(rows):
    return {r["participant_code"]: r for r in rows}


def test_the_report_counts_abandoned_sessions(imported):
    report, *_ = imported
    data = report.to_json()
    assert (data["submissions"]["new_abandoned"], data["submissions"]["total_abandoned"]) == (1, 1)
    assert data["new_by_status"] == {"abandoned": 1, "completed": 1}


def test_the_totals_by_status_count_what_the_record_holds_on_a_later_run(imported, study, identity):
    _, out, bundle = imported
    settings = ImportSettings(
        out_dir=out, library=study.library, study_id=study.study_id, pcl_cutoff=study.pcl_cutoff
    )
    again = run_import([bundle], identity, settings)
    with ImportRecord.open(out, identity) as record:
        held = record.status_totals()
    assert again.new_count == 0 and again.duplicates > 0
    assert again.to_json()["total_by_status"] == held == {"abandoned": 1, "completed": 1}


def test_the_text_report_says_how_many_were_closed_unfinished(imported):
    report, *_ = imported
    assert "Sessions closed unfinished (abandoned, answers given so far): 1 new, 1 in total" in (
        report.to_text()
    )


def test_csv_has_the_status_of_each_session(imported):
    _, out, _ = imported
    with open(out / "baseline.csv", encoding="utf-8-sig", newline="") as handle:
        rows = _by_code(csv.DictReader(handle))
    assert rows[make_code(2)]["status"] == "abandoned"
    assert rows[make_code(1)]["status"] == "completed"


@pytest.mark.parametrize("kind", ["sav", "dta"])
def test_sav_and_dta_carry_the_status(imported, kind):
    _, out, _ = imported
    reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    frame, meta = reader(str(out / f"baseline.{kind}"))
    rows = _by_code(frame.to_dict("records"))
    assert rows[make_code(2)]["status"] == "abandoned"
    assert "status" in meta.column_names_to_labels


def test_an_abandoned_session_keeps_its_answers_in_the_data_set(imported):
    _, out, _ = imported
    frame, _ = pyreadstat.read_sav(str(out / "baseline.sav"), user_missing=True)
    row = _by_code(frame.to_dict("records"))[make_code(2)]
    assert row["hscl_10"] == 3
    assert row["hscl_11"] == -9  # not answered: the session ended before it


def test_an_abandoned_session_is_not_scored_as_complete(imported):
    # 10 of 25 HSCL items: below the 20 the mean needs, so the score is missing, never 0.
    _, out, _ = imported
    frame, _ = pyreadstat.read_sav(str(out / "baseline.sav"))
    rows = _by_code(frame.to_dict("records"))
    assert math.isnan(rows[make_code(2)]["hscl_total"])
    assert rows[make_code(1)]["hscl_total"] == pytest.approx(3)


def test_the_codebook_explains_the_status_values(study):
    codebook = build_codebook(study.library, study.pcl_cutoff)
    status = next(v for v in codebook.variables_for("baseline") if v.name == "status")
    assert "abandoned" in status.label["en"]


def test_a_submission_without_status_imports_as_completed(
    tmp_path: Path, library, laptop, study_keys, settings
):
    payload = make_payload(library, "old-1", laptop, answers={})
    del payload["session"]["status"]
    bundle = bundle_file(
        tmp_path / "old.bundle", [seal_payload(payload, laptop, study_keys.public)], laptop
    )
    report = run_import([bundle], study_keys.identity, settings)
    assert report.rejections == []
    assert report.new_by_status == {"completed": 1}


def test_the_data_sets_say_why_a_session_was_closed(imported):
    _, out, _ = imported
    with open(out / "baseline.csv", encoding="utf-8-sig", newline="") as handle:
        rows = _by_code(csv.DictReader(handle))
    assert rows[make_code(2)]["close_reason"] == "participant_unwell"
    assert rows[make_code(1)]["close_reason"] == ""
