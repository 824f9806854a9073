"""`python main.py codes`: A4 sheets of participant code cards from the study's code range."""

from __future__ import annotations

import argparse

from survey_app.cli.program import program


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `codes` command."""
    parser = subparsers.add_parser(
        "codes",
        help="print A4 sheets of participant code cards for a meeting",
        description="Print code cards (code as text and QR code, check character boxed) from "
        "this laptop's part of the study's code range (study.yaml `codes:` prefix, first, "
        "per_laptop). The tear-off half with the initials box stays with the linking key. "
        "Give --from for the next meeting's cards, so no code is printed twice.",
    )
    parser.add_argument("--study", help="study folder (default: the DEMO study)")
    parser.add_argument(
        "--laptop", type=int, required=True, help="this laptop's number in the range (1, 2, ...)"
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=int,
        help="first participant number (default: the laptop's first)",
    )
    parser.add_argument("--count", type=int, default=40, help="number of cards (default 40)")
    parser.add_argument(
        "--language",
        choices=("nb", "en", "ar"),
        default="nb",
        help="language of the cards' texts (default nb); codes stay in Latin letters and digits",
    )
    parser.add_argument("--out", required=True, help="the PDF file to write")
    parser.set_defaults(handler=_codes)


def _codes(args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.pdf.code_cards import render_code_cards
    from survey_app.study import demo_study_dir
    from survey_app.study.config import load_study_config

    config = load_study_config(Path(args.study) if args.study else demo_study_dir(), program(args))
    codes = config.codes.codes(args.laptop, args.start, args.count)
    pages = render_code_cards(codes, Path(args.out), language=args.language, laptop=args.laptop)
    print(f"{len(codes)} code cards ({codes[0]} to {codes[-1]}) on {pages} page(s): {args.out}")
    return 0
