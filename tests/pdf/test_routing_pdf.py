"""Paper shows the form's logic: "Answer only if ...", "If you chose ..., go to question N",
the constraint's message and the allowed range, in each printed language; calculations never."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.library import check_file
from survey_app.pdf.forms_pdf import PrintOptions, parse_languages, render_forms
from survey_app.pdf.routing import question_numbers, range_text, routing_text, skip_text
from tests.forms.logic_fixture import LOGIC_FORM

from .conftest import pdftotext
from .helpers import plain


@pytest.fixture(scope="module")
def logic_form(tmp_path_factory):
    path: Path = tmp_path_factory.mktemp("forms") / "lg.yaml"
    path.write_text(LOGIC_FORM, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


def printed(form, tmp_path: Path, langs: str) -> str:
    out = tmp_path / f"{langs}.pdf"
    render_forms([form], out, PrintOptions(parse_languages(langs)))
    return plain(pdftotext(out))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "Svar bare hvis du valgte «Annet land» i spørsmål 1."),
        ("en", "Answer only if you chose «Other country» in question 1."),
        ("ar", "أجب فقط إذا اخترت «بلد آخر» في السؤال ١."),
    ],
)
def test_routing_sentence_in_each_language(logic_form, language, expected):
    item = logic_form.item("lg_country_other")
    text = routing_text(logic_form, item, question_numbers(logic_form), language)
    assert text == expected


def test_section_and_item_conditions_are_joined(logic_form):
    text = routing_text(logic_form, logic_form.item("lg_hours"), question_numbers(logic_form), "en")
    assert text == (
        "Answer only if your answer to question 3 is 18 or more and you chose «Yes» in question 6."
    )


def test_selected_condition_is_worded(logic_form):
    text = routing_text(
        logic_form, logic_form.item("lg_langs_other"), question_numbers(logic_form), "nb"
    )
    assert text == "Svar bare hvis du valgte «Annet språk» i spørsmål 4."


def test_filter_question_says_where_to_go(logic_form):
    numbers = question_numbers(logic_form)
    assert skip_text(logic_form, logic_form.item("lg_job"), numbers, "en") == (
        "If you chose «No», this part ends here."
    )
    assert skip_text(logic_form, logic_form.item("lg_job"), numbers, "ar") == (
        "إذا اخترت «لا»، ينتهي هذا الجزء هنا."
    )


def test_filter_with_a_following_question_names_its_number(tmp_path):
    text = LOGIC_FORM + (
        "  - id: lg_end\n    type: integer\n"
        '    text: {nb: "Hvor mange barn har du?", en: "How many children do you have?", '
        'ar: "كم عدد أطفالك؟"}\n'
    )
    path = tmp_path / "lg.yaml"
    path.write_text(text, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    numbers = question_numbers(form)
    assert skip_text(form, form.item("lg_job"), numbers, "nb") == (
        "Hvis du valgte «Nei», gå til spørsmål 9."
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "If you chose «Syria» or «Eritrea», go to question 3."),
        ("nb", "Hvis du valgte «Syria» eller «Eritrea», gå til spørsmål 3."),
        ("ar", "إذا اخترت «سوريا» أو «إريتريا»، انتقل إلى السؤال ٣."),
    ],
)
def test_skipping_options_are_joined_by_or_in_each_language(logic_form, language, expected):
    numbers = question_numbers(logic_form)
    assert skip_text(logic_form, logic_form.item("lg_country"), numbers, language) == expected


@pytest.mark.parametrize(
    ("language", "value"), [("ar", "هي ١٨ أو أكثر"), ("nb", "er 18 eller mer"), ("en", "is 18 or")]
)
def test_a_compared_value_is_written_in_the_language_digits(logic_form, language, value):
    text = routing_text(
        logic_form, logic_form.item("lg_hours"), question_numbers(logic_form), language
    )
    assert value in text


@pytest.mark.parametrize(
    ("condition", "language", "expected"),
    [
        (
            "${lg_country} + 1 > 3",
            "en",
            "Answer only if it applies after your answer to question 1.",
        ),
        (
            "${lg_country} + 1 > 3",
            "ar",
            "أجب فقط إذا كان السؤال ينطبق عليك بعد إجابتك عن السؤال ١.",
        ),
        (
            "${lg_country} + ${lg_age} > 18",
            "en",
            "Answer only if it applies after your answers to questions 1, 3.",
        ),
        (
            "${lg_country} + ${lg_age} > 18",
            "ar",
            "أجب فقط إذا كان السؤال ينطبق عليك بعد إجابتيك عن السؤالين ١، ٣.",
        ),
        (
            "${lg_country} + ${lg_age} > 18",
            "nb",
            "Svar bare hvis spørsmålet gjelder etter svarene dine på spørsmål 1, 3.",
        ),
    ],
)
def test_condition_without_plain_wording_names_the_questions(
    tmp_path, condition, language, expected
):
    # Two questions: the section after both (lg_work, first item lg_job) takes the condition.
    two = "lg_age" in condition
    old, item = (
        ('"${lg_age} >= 18"', "lg_job") if two else ('"${lg_country} = 3"', "lg_country_other")
    )
    text = LOGIC_FORM.replace(old, f'"{condition}"')
    path = tmp_path / "lg.yaml"
    path.write_text(text, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    line = routing_text(form, form.item(item), question_numbers(form), language)
    assert plain(line) == expected


@pytest.mark.parametrize("langs", ["nb", "ar", "ar+nb"])
def test_printed_form_carries_routing_and_the_constraint_message(logic_form, tmp_path, langs):
    text = printed(logic_form, tmp_path, langs)
    numbers = question_numbers(logic_form)
    for lang in langs.split("+"):
        routing = routing_text(logic_form, logic_form.item("lg_country_other"), numbers, lang)
        message = logic_form.item("lg_age").logic.constraint_message.get(lang)
        # pdftotext moves Arabic digits around: compare the words before the first number.
        for sentence in (routing, message):
            words = plain(sentence).split()
            head = " ".join(w for w in words[:4] if not any(c.isdigit() for c in w))
            assert head in text, (head, lang)
    assert "lg_lang_count" not in text


def test_codebook_pdf_prints_conditions_constraints_and_calculations(logic_form, tmp_path):
    from survey_app.codebook import build_codebook
    from survey_app.forms.library import FormLibrary
    from survey_app.pdf.codebook_pdf import render_codebook

    codebook = build_codebook(FormLibrary(forms={"lg": logic_form}))
    out = tmp_path / "codebook.pdf"
    render_codebook(codebook, out)
    # Each rule beside its row heading, on the same line (two cells of one row).
    text = plain(pdftotext(out, layout=True))
    assert "Asked only if ${lg_country} = 3" in text
    assert "Asked only if (${lg_age} >= 18) and (${lg_job} = 1)" in text
    assert "Constraint . >= 18 and . <= 67" in text
    assert "Calculated as count-selected(${lg_langs})" in text
    assert "Not applicable (skipped by the form's logic)" in plain(pdftotext(out))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "Skriv et tall fra 0,5 til 500."), ("ar", "اكتب رقمًا من ٠٫٥ إلى ٥٠٠.")],
)
def test_decimal_range_is_printed_with_the_languages_separator(tmp_path, language, expected):
    path = tmp_path / "lg.yaml"
    path.write_text(LOGIC_FORM.replace("        min: 0\n", "        min: 0.5\n"), encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    assert range_text(form.item("lg_km"), language) == expected
