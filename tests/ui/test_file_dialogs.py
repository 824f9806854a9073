"""Folder and file pickers speak the staff language: their labels, buttons and tool tips."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QToolButton

from survey_app.i18n import tr
from survey_app.ui.file_dialogs import file_dialog, folder_dialog
from survey_app.ui.qt_language import QT_TEXTS, qm_catalog, use_qt_language

TEXTS = {
    "nb": {"accept": "Velg", "reject": "Avbryt", "look_in": "Se i:", "parent": "Mappen over"},
    "ar": {
        "accept": "اختيار",
        "reject": "إلغاء",
        "look_in": "البحث في:",
        "parent": "المجلد الأعلى",
    },
}


@pytest.fixture(autouse=True)
def english_afterwards(qapp):
    yield
    use_qt_language("en")


def buttons(dialog: QFileDialog) -> list[str]:
    box = dialog.findChild(QDialogButtonBox)
    return [button.text() for button in box.buttons()]


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_folder_dialog_buttons_are_in_the_staff_language(qtbot, tmp_path, language):
    dialog = folder_dialog(None, language, "title")
    qtbot.addWidget(dialog)
    dialog.setDirectory(str(tmp_path))
    assert sorted(buttons(dialog)) == sorted([TEXTS[language]["accept"], TEXTS[language]["reject"]])


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_folder_dialog_labels_are_in_the_staff_language(qtbot, language):
    dialog = folder_dialog(None, language, "title")
    qtbot.addWidget(dialog)
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn) == TEXTS[language]["look_in"]
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == TEXTS[language]["accept"]


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_qt_own_dialog_texts_come_from_the_app_catalogs(qtbot, language):
    # Tool tips, headers and menus are Qt's own strings: Qt has no Norwegian for them.
    dialog = folder_dialog(None, language, "title")
    qtbot.addWidget(dialog)
    parent_button = dialog.findChild(QToolButton, "toParentButton")
    assert parent_button.toolTip() == TEXTS[language]["parent"]


def test_folder_dialog_is_qt_own_not_the_system_dialog(qtbot):
    # The system dialog speaks the operating system's language, not the staff's.
    dialog = folder_dialog(None, "nb", "title")
    qtbot.addWidget(dialog)
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.fileMode() == QFileDialog.FileMode.Directory


def test_file_dialog_accept_button_is_in_norwegian(qtbot):
    dialog = file_dialog(None, "nb", "title", "*.surveylist")
    qtbot.addWidget(dialog)
    assert "Velg" in buttons(dialog)


def test_english_staff_keeps_qt_english_texts(qtbot):
    dialog = folder_dialog(None, "en", "title")
    qtbot.addWidget(dialog)
    assert dialog.findChild(QToolButton, "toParentButton").toolTip() == "Parent Directory"


def test_other_qt_texts_keep_qt_own_arabic_translation(qapp):
    # Beside the file dialog's texts, Qt's qtbase Arabic still answers for the rest of Qt.
    use_qt_language("ar")
    copy = QCoreApplication.translate("QLineEdit", "&Copy")
    assert copy and copy != "&Copy"


def test_qt_text_without_translation_stays_english_not_blank(qapp):
    use_qt_language("nb")
    assert QCoreApplication.translate("QLineEdit", "&Copy") == "&Copy"


def test_file_dialog_texts_match_whatever_qt_disambiguation(qapp):
    use_qt_language("nb")
    assert QCoreApplication.translate("QFileDialog", "Back", "a comment Qt may add") == "Tilbake"


def test_qt_asks_its_translators_without_running_python_code(qapp):
    # Qt asks the translators for a text while it loads a library (Qt Multimedia's FFmpeg
    # plugin) inside the dynamic loader's lock; a translator written in Python then waited for
    # the GIL held by a thread importing a module, waiting for that lock: the app froze.
    use_qt_language("ar")
    called: list[str] = []

    def profile(frame, event, _arg):
        if event == "call":
            called.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        text = QCoreApplication.translate("QFileDialog", "Back")
    finally:
        sys.setprofile(None)
    assert (text, called) == ("رجوع", [])


def test_the_compiled_catalog_has_every_translated_file_dialog_text(qapp):
    catalog = QTranslator()
    assert catalog.load(qm_catalog("ar"))
    missing = [
        (context, source)
        for context, sources in QT_TEXTS.items()
        for source in sources
        if catalog.translate(context, source) != tr("ar", source)
    ]
    assert missing == []
