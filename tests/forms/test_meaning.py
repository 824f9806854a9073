"""Meaning checks on a small form: labels twice, copied items, scales in the wrong order."""

from __future__ import annotations

from survey_app.forms.library import check_file
from tests.forms.conftest import VALID_FORM
from tests.forms.test_checker import errors_of, line_of, only_error

SECOND_ITEM = """\
  - id: mini_02
    type: single_choice
    scale: freq4
    label: "Dizziness"
    text:
      nb: "Svimmelhet"
      en: "Dizziness"
      ar: "دوار"
"""
ANCHORED = VALID_FORM.replace(
    "items:\n",
    """\
  ladder:
    min: 1
    max: 10
    anchor_low: {nb: "Verst mulige liv", en: "Worst possible life", ar: "أسوأ حياة ممكنة"}
    anchor_high: {nb: "Best mulige liv", en: "Best possible life", ar: "أفضل حياة ممكنة"}
items:
  - id: mini_ladder
    type: ladder
    scale: ladder
    text: {nb: "Hvilket trinn?", en: "Which step?", ar: "أي درجة؟"}
""",
)


def warnings_of(path):
    _, findings = check_file(path)
    return [f for f in findings if not f.is_error]


def test_two_options_with_one_label_are_an_error_at_the_second(write_form):
    path = write_form('4: "Veldig mye"', '4: "Ganske mye"')
    finding = only_error(path, "options 3 and 4 have the same label 'Ganske mye'")
    assert "[nb]" in finding.message and "scale 'freq4' (items mini_01)" in finding.message


def test_labels_differing_only_in_case_and_punctuation_are_the_same_label(write_form):
    path = write_form('4: "Veldig mye"', '4: "ganske mye."')
    only_error(path, "options 3 and 4 have the same label")


def test_arabic_labels_differing_only_in_tanween_and_hamza_are_the_same_label(write_form):
    path = write_form('1: "أبدًا"', '1: "كثيراً"')
    only_error(path, "options 1 and 3 have the same label")


def test_reversed_labels_are_an_error_naming_both_ends(write_form):
    path = write_form(
        'en: {1: "Not at all", 2: "A little", 3: "Quite a bit", 4: "Extremely"}',
        'en: {1: "Extremely", 2: "Quite a bit", 3: "A little", 4: "Not at all"}',
    )
    finding = only_error(path, "the labels run the wrong way")
    assert "option 1 'Extremely'" in finding.message and "option 4 'Not at all'" in finding.message
    assert finding.message.startswith("scale 'freq4' (items mini_01) [en]")
    assert "against the codes and [ar] and [nb]" in finding.message
    assert len(errors_of(path)) == 1, "the source language is the odd one out, not the others"


def test_labels_against_the_source_languages_direction_are_an_error_in_that_language(write_form):
    path = write_form(
        'ar: {1: "أبدًا", 2: "قليلًا", 3: "كثيرًا", 4: "كثيرًا جدًا"}',
        'ar: {1: "كثيرًا جدًا", 2: "كثيرًا", 3: "قليلًا", 4: "أبدًا"}',
    )
    finding = only_error(path, "reversed scale")
    assert "[ar]" in finding.message and "against the codes and [en]" in finding.message
    assert finding.line == line_of(path, 'ar: {1: "كثيرًا جدًا"')


def test_scale_reversed_in_every_language_alike_is_accepted(write_form, tmp_path):
    text = (
        VALID_FORM.replace(
            'nb: {1: "Ikke i det hele tatt", 2: "Litt", 3: "Ganske mye", 4: "Veldig mye"}',
            'nb: {1: "Veldig mye", 2: "Ganske mye", 3: "Litt", 4: "Ikke i det hele tatt"}',
        )
        .replace(
            'en: {1: "Not at all", 2: "A little", 3: "Quite a bit", 4: "Extremely"}',
            'en: {1: "Extremely", 2: "Quite a bit", 3: "A little", 4: "Not at all"}',
        )
        .replace(
            'ar: {1: "أبدًا", 2: "قليلًا", 3: "كثيرًا", 4: "كثيرًا جدًا"}',
            'ar: {1: "كثيرًا جدًا", 2: "كثيرًا", 3: "قليلًا", 4: "أبدًا"}',
        )
    )
    path = write_form(text=text)
    assert not any("wrong way" in f.message or "out of order" in f.message for f in errors_of(path))


def test_two_middle_labels_swapped_are_an_error_at_the_later_option(write_form):
    path = write_form('2: "قليلًا", 3: "كثيرًا"', '2: "كثيرًا", 3: "قليلًا"')
    finding = only_error(path, "option 3 'قليلًا' ranks below option 2 'كثيرًا'")
    assert "against the codes and [en]" in finding.message


def test_label_unknown_to_the_lexicon_is_a_warning_naming_it(write_form):
    path = write_form('3: "Ganske mye"', '3: "Temmelig plagsomt"')
    assert errors_of(path) == []
    (warning,) = warnings_of(path)
    assert "option 3 'Temmelig plagsomt' is not in the scale lexicon" in warning.message
    assert "[nb]" in warning.message


def test_list_without_scale_words_is_not_an_ordered_scale(write_form):
    options = """\
    options:
      nb: {1: "Bergen", 2: "Oslo"}
      en: {1: "Bergen city", 2: "Oslo city"}
      ar: {1: "برغن", 2: "أوسلو"}
"""
    path = write_form("    type: integer\n", f"    type: single_choice\n{options}")
    path.write_text(
        path.read_text(encoding="utf-8").replace("    min: 18\n    max: 99\n", ""),
        encoding="utf-8",
    )
    form, findings = check_file(path)
    assert form is not None and findings == []


def test_item_text_copied_over_another_is_an_error_in_that_language(write_form):
    text = VALID_FORM.replace("  - id: mini_age\n", SECOND_ITEM + "  - id: mini_age\n")
    path = write_form(text=text.replace('ar: "دوار"', 'ar: "صداع"'))
    finding = only_error(path, "the same text as item 'mini_01' text")
    assert "item 'mini_02' text [ar]" in finding.message
    assert "[en] texts differ" in finding.message


def test_items_with_the_same_source_text_may_share_a_translation(write_form):
    text = VALID_FORM.replace("  - id: mini_age\n", SECOND_ITEM + "  - id: mini_age\n")
    text = (
        text.replace('nb: "Svimmelhet"', 'nb: "Hodepine"')
        .replace('en: "Dizziness"', 'en: "Headaches"')
        .replace('ar: "دوار"', 'ar: "صداع"')
    )
    assert errors_of(write_form(text=text)) == []


def test_swapped_anchors_are_an_error(write_form):
    text = ANCHORED.replace('ar: "أسوأ حياة ممكنة"', "LOW").replace(
        'ar: "أفضل حياة ممكنة"', 'ar: "أسوأ حياة ممكنة"'
    )
    path = write_form(text=text.replace("LOW", 'ar: "أفضل حياة ممكنة"'))
    finding = only_error(path, "the anchors are swapped")
    assert "scale 'ladder' (items mini_ladder) [ar]" in finding.message


def test_anchors_with_the_definite_article_are_understood(write_form):
    text = ANCHORED.replace('ar: "أسوأ حياة ممكنة"', 'ar: "الأسوأ"').replace(
        'ar: "أفضل حياة ممكنة"', 'ar: "الأفضل"'
    )
    path = write_form(text=text)
    form, findings = check_file(path)
    assert form is not None and findings == []


def test_negated_anchor_is_not_taken_for_its_scale_word(write_form):
    path = write_form(
        text=ANCHORED.replace('en: "Best possible life"', 'en: "Not the best possible life"')
    )
    assert any("no scale word" in f.message and "[en]" in f.message for f in warnings_of(path))


def test_shipped_forms_have_no_meaning_findings():
    from tests.forms.test_library import SHIPPED_FORMS

    for path in sorted(SHIPPED_FORMS.glob("*.yaml")):
        if "." in path.stem or path.stem == "protocol":
            continue
        _, findings = check_file(path)
        assert [str(f) for f in findings] == []
