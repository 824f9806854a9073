"""Paper prints the woman's or the man's wording of a text, or both when the reader is unknown."""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType

import pytest

from survey_app.errors import UserFacingError
from survey_app.forms.model import LocalText
from survey_app.pdf.forms_pdf import PrintOptions, parse_addressee, parse_languages, render_forms

from .conftest import pdftotext, sample_form
from .helpers import plain

FEMALE = "هل تشعرين بالصداع؟"
MALE = "هل تشعر بالصداع؟"


def _form_with_variants():
    form = sample_form()
    item = form.item("t_02")
    text = LocalText(
        MappingProxyType({**item.text.texts, "ar": MALE}),
        MappingProxyType({"ar": MappingProxyType({"female": FEMALE, "male": MALE})}),
    )
    items = tuple(dataclasses.replace(i, text=text) if i.id == "t_02" else i for i in form.items)
    return dataclasses.replace(form, items=items)


def _words(tmp_path, langs: str, addressee: str | None) -> set[str]:
    out = tmp_path / f"{langs}-{addressee}.pdf"
    options = PrintOptions(parse_languages(langs), addressee=parse_addressee(addressee))
    render_forms([_form_with_variants()], out, options)
    return set(re.findall(r"\w+", plain(pdftotext(out))))


@pytest.mark.parametrize("langs", ["ar", "ar+nb"])
def test_a_form_printed_for_a_woman_addresses_her(tmp_path, langs):
    words = _words(tmp_path, langs, "female")
    assert "تشعرين" in words and "تشعر" not in words


def test_a_form_printed_for_a_man_addresses_him(tmp_path):
    words = _words(tmp_path, "ar", "male")
    assert "تشعر" in words and "تشعرين" not in words


def test_by_default_paper_prints_both_wordings(tmp_path):
    words = _words(tmp_path, "ar", None)
    assert {"تشعرين", "تشعر"} <= words


def test_texts_without_variants_print_once(tmp_path):
    text = plain(pdftotext(_print_plain(tmp_path)))
    assert text.count(plain(sample_form().item("t_01").text["ar"])) == 1


def _print_plain(tmp_path):
    out = tmp_path / "plain.pdf"
    render_forms([_form_with_variants()], out, PrintOptions(parse_languages("ar")))
    return out


def test_an_unknown_addressee_is_refused_with_the_choices():
    with pytest.raises(UserFacingError, match="female, male, both"):
        parse_addressee("child")


def test_pdf_form_command_takes_the_addressee(tmp_path, capsys):
    from survey_app.cli.main import main

    out = tmp_path / "cantril.pdf"
    args = ["pdf", "form", "--form", "cantril", "--lang", "ar", "--out", str(out)]
    assert main([*args, "--addressee", "female"]) == 0
    assert out.stat().st_size > 0
    assert main([*args, "--addressee", "girl"]) == 1
    assert "--addressee must be one of female, male, both" in capsys.readouterr().err
