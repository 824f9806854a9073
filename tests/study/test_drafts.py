"""Draft translations at session start: named, allowed in the DEMO study, refused with real data."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from survey_app.forms.model import LanguageInfo, TextStatus
from survey_app.study import StudyConfigError, demo_study_dir, load_study
from survey_app.study.drafts import (
    DraftLanguageRefused,
    check_session_languages,
    draft_texts,
    session_drafts,
)

WriteStudy = Callable[..., Path]


@pytest.fixture(scope="module")
def demo():
    return load_study(demo_study_dir())


def _real(study, allow: bool | None = None):
    """The same forms in a study with real data (not DEMO)."""
    config = dataclasses.replace(study.config, demo=False, allow_draft_languages=allow)
    return dataclasses.replace(study, config=config)


def _validated(form, *languages: str):
    infos = dict(form.languages)
    for lang in languages:
        infos[lang] = LanguageInfo(TextStatus.VALIDATED)
    return dataclasses.replace(form, languages=infos)


def test_the_demo_study_allows_draft_languages_and_says_which_forms_are_drafts(demo):
    assert demo.allow_draft_languages
    drafts = check_session_languages(demo, "baseline", None, ["ar"])
    assert drafts.languages == ("ar",)
    assert "hscl25" in drafts.forms and "pcl5" in drafts.forms


def test_a_study_with_real_data_refuses_a_draft_language_by_default(demo):
    with pytest.raises(DraftLanguageRefused) as caught:
        check_session_languages(_real(demo), "baseline", None, ["ar"])
    message = str(caught.value)
    assert "hscl25" in message and "ar" in message
    assert "Choose another language" in message and "check-forms" in message


def test_the_interpreter_language_counts_too(demo):
    drafts = session_drafts(demo, "baseline", None, ["ar", "nb"])
    assert drafts.languages == ("ar", "nb")


def test_a_study_may_allow_draft_languages_for_real_data(demo):
    drafts = check_session_languages(_real(demo, allow=True), "baseline", None, ["ar"])
    assert drafts


def test_only_forms_of_the_timepoint_and_arm_are_named(demo):
    forms = session_drafts(demo, "followup-12m", None, ["nb"]).forms
    assert "process" not in forms and "hscl25" in forms
    assert "process" in session_drafts(demo, "followup-12m", "intervention", ["nb"]).forms


def test_validated_texts_are_not_drafts(demo):
    forms = [_validated(f, "nb") for f in demo.library.forms.values()]
    assert not draft_texts(forms, ["nb"])
    assert draft_texts(forms, ["nb", "ar"]).languages == ("ar",)


def test_a_status_other_than_validated_counts_as_draft(demo):
    form = demo.library.forms["hscl25"]
    unknown = dataclasses.replace(form, languages={"ar": LanguageInfo(TextStatus.DRAFT)})
    assert draft_texts([unknown], ["nb"]).forms == ("hscl25",)  # nb has no status at all


def test_study_yaml_reads_allow_draft_languages(write_study: WriteStudy) -> None:
    assert load_study(write_study()).allow_draft_languages is False
    assert load_study(write_study(allow_draft_languages="true")).allow_draft_languages is True
    with pytest.raises(StudyConfigError, match="allow_draft_languages: must be true or false"):
        load_study(write_study(allow_draft_languages="sometimes"))
