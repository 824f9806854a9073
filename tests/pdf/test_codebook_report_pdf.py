"""Codebook PDF (every variable) and meeting report PDF (counts only, no participant codes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.cli.main import main
from survey_app.forms.library import load_library
from survey_app.pdf.codebook_pdf import build_codebook_for_print, render_codebook
from survey_app.pdf.report_pdf import render_report, report_from_store
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_study_dir, load_study
from tests.kdf import FAST_KDF

from .conftest import REPO, pdftotext
from .helpers import plain

PASSPHRASE = "correct horse battery"


@pytest.fixture(scope="module")
def library():
    lib = load_library(REPO / "forms")
    if lib.protocol is None or "hscl25" not in lib.forms:
        pytest.skip("the shipped forms are not usable in this tree")
    return lib


@pytest.fixture
def filled_store(tmp_path: Path, library):
    """A real SQLCipher store with one completed and one unfinished baseline session."""
    study = load_study(demo_study_dir())
    path = store_path_in(tmp_path / "data")
    codes = [make_code(41), make_code(42)]
    with DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF) as store:
        meeting = store.create_meeting("2025-03-14", "Allmote", "AB")
        done = store.start_session(meeting.id, codes[0], "baseline", "ar", actor="AB")
        consent = library.forms["consent"]
        decisions = {i.id: 1 for i in consent.items if i.type == "consent"}
        store.record_consent(done.id, consent, decisions, actor="AB")
        hscl = library.forms["hscl25"]
        for item in hscl.answerable_items[:20]:
            store.save_answer(done.id, hscl, item.id, 2)
        store.save_answer(done.id, hscl, hscl.answerable_items[20].id, None, status="declined")
        store.complete_session(done.id, study, actor="AB")
        store.start_session(
            meeting.id,
            codes[1],
            "baseline",
            "nb",
            interpreter_language="ar",
            interpreter_assisted=True,
            actor="AB",
        )
    return path, codes


def test_codebook_pdf_lists_every_variable(tmp_path, library):
    codebook = build_codebook_for_print(library)
    out = tmp_path / "codebook.pdf"
    render_codebook(codebook, out)
    words = set(plain(pdftotext(out)).split())
    missing = [v.name for v in codebook.variables if v.name not in words]
    assert not missing


def test_codebook_pdf_names_form_versions_and_hashes(tmp_path, library):
    codebook = build_codebook_for_print(library)
    out = tmp_path / "codebook.pdf"
    render_codebook(codebook, out)
    text = plain(pdftotext(out))
    for form in codebook.forms:
        assert form.content_hash in text
        assert f"v{form.version}" in text


def test_meeting_report_contains_no_participant_code(tmp_path, filled_store, library):
    path, codes = filled_store
    with DeviceStore.open(path, PASSPHRASE) as store:
        report = report_from_store(store, library)
    out = tmp_path / "report.pdf"
    render_report(report, out)
    text = pdftotext(out)
    squeezed = text.replace("-", "").replace(" ", "")
    for code in codes:
        assert code not in text
        assert code.replace("-", "") not in squeezed


def test_meeting_report_counts_sessions_and_missing_items(tmp_path, filled_store, library):
    path, _ = filled_store
    with DeviceStore.open(path, PASSPHRASE) as store:
        report = report_from_store(store, library)
    assert report.sessions == 2
    assert report.by_timepoint["baseline"] == {"completed": 1, "in progress": 1}
    hscl = next(m for m in report.missing if m.form_id == "hscl25")
    assert (hscl.sessions, hscl.answered, hscl.declined, hscl.not_answered) == (1, 20, 1, 4)


def test_pdf_report_command_reads_passphrase_from_environment(tmp_path, filled_store, monkeypatch):
    path, _ = filled_store
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "report.pdf"
    code = main(["pdf", "report", "--data-dir", str(path.parent), "--out", str(out)])
    assert code == 0
    assert "Meeting report" in pdftotext(out)


def test_pdf_report_with_an_unknown_meeting_lists_the_laptops_meetings(
    tmp_path, filled_store, monkeypatch, capsys
):
    path, _ = filled_store
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)
    with DeviceStore.open(path, PASSPHRASE) as store:
        ids = [m.id for m in store.meetings()]
    out = tmp_path / "report.pdf"
    args = ["pdf", "report", "--data-dir", str(path.parent), "--meeting", "1", "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "unknown meeting 1" in err and all(i in err for i in ids)
    assert not out.exists()


def test_pdf_form_command_prints_bilingual_form(tmp_path, library):
    out = tmp_path / "hscl.pdf"
    code = main(
        [
            "pdf",
            "form",
            "--form",
            "hscl25",
            "--lang",
            "ar+nb",
            "--forms",
            str(REPO / "forms"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert out.stat().st_size > 0


def test_pdf_form_command_prints_a_timepoint(tmp_path, library):
    out = tmp_path / "baseline.pdf"
    code = main(["pdf", "form", "--timepoint", "baseline", "--lang", "ar", "--out", str(out)])
    assert code == 0
    assert "hscl25" in pdftotext(out)


def test_pdf_form_command_refuses_unknown_form(tmp_path, capsys):
    code = main(["pdf", "form", "--form", "nope", "--lang", "ar", "--out", str(tmp_path / "x.pdf")])
    assert code == 1
    assert "no usable form 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


ENGLISH_HEADINGS = ("Missing-data codes", "Variables", "label", "Asked only if", "Constraint")


def _codebook_text(tmp_path, language: str) -> str:
    out = tmp_path / f"codebook-{language}.pdf"
    args = ["pdf", "codebook", "--staff-language", language, "--out", str(out)]
    assert main(args) == 0
    return plain(pdftotext(out))


def test_codebook_headings_are_norwegian_with_staff_language_nb(tmp_path, library):
    text = _codebook_text(tmp_path, "nb")
    for heading in ("Koder for manglende data", "Variabler", "etikett", "Spørres bare hvis"):
        assert heading in text
    assert "Begrensning" in text, "the constraint row of bg_years_norway"
    words = text.split()
    assert not [h for h in ENGLISH_HEADINGS if h in text and h.split()[0] in words]


def test_codebook_headings_are_arabic_with_staff_language_ar(tmp_path, library):
    text = _codebook_text(tmp_path, "ar")
    for heading in ("رموز البيانات الناقصة", "المتغيرات", "التسمية", "يُسأل فقط إذا", "القيد"):
        assert plain(heading) in text
    assert not [h for h in ENGLISH_HEADINGS if f" {h} " in f" {text} "]
    assert "صفحة" in text and "من40" in text, "page numbers keep the data files' digits"


def test_codebook_headings_stay_english_by_default(tmp_path, library):
    out = tmp_path / "codebook.pdf"
    assert main(["pdf", "codebook", "--out", str(out)]) == 0
    text = plain(pdftotext(out))
    assert "Asked only if" in text and "Missing-data codes" in text


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("nb", ("Møterapport", "Økter per tidspunkt", "Språk i spørreskjemaet", "fullført")),
        ("ar", ("تقرير الاجتماع", "الجلسات حسب مرحلة القياس", "لغة الاستبيان", "مكتملة")),
    ],
)
def test_meeting_report_headings_follow_the_staff_language(
    tmp_path, filled_store, monkeypatch, language, headings
):
    path, _ = filled_store
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "report.pdf"
    args = ["pdf", "report", "--data-dir", str(path.parent), "--staff-language", language]
    assert main([*args, "--out", str(out)]) == 0
    text = plain(pdftotext(out))
    for heading in headings:
        assert plain(heading) in text
    for english in ("Meeting report", "Sessions per timepoint", "completed", "Interpreter"):
        assert english not in text


def test_codebook_score_variables_name_their_form_without_an_empty_version(tmp_path, library):
    codebook = build_codebook_for_print(library)
    out = tmp_path / "codebook.pdf"
    render_codebook(codebook, out)
    text = plain(pdftotext(out))
    assert "form pcl5 v ·" not in text and "form pcl5 · timepoints" in text
