"""The codebook describes every exported variable from the forms themselves."""

from __future__ import annotations

import csv
import io
import json

import pytest

from survey_app.codebook import (
    DECLINED,
    NOT_ANSWERED,
    build_codebook,
    codebook_csv_bytes,
    codebook_json_bytes,
)
from survey_app.errors import UserFacingError
from survey_app.forms.library import load_library


def test_item_variable_has_value_labels_in_all_three_languages(library):
    var = build_codebook(library).variable("hscl_01")
    assert var.value_label_map("en")[1] == "Not at all"
    assert var.value_label_map("nb")[4] == "Veldig mye"
    assert var.value_label_map("ar")[1] == "لا على الإطلاق"


def test_item_variable_declares_declined_and_not_answered(library):
    var = build_codebook(library).variable("hscl_01")
    assert var.missing_codes == (DECLINED, NOT_ANSWERED)
    assert var.value_label_map("en")[-7] == "Declined to answer"
    assert var.value_label_map("en")[-9] == "Not answered"


def test_item_variable_names_its_form_version_and_hash(library):
    var = build_codebook(library).variable("hscl_01")
    form = library.forms["hscl25"]
    assert (var.form_id, var.form_version, var.form_hash) == (
        "hscl25",
        form.version,
        form.content_hash,
    )


def test_english_label_is_the_short_export_label(library):
    var = build_codebook(library).variable("hscl_01")
    assert var.label["en"] == library.forms["hscl25"].item("hscl_01").label
    assert var.label["ar"] == library.forms["hscl25"].item("hscl_01").text["ar"]


def test_multiple_choice_becomes_one_indicator_per_option(library):
    cb = build_codebook(library)
    names = [v.name for v in cb.variables if v.item_id == "mbg_help"]
    assert names == ["mbg_help_1", "mbg_help_2", "mbg_help_3"]
    assert cb.variable("mbg_help_2").label["en"] == "What helped you?: Friends"
    assert cb.variable("mbg_help_2").value_label_map("nb")[1] == "Valgt"


def test_inline_options_are_nominal_and_named_scales_ordinal(library):
    cb = build_codebook(library)
    assert cb.variable("mbg_gender").measure == "nominal"
    assert cb.variable("mbg_happy").measure == "ordinal"


def test_ladder_labels_only_its_anchors(library):
    var = build_codebook(library).variable("mbg_ladder")
    assert (var.minimum, var.maximum) == (1, 10)
    assert [v.code for v in var.value_labels] == [1, 10]


def test_free_text_is_marked(library):
    cb = build_codebook(library)
    assert cb.variable("mbg_comment").free_text
    assert cb.variable("mbg_comment").type == "string"
    assert not cb.variable("mbg_arrived").free_text


def test_consent_items_are_yes_no(library):
    var = build_codebook(library).variable("consent_participate")
    assert var.value_label_map("en")[1] == "Yes"
    assert var.value_label_map("en")[0] == "No"


def test_notes_are_not_variables(library):
    names = {v.name for v in build_codebook(library).variables}
    assert "consent_purpose" not in names


def test_variables_of_a_timepoint_follow_protocol_order(library):
    names = [v.name for v in build_codebook(library).variables_for("baseline")]
    assert names.index("ver_consent") < names.index("mbg_age") < names.index("hscl_01")
    assert names[0] == "submission_id"


def test_consent_forms_sharing_item_ids_stay_apart_per_timepoint(library):
    cb = build_codebook(library)
    assert cb.variable("consent_participate", "baseline").form_id == "consent"
    assert cb.variable("consent_participate", "followup-12m").form_id == "consent_followup"
    for tp in cb.timepoints:
        names = [v.name for v in cb.variables_for(tp)]
        assert len(names) == len(set(names))


def test_duplicate_variable_within_a_timepoint_is_refused(tmp_path, library):
    from tests.codebook.forms_fixture import make_forms_dir

    forms = make_forms_dir(tmp_path)
    protocol = (forms / "protocol.yaml").read_text()
    (forms / "protocol.yaml").write_text(
        protocol.replace("[consent, minibg, hscl25]", "[consent, consent_followup, hscl25]")
    )
    with pytest.raises(UserFacingError, match="consent_info_understood"):
        build_codebook(load_library(forms))


def test_pcl_cutoff_defaults_to_protocol_and_can_be_overridden(library):
    assert build_codebook(library).pcl_cutoff == 33
    assert build_codebook(library, 31).pcl_cutoff == 31


def test_json_is_stable_and_complete(library):
    cb = build_codebook(library)
    data = codebook_json_bytes(cb)
    assert data == codebook_json_bytes(build_codebook(library))
    doc = json.loads(data)
    assert doc["missing_codes"]["-7"]["nb"] == "Ønsket ikke å svare"
    var = next(v for v in doc["variables"] if v["name"] == "mbg_gender")
    assert {"code": 2, "labels": {"nb": "Mann", "en": "Man", "ar": "رجل"}} in var["value_labels"]


def test_csv_has_one_row_per_variable_and_a_bom(library):
    cb = build_codebook(library)
    data = codebook_csv_bytes(cb)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(cb.variables)
    row = next(r for r in rows if r["name"] == "mbg_gender")
    assert row["values_ar"] == "1=امرأة; 2=رجل; 3=غير ذلك"
    assert row["missing_codes"] == "-7 -9"
