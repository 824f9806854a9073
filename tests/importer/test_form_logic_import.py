"""The importer enforces form logic (refuses answers that do not apply or break a constraint)
and gives "not applicable" its own missing code (-8) in CSV, SPSS and Stata, and calculated
values their own columns."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyreadstat
import pytest

from survey_app.codebook import NOT_APPLICABLE
from survey_app.forms.library import load_library
from survey_app.importer import ImportSettings, run_import
from tests.codebook.forms_fixture import SHIPPED_FORMS
from tests.forms.logic_fixture import LOGIC_FORM

from .helpers import STUDY_ID, bundle_file, make_payload, seal_payload

PROTOCOL = """\
study_id: fixture
version: "1.0.0"
title: {nb: "Teststudie", en: "Test study", ar: "دراسة تجريبية"}
pcl_cutoff: 33
timepoints:
  baseline:
    label: {nb: "Første", en: "Baseline", ar: "الأول"}
    steps: [consent, lg]
"""


@pytest.fixture(scope="module")
def logic_library(tmp_path_factory):
    forms = tmp_path_factory.mktemp("study") / "forms"
    forms.mkdir()
    shutil.copy(SHIPPED_FORMS / "consent.yaml", forms / "consent.yaml")
    (forms / "lg.yaml").write_text(LOGIC_FORM, encoding="utf-8")
    (forms / "protocol.yaml").write_text(PROTOCOL, encoding="utf-8")
    library = load_library(forms)
    assert not library.errors, [str(f) for f in library.errors]
    return library


def import_payloads(tmp_path: Path, library, laptop, keys, payloads) -> tuple:
    envelopes = [seal_payload(p, laptop, keys.public) for p in payloads]
    bundle = bundle_file(tmp_path / "b.surveybundle", envelopes, laptop)
    settings = ImportSettings(out_dir=tmp_path / "out", library=library, study_id=STUDY_ID)
    return run_import([bundle], keys.identity, settings), settings.out_dir


def test_answer_to_an_item_that_does_not_apply_is_refused(
    tmp_path, logic_library, laptop, study_keys
):
    payload = make_payload(
        logic_library,
        "sub-1",
        laptop,
        answers={"lg_country": 1, "lg_country_other": "تشاد", "lg_lang_count": 0},
    )
    report, _ = import_payloads(tmp_path, logic_library, laptop, study_keys, [payload])
    assert report.new_count == 0
    assert "'lg_country_other' is answered although it does not apply" in (
        report.rejections[0].reason
    )


def test_answer_breaking_its_constraint_is_refused(tmp_path, logic_library, laptop, study_keys):
    payload = make_payload(
        logic_library, "sub-2", laptop, answers={"lg_age": 90, "lg_lang_count": 0}
    )
    report, _ = import_payloads(tmp_path, logic_library, laptop, study_keys, [payload])
    assert "the answer to 'lg_age' breaks its constraint" in report.rejections[0].reason


def test_calculated_value_that_does_not_follow_is_refused(
    tmp_path, logic_library, laptop, study_keys
):
    payload = make_payload(
        logic_library, "sub-3", laptop, answers={"lg_langs": [1, 2], "lg_lang_count": 5}
    )
    report, _ = import_payloads(tmp_path, logic_library, laptop, study_keys, [payload])
    assert "calculated value of 'lg_lang_count'" in report.rejections[0].reason


@pytest.fixture
def imported(tmp_path, logic_library, laptop, study_keys):
    payloads = [
        # Syria: "other country" and the work section (no age) do not apply.
        make_payload(
            logic_library,
            "sub-a",
            laptop,
            code="A1",
            language="ar",
            answers={"lg_country": 1, "lg_langs": [1, 3], "lg_lang_count": 2},
        ),
        # Other country, age given, no job: hours do not apply; languages not answered.
        make_payload(
            logic_library,
            "sub-b",
            laptop,
            code="B2",
            language="nb",
            answers={
                "lg_country": 3,
                "lg_country_other": "Tsjad",
                "lg_age": 30,
                "lg_job": 0,
                "lg_lang_count": 0,
            },
        ),
    ]
    report, out = import_payloads(tmp_path, logic_library, laptop, study_keys, payloads)
    assert report.new_count == 2, [r.reason for r in report.rejections]
    return out


def csv_rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "baseline.csv").open(encoding="utf-8-sig") as fh:
        return {row["participant_code"]: row for row in csv.DictReader(fh)}


def test_not_applicable_has_its_own_code_in_csv(imported):
    rows = csv_rows(imported)
    assert rows["A1"]["lg_country_other"] == "-8"  # text item: the code as text
    assert rows["A1"]["lg_hours"] == "-8"
    assert rows["A1"]["lg_age"] == "-9"  # not answered, though asked
    assert rows["B2"]["lg_hours"] == "-8"
    assert rows["B2"]["lg_langs_other"] == "-8"
    assert rows["B2"]["lg_langs_1"] == "-9"
    assert rows["A1"]["lg_langs_other"] == "-9"


def test_calculated_value_is_a_column_of_its_own(imported):
    rows = csv_rows(imported)
    assert rows["A1"]["lg_lang_count"] == "2"
    assert rows["B2"]["lg_lang_count"] == "0"


def test_not_applicable_is_labelled_user_missing_in_spss(imported):
    frame, meta = pyreadstat.read_sav(str(imported / "baseline.sav"), user_missing=True)
    assert sorted(r["lo"] for r in meta.missing_ranges["lg_hours"]) == [-9.0, -8.0, -7.0]
    labels = meta.variable_value_labels["lg_hours"]
    assert labels[float(NOT_APPLICABLE)].startswith("Not applicable")
    assert set(frame["lg_hours"]) == {-8.0}


def test_not_applicable_is_extended_missing_c_in_stata(imported):
    frame, meta = pyreadstat.read_dta(str(imported / "baseline.dta"), user_missing=True)
    assert list(frame["lg_hours"]) == ["c", "c"]
    assert meta.variable_value_labels["lg_hours"]["c"].startswith("Not applicable")


def test_codebook_prints_every_condition(imported):
    with (imported / "codebook.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert rows["lg_country_other"]["condition"] == "${lg_country} = 3"
    assert rows["lg_hours"]["condition"] == "(${lg_age} >= 18) and (${lg_job} = 1)"
    assert rows["lg_age"]["constraint"] == ". >= 18 and . <= 67"
    assert rows["lg_lang_count"]["calculation"] == "count-selected(${lg_langs})"
    assert rows["lg_hours"]["missing_codes"] == "-7 -8 -9"
    assert rows["lg_country"]["missing_codes"] == "-7 -9"


@pytest.fixture(scope="module")
def imported_decimal(tmp_path_factory, logic_library, laptop, study_keys):
    payload = make_payload(
        logic_library,
        "sub-d",
        laptop,
        code="D4",
        language="ar",
        answers={"lg_age": 40, "lg_job": 1, "lg_hours": 37, "lg_km": 12.5, "lg_lang_count": 0},
    )
    tmp_path = tmp_path_factory.mktemp("decimal")
    report, out = import_payloads(tmp_path, logic_library, laptop, study_keys, [payload])
    assert report.new_count == 1, [r.reason for r in report.rejections]
    return out


def test_decimal_answer_keeps_its_fraction_in_csv_sav_and_dta(imported_decimal):
    assert csv_rows(imported_decimal)["D4"]["lg_km"] == "12.5"
    frame, meta = pyreadstat.read_sav(str(imported_decimal / "baseline.sav"))
    assert list(frame["lg_km"]) == [12.5]
    assert meta.original_variable_types["lg_km"] == "F8.1"
    frame, _ = pyreadstat.read_dta(str(imported_decimal / "baseline.dta"))
    assert list(frame["lg_km"]) == [12.5]


def test_codebook_gives_a_decimal_item_its_places(imported_decimal):
    with (imported_decimal / "codebook.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert (rows["lg_km"]["type"], rows["lg_km"]["decimals"]) == ("numeric", "1")


def test_decimal_with_more_places_than_allowed_is_refused(
    tmp_path, logic_library, laptop, study_keys
):
    payload = make_payload(
        logic_library,
        "sub-e",
        laptop,
        answers={"lg_age": 40, "lg_job": 1, "lg_km": 12.25, "lg_lang_count": 0},
    )
    report, _ = import_payloads(tmp_path, logic_library, laptop, study_keys, [payload])
    assert report.new_count == 0
    assert "the answer to 'lg_km' does not fit the item" in report.rejections[0].reason


@pytest.fixture(scope="module")
def filter_library(tmp_path_factory):
    from tests.forms.logic_fixture import FILTER_FORM

    forms = tmp_path_factory.mktemp("filter") / "forms"
    forms.mkdir()
    shutil.copy(SHIPPED_FORMS / "consent.yaml", forms / "consent.yaml")
    (forms / "cf.yaml").write_text(FILTER_FORM, encoding="utf-8")
    (forms / "protocol.yaml").write_text(PROTOCOL.replace("[consent, lg]", "[consent, cf]"))
    library = load_library(forms)
    assert not library.errors, [str(f) for f in library.errors]
    return library


@pytest.mark.parametrize(("city", "accepted"), [(1, False), (3, True)])
def test_option_the_choice_filter_excludes_is_refused_on_import(
    tmp_path, filter_library, laptop, study_keys, city, accepted
):
    payload = make_payload(
        filter_library, f"sub-cf{city}", laptop, answers={"cf_country": 2, "cf_city": city}
    )
    report, _ = import_payloads(tmp_path, filter_library, laptop, study_keys, [payload])
    assert report.new_count == int(accepted)
    if not accepted:
        assert "'cf_city' is an option its choice_filter does not offer" in (
            report.rejections[0].reason
        )


def test_codebook_prints_the_condition_of_every_filtered_option(
    tmp_path, filter_library, laptop, study_keys
):
    payload = make_payload(filter_library, "sub-cb", laptop, answers={"cf_country": 3})
    _, out = import_payloads(tmp_path, filter_library, laptop, study_keys, [payload])
    with (out / "codebook.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert rows["cf_city"]["choice_filter"] == (
        "1: ${cf_country} = 1; 2: ${cf_country} = 1; 3: ${cf_country} = 2"
    )
    assert rows["cf_country"]["choice_filter"] == ""


@pytest.fixture(scope="module")
def multi_filter_library(tmp_path_factory):
    from tests.forms.logic_fixture import MULTI_FILTER_FORM

    forms = tmp_path_factory.mktemp("multifilter") / "forms"
    forms.mkdir()
    shutil.copy(SHIPPED_FORMS / "consent.yaml", forms / "consent.yaml")
    (forms / "cf.yaml").write_text(MULTI_FILTER_FORM, encoding="utf-8")
    (forms / "protocol.yaml").write_text(PROTOCOL.replace("[consent, lg]", "[consent, cf]"))
    library = load_library(forms)
    assert not library.errors, [str(f) for f in library.errors]
    return library


@pytest.mark.parametrize(("cities", "accepted"), [([3, 4], True), ([1, 4], False)])
def test_narrowed_multiple_choice_is_imported_and_an_option_not_offered_refused(
    tmp_path, multi_filter_library, laptop, study_keys, cities, accepted
):
    payload = make_payload(
        multi_filter_library,
        f"sub-mc{cities[0]}",
        laptop,
        answers={"cf_country": 2, "cf_city": cities},
    )
    report, _ = import_payloads(tmp_path, multi_filter_library, laptop, study_keys, [payload])
    assert report.new_count == int(accepted)
