"""Every command that takes a participant code refuses a mistyped one before doing anything:
exit code 2 and a message naming the expected format, through the real command-line entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code, validate_code
from survey_app.cli.code_arg import code_format_help
from survey_app.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
VALID = make_code(7)
# The walkthrough's old example (not a code at all) and a valid code with its check changed.
MISTYPED = ("K7Q4-X", VALID[:-1] + ("X" if VALID[-1] != "X" else "Y"))
# Each command with a code, the code left as {code}; the other options are never reached.
COMMANDS = {
    "participant find": ["participant", "find", "{code}", "--out", "o", "--key", "k"],
    "participant export": ["participant", "export", "{code}", "--out", "o", "--key", "k"],
    "participant erase": ["participant", "erase", "{code}", "--out", "o", "--key", "k"],
    "participant withdraw": ["participant", "withdraw", "{code}", "--out", "o", "--key", "k"],
    "register receipt": ["register", "receipt", "{code}", "--to", "r.pdf"],
    "register find": ["register", "find", "--code", "{code}"],
    "register correct": ["register", "correct", "{code}", "phone", "1"],
    "register erase": ["register", "erase", "{code}"],
    "followup attempt": ["followup", "attempt", "{code}"],
    "randomise emergency": ["randomise", "emergency", "{code}"],
}


def _argv(command: str, code: str) -> list[str]:
    return [code if part == "{code}" else part for part in COMMANDS[command]]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("typed", MISTYPED)
def test_a_mistyped_code_is_refused_with_the_expected_format(command, typed, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(_argv(command, typed))

    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "A valid participant code is" in err
    assert VALID in err  # names the format with a real example


def test_the_example_in_the_message_is_a_valid_code():
    assert validate_code(VALID) == VALID
    assert VALID in code_format_help()


def test_a_scanned_or_lower_case_code_is_accepted_by_the_argument_check():
    from survey_app.cli.code_arg import participant_code

    assert participant_code(VALID.lower().replace("-", " ")) == VALID


def test_the_real_program_refuses_the_walkthrough_example_with_exit_code_2(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "participant",
            "find",
            "K7Q4-X",
            "--out",
            str(tmp_path),
            "--key",
            str(tmp_path / "key.age"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 2
    assert "A valid participant code is" in done.stderr
    assert "submission" not in done.stdout
    assert "Traceback" not in done.stderr
