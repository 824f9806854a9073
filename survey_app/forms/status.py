"""Per-language status of a form, as `check-forms` prints it: validated, draft or changed since
validation, with its sign-off and how much of it is back-translated."""

from __future__ import annotations

from dataclasses import dataclass

from survey_app.forms.audio import recording_count
from survey_app.forms.backtranslation import BackTranslations, current_versions, text_stamp
from survey_app.forms.model import LANGUAGES, Form, SignOff
from survey_app.forms.signoff import LanguageState, language_state
from survey_app.forms.texts import SOURCE_LANGUAGE


@dataclass(frozen=True)
class LanguageStatus:
    """One language of one form: its state, its sign-off and its back-translation coverage."""

    language: str
    state: LanguageState
    signoff: SignOff | None
    back_translated: int  # texts with a current (stamped, unchanged) back-translation
    translated: int  # texts that need one (0 for the source language)
    recordings: int = 0  # recorded readings in this language (forms/audio.py)
    recordings_status: str = ""  # "validated" or "sample" (synthetic)
    recorded_by: str = ""

    def describe(self) -> str:
        """Return the status as one line of text."""
        parts = [str(self.state)]
        if self.signoff is not None and self.state is not LanguageState.DRAFT:
            parts.append(
                f"signed {self.signoff.date} by {self.signoff.role} {self.signoff.initials}"
            )
        if self.language == SOURCE_LANGUAGE:
            parts.append("source language")
        else:
            parts.append(f"back-translated {self.back_translated}/{self.translated}")
        if self.recordings_status == "sample":
            parts.append(f"{self.recordings} SAMPLE recordings (synthetic, not for participants)")
        elif self.recordings_status:
            parts.append(f"{self.recordings} recordings read by {self.recorded_by}")
        return "; ".join(parts)


def language_statuses(form: Form, backs: BackTranslations | None) -> list[LanguageStatus]:
    """Return the status of every language of a form."""
    current = current_versions(form)
    statuses = []
    for language in LANGUAGES:
        info = form.languages.get(language)
        needed = [(k, v) for (k, v) in current if v.language == language]
        done = 0
        if backs is not None:
            for key, version in needed:
                entry = backs.get(key, version)
                stamp = text_stamp(current[(key, version)][1])
                if entry is not None and entry.back.strip() and entry.of == stamp:
                    done += 1
        heard = form.audio.languages.get(language) if form.audio is not None else None
        statuses.append(
            LanguageStatus(
                language,
                language_state(form, language),
                info.signoff if info is not None else None,
                done,
                len(needed),
                recording_count(form.audio, language) if heard else 0,
                heard.status if heard else "",
                heard.recorded_by if heard else "",
            )
        )
    return statuses
