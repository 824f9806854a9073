"""Folder and file pickers speak the staff language: their labels, buttons and tool tips."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QToolButton

from survey_app.ui.file_dialogs import QtTexts, file_dialog, folder_dialog, use_qt_language

REPO = Path(__file__).resolve().parents[2]

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
    # The app's translator answers every request, so it must pass on Qt's qtbase Arabic.
    copy = QtTexts("ar").translate("QLineEdit", "&Copy")
    assert copy and copy != "&Copy"


def test_qt_text_without_translation_stays_english_not_blank(qapp):
    assert QtTexts("nb").translate("QLineEdit", "&Copy") == "&Copy"


def test_qt_multimedia_is_loaded_before_the_python_translator_is_installed() -> None:
    # Loading Qt Multimedia asks the translators for a text inside the dynamic loader's lock;
    # with the Python translator already installed that deadlocked about one start in ten.
    probe = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from survey_app.ui import file_dialogs\n"
        "app = QApplication([])\n"
        "before = 'PySide6.QtMultimedia' in sys.modules\n"
        "file_dialogs.use_qt_language('nb')\n"
        "print(before, 'PySide6.QtMultimedia' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "True"], result.stderr
