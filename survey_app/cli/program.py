"""The name the person ran the command line by, so every hint names a command they can type."""

from __future__ import annotations

import argparse

SOURCE = "python main.py"  # from a source checkout
INSTALLED = "survey-app"  # the console script and the frozen app (main.entry)


def program(args: argparse.Namespace) -> str:
    """`python main.py` or `survey-app`, as the person typed it (main.build_parser records it)."""
    return getattr(args, "program", SOURCE)
