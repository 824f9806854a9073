"""Export to XLSForm and import back: pyxform converts every export to an XForm, and the form
that comes back has the same content hash (docs/xlsform.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.library import check_file, load_library
from survey_app.forms.xlsform.check import check_xlsx
from survey_app.forms.xlsform.exporter import export_form
from survey_app.forms.xlsform.importer import convert_file, place_media
from survey_app.forms.xlsform.pyxform_check import run_pyxform
from tests.forms.logic_fixture import LOGIC_FORM

REPO = Path(__file__).resolve().parents[3]
SHIPPED = load_library(REPO / "forms")


def round_trip(form, tmp_path: Path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    workbook = tmp_path / f"{form.id}.xlsx"
    export_form(form, workbook)
    verdict = run_pyxform(workbook)
    assert verdict.error is None, verdict.error
    converted = convert_file(workbook)
    assert [n for n in converted.notes if n.error] == []
    back_file = tmp_path / "back" / f"{converted.form_id}.yaml"
    back_file.parent.mkdir()
    back_file.write_text(converted.text, encoding="utf-8")
    place_media(workbook, converted, back_file.parent)
    back, findings = check_file(back_file)
    assert back is not None, [str(f) for f in findings if f.is_error]
    return back


@pytest.mark.parametrize("form_id", sorted(SHIPPED.forms))
def test_shipped_form_exports_for_pyxform_and_imports_back_identical(form_id, tmp_path):
    form = SHIPPED.forms[form_id]
    assert round_trip(form, tmp_path).content_hash == form.content_hash


def test_every_shipped_form_is_covered():
    assert set(SHIPPED.forms) >= {"background", "hscl25", "pcl5", "cantril", "eqvas", "via"}


def test_form_with_logic_sections_and_calculations_round_trips(tmp_path):
    path = tmp_path / "lg.yaml"
    path.write_text(LOGIC_FORM, encoding="utf-8")
    form, _ = check_file(path)
    back = round_trip(form, tmp_path)
    assert back.content_hash == form.content_hash
    assert back.item("lg_hours").logic.relevant.canonical == "${lg_job} = 1"


VARIANTS = LOGIC_FORM.replace(
    '      ar: "كم عمرك؟"\n',
    '      ar: {female: "كم عمركِ؟", male: "كم عمرك؟"}\n',
).replace(
    '  ar: "الخلفية"\n',
    '  ar: {female: "خلفيتكِ", male: "خلفيتك"}\n',
)


def test_female_and_male_variants_round_trip(tmp_path):
    path = tmp_path / "lg.yaml"
    path.write_text(VARIANTS, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings if f.is_error]
    assert form.item("lg_age").text.has_variants("ar")
    back = round_trip(form, tmp_path)
    assert back.item("lg_age").text.variants == form.item("lg_age").text.variants
    assert back.content_hash == form.content_hash


def test_integer_limits_are_an_odk_constraint_and_come_back_as_limits(tmp_path):
    form = SHIPPED.forms["background"]
    workbook = tmp_path / "bg.xlsx"
    export_form(form, workbook)
    import openpyxl

    sheet = openpyxl.load_workbook(workbook)["survey"]
    header = [c.value for c in sheet[1]]
    rows = {r[1]: dict(zip(header, r, strict=False)) for r in sheet.iter_rows(2, values_only=True)}
    assert rows["bg_age"]["constraint"] == ". >= 18 and . <= 99"
    assert rows["bg_years_norway"]["constraint"] == (
        ". >= 0 and . <= 60 and (${bg_age} = '' or . <= ${bg_age})"
    )
    back = round_trip(form, tmp_path / "rt")
    assert (back.item("bg_age").minimum, back.item("bg_age").maximum) == (18, 99)
    assert back.item("bg_age").logic.constraint is None


def test_imported_odk_form_exports_and_imports_back_identical(odk_form, tmp_path):
    assert round_trip(odk_form, tmp_path).content_hash == odk_form.content_hash


def test_exported_workbook_passes_check_forms(tmp_path):
    workbook = tmp_path / "via.xlsx"
    export_form(SHIPPED.forms["via"], workbook)
    form, findings = check_xlsx(workbook)
    assert form is not None and [f for f in findings if f.is_error] == []
