"""The participant code as a command-line argument: checked by the domain rule before anything runs.

A mistyped code must never be answered with "0 submissions" or stored as a withdrawal, so every
command that takes a code uses `participant_code` as its argparse type: argparse then prints
the reason and the expected format and ends with exit code 2 (a usage error).
"""

from __future__ import annotations

import argparse

from survey_app.answers.codes import make_code, validate_code
from survey_app.answers.errors import AnswerError
from survey_app.answers.messages import message

_NOT_A_CODE = "This is not a participant code."


def code_format_help() -> str:
    """The expected format in words, with a real valid example made by the domain rule."""
    return (
        "1-4 letters, '-', at least four digits, '-' and one check "
        f"character (0-9 or A-Z), for example {make_code(7)}; lower case, spaces and a "
        "missing '-' are accepted"
    )


def participant_code(text: str) -> str:
    """argparse type: the canonical code, or ArgumentTypeError naming the expected format."""
    try:
        return validate_code(text)
    except AnswerError as error:
        # The domain's sentence, except for the format: its example is deliberately not a code.
        reason = _NOT_A_CODE if error.code == "code.format" else message(error, "en")
        # The typed text is left out: it may be somebody's name typed into the wrong place.
        raise argparse.ArgumentTypeError(
            f"{reason} A valid participant code is {code_format_help()}."
        ) from None
