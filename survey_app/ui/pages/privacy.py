"""The privacy screen: covers the participant's page after a pause; a tap brings it back."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from survey_app.i18n import N_
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.review import text_label_joined


class PrivacyScreen(QWidget):
    """An opaque cover without any answer on it; click, touch or a key removes it."""

    dismissed = Signal()

    def __init__(self, langs: SessionLanguages, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("privacy")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#privacy { background: #1f5f8b; } QLabel { color: white; }")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for message, role in (
            (N_("This page is hidden to protect your privacy."), "title"),
            (N_("Tap the screen to continue."), "question"),
        ):
            layout.addWidget(text_label_joined(langs, message, role, centred=True))
        layout.addStretch(1)
        self.hide()

    def cover(self) -> None:
        """Show the cover over the whole parent."""
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.setFocus()

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    def mousePressEvent(self, event) -> None:
        self._dismiss()

    def keyPressEvent(self, event) -> None:
        self._dismiss()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.TouchBegin:
            self._dismiss()
            return True
        return super().event(event)
