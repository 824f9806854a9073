"""Answer normalisation and validation, and participant codes with a check character (no Qt)."""

from survey_app.answers.codes import (
    CodeState,
    code_state,
    is_complete_code,
    make_code,
    validate_code,
)
from survey_app.answers.errors import AnswerError
from survey_app.answers.messages import message
from survey_app.answers.numbers import parse_decimal, parse_int, written_number
from survey_app.answers.validate import validate_answer

__all__ = [
    "AnswerError",
    "CodeState",
    "code_state",
    "is_complete_code",
    "make_code",
    "message",
    "parse_decimal",
    "parse_int",
    "validate_answer",
    "validate_code",
    "written_number",
]
