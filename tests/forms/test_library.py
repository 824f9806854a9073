"""The form library: broken forms are kept away from participants, the rest keeps working."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.library import FormUnavailable, load_library
from tests.forms.conftest import VALID_FORM

SHIPPED_FORMS = Path(__file__).resolve().parents[2] / "forms"

PROTOCOL = """\
study_id: test
version: "1.0.0"
title: {nb: "Test", en: "Test study", ar: "دراسة"}
timepoints:
  baseline:
    label: {nb: "Start", en: "Baseline", ar: "البداية"}
    steps: [mini, {form: other, only_arm: intervention}]
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def forms_dir(tmp_path: Path) -> Path:
    write(tmp_path, "mini.yaml", VALID_FORM)
    write(
        tmp_path,
        "other.yaml",
        VALID_FORM.replace("id: mini\n", "id: other\n")
        .replace("mini_", "other_")
        .replace("prefix: mini", "prefix: other"),
    )
    write(tmp_path, "protocol.yaml", PROTOCOL)
    return tmp_path


def test_library_loads_valid_forms_and_protocol(forms_dir):
    library = load_library(forms_dir)
    assert set(library.forms) == {"mini", "other"}
    assert [f.id for f in library.steps("baseline", arm="intervention")] == ["mini", "other"]


def test_arm_restricted_step_is_left_out_for_other_arm(forms_dir):
    library = load_library(forms_dir)
    assert [f.id for f in library.steps("baseline", arm="control")] == ["mini"]


def test_broken_form_is_unusable_while_others_stay_usable(forms_dir):
    write(
        forms_dir,
        "other.yaml",
        (forms_dir / "other.yaml").read_text().replace('ar: "صداع"', 'ar: ""'),
    )
    library = load_library(forms_dir)
    assert "other" in library.unusable
    assert library.usable("mini")
    with pytest.raises(FormUnavailable, match="'other' has errors"):
        library.steps("baseline", arm="intervention")


def test_protocol_naming_missing_form_is_an_error(forms_dir):
    write(forms_dir, "protocol.yaml", PROTOCOL.replace("[mini,", "[mini, missing,"))
    library = load_library(forms_dir)
    assert any("no form 'missing'" in f.message and f.line == 7 for f in library.errors)


def test_protocol_naming_unknown_timepoint_is_an_error(forms_dir):
    write(forms_dir, "protocol.yaml", PROTOCOL.replace("  baseline:", "  baseline-x:"))
    library = load_library(forms_dir)
    assert any("unknown timepoint 'baseline-x'" in f.message for f in library.errors)


def test_protocol_texts_go_through_the_text_rules(forms_dir):
    write(forms_dir, "protocol.yaml", PROTOCOL.replace('ar: "البداية"', 'ar: "Baseline"'))
    library = load_library(forms_dir)
    assert any("Latin letters in a 'ar' text" in f.message for f in library.errors)


def test_form_is_found_by_content_hash(forms_dir):
    library = load_library(forms_dir)
    form = library.forms["mini"]
    assert library.by_hash(form.content_hash) is form
    assert len(form.content_hash) == 64


def test_content_hash_changes_when_any_text_changes(forms_dir):
    before = load_library(forms_dir).forms["mini"].content_hash
    write(forms_dir, "mini.yaml", VALID_FORM.replace("Headaches", "Headache"))
    assert load_library(forms_dir).forms["mini"].content_hash != before


def test_shipped_forms_pass_clean():
    if not (SHIPPED_FORMS / "protocol.yaml").exists():
        pytest.skip("instrument library not written yet")
    library = load_library(SHIPPED_FORMS)
    assert [str(f) for f in library.findings] == []
    assert library.unusable == {}
