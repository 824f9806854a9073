"""`python main.py pdf review`: source, translation and back-translation side by side."""

from __future__ import annotations

import pytest

from survey_app.cli.main import main
from tests.forms.shipped_copy import FormsCopy
from tests.pdf.conftest import pdftotext
from tests.pdf.helpers import plain


@pytest.fixture
def forms(tmp_path) -> FormsCopy:
    return FormsCopy(tmp_path / "forms")


def words(pdf) -> str:
    """The PDF's text with every run of white space as one space (cells wrap anywhere)."""
    return " ".join(pdftotext(pdf).split())


def review(forms: FormsCopy, out, *args: str) -> int:
    return main(["pdf", "review", *args, "--forms", str(forms.root), "--out", str(out)])


def test_pack_shows_every_text_with_its_back_translation_and_signature_lines(
    forms, tmp_path, capsys
):
    out = tmp_path / "review.pdf"
    assert review(forms, out, "hscl25", "--language", "ar") == 0
    assert "(3 pages, 1 form(s), ar, 33 texts)" in capsys.readouterr().out
    text = words(out)
    assert "Translation review Hopkins Symptom Checklist (HSCL-25)" in text
    assert "Source (en)" in text and "Translation (ar)" in text
    assert "Back-translation (en)" in text
    assert "Suddenly scared for no reason" in text
    assert "Feeling fear suddenly" in text, "the back-translation of item 1"
    assert "item.hscl_21.text" in text and "(female)" in text and "(male)" in text
    assert "Reviewer: name and role" in text and "Interpreter: name and role" in text
    assert "en to ar" in text


def test_pack_marks_a_stale_back_translation(forms, tmp_path, capsys):
    forms.replace("hscl25", 'ar: "الصداع"', 'ar: "الصداح"')
    out = tmp_path / "review.pdf"
    assert review(forms, out, "hscl25", "--language", "ar") == 0
    text = words(out)
    assert "STALE: the translation changed since" in text
    assert "the back-translation is stale" in text, "the check-forms finding is listed"


def test_pack_prints_every_form_in_both_translations_by_default(forms, tmp_path, capsys):
    out = tmp_path / "review.pdf"
    assert review(forms, out) == 0
    printed = capsys.readouterr().out
    assert "9 form(s), nb+ar" in printed
    text = words(out)
    assert "Translation (nb)" in text and "Translation (ar)" in text


def test_unknown_form_is_refused(forms, tmp_path, capsys):
    assert review(forms, tmp_path / "r.pdf", "nosuch") == 1
    assert "no form nosuch" in capsys.readouterr().err


def test_source_language_cannot_be_reviewed_as_a_translation(forms, tmp_path, capsys):
    assert review(forms, tmp_path / "r.pdf", "hscl25", "--language", "en") == 1
    assert "--language must be one of nb, ar" in capsys.readouterr().err


ENGLISH_HEADINGS = (
    "Translation review",
    "Source (en)",
    "Back-translation (en)",
    "same / differs",
    "Reviewer: name and role",
    "Interpreter: name and role",
    "Every row has the same meaning",
)


def test_pack_headings_are_norwegian_with_staff_language_nb(forms, tmp_path):
    out = tmp_path / "review.pdf"
    assert review(forms, out, "hscl25", "--language", "ar", "--staff-language", "nb") == 0
    text = words(out)
    for heading in (
        "Vurdering av oversettelse",
        "Kilde (en)",
        "Oversettelse (ar)",
        "Tilbakeoversettelse (en)",
        "samme / avviker",
        "Vurdert av: navn og rolle",
        "Tolk: navn og rolle",
        "Side 1 av 3",
    ):
        assert heading in text
    assert not [h for h in ENGLISH_HEADINGS if h in text]
    assert "Suddenly scared for no reason" in text, "the source texts stay English"


def test_pack_headings_are_arabic_with_staff_language_ar(forms, tmp_path):
    out = tmp_path / "review.pdf"
    assert review(forms, out, "hscl25", "--language", "ar", "--staff-language", "ar") == 0
    text = plain(words(out))
    for heading in ("مراجعة الترجمة", "النص الأصلي", "الترجمة العكسية", "المراجِع", "التوقيع"):
        assert plain(heading) in text
    assert not [h for h in ENGLISH_HEADINGS if h in text]
    assert "Feeling fear suddenly" in text, "the back-translations stay English"


def test_pack_of_the_installed_program_names_its_commands(forms, tmp_path, monkeypatch):
    import re

    from survey_app.cli.main import entry

    # Every back-translation unstamped: more findings than the pack lists, each with a hint.
    backs = forms.root / "hscl25.backtranslation.yaml"
    text = backs.read_text(encoding="utf-8")
    backs.write_text(re.sub(r'of: "[0-9a-f]+"', 'of: ""', text), encoding="utf-8")
    out = tmp_path / "review.pdf"
    argv = ["pdf", "review", "hscl25", "--language", "ar", "--forms", str(forms.root)]
    monkeypatch.setattr("sys.argv", ["survey-app", *argv, "--out", str(out)])
    assert entry() == 0
    text = words(out)
    assert "more: run survey-app check-forms" in text
    assert "not stamped; run survey-app forms back-translation stamp" in text
    assert "python main.py" not in text
