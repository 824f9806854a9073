"""A start without options (a double-click) builds no parser, and starts as the parser would."""

from __future__ import annotations

import pytest

from survey_app.ui.app import app_parser, parse_args


def test_a_start_without_options_has_the_options_the_parser_gives_an_empty_command_line():
    # An option added, or a default changed, in one place only would make the two differ.
    assert vars(parse_args([])) == vars(app_parser().parse_args([]))


def test_a_start_with_options_still_goes_through_the_parser():
    args = parse_args(["--language", "ar", "--sync-interval", "30", "--debug"])
    assert (args.language, args.sync_interval, args.debug) == ("ar", 30.0, True)


def test_a_wrong_option_is_still_refused_with_the_usage_of_the_program_run(capsys):
    with pytest.raises(SystemExit) as ended:
        parse_args(["--language", "xx"], "survey-app")
    assert ended.value.code == 2
    assert capsys.readouterr().err.startswith("usage: survey-app")
