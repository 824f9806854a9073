"""Consent receipts and allocation letters: in the reader's language, without any answer."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from survey_app.pdf.trial_pdf import Letter, render_letters, render_receipt
from survey_app.register.model import ConsentEntry, Person
from survey_app.study import demo_study_dir, load_study

NAME = "سلمى تجريبية"


@pytest.fixture(scope="module")
def study():
    return load_study(demo_study_dir())


def _consent(study, language: str, outcome: str = "given") -> ConsentEntry:
    form = study.library.forms["consent"]
    return ConsentEntry(
        id="c1", code="P-0001-Z", timepoint="baseline", form_id=form.id,
        form_version=form.version, form_hash=form.content_hash, language=language,
        reading="read_aloud", audio="", place="Skolen", at="2025-01-14T18:00:00.000Z",
        staff="AB", witness="KH", outcome=outcome,
        decisions={i.id: 1 for i in form.answerable_items},
    )  # fmt: skip


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout  # fmt: skip


needs_pdftotext = pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0,
    reason="poppler-utils not installed",
)


@needs_pdftotext
@pytest.mark.parametrize(("language", "title"), [("nb", "Kvittering"), ("ar", "إيصال")])
def test_a_receipt_is_in_the_consent_language(study, tmp_path, language, title) -> None:
    out = tmp_path / "r.pdf"
    assert render_receipt(_consent(study, language), "P-0001-Z", study, out) == 1
    text = _text(out)
    assert title in text and "P-0001-Z" in text and "1.0.0" in text


@needs_pdftotext
def test_a_receipt_holds_no_name(study, tmp_path) -> None:
    out = tmp_path / "r.pdf"
    render_receipt(_consent(study, "ar"), "P-0001-Z", study, out)
    assert NAME not in _text(out)


@needs_pdftotext
def test_one_letter_per_page_each_in_its_language(study, tmp_path) -> None:
    people = [
        Person("P-0001-Z", NAME, "+4700000001", "", "Prøvegata 1\n5000 Bergen", "ar", "", "", "AB"),
        Person("P-0002-X", "Testa Fiktivsen", "", "", "Prøvegata 2", "nb", "", "", "AB"),
    ]
    letters = [Letter(people[0], "control", "2025-01-14"), Letter(people[1], "intervention", "")]
    out = tmp_path / "letters.pdf"
    assert render_letters(letters, study, out) == 2
    text = _text(out)
    assert study.config.trial.arm_text("control", "ar").rstrip(".") in text
    assert "jobbspesialist" in text and "Testa Fiktivsen" in text


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_letters_with_names_and_addresses_are_readable_by_their_owner_only(study, tmp_path):
    person = Person("P-0002-X", "Testa Fiktivsen", "", "", "Prøvegata 2", "nb", "", "", "AB")
    out = tmp_path / "letters.pdf"
    render_letters([Letter(person, "control", "")], study, out)
    assert out.stat().st_mode & 0o777 == 0o600


@needs_pdftotext
def test_an_arabic_receipt_writes_its_date_in_arabic_indic_digits(study, tmp_path) -> None:
    out = tmp_path / "r.pdf"
    render_receipt(_consent(study, "ar"), "P-0001-Z", study, out)
    text = _text(out)
    assert "١٤" in text and "٢٠٢٥" in text
    assert "2025" not in text


@needs_pdftotext
def test_an_arabic_letter_writes_its_date_in_arabic_indic_digits(study, tmp_path) -> None:
    from datetime import date

    person = Person("P-0001-Z", NAME, "", "", "Prøvegata 1", "ar", "", "", "AB")
    out = tmp_path / "letters.pdf"
    render_letters([Letter(person, "control", "")], study, out)
    year = str(date.today().year)
    assert year.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) in _text(out)
