"""Validation with provenance: a signed language stays usable only while its texts are unchanged."""

from __future__ import annotations

import pytest

from survey_app.cli.main import main
from survey_app.forms.library import FormUnavailable, check_file, inspect_file, load_library
from survey_app.forms.signoff import LanguageState, texts_hash
from tests.forms.shipped_copy import FormsCopy
from tests.forms.test_checker import only_error

ALL_STEPS = [
    "forward_translation",
    "reconciliation",
    "back_translation",
    "back_translation_review",
    "cognitive_debriefing",
    "proofreading",
]


@pytest.fixture
def forms(tmp_path) -> FormsCopy:
    return FormsCopy(tmp_path / "forms")


def sign_off(forms: FormsCopy, form_id: str, language: str, *extra: str) -> int:
    return main(
        [
            "forms",
            "sign-off",
            form_id,
            "--forms",
            str(forms.root),
            "--language",
            language,
            "--role",
            "certified translator",
            "--initials",
            "KH",
            "--date",
            "2026-01-15",
            "--steps",
            *ALL_STEPS,
            *extra,
        ]
    )


def state(forms: FormsCopy, form_id: str, language: str) -> LanguageState:
    report = inspect_file(forms.path(form_id))
    return next(s.state for s in report.languages if s.language == language)


def test_sign_off_records_who_when_steps_and_the_hash_of_the_texts(forms, capsys):
    assert sign_off(forms, "hscl25", "ar") == 0
    form, findings = check_file(forms.path("hscl25"))
    assert form is not None and findings == []
    record = form.languages["ar"].signoff
    assert (record.role, record.initials, record.date) == (
        "certified translator",
        "KH",
        "2026-01-15",
    )
    assert record.steps == tuple(ALL_STEPS)
    assert record.texts == texts_hash(form, "ar")
    assert record.source_texts == texts_hash(form, "en")
    assert state(forms, "hscl25", "ar") is LanguageState.VALIDATED
    assert "hscl25 [ar]: validated; signed 2026-01-15 by certified translator KH" in (
        capsys.readouterr().out
    )


def test_one_arabic_letter_changed_after_sign_off_refuses_the_form_until_signed_again(
    forms, capsys
):
    assert sign_off(forms, "hscl25", "ar") == 0
    forms.replace("hscl25", 'ar: "الصداع"', 'ar: "الصداح"')
    forms.restamp("hscl25", "item.hscl_08.text")  # even with its back-translation redone
    library = load_library(forms.root)
    assert not library.usable("hscl25")
    assert any("changed since validation" in f.message for f in library.unusable["hscl25"])
    with pytest.raises(FormUnavailable, match="hscl25"):
        library.steps("baseline")
    assert state(forms, "hscl25", "ar") is LanguageState.CHANGED

    assert sign_off(forms, "hscl25", "ar") == 0
    library = load_library(forms.root)
    assert library.usable("hscl25")
    assert "hscl25" in [f.id for f in library.steps("baseline")]


def test_changing_a_feminine_variant_is_a_change_since_validation(forms):
    assert sign_off(forms, "pcl5", "ar") == 0
    forms.replace("pcl5", "كنت تستمتعين بها", "كنت تستمتعين بها كثيرًا")
    finding = only_error(forms.path("pcl5"), "changed since validation")
    assert "languages [ar]" in finding.message and "certified translator KH" in finding.message


def test_reassigning_labels_to_other_codes_is_a_change_since_validation(forms):
    assert sign_off(forms, "background", "ar") == 0
    forms.replace("background", '1: "امرأة", 2: "رجل"', '1: "رجل", 2: "امرأة"')
    only_error(forms.path("background"), "changed since validation")


def test_changing_another_language_leaves_the_signed_language_valid(forms):
    assert sign_off(forms, "hscl25", "ar") == 0
    forms.replace("hscl25", 'nb: "Hodepine"', 'nb: "Hodepine og migrene"')
    forms.restamp("hscl25", "item.hscl_08.text")
    assert state(forms, "hscl25", "ar") is LanguageState.VALIDATED


def test_changed_source_text_is_a_warning_to_review_the_signed_translation(forms):
    assert sign_off(forms, "hscl25", "ar") == 0
    forms.replace("hscl25", 'en: "Headaches"', 'en: "Headache"')
    _, findings = check_file(forms.path("hscl25"))
    assert any(
        not f.is_error and "[en] source texts changed since [ar] was validated" in f.message
        for f in findings
    )


def test_validated_without_a_record_is_an_error(forms):
    forms.replace("hscl25", "ar: {status: draft,", "ar: {status: validated,")
    finding = only_error(forms.path("hscl25"), "'validated' needs a sign-off record")
    assert "languages [ar]" in finding.message


def test_sign_off_without_every_step_is_recorded_with_a_warning(forms, capsys):
    code = main(
        [
            "forms",
            "sign-off",
            "hscl25",
            "--forms",
            str(forms.root),
            "--language",
            "en",
            "--role",
            "publisher wording",
            "--initials",
            "RJ",
            "--steps",
            "proofreading",
        ]
    )
    assert code == 0
    assert state(forms, "hscl25", "en") is LanguageState.VALIDATED
    form, findings = check_file(forms.path("hscl25"))
    assert form is not None and findings == [], "proofreading is all the source language needs"


def test_sign_off_of_a_form_with_errors_is_refused_and_writes_nothing(forms, capsys):
    forms.replace("hscl25", '3: "كثيرًا", 4: "كثيرًا جدًا"', '3: "كثيرًا", 4: "كثيرًا"')
    before = forms.path("hscl25").read_bytes()
    assert sign_off(forms, "hscl25", "ar") == 1
    assert "cannot be signed off" in capsys.readouterr().err
    assert forms.path("hscl25").read_bytes() == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--initials", "K H 1", "are not initials"),
        ("--date", "2026-02-30", "is not a date"),
        ("--role", " ", "role is empty"),
    ],
)
def test_sign_off_with_a_bad_who_or_when_is_refused(forms, capsys, option, value, message):
    before = forms.path("hscl25").read_bytes()
    args = {
        "--role": "reviewer",
        "--initials": "KH",
        "--date": "2026-01-15",
    }
    args[option] = value
    flat = [x for pair in args.items() for x in pair]
    code = main(
        [
            "forms",
            "sign-off",
            "hscl25",
            "--forms",
            str(forms.root),
            "--language",
            "ar",
            *flat,
            "--steps",
            "all",
        ]
    )
    assert code == 1
    assert message in capsys.readouterr().err
    assert forms.path("hscl25").read_bytes() == before


def test_unknown_step_is_refused(forms, capsys):
    code = main(
        [
            *("forms", "sign-off", "hscl25", "--forms", str(forms.root), "--language", "ar"),
            *("--role", "reviewer", "--initials", "KH", "--steps", "spellcheck"),
        ]
    )
    assert code == 1
    assert "unknown step(s) spellcheck" in capsys.readouterr().err


def test_check_forms_prints_each_languages_status(forms, capsys):
    assert sign_off(forms, "hscl25", "ar") == 0
    forms.replace("hscl25", 'ar: "الصداع"', 'ar: "الصداح"')
    capsys.readouterr()
    assert main(["check-forms", str(forms.root)]) == 1
    out = capsys.readouterr().out
    assert (
        "hscl25 [ar]: changed since validation; signed 2026-01-15 by certified translator KH" in out
    )
    assert "hscl25 [nb]: draft; back-translated 32/32" in out
    assert "hscl25 [en]: draft; source language" in out


def test_sign_off_refuses_languages_written_on_one_line_and_writes_nothing(forms, capsys):
    forms.replace("hscl25", "languages:\n  nb: {", "languages: {nb: {")
    forms.replace("hscl25", 'data collection."}\n  en: {', 'data collection."}, en: {')
    forms.replace("hscl25", '(docs/translation.md)."}\n  ar: {', '(docs/translation.md)."}, ar: {')
    forms.replace(
        "hscl25", 'before data collection."}\ntitle:', 'before data collection."}}\ntitle:'
    )
    assert check_file(forms.path("hscl25"))[0] is not None
    before = forms.path("hscl25").read_bytes()
    assert sign_off(forms, "hscl25", "ar") == 1
    assert "one language per line" in capsys.readouterr().err
    assert forms.path("hscl25").read_bytes() == before
