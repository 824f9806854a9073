"""`python main.py screenshots OUTDIR`: render every page type of a session to PNG files."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `screenshots` command."""
    parser = subparsers.add_parser(
        "screenshots",
        help="render every page of a session (nb, en, ar, ar+nb) to PNG files, offscreen",
        description="Render every page type of a session to PNG files using a temporary "
        "encrypted store and the DEMO study. Nothing is written outside OUTDIR.",
    )
    parser.add_argument("outdir", type=Path, help="folder for the PNG files")
    parser.add_argument("--large-text", action="store_true", help="render with large text (×1.5)")
    parser.add_argument(
        "--text-scale",
        type=_scale,
        metavar="FACTOR",
        help="text size factor from 1.0 to 2.5 (2.0 = 200 %% text; overrides --large-text)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=["nb", "en", "ar", "ar+nb"],
        help="render only these variants (repeatable; default: all)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Render the screenshots and list the files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from survey_app.ui.app import chosen_scale
    from survey_app.ui.screenshots import render_all

    problems: list[str] = []
    files = render_all(
        args.outdir,
        scale=chosen_scale(args.large_text, args.text_scale),
        only=tuple(args.only or ()),
        problems=problems,
    )
    for path in files:
        print(path)
    print(f"{len(files)} screenshots in {args.outdir}")
    for problem in problems:
        print(f"cut off: {problem}")
    return 0


def _scale(value: str) -> float:
    from survey_app.cli.app_options import text_scale

    return text_scale(value)
