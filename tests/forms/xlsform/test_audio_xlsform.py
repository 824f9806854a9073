"""Recorded readings through XLSForm: audio::Language (code) columns, a `<name>-media` folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from survey_app.forms.library import check_file
from survey_app.forms.xlsform.check import check_xlsx
from survey_app.forms.xlsform.exporter import export_form
from survey_app.forms.xlsform.importer import convert_file, media_folder, place_media
from tests.forms.conftest import VALID_FORM
from tests.forms.test_audio import AUDIO, FILES, write_wav

REPO = Path(__file__).resolve().parents[3]


def _background(tmp_path: Path):
    form, findings = check_file(REPO / "forms" / "background.yaml")
    assert form is not None, findings
    workbook = tmp_path / "background.xlsx"
    export_form(form, workbook)
    return form, workbook


def test_the_export_names_recordings_in_audio_language_columns(tmp_path):
    _, workbook = _background(tmp_path)
    survey = openpyxl.load_workbook(workbook)["survey"]
    header = [c.value for c in survey[1]]
    assert "audio::Norsk bokmål (nb)" in header
    column = header.index("audio::Norsk bokmål (nb)")
    names = {row[column].value for row in survey.iter_rows(min_row=2)} - {None}
    assert "bg_gender.nb.wav" in names


def test_the_export_copies_the_recordings_beside_the_workbook(tmp_path):
    _, workbook = _background(tmp_path)
    assert (media_folder(workbook) / "bg_gender_1.ar.wav").is_file()
    assert (media_folder(workbook) / "bg_age-f.ar.wav").is_file()


def test_a_workbook_without_its_media_folder_is_reported_with_the_missing_recording(tmp_path):
    _, workbook = _background(tmp_path)
    shutil.rmtree(media_folder(workbook))
    form, findings = check_xlsx(workbook)
    assert form is None
    assert any("bg_gender.nb.wav': the file is missing" in f.message for f in findings)


def test_scale_recordings_round_trip_with_the_same_hash(tmp_path):
    source = tmp_path / "src" / "mini.yaml"
    source.parent.mkdir()
    source.write_text(VALID_FORM + AUDIO, encoding="utf-8")
    for name in FILES:
        for language in ("nb", "en", "ar"):
            write_wav(source.parent / "audio" / "mini" / f"{name}.{language}.wav")
    form, findings = check_file(source)
    assert form is not None, findings
    workbook = tmp_path / "mini.xlsx"
    export_form(form, workbook)
    converted = convert_file(workbook)
    back = tmp_path / "back" / "mini.yaml"
    back.parent.mkdir()
    back.write_text(converted.text, encoding="utf-8")
    place_media(workbook, converted, back.parent)
    again, findings = check_file(back)
    assert again is not None, [str(f) for f in findings]
    assert again.content_hash == form.content_hash
    assert set(again.audio.scales["freq4"]) == {1}
