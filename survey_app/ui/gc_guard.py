"""Run Python's cyclic garbage collector on the GUI thread only.

The collector runs wherever Python happens to allocate, so it may run on the store worker or the
network thread and destroy Python-owned Qt objects there, which crashes Qt. The usual remedy for
PySide/PyQt applications: switch automatic collection off and collect from a GUI-thread timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    """Collects garbage on the GUI thread whenever the collector's own thresholds are passed."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, youngest first."""
        counts = gc.get_count()
        if counts[0] > self._thresholds[0]:
            generation = 0
            if counts[1] > self._thresholds[1]:
                generation = 2 if counts[2] > self._thresholds[2] else 1
            gc.collect(generation)

    def stop(self) -> None:
        """Hand collection back to Python (e.g. when the app closes)."""
        self._timer.stop()
        gc.enable()
