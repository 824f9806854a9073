"""Printed forms read as the screen does: ids beside, not over, the text; footers and ladders in
each language's direction; the participant's digits; a signature line under the consent."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.library import load_library
from survey_app.forms.model import Form
from survey_app.pdf import labels
from survey_app.pdf.forms_pdf import PrintOptions, parse_languages, render_forms
from survey_app.pdf.marks import id_pieces

from .conftest import REPO
from .helpers import Word, plain, visual, words

LANGS = ("nb", "ar", "ar+nb")
WESTERN = {str(n) for n in range(0, 101)}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture(scope="module")
def library():
    return load_library(REPO / "forms")


def _form(library, form_id: str) -> Form:
    if form_id not in library.forms:
        pytest.skip(f"forms/{form_id}.yaml is not usable in this tree")
    return library.forms[form_id]


def _print(form: Form, tmp_path: Path, langs: str) -> Path:
    out = tmp_path / f"{form.id}-{langs}.pdf"
    render_forms([form], out, PrintOptions(parse_languages(langs)))
    return out


def _id_parts(form: Form) -> set[str]:
    """Every way an item id may be printed: whole, or broken after its underscores."""
    parts: set[str] = set()
    for item in form.items:
        pieces = id_pieces(item.id)
        for i in range(len(pieces)):
            for j in range(i + 1, len(pieces) + 1):
                parts.add("".join(pieces[i:j]))
    return parts


@pytest.mark.parametrize("langs", LANGS)
@pytest.mark.parametrize("form_id", ["consent", "background", "process", "pcl5"])
def test_item_ids_never_print_over_the_question_text(tmp_path, library, form_id, langs):
    form = _form(library, form_id)
    found = words(_print(form, tmp_path, langs))
    parts = _id_parts(form)
    ids = [w for w in found if w.text in parts and w.y1 - w.y0 < 8]
    assert ids, "no item id printed"
    others = [w for w in found if w not in ids]
    clashes = [(i.text, o.text) for i in ids for o in others if i.overlaps(o)]
    assert not clashes


def _footer(found: list[Word], page: int) -> list[Word]:
    return [w for w in found if w.page == page and w.y0 > 780]


def test_bilingual_footer_gives_page_and_draft_notice_in_both_languages(tmp_path, library):
    form = _form(library, "cantril")
    out = _print(form, tmp_path, "ar+nb")
    footer = _footer(words(out), 1)
    texts = [w.text for w in footer]
    for word in ("Side", "av", "UTKAST", "oversettelse"):
        assert word in texts
    for word in ("صفحة", "من", "ترجمة", "مسودة"):
        assert visual(word) in texts


def test_each_footer_line_reads_in_its_own_direction(tmp_path, library):
    out = _print(_form(library, "cantril"), tmp_path, "ar+nb")
    footer = {w.text: w for w in _footer(words(out), 1)}
    # Norwegian left to right: "Side" before "av"; Arabic right to left: "صفحة" right of "من".
    assert footer["Side"].x0 < footer["av"].x0
    assert footer["UTKAST"].x0 < footer["oversettelse"].x0
    assert footer[visual("صفحة")].x0 > footer[visual("من")].x0
    assert footer[visual("ترجمة")].x0 > footer[visual("مسودة")].x0


@pytest.mark.parametrize(("langs", "right_to_left"), [("ar+nb", True), ("ar", True), ("nb", False)])
def test_cantril_ladders_run_in_the_reading_direction_of_the_first_language(
    tmp_path, library, langs, right_to_left
):
    out = _print(_form(library, "cantril"), tmp_path, langs)
    at = {w.text: w.x0 for w in words(out)}
    order = [at["cantril_past"], at["cantril_now"], at["cantril_future"]]
    assert order == sorted(order, reverse=right_to_left)


@pytest.mark.parametrize("form_id", ["cantril", "via", "eqvas"])
def test_numbers_on_arabic_paper_are_arabic_indic_as_on_screen(tmp_path, library, form_id):
    form = _form(library, form_id)
    found = words(_print(form, tmp_path, "ar"))
    texts = [w.text.rstrip(".") for w in found]
    scale = form.items[0].scale
    top = str(scale.max).translate(ARABIC_INDIC)
    assert top in texts
    assert not [t for t in texts if t in WESTERN], "Western digits on Arabic paper"


@pytest.mark.parametrize(
    ("langs", "expected"),
    [
        ("nb", ["Underskrift", "Dato"]),
        ("ar", [visual("التوقيع"), visual("التاريخ")]),
        ("ar+nb", ["Underskrift", "Dato", visual("التوقيع"), visual("التاريخ")]),
    ],
)
def test_printed_consent_ends_with_signature_and_date_lines_in_each_language(
    tmp_path, library, langs, expected
):
    form = _form(library, "consent")
    found = words(_print(form, tmp_path, langs))
    parts = _id_parts(form)
    last_id = max((w.page, w.y1) for w in found if w.text in parts and w.y1 - w.y0 < 8)
    for text in expected:
        label = next((w for w in found if w.text == text), None)
        assert label is not None, text
        # Below the last consent statement's id (on its page or a later one).
        assert (label.page, label.y0) > last_id


@pytest.mark.parametrize(
    ("langs", "label"), [("nb", "Underskrift"), ("ar", visual("التوقيع")), ("ar+nb", "Underskrift")]
)
def test_signature_is_on_the_page_of_the_last_consent_statement(tmp_path, library, langs, label):
    form = _form(library, "consent")
    found = words(_print(form, tmp_path, langs))
    parts = _id_parts(form)
    last_page = max(w.page for w in found if w.text in parts and w.y1 - w.y0 < 8)
    assert next(w for w in found if w.text == label).page == last_page


def test_questionnaires_carry_no_signature_line(tmp_path, library):
    found = words(_print(_form(library, "hscl25"), tmp_path, "nb"))
    assert labels.text("nb", labels.SIGNATURE) not in [w.text for w in found]
    assert plain(labels.text("nb", labels.SIGNATURE)) == "Underskrift"
