"""Printed questionnaires: text read back in logical order, every item and option present."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from reportlab.lib.units import mm

from survey_app.errors import UserFacingError
from survey_app.forms.library import load_library
from survey_app.forms.model import Form, ItemType
from survey_app.pdf import labels
from survey_app.pdf.forms_pdf import PrintOptions, parse_languages, render_forms, short_hash
from survey_app.pdf.layout import MARGIN_BOTTOM, PAGE_HEIGHT

from .conftest import REPO, pdftotext, sample_form
from .helpers import plain


@pytest.fixture(scope="module")
def shipped_hscl() -> Form:
    library = load_library(REPO / "forms")
    if "hscl25" not in library.forms:
        pytest.skip("forms/hscl25.yaml is not usable in this tree")
    return library.forms["hscl25"]


def _print(forms: list[Form], tmp_path: Path, langs: str):
    out = tmp_path / f"{langs}.pdf"
    result = render_forms(forms, out, PrintOptions(parse_languages(langs)))
    return out, result


def _texts(form: Form, lang: str) -> list[str]:
    texts = [form.title.get(lang)]
    for item in form.items:
        texts.append(item.text.get(lang))
        if item.scale is not None:
            texts += [o.label.get(lang) for o in item.scale.options]
            for anchor in (item.scale.anchor_low, item.scale.anchor_high):
                if anchor is not None:
                    texts.append(anchor.get(lang))
    return texts


def _has_marks(text: str) -> bool:
    return any(unicodedata.category(ch) == "Mn" for ch in text)


def test_arabic_text_reads_back_in_logical_order(tmp_path, shipped_hscl):
    out, _ = _print([shipped_hscl], tmp_path, "ar")
    extracted = plain(pdftotext(out))
    # pdftotext moves a word whose vowel mark is raised onto a line of its own, so the order
    # check uses the items written without marks (most of them); the words of the others are
    # checked by test_every_arabic_item_and_option_label_is_printed.
    plain_items = [i for i in shipped_hscl.items if not _has_marks(i.text["ar"])]
    assert len(plain_items) >= 10
    for item in plain_items:
        assert plain(item.text["ar"]) in extracted, item.id


def test_arabic_extraction_gives_real_letters_not_glyph_codes(tmp_path, shipped_hscl):
    out, _ = _print([shipped_hscl], tmp_path, "ar")
    extracted = pdftotext(out)
    assert not [ch for ch in extracted if 0xE000 <= ord(ch) <= 0xF8FF], "private-use code points"
    assert not [ch for ch in extracted if 0xFB50 <= ord(ch) <= 0xFEFF and ch != "\ufeff"]


def test_arabic_brackets_and_numbers_keep_their_order(tmp_path):
    out, _ = _print([sample_form()], tmp_path, "ar")
    # "الصداع (خلال آخر 14 يومًا)": the number stays 14 (not 41) and the brackets enclose it.
    extracted = plain(pdftotext(out))
    assert "(خلال آخر" in extracted
    assert "14" in extracted and "41" not in extracted
    assert "يوما)" in extracted


def test_norwegian_text_reads_back_in_order(tmp_path, shipped_hscl):
    out, _ = _print([shipped_hscl], tmp_path, "nb")
    extracted = plain(pdftotext(out))
    for text in _texts(shipped_hscl, "nb"):
        assert plain(text) in extracted


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_item_and_option_label_is_printed(tmp_path, lang):
    form = sample_form()
    out, _ = _print([form], tmp_path, lang)
    extracted = plain(pdftotext(out))
    for text in _texts(form, lang):
        assert plain(text) in extracted


def test_every_arabic_item_and_option_label_is_printed(tmp_path, shipped_hscl):
    out, _ = _print([shipped_hscl], tmp_path, "ar")
    words = set(re.findall(r"[^\W\d_]+|\d+", plain(pdftotext(out))))
    for text in _texts(shipped_hscl, "ar"):
        for word in re.findall(r"[^\W\d_]+|\d+", plain(text)):
            assert word in words, text


def test_bilingual_page_has_both_languages(tmp_path, shipped_hscl):
    out, _ = _print([shipped_hscl], tmp_path, "ar+nb")
    first_page = plain(pdftotext(out, first=1, last=1))
    item = shipped_hscl.items[0]
    assert plain(item.text["nb"]) in first_page
    assert plain(item.text["ar"]) in first_page
    assert plain(item.scale.options[0].label["nb"]) in first_page
    assert plain(item.scale.options[0].label["ar"]) in first_page


def test_bilingual_prints_each_item_once(tmp_path, shipped_hscl):
    # One number, one id and one row of boxes per item, shared by both languages.
    out, _ = _print([shipped_hscl], tmp_path, "ar+nb")
    assert pdftotext(out).count("hscl_01") == 1


def test_vas_is_printed_100_mm_long(tmp_path):
    _, result = _print([sample_form()], tmp_path, "en")
    (vas,) = result.vas
    assert vas.length_mm == pytest.approx(100.0, abs=0.01)
    assert (vas.value_min, vas.value_max) == (0, 100)


def test_vas_fits_on_its_page(tmp_path):
    _, result = _print([sample_form()], tmp_path, "ar+nb")
    (vas,) = result.vas
    assert MARGIN_BOTTOM <= vas.y_min < vas.y_max <= PAGE_HEIGHT
    assert vas.y_max - vas.y_min == pytest.approx(100 * mm)


def test_every_page_names_form_version_and_hash(tmp_path):
    form = sample_form()
    out, result = _print([form], tmp_path, "en")
    for page in range(1, result.pages + 1):
        text = pdftotext(out, first=page, last=page)
        assert f"{form.id} v{form.version} · {short_hash(form)}" in text
        assert f"Page {page} of {result.pages}" in text


def test_draft_language_is_marked_in_footer(tmp_path):
    out_ar, result = _print([sample_form(draft_ar=True)], tmp_path, "ar")
    mark = labels.text("ar", labels.DRAFT)
    assert mark != labels.DRAFT
    for page in range(1, result.pages + 1):
        assert mark in pdftotext(out_ar, first=page, last=page)


def test_validated_language_has_no_draft_mark(tmp_path):
    out, _ = _print([sample_form(draft_ar=True)], tmp_path, "en")
    assert "DRAFT" not in pdftotext(out)


def test_option_codes_are_printed_beside_labels(tmp_path):
    form = sample_form()
    item = form.item("t_02")
    out, _ = _print([form], tmp_path, "en")
    lines = [plain(ln) for ln in pdftotext(out, layout=True).splitlines()]
    row = next(ln for ln in lines if "Not at all" in ln and "A little" in ln)
    for option in item.scale.options:
        assert f"{option.code} {option.label['en']}" in row


def test_ladder_items_are_printed_with_every_step(tmp_path):
    form = sample_form()
    out, _ = _print([form], tmp_path, "en")
    extracted = plain(pdftotext(out))
    ladders = [i for i in form.items if i.type is ItemType.LADDER]
    assert ladders
    for step in range(1, 11):
        assert str(step) in extracted


def test_unknown_language_is_refused():
    with pytest.raises(UserFacingError):
        parse_languages("fr")


def test_three_languages_at_once_are_refused():
    with pytest.raises(UserFacingError):
        parse_languages("ar+nb+en")
