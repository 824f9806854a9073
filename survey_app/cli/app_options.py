"""The desktop app's own start options, shared by `main.py --help` and the app (no Qt)."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey_app.forms.languages import LANGUAGES

LARGE_TEXT_SCALE = 1.5
TEXT_SCALE_RANGE = (1.0, 2.5)

# Every app option's value when it is not given: the parser takes its defaults from here, and a
# start without options (a double-click) takes them from here without building a parser.
DEFAULTS: dict[str, object] = {
    "data_dir": None,
    "study": None,
    "language": "nb",
    "large_text": False,
    "text_scale": None,
    "sync_interval": 60.0,
    "self_check": False,
    "screenshot": None,
}


def default_options(**more: object) -> argparse.Namespace:
    """The options of a start without any (the parser's result for an empty command line)."""
    return argparse.Namespace(**DEFAULTS, **more)


def text_scale(value: str) -> float:
    """argparse type: a text size factor from 1.0 to 2.5 (2.0 = 200 % text)."""
    try:
        scale = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    low, high = TEXT_SCALE_RANGE
    if not low <= scale <= high:
        raise argparse.ArgumentTypeError(f"use a factor from {low} to {high}")
    return scale


def add_app_options(parser: argparse._ActionsContainer, *, listed_only: bool = False) -> None:
    """Add the options the app is started with (to a parser or an argument group).

    listed_only: for the command parser's --help; the options then set no defaults, so a
    command's own arguments (e.g. its `language`) are never overwritten by them.
    """

    def add(*flags: str, **settings: object) -> None:
        # An option missing from DEFAULTS is a KeyError here, not a start that lacks it.
        default = DEFAULTS[flags[0].removeprefix("--").replace("-", "_")]
        if listed_only:
            settings["default"] = argparse.SUPPRESS
        settings.setdefault("default", default)
        parser.add_argument(*flags, **settings)

    add("--data-dir", type=Path, help="folder of the encrypted device store")
    add("--study", type=Path, help="study folder (default: the DEMO study)")
    add("--language", choices=LANGUAGES, help="staff language")
    add("--large-text", action="store_true", help="larger text everywhere (×1.5)")
    add(
        "--text-scale",
        type=text_scale,
        metavar="FACTOR",
        help="text size factor from 1.0 to 2.5, e.g. 2.0 for 200 %% text (overrides --large-text)",
    )
    add(
        "--sync-interval",
        type=float,
        help="seconds between automatic sync attempts on the dashboard (minimum 5)",
    )
    add(
        "--self-check",
        action="store_true",
        help="start, check that the first page shows with the bundled fonts, print one line "
        "and quit (exit 1 if something is missing)",
    )
    add("--screenshot", type=Path, metavar="PNG", help="with --self-check: save the window")
