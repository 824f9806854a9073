"""The scale-word lexicon: spelling-proof lookup, the shipped data, a study's own additions."""

from __future__ import annotations

import pytest

from survey_app.forms.lexicon import STUDY_LEXICON_FILE, load_lexicon
from survey_app.forms.library import check_file, load_library
from survey_app.forms.normalize import fold
from tests.forms.conftest import VALID_FORM


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("كثيرًا جدًا", "كثيراً جداً"),  # tanween written on the alef or before it
        ("كثيرا جدا", "كثيـــرًا جدًا"),  # no diacritics, tatweel
        ("الإطلاق", "الاطلاق"),  # hamza under alef
        ("أبدًا", "ابدا"),
        ("متوسطة", "متوسطه"),  # ta marbuta / ha
        ("على", "علي"),  # alef maqsura / ya
        ("شيء", "شي"),  # hamza left out
        ("سؤال", "سوال"),  # hamza seat left out
        ("Not at all!", "not  at all"),
        ("٣ مرات", "3 مرات"),
    ],
)
def test_spelling_variants_fold_to_one_key(one, other):
    assert fold(one) == fold(other)


def test_different_words_keep_different_keys():
    assert fold("قليلًا") != fold("كثيرًا")
    assert fold("Litt") != fold("Lite")


def test_shipped_lexicon_loads_without_findings():
    lexicon = load_lexicon()
    assert lexicon.findings == []
    assert {"intensity", "frequency", "agreement", "satisfaction", "quality"} <= set(
        lexicon.dimensions
    )


@pytest.mark.parametrize(
    ("label", "language", "dimension", "level"),
    [
        ("لا على الإطلاق", "ar", "intensity", "not_at_all"),
        ("كثيراً جداً", "ar", "intensity", "very_much"),
        ("Ganske mye", "nb", "intensity", "quite_a_bit"),
        ("Quite a lot", "en", "intensity", "quite_a_bit"),
        ("Never", "en", "frequency", "never"),
        ("نادراً", "ar", "frequency", "rarely"),
        ("Alltid", "nb", "frequency", "always"),
        ("غير موافقة", "ar", "agreement", "disagree"),
        ("Verken enig eller uenig", "nb", "agreement", "neutral"),
        ("راضٍ جداً", "ar", "satisfaction", "very_satisfied"),
        ("راضية", "ar", "satisfaction", "satisfied"),
        ("4 = Extremely", "en", "intensity", "extremely"),
    ],
)
def test_scale_words_are_found_in_every_spelling(label, language, dimension, level):
    match = load_lexicon().label_matches(label, language).get(dimension)
    assert match is not None and match.level == level


def test_lexicon_levels_rise_from_low_to_high():
    lexicon = load_lexicon()
    low = lexicon.label_matches("Not at all", "en")["intensity"]
    high = lexicon.label_matches("Extremely", "en")["intensity"]
    assert low.rank < high.rank


def test_study_lexicon_adds_a_word_so_its_label_is_checked(write_form, tmp_path):
    path = write_form('3: "Ganske mye"', '3: "Temmelig plagsomt"')
    _, findings = check_file(path)
    assert any("not in the scale lexicon" in f.message for f in findings)
    (tmp_path / STUDY_LEXICON_FILE).write_text(
        'dimensions:\n  intensity:\n    quite_a_bit:\n      nb: ["temmelig plagsomt"]\n',
        encoding="utf-8",
    )
    form, findings = check_file(path)
    assert form is not None and findings == []


def test_study_lexicon_places_a_new_level_after_an_existing_one(tmp_path):
    (tmp_path / STUDY_LEXICON_FILE).write_text(
        "dimensions:\n  intensity:\n    a_fair_bit:\n      after: a_little\n"
        '      en: ["a fair bit"]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(tmp_path)
    fair = lexicon.label_matches("A fair bit", "en")["intensity"].rank
    assert lexicon.label_matches("A little", "en")["intensity"].rank < fair
    assert fair < lexicon.label_matches("Moderately", "en")["intensity"].rank


def test_study_lexicon_errors_are_located_and_fail_check_forms(tmp_path):
    (tmp_path / "mini.yaml").write_text(VALID_FORM, encoding="utf-8")
    (tmp_path / STUDY_LEXICON_FILE).write_text(
        "dimensions:\n  intensity:\n    new_level:\n      en: [whatever]\n", encoding="utf-8"
    )
    library = load_library(tmp_path)
    (error,) = library.errors
    assert error.path.endswith(STUDY_LEXICON_FILE) and error.line == 4
    assert "needs `after: <level>`" in error.message
    assert library.usable("mini"), "a broken lexicon weakens checks but breaks no form"


def test_one_word_at_two_levels_is_an_error(tmp_path):
    (tmp_path / STUDY_LEXICON_FILE).write_text(
        'dimensions:\n  intensity:\n    extremely:\n      en: ["a little"]\n', encoding="utf-8"
    )
    lexicon = load_lexicon(tmp_path)
    assert any("already a word of level 'a_little'" in f.message for f in lexicon.findings)


def test_lexicon_file_is_not_taken_for_a_form(tmp_path):
    (tmp_path / "mini.yaml").write_text(VALID_FORM, encoding="utf-8")
    (tmp_path / STUDY_LEXICON_FILE).write_text("dimensions: {}\n", encoding="utf-8")
    library = load_library(tmp_path)
    assert set(library.forms) == {"mini"} and library.unusable == {}
