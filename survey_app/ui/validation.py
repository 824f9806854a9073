"""Turn what a participant types into a stored value, or a message in the session languages."""

from __future__ import annotations

from dataclasses import dataclass

from survey_app.answers.errors import AnswerError
from survey_app.answers.messages import message
from survey_app.answers.validate import validate_answer
from survey_app.forms.model import Item


@dataclass(frozen=True)
class Parsed:
    """The outcome of reading typed input: a value, nothing (empty), or an error."""

    value: object = None
    error: AnswerError | None = None

    @property
    def empty(self) -> bool:
        return self.value is None and self.error is None


def parse_typed(item: Item, text: str) -> Parsed:
    """Read typed text for an integer, date or text item (Arabic-Indic digits accepted)."""
    try:
        return Parsed(value=validate_answer(item, text))
    except AnswerError as error:
        if error.code == "answer.empty":
            return Parsed()
        return Parsed(error=error)


def error_text(error: AnswerError, languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (language, message) pairs for an answer error."""
    return [(lang, message(error, lang)) for lang in languages]
