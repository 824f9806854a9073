"""Folder and file pickers in the staff language (Qt's own dialog, not the system's).

The system's dialog speaks the language of the laptop's operating system, and Qt ships no
Norwegian texts for its own dialog. So the pickers are Qt's dialog, and `QtTexts` gives Qt's
own strings (buttons, tool tips, column headers, context menu) from the app's catalogs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator
from PySide6.QtWidgets import QFileDialog, QWidget

from survey_app.i18n import N_, tr
from survey_app.ui.direction import qt_direction
from survey_app.ui.multimedia import load_multimedia

# Qt's own source texts in its file dialog, by Qt translation context (English in Qt's source).
QT_TEXTS: dict[str, tuple[str, ...]] = {
    "QFileDialog": (
        N_("&Choose"),
        N_("&Delete"),
        N_("&Look in:"),
        N_("&New Folder"),
        N_("&Open"),
        N_("&Rename"),
        N_("All Files (*)"),
        N_("Back"),
        N_("Change to detail view mode"),
        N_("Change to list view mode"),
        N_("Create New Folder"),
        N_("Create a New Folder"),
        N_("Detail View"),
        N_("Directories"),
        N_("Directory:"),
        N_("File &name:"),
        N_("Files"),
        N_("Files of &type:"),
        N_("Forward"),
        N_("Go back"),
        N_("Go forward"),
        N_("Go to the parent directory"),
        N_("List View"),
        N_("List of places and bookmarks"),
        N_("New Folder"),
        N_("Parent Directory"),
        N_("Recent Places"),
        N_("Show &hidden files"),
        N_("Sidebar"),
        N_("Are you sure you want to delete '%1'?"),
        N_("Could not delete directory."),
    ),
    "QFileSystemModel": (N_("Computer"), N_("Date Modified"), N_("Name"), N_("Size"), N_("Type")),
    "QAbstractFileIconProvider": (N_("Drive"), N_("Folder")),
    "QPlatformTheme": (N_("Cancel"), N_("OK"), N_("Open"), N_("Yes"), N_("No")),
}


class QtTexts(QTranslator):
    """Qt's own texts in the staff language: its file dialog from the app's catalogs, the rest
    from Qt's qtbase translation where Qt ships one (ar; there is none for nb)."""

    def __init__(self, language: str, parent=None) -> None:
        super().__init__(parent)
        self.language = language
        self.qtbase = QTranslator(self)
        if language != "en":
            self.qtbase.load(
                f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            )

    def translate(self, context, source, disambiguation=None, n=-1) -> str:
        """Return the translation of one of Qt's texts (the English source when there is none)."""
        # Always a text: PySide turns an empty answer into an empty (not null) string, which
        # Qt would show instead of asking the next translator.
        if self.language != "en" and source in QT_TEXTS.get(context, ()):
            return tr(self.language, source)
        return self.qtbase.translate(context, source, disambiguation, n) or source

    def isEmpty(self) -> bool:
        return False


_installed: list[QtTexts] = []


def use_qt_language(language: str) -> None:
    """Make Qt's own texts follow the staff language (one translator, replaced when it changes).

    It answers every request (see QtTexts.translate), so it is the app's only Qt translator.
    """
    app = QCoreApplication.instance()
    if app is None:
        return
    if _installed and _installed[0].language == language:
        return
    # Qt Multimedia's library asks the translators for a text while it is being loaded, inside
    # the dynamic loader's lock. With this (Python) translator installed, that call waits for
    # the GIL, which a thread importing a module may hold while it waits for the same lock:
    # the app froze about one start in ten. So the library is loaded before the translator.
    load_multimedia()
    while _installed:
        app.removeTranslator(_installed.pop())
    translator = QtTexts(language, app)
    app.installTranslator(translator)
    _installed.append(translator)


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
