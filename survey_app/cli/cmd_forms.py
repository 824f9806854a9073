"""`python main.py forms ...`: form file tools (XLSForm import and export)."""

from __future__ import annotations

import argparse

from survey_app.cli.forms_xlsform import add_xlsform_commands


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `forms` command and its sub-commands."""
    parser = subparsers.add_parser(
        "forms", help="form tools: XLSForm import/export", description="Form file tools."
    )
    sub = parser.add_subparsers(dest="forms_command", metavar="WHAT", required=True)
    add_xlsform_commands(sub)
