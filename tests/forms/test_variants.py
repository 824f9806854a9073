"""Texts addressed to a woman or a man: loaded as variants, checked like any translation."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from survey_app.forms.library import check_file
from survey_app.forms.model import Addressee, LocalText
from tests.forms.test_checker import errors_of, line_of, only_error

FEMALE = "هل تشعرين بالصداع؟"
MALE = "هل تشعر بالصداع؟"
VARIANT_TEXT = f'ar: {{female: "{FEMALE}", male: "{MALE}"}}'


@pytest.fixture
def with_variants(write_form):
    """The valid form with the Arabic item text written in two variants."""

    def write(old: str = "", new: str = ""):
        from tests.forms.conftest import VALID_FORM

        text = VALID_FORM.replace('ar: "صداع"', VARIANT_TEXT, 1)
        if old:
            assert old in text, old
            text = text.replace(old, new, 1)
        return write_form(text=text)

    return write


def test_local_text_returns_the_variant_for_the_addressee():
    text = LocalText(
        MappingProxyType({"ar": MALE, "en": "Headache?"}),
        MappingProxyType({"ar": MappingProxyType({"female": FEMALE, "male": MALE})}),
    )
    assert text.get("ar", Addressee.FEMALE) == FEMALE
    assert text.get("ar", Addressee.MALE) == MALE


def test_local_text_without_addressee_returns_the_male_variant():
    text = LocalText({"ar": "x"}, {"ar": {"female": FEMALE, "male": MALE}})
    assert text.get("ar") == MALE


def test_local_text_without_variants_returns_the_plain_text_for_any_addressee():
    text = LocalText({"nb": "Hodepine"})
    assert text.get("nb", Addressee.FEMALE) == "Hodepine"
    assert not text.has_variants("nb")
    assert text.variants == {}


def test_variants_are_loaded_and_plain_lookup_reads_the_male_text(with_variants):
    form, findings = check_file(with_variants())
    assert form is not None, [str(f) for f in findings]
    text = form.item("mini_01").text
    assert text.has_variants("ar") and not text.has_variants("nb")
    assert text.get("ar", Addressee.FEMALE) == FEMALE
    assert text["ar"] == MALE == text.get("ar")


def test_option_label_may_carry_variants(write_form):
    path = write_form('2: "قليلًا"', '2: {female: "قليلًا يا سيدتي", male: "قليلًا يا سيدي"}')
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    label = form.scales["freq4"].option(2).label
    assert label.get("ar", Addressee.FEMALE) == "قليلًا يا سيدتي"


def test_missing_male_variant_is_an_error(with_variants):
    path = with_variants(f', male: "{MALE}"', "")
    finding = only_error(path, "the male variant is missing")
    assert "[ar]" in finding.message and "item 'mini_01' text" in finding.message


def test_unknown_addressee_is_an_error(with_variants):
    path = with_variants("female:", "woman:")
    only_error(path, "unknown addressee 'woman'")


def test_empty_variant_is_an_error(with_variants):
    path = with_variants(f'female: "{FEMALE}"', 'female: ""')
    only_error(path, "[ar, female]: text is empty")


def test_variant_with_a_different_number_is_an_error(with_variants):
    path = with_variants(FEMALE, "هل تشعرين بالصداع ٣ مرات؟")
    finding = only_error(path, "[ar, female]: numbers [3] differ")
    assert finding.line == line_of(path, "female:")


def test_variant_in_the_wrong_script_is_an_error(with_variants):
    path = with_variants(FEMALE, "Headache?")
    only_error(path, "[ar, female]: Latin letters")


def test_variant_with_a_bidi_control_is_an_error(with_variants):
    path = with_variants(FEMALE, "\u202b" + FEMALE)
    only_error(path, "[ar, female]: unbalanced bidirectional controls")


def test_variant_with_a_placeholder_the_others_lack_is_an_error(with_variants):
    path = with_variants(FEMALE, FEMALE + " {days}")
    only_error(path, "[ar, female]: placeholders {days} differ")


def test_identical_variants_are_a_warning(with_variants):
    _, findings = check_file(with_variants(FEMALE, MALE))
    assert any("variants are the same" in f.message and not f.is_error for f in findings)
    assert errors_of(with_variants(FEMALE, MALE)) == []


def test_content_hash_covers_the_variants(with_variants):
    before, _ = check_file(with_variants())
    after, _ = check_file(with_variants(FEMALE, "هل تشعرين بصداع؟"))
    assert before is not None and after is not None
    assert before.content_hash != after.content_hash
