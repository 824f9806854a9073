"""Keep unexpected errors away from the people in the room: log privately, show a calm line."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from survey_app.private_files import create_private

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class PrivacyFormatter(logging.Formatter):
    """Format exceptions as type and code locations only: their messages may carry answers."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may already have cached the full traceback, message included.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei) -> str:
        exc_type, _, tb = ei
        frames = traceback.extract_tb(tb)
        where = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in frames)
        name = exc_type.__name__ if exc_type is not None else "unknown"
        return f"{name} (message withheld)\n{where}"


def configure_logging(log_file: Path) -> logging.Handler:
    """Send the app's log to a file beside the store, formatted without exception messages."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    create_private(log_file)  # owner-only like every other file in the data folder
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(PrivacyFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def make_excepthook(on_error: Callable[[BaseException], None]) -> ExceptHook:
    """Return a sys.excepthook that logs privately and tells the window, never printing."""
    log = logging.getLogger("survey_app.ui")

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error in the app", exc_info=(exc_type, exc, tb))
        on_error(exc)

    return hook
