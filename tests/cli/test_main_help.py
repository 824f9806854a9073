"""`python main.py --help` lists the app's own start options as well as the commands."""

from __future__ import annotations

import pytest

from survey_app.cli.main import build_parser, main

APP_OPTIONS = ["--data-dir", "--study", "--language", "--large-text", "--text-scale"]
MORE_APP_OPTIONS = ["--sync-interval", "--self-check", "--screenshot"]


def help_text(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 0
    return capsys.readouterr().out


def test_help_lists_the_options_the_app_starts_with(capsys):
    out = help_text(capsys, ["--help"])
    assert all(option in out for option in APP_OPTIONS + MORE_APP_OPTIONS)


def test_help_lists_the_commands(capsys):
    out = help_text(capsys, ["--help"])
    assert all(command in out for command in ["check-forms", "export", "sync", "screenshots"])


def test_help_after_an_app_option_shows_the_full_help(capsys):
    out = help_text(capsys, ["--language", "ar", "--help"])
    assert "check-forms" in out and "--data-dir" in out


def test_listed_app_options_give_commands_no_defaults():
    # A command's arguments are its own: the listed app options must not add e.g. `language`.
    args = build_parser().parse_args(["check-forms"])
    assert not {"language", "data_dir", "sync_interval", "large_text"} & set(vars(args))


def test_command_help_starts_with_the_command_line_to_type(capsys):
    out = help_text(capsys, ["simulate", "--help"])
    assert out.startswith("usage: python main.py simulate [-h]")


def test_nested_command_help_names_both_words(capsys):
    out = help_text(capsys, ["sync", "enrol", "--help"])
    assert out.startswith("usage: python main.py sync enrol [-h]")


def test_installed_program_names_itself_in_command_help(capsys):
    with pytest.raises(SystemExit):
        main(["keys", "--help"], prog="survey-app")
    assert capsys.readouterr().out.startswith("usage: survey-app keys")


def test_a_wrong_command_argument_names_the_command_not_the_app_usage(capsys):
    with pytest.raises(SystemExit) as ended:
        main(["participant", "find", "P-0007-X"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert "python main.py participant: error:" in err and "[APP OPTIONS]" not in err
