"""Answer normalisation and validation, and participant codes with a check character (no Qt)."""

from survey_app.answers.codes import (
    CodeState,
    code_state,
    is_complete_code,
    make_code,
    validate_code,
)
from survey_app.answers.errors import AnswerError

__all__ = [
    "AnswerError",
    "CodeState",
    "code_state",
    "is_complete_code",
    "make_code",
    "validate_code",
]
