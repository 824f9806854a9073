"""An unexpected error is logged without its message and shown to staff as a calm line."""

from __future__ import annotations

import logging
import sys

import pytest

from survey_app.ui.error_guard import configure_logging, make_excepthook

MARKER = "PARTICIPANT-ANSWER-MARKER-7731"


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "data" / "app.log"
    handler = configure_logging(path)
    yield path
    logging.getLogger().removeHandler(handler)
    handler.close()


def raise_and_capture() -> tuple[type[BaseException], BaseException, object]:
    try:
        raise ValueError(f"bad value {MARKER}")
    except ValueError:
        return sys.exc_info()  # type: ignore[return-value]


def test_unexpected_error_is_logged_without_its_message(log_file):
    seen: list[BaseException] = []
    make_excepthook(seen.append)(*raise_and_capture())
    text = log_file.read_text(encoding="utf-8")
    assert "ValueError (message withheld)" in text
    assert "raise_and_capture" in text
    assert MARKER not in text


def test_unexpected_error_is_handed_to_the_window(log_file):
    seen: list[BaseException] = []
    make_excepthook(seen.append)(*raise_and_capture())
    assert [type(e) for e in seen] == [ValueError]


def test_unexpected_error_prints_nothing_to_the_console(log_file, capsys):
    make_excepthook(lambda exc: None)(*raise_and_capture())
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_app_log_is_readable_by_its_owner_only(log_file):
    # The laptop is shared between staff accounts; the log sits beside the encrypted store.
    logging.getLogger("survey_app.ui").error("something failed: %s", "ValueError")
    assert log_file.stat().st_mode & 0o777 == 0o600
