"""Back-translation files: stamped, checked against the source, stale when the text changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.backtranslation import (
    BackTranslations,
    add_missing,
    backtranslation_path,
    read_backtranslations,
    render,
    stamp_entries,
    text_stamp,
)
from survey_app.forms.library import check_file, inspect_file
from survey_app.forms.loader import read_form
from survey_app.forms.texts import Version
from tests.forms.conftest import VALID_FORM

HONEST = {
    "title": {"nb": "Small form", "ar": "Short form"},
    "recall_period": {"nb": "The last 14 days", "ar": "The last 14 days"},
    "scale.freq4.option.1": {"nb": "Not at all", "ar": "Not at all"},
    "scale.freq4.option.2": {"nb": "A little", "ar": "A little"},
    "scale.freq4.option.3": {"nb": "Quite a lot", "ar": "A lot"},
    "scale.freq4.option.4": {"nb": "Very much", "ar": "Very much"},
    "item.mini_01.text": {"nb": "Headache", "ar": "Headache"},
    "item.mini_age.text": {"nb": "How old are you?", "ar": "How old are you?"},
}
REVIEWED = {("scale.freq4.option.4", "nb"), ("scale.freq4.option.4", "ar")}


def write_backs(path: Path, backs_text: dict[str, dict[str, str]] = HONEST) -> BackTranslations:
    """Write a stamped back-translation file for the form at path."""
    form, _, _ = read_form(path)
    backs = BackTranslations(backtranslation_path(path), form.id, {"nb": "test", "ar": "test"})
    add_missing(form, backs, None)
    for (key, version), entry in backs.entries.items():
        entry.back = backs_text[key][version.language]
        if (key, version.language) in REVIEWED:
            entry.review = "checked: very much is the top step"
    stamp_entries(form, backs, set(), False, None)
    backs.path.write_text(render(form, backs), encoding="utf-8")
    return backs


@pytest.fixture
def mini(write_form) -> Path:
    path = write_form()
    write_backs(path)
    return path


def findings_of(path: Path) -> list[str]:
    return [str(f) for f in inspect_file(path).findings]


def test_honest_back_translations_pass_clean(mini):
    assert findings_of(mini) == []
    status = {s.language: s for s in inspect_file(mini).languages}
    assert (status["ar"].back_translated, status["ar"].translated) == (8, 8)


def test_file_round_trips_through_render(mini):
    form, _, _ = read_form(mini)
    backs = read_backtranslations(backtranslation_path(mini))
    assert render(form, backs) == backtranslation_path(mini).read_text(encoding="utf-8")


def test_changed_translation_makes_its_back_translation_stale(mini):
    mini.write_text(VALID_FORM.replace('ar: "صداع"', 'ar: "ألم الرأس"'), encoding="utf-8")
    (finding,) = [f for f in inspect_file(mini).findings if f.is_error]
    assert "item 'mini_01' text [ar]: the back-translation is stale" in finding.message
    assert finding.path == str(backtranslation_path(mini))
    assert check_file(mini)[0] is None


def test_stamping_without_naming_a_stale_entry_leaves_it_stale(mini):
    mini.write_text(VALID_FORM.replace('ar: "صداع"', 'ar: "ألم الرأس"'), encoding="utf-8")
    form, _, _ = read_form(mini)
    backs = read_backtranslations(backtranslation_path(mini))
    assert stamp_entries(form, backs, set(), False, None) == []


def test_restamping_a_redone_entry_clears_the_staleness_and_its_old_review(mini):
    mini.write_text(
        VALID_FORM.replace('4: "كثيرًا جدًا"', '4: "بشدة"'),
        encoding="utf-8",
    )
    form, _, _ = read_form(mini)
    backs = read_backtranslations(backtranslation_path(mini))
    entry = backs.get("scale.freq4.option.4", Version("ar"))
    entry.back = "Severely"
    done = stamp_entries(form, backs, {"scale.freq4.option.4"}, False, None)
    assert done == ["scale.freq4.option.4 [ar]"]
    assert entry.of == text_stamp("بشدة") and entry.review == ""


def test_unstamped_back_translation_is_an_error(mini):
    path = backtranslation_path(mini)
    text = path.read_text(encoding="utf-8")
    stamp = text_stamp("صداع")
    path.write_text(text.replace(f'of: "{stamp}"', 'of: ""'), encoding="utf-8")
    assert any("not stamped" in f and "item 'mini_01' text [ar]" in f for f in findings_of(mini))


def test_translations_swapped_before_back_translation_are_an_error(write_form):
    path = write_form(
        text=VALID_FORM.replace('ar: "صداع"', 'ar: "AGE"')
        .replace('ar: "كم عمرك؟"', 'ar: "صداع"')
        .replace('ar: "AGE"', 'ar: "كم عمرك؟"')
    )
    honest = {
        **HONEST,
        "item.mini_01.text": {"nb": "Headache", "ar": "How old are you?"},
        "item.mini_age.text": {"nb": "How old are you?", "ar": "Headache"},
    }
    write_backs(path, honest)
    errors = [f.message for f in inspect_file(path).findings if f.is_error]
    assert any(
        m.startswith("item 'mini_01' text [ar]") and "swapped with item 'mini_age' text" in m
        for m in errors
    )


def test_back_translation_naming_the_level_of_another_option_is_an_error(mini):
    form, _, _ = read_form(mini)
    backs = read_backtranslations(backtranslation_path(mini))
    backs.get("scale.freq4.option.2", Version("ar")).back = "Quite a bit"
    backtranslation_path(mini).write_text(render(form, backs), encoding="utf-8")
    found = [f for f in findings_of(mini) if "option 2 [ar]" in f]
    assert found and "names the level of scale 'freq4' option 3" in found[0]
    assert "another option's level" in found[0]


def test_weak_match_is_a_warning_until_reviewed(mini):
    form, _, _ = read_form(mini)
    backs = read_backtranslations(backtranslation_path(mini))
    entry = backs.get("scale.freq4.option.4", Version("ar"))
    entry.review = ""
    backtranslation_path(mini).write_text(render(form, backs), encoding="utf-8")
    (finding,) = inspect_file(mini).findings
    assert not finding.is_error and "matches its source 'Extremely' weakly" in finding.message
    entry.review = "very much is the top step; meaning kept"
    backtranslation_path(mini).write_text(render(form, backs), encoding="utf-8")
    assert findings_of(mini) == []


def test_dropped_negation_is_an_error_even_when_reviewed(write_form):
    path = write_form(
        text=VALID_FORM.replace('en: "Headaches"', 'en: "I do not have headaches"')
        .replace('nb: "Hodepine"', 'nb: "Jeg har ikke hodepine"')
        .replace('ar: "صداع"', 'ar: "عندي صداع"')
    )
    honest = {
        **HONEST,
        "item.mini_01.text": {"nb": "I do not have headache", "ar": "I have headaches"},
    }
    write_backs(path, honest)
    errors = [f for f in inspect_file(path).findings if f.is_error]
    assert any("item 'mini_01' text [ar]" in f.message and "negation" in f.message for f in errors)


def test_notes_in_brackets_are_not_compared(write_form):
    path = write_form()
    noted = {**HONEST, "item.mini_01.text": {"nb": "Headache", "ar": "Headache [a noun, no verb]"}}
    write_backs(path, noted)
    assert findings_of(path) == []


def test_back_translation_of_a_removed_text_is_a_warning(mini):
    path = backtranslation_path(mini)
    path.write_text(
        path.read_text(encoding="utf-8")
        + '  item.gone.text:\n    ar: {back: "Gone", of: "0000000000000000"}\n',
        encoding="utf-8",
    )
    assert any("item.gone.text [ar]: no such text" in f for f in findings_of(mini))


def test_back_translation_into_the_source_language_is_an_error(mini):
    path = backtranslation_path(mini)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  title:\n", '  title:\n    en: {back: "Small form", of: "x"}\n', 1
        ),
        encoding="utf-8",
    )
    assert any("title [en]: 'en' is the source language" in f for f in findings_of(mini))


def test_broken_back_translation_file_is_reported_with_its_line(mini):
    path = backtranslation_path(mini)
    path.write_text("form: mini\ntexts:\n  title:\n    ar: {back: x, sha: y}\n", encoding="utf-8")
    assert any(f"{path}:4: error: title [ar]: unknown key 'sha'" in f for f in findings_of(mini))


def test_back_translation_per_variant(write_form):
    text = VALID_FORM.replace(
        'ar: "صداع"', 'ar: {female: "هل تشعرين بالصداع؟", male: "هل تشعر بالصداع؟"}'
    )
    path = write_form(text=text)
    form, _, _ = read_form(path)
    backs = BackTranslations(backtranslation_path(path), "mini")
    added = add_missing(form, backs, "ar")
    assert "item.mini_01.text [ar, female]" in added and "item.mini_01.text [ar, male]" in added
