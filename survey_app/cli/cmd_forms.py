"""`python main.py forms ...`: form file tools (XLSForm import and export, back-translations,
sign-off)."""

from __future__ import annotations

import argparse

from survey_app.cli.forms_translation import add_translation_commands
from survey_app.cli.forms_xlsform import add_xlsform_commands


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `forms` command and its sub-commands."""
    parser = subparsers.add_parser(
        "forms",
        help="form tools: XLSForm import/export, back-translations, language sign-off",
        description="Form file tools.",
    )
    sub = parser.add_subparsers(dest="forms_command", metavar="WHAT", required=True)
    add_xlsform_commands(sub)
    add_translation_commands(sub)
