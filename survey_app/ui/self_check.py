"""`survey-app --self-check`: start as usual, report whether this install works, then quit.

For whoever installs the app on a staff laptop (and for the install tests and the frozen-app
smoke test): the first page appears, the bundled fonts are loaded, and how long start-up took.
Nothing is read from or written to the store beyond what a normal start does.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from survey_app.ui.theme import FAMILIES

# Long enough for the first page to be laid out and painted before it is grabbed.
_SETTLE_MS = 300


@dataclass(frozen=True)
class SelfCheckReport:
    """What the self-check saw."""

    page: str
    fonts: tuple[str, ...]
    ready_ms: float
    # Whether recorded readings can play (Qt Multimedia and a backend); optional, never FAILED.
    audio: bool | None = None

    @property
    def missing_fonts(self) -> list[str]:
        return [family for family in FAMILIES if family not in self.fonts]

    @property
    def ok(self) -> bool:
        return bool(self.page) and not self.missing_fonts

    def line(self) -> str:
        """One line for a person or a script: `self-check: ok page=unlock ...`."""
        verdict = "ok" if self.ok else "FAILED"
        missing = f" missing_fonts={','.join(self.missing_fonts)}" if self.missing_fonts else ""
        return (
            f"self-check: {verdict} page={self.page or '-'} ready_ms={self.ready_ms:.0f}"
            f" fonts={','.join(self.fonts)}{missing}"
            + ("" if self.audio is None else f" audio={'yes' if self.audio else 'no'}")
        )


def schedule_self_check(
    app: QApplication, window, fonts: list[str], started: float, screenshot: Path | None
) -> None:
    """Once the first page is shown: optionally save a screenshot, print the report, quit."""

    def finish() -> None:
        from survey_app.ui.reading import Reader

        ready_ms = (time.perf_counter() - started) * 1000 - _SETTLE_MS
        report = SelfCheckReport(window.page_name, tuple(fonts), ready_ms, Reader().available)
        if screenshot is not None:
            window.grab().save(str(screenshot))
        if sys.stdout is not None:  # a windowed app on Windows has no console
            sys.stdout.write(report.line() + "\n")
            sys.stdout.flush()
        app.exit(0 if report.ok else 1)

    QTimer.singleShot(_SETTLE_MS, finish)
