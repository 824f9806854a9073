"""Folder and file pickers in the staff language (Qt's own dialog, not the system's).

The system's dialog speaks the language of the laptop's operating system, and Qt ships no
Norwegian texts for its own dialog. So the pickers are Qt's dialog, and `use_qt_language`
(qt_language.py) gives Qt's own strings (buttons, tool tips, column headers, context menu)
from the app's catalogs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget

from survey_app.i18n import N_, tr
from survey_app.ui.direction import qt_direction
from survey_app.ui.qt_language import use_qt_language


def folder_dialog(parent: QWidget | None, language: str, title: str) -> QFileDialog:
    """Build (not show) a folder picker whose every label is in the staff language."""
    use_qt_language(language)
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    _label(dialog, language, N_("Folder:"))
    dialog.setLayoutDirection(qt_direction(language))
    return dialog


def file_dialog(parent: QWidget | None, language: str, title: str, pattern: str) -> QFileDialog:
    """Build (not show) a picker for one existing file matching pattern, in the staff language."""
    use_qt_language(language)
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(pattern)
    _label(dialog, language, N_("File name:"))
    dialog.setLayoutDirection(qt_direction(language))
    return dialog


def _label(dialog: QFileDialog, language: str, name_label: str) -> None:
    labels = QFileDialog.DialogLabel
    dialog.setLabelText(labels.LookIn, tr(language, "Look in:"))
    dialog.setLabelText(labels.FileName, tr(language, name_label))
    dialog.setLabelText(labels.FileType, tr(language, "Files of type:"))
    dialog.setLabelText(labels.Accept, tr(language, "Choose"))
    dialog.setLabelText(labels.Reject, tr(language, "Cancel"))


def choose_folder(parent: QWidget | None, language: str, title: str) -> str:
    """Ask for a folder; return its path, or "" when staff cancelled."""
    dialog = folder_dialog(parent, language, title)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]


def choose_file(parent: QWidget | None, language: str, title: str, pattern: str) -> str:
    """Ask for one existing file; return its path, or "" when staff cancelled."""
    dialog = file_dialog(parent, language, title, pattern)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]
