"""Draft translations at session start: which texts a session would show unvalidated (no Qt).

Every form says, per language, whether its text is validated. A session shows the forms of its
timepoint (for its arm) in the participant's language and, with an interpreter, in the
interpreter's too. Anything not validated (a draft, or a text changed since it was signed off)
counts as a draft. Staff are told before they start such a session; a study whose study.yaml
does not allow draft languages (`allow_draft_languages`, default: only in the DEMO study) refuses
it, saying which forms and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from survey_app.errors import UserFacingError
from survey_app.forms.model import Form, TextStatus
from survey_app.i18n import N_
from survey_app.program_name import SOURCE

DRAFT_NOTICE = N_(
    "Draft translation: the text of {forms} in {languages} is not validated. The participant "
    "sees it as it is; tell the study team about anything that reads wrong."
)
DRAFT_REFUSED = N_(
    "This study does not allow draft translations: the text of {forms} in {languages} is not "
    "validated. Choose another language, or ask the study team for a validated translation "
    "({program} check-forms shows each form's status)."
)


@dataclass(frozen=True)
class DraftTexts:
    """The forms of a session whose text is not validated, and in which of its languages."""

    forms: tuple[str, ...]
    languages: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.forms)

    @property
    def params(self) -> dict[str, str]:
        """Parameters of DRAFT_NOTICE and DRAFT_REFUSED (DRAFT_REFUSED also needs `program`)."""
        return {"forms": ", ".join(self.forms), "languages": ", ".join(self.languages)}


class DraftLanguageRefused(UserFacingError):
    """A session would show draft texts in a study that does not allow them."""

    def __init__(self, drafts: DraftTexts, program: str = SOURCE) -> None:
        self.msgid = DRAFT_REFUSED
        self.params = {**drafts.params, "program": program}
        self.drafts = drafts
        super().__init__(DRAFT_REFUSED.format(**self.params))


def validated(form: Form, language: str) -> bool:
    """True only when the form's text in this language is validated."""
    info = form.languages.get(language)
    return info is not None and info.status is TextStatus.VALIDATED


def draft_texts(forms: Sequence[Form], languages: Sequence[str]) -> DraftTexts:
    """Which of these forms are not validated in any of these languages."""
    shown = tuple(dict.fromkeys(lang for lang in languages if lang))
    names = [f.id for f in forms if any(not validated(f, lang) for lang in shown)]
    drafted = [lang for lang in shown if any(not validated(f, lang) for f in forms)]
    return DraftTexts(tuple(names), tuple(drafted))


def session_drafts(study, timepoint: str, arm: str | None, languages: Sequence[str]) -> DraftTexts:
    """The draft texts a session of this timepoint and arm would show in these languages."""
    library = study.library
    protocol = library.protocol
    tp = protocol.timepoints.get(timepoint) if protocol is not None else None
    if tp is None:
        return DraftTexts((), ())
    forms = [
        library.forms[step.form_id]
        for step in tp.steps
        if (step.only_arm is None or step.only_arm == arm) and step.form_id in library.forms
    ]
    return draft_texts(forms, languages)


def check_session_languages(
    study, timepoint: str, arm: str | None, languages: Sequence[str], program: str = SOURCE
) -> DraftTexts:
    """Return the draft texts a session would show; refuse them if the study does not allow it.

    program: how the app was started, for the check-forms hint of the refusal.
    """
    drafts = session_drafts(study, timepoint, arm, languages)
    if drafts and not study.allow_draft_languages:
        raise DraftLanguageRefused(drafts, program)
    return drafts
