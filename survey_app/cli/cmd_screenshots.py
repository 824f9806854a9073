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
    parser.add_argument("--large-text", action="store_true", help="render with large text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Render the screenshots and list the files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from survey_app.ui.screenshots import render_all

    files = render_all(args.outdir, large_text=args.large_text)
    for path in files:
        print(path)
    print(f"{len(files)} screenshots in {args.outdir}")
    return 0
