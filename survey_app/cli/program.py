"""The name the person ran the command line by, so every hint names a command they can type."""

from __future__ import annotations

import argparse

from survey_app.program_name import SOURCE


def program(args: argparse.Namespace) -> str:
    """`python main.py` or `survey-app`, as the person typed it (main.build_parser records it)."""
    return getattr(args, "program", SOURCE)
