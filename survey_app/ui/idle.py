"""Notice when nobody has touched the laptop for a while."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_ACTIVITY = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)


class IdleWatcher(QObject):
    """An application event filter: any input restarts the timer; `idle` fires when it runs out."""

    idle = Signal()

    def __init__(self, seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, round(seconds * 1000)))
        self._timer.timeout.connect(self.idle)

    def start(self) -> None:
        """Start (or restart) counting."""
        self._timer.start()

    def stop(self) -> None:
        """Stop counting (e.g. while a lock screen is shown)."""
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def set_seconds(self, seconds: float) -> None:
        """Change the idle time."""
        self._timer.setInterval(max(1, round(seconds * 1000)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False
