"""Qt's own texts (file dialog, standard buttons, context menus) in the staff language.

Qt ships no Norwegian texts for its own widgets, so they come from the app's catalogs, compiled
into Qt's binary catalog format and read by Qt's own QTranslator. Kept apart from the file
pickers: the first screen installs the translators, and must not wait for QFileDialog.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from survey_app.i18n import N_, tr

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


def qm_catalog(language: str) -> bytes:
    """Qt's file-dialog texts (QT_TEXTS) in `language` as a compiled Qt catalog (.qm bytes)."""
    messages = [
        (context, source, tr(language, source))
        for context, sources in QT_TEXTS.items()
        for source in sources
    ]
    return compile_qm([(c, s, t) for c, s, t in messages if t != s])


def compile_qm(messages: list[tuple[str, str, str]]) -> bytes:
    """Qt's binary catalog format (what lrelease writes) for (context, source, translation)."""
    # Messages are found by the ELF hash of their source text, then matched on context and
    # source; no comments (Qt then matches any disambiguation), no plural rules.
    body = bytearray()
    index: list[tuple[int, int]] = []
    for context, source, translation in messages:
        source_bytes = source.encode()
        index.append((_elf_hash(source_bytes), len(body)))
        body += _block(_TRANSLATION, translation.encode("utf-16-be"))
        body += _block(_SOURCE_TEXT, source_bytes)
        body += _block(_CONTEXT, context.encode())
        body.append(_END)
    hashes = b"".join(struct.pack(">II", h, offset) for h, offset in sorted(index))
    return _QM_MAGIC + _block(_HASHES, hashes) + _block(_MESSAGES, bytes(body))


_QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")
_HASHES, _MESSAGES = 0x42, 0x69  # sections of the file
_END, _TRANSLATION, _SOURCE_TEXT, _CONTEXT = 1, 3, 6, 7  # fields of a message


def _block(tag: int, data: bytes) -> bytes:
    return struct.pack(">BI", tag, len(data)) + data


def _elf_hash(data: bytes) -> int:
    h = 0
    for byte in data:
        h = ((h << 4) + byte) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h or 1


@dataclass
class QtLanguage:
    """Qt's own translators for one staff language, lowest priority first, and the catalog
    bytes the last one reads from (Qt does not copy them: they are kept as long as it is)."""

    language: str
    translators: list[QTranslator] = field(default_factory=list)
    catalog: bytes = b""


def qt_language(language: str) -> QtLanguage:
    """Qt's qtbase catalog where Qt ships one (ar; there is none for nb), then the file
    dialog's texts from the app's catalogs; Qt asks the last installed first, then the next,
    and shows its English text when none has one."""
    if language == "en":
        return QtLanguage(language)
    translators = []
    qtbase = QTranslator()
    if qtbase.load(
        f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        translators.append(qtbase)
    catalog = qm_catalog(language)
    texts = QTranslator()
    texts.load(catalog)
    translators.append(texts)
    return QtLanguage(language, translators, catalog)


_current = QtLanguage("en")


def use_qt_language(language: str) -> None:
    """Make Qt's own texts follow the staff language (its translators replaced when it changes).

    They are Qt's own QTranslator reading a compiled catalog, never a Python translator: Qt
    asks the translators for a text while it loads a library (Qt Multimedia's FFmpeg plugin,
    inside the dynamic loader's lock), and a Python translator then waited for the GIL, which a
    thread importing a module held while it waited for that lock: the app froze at random.
    """
    global _current
    app = QCoreApplication.instance()
    if app is None or _current.language == language:
        return
    for old in _current.translators:
        app.removeTranslator(old)
    _current = qt_language(language)
    for translator in _current.translators:
        app.installTranslator(translator)
    # PySide's wrapper of a QTranslator made in Python takes the GIL the first times Qt calls it,
    # to look for a Python override (then it remembers there is none): ask every translator
    # once here, on this thread, not for the first time inside a library load.
    QCoreApplication.translate("QFileDialog", "")
