"""Bundled fonts, palette and style sheet; the large-text option scales every size."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from survey_app.assets import fonts_dir

LATIN_FAMILY = "Noto Sans"
ARABIC_FAMILY = "Noto Naskh Arabic"
FAMILIES = [LATIN_FAMILY, ARABIC_FAMILY]

ACCENT = "#1f5f8b"
ACCENT_LIGHT = "#dcebf5"
HOVER = "#eef5fa"  # under the mouse: lighter than a chosen answer (ACCENT_LIGHT)
ACCENT_DARK = "#174a6d"
# The keyboard focus on a filled (accent) button: an accent border would not show on it.
FOCUS_ON_ACCENT = "#ffbf47"
SELECTED = "#1f5f8b"
TEXT = "#1b1b1b"
MUTED = "#5a5a5a"
BACKGROUND = "#f6f7f9"
SURFACE = "#ffffff"
BORDER = "#b8c0c8"
WARNING = "#9a3b00"
# Noto Naskh Arabic looks smaller than Noto Sans at the same point size.
ARABIC_SCALE = 1.18
OK = "#1e6b34"


@dataclass(frozen=True)
class Theme:
    """Font sizes in points; `scale` is 1.0 normally and larger with the large-text option."""

    scale: float = 1.0

    def pt(self, size: float) -> int:
        """Return a point size scaled by the large-text factor."""
        return round(size * self.scale)

    @property
    def base(self) -> int:
        return self.pt(12)

    @property
    def question(self) -> int:
        return self.pt(16)

    @property
    def option(self) -> int:
        return self.pt(14)

    @property
    def title(self) -> int:
        return self.pt(20)

    def font(self, size: int, *, bold: bool = False) -> QFont:
        """Return a font using the bundled Latin and Arabic families."""
        font = QFont()
        font.setFamilies(FAMILIES)
        font.setPointSize(size)
        font.setBold(bold)
        return font


def load_fonts() -> list[str]:
    """Register the bundled fonts with Qt and return the families that loaded."""
    families: list[str] = []
    for path in sorted(fonts_dir().glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))


def style_sheet(theme: Theme) -> str:
    """Return the application style sheet for a theme."""
    return f"""
    QMainWindow, QStackedWidget > QWidget#page {{ background: {BACKGROUND}; }}
    QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
    QLabel[role="title"] {{ font-size: {theme.title}pt; font-weight: bold; }}
    QLabel[role="subtitle"] {{ font-size: {theme.pt(14)}pt; color: {MUTED}; }}
    QLabel[role="question"] {{ font-size: {theme.question}pt; }}
    QLabel[role="second"] {{ font-size: {theme.pt(14)}pt; color: {MUTED}; }}
    QLabel[role="muted"] {{ color: {MUTED}; }}
    QLabel[role="error"] {{ color: {WARNING}; font-weight: bold; }}
    QLabel[role="ok"] {{ color: {OK}; font-weight: bold; }}
    QLabel[role="banner"] {{ background: #fff3cd; border: 1px solid #e0c36c; padding: 6px;
        border-radius: 4px; }}
    QLabel[role="alert"] {{ background: #fdecea; border: 2px solid #c0392b; color: #7a1f1a;
        padding: 8px; border-radius: 4px; font-weight: bold; }}
    QFrame[role="card"] {{ background: {SURFACE}; border: 1px solid {BORDER};
        border-radius: 8px; }}
    QFrame[role="card"] QLabel {{ background: transparent; border: none; }}
    QFrame#footer {{ background: {SURFACE}; border-top: 1px solid {BORDER}; }}
    QPushButton {{ font-size: {theme.pt(13)}pt; padding: 8px 18px; border-radius: 6px;
        border: 1px solid {BORDER}; background: {SURFACE}; min-height: 1.6em; }}
    QPushButton:hover {{ background: {HOVER}; border: 1px solid {ACCENT}; }}
    QPushButton:focus {{ border: 2px solid {ACCENT}; }}
    QPushButton:disabled {{ color: #9a9a9a; background: #eeeeee; border: 1px solid {BORDER}; }}
    QPushButton[role="primary"] {{ background: {ACCENT}; color: white; border-color: {ACCENT};
        font-weight: bold; }}
    QPushButton[role="primary"]:hover {{ background: {ACCENT_DARK}; }}
    QPushButton[role="primary"]:focus {{ border: 3px solid {FOCUS_ON_ACCENT}; }}
    QPushButton[role="primary"]:disabled {{ background: #9fb6c6; color: #eef3f6; }}
    QPushButton[lang="ar"] {{ font-size: {theme.pt(13 * ARABIC_SCALE)}pt; }}
    QPushButton[role="staff"] {{ font-size: {theme.pt(10)}pt; color: #5f6b76;
        background: transparent; border: none; padding: 8px 10px; }}
    QPushButton[role="staff"]:hover {{ color: {TEXT}; background: transparent; border: none; }}
    QLineEdit, QPlainTextEdit, QComboBox {{ font-size: {theme.pt(14)}pt; padding: 6px;
        border: 1px solid {BORDER}; border-radius: 4px; background: {SURFACE}; }}
    QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus {{ border: 2px solid {ACCENT}; }}
    QComboBox::drop-down {{ width: 30px; border: none; }}
    QComboBox QAbstractItemView {{ font-size: {theme.pt(14)}pt; background: {SURFACE};
        color: {TEXT}; selection-background-color: {ACCENT_LIGHT}; selection-color: {TEXT}; }}
    QComboBox::item {{ background: {SURFACE}; color: {TEXT}; }}
    QComboBox::item:selected {{ background: {ACCENT_LIGHT}; color: {TEXT}; }}
    QCheckBox, QRadioButton {{ font-size: {theme.pt(13)}pt; spacing: 10px; }}
    QCheckBox::indicator, QRadioButton::indicator {{ width: {theme.pt(18)}px;
        height: {theme.pt(18)}px; }}
    QScrollBar:vertical {{ background: #e9ecef; width: 14px; margin: 0; }}
    QScrollBar::handle:vertical {{ background: #9aa6b2; min-height: 40px; border-radius: 6px; }}
    QScrollBar:horizontal {{ background: #e9ecef; height: 14px; margin: 0; }}
    QScrollBar::handle:horizontal {{ background: #9aa6b2; min-width: 40px; border-radius: 6px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
    QLabel[lang="ar"][role="plain"] {{ font-size: {theme.pt(12 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="banner"] {{ font-size: {theme.pt(12 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="alert"] {{ font-size: {theme.pt(12 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="error"] {{ font-size: {theme.pt(12 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="ok"] {{ font-size: {theme.pt(12 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="question"] {{ font-size: {theme.pt(16 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="title"] {{ font-size: {theme.pt(20 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="subtitle"] {{ font-size: {theme.pt(14 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="second"] {{ font-size: {theme.pt(14 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="muted"] {{ font-size: {theme.pt(12 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="note"] {{ font-size: {theme.pt(14 * ARABIC_SCALE)}pt; }}
    QLabel[lang="ar"][role="body"] {{ font-size: {theme.pt(12 * ARABIC_SCALE)}pt; }}
    QLabel[role="note"] {{ font-size: {theme.pt(14)}pt; }}
    QProgressBar {{ border: 1px solid {BORDER}; border-radius: 5px; background: {SURFACE};
        max-height: 12px; }}
    QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
    QTableWidget {{ background: {SURFACE}; font-size: {theme.pt(12)}pt; }}
    QTableWidget[lang="ar"] {{ font-size: {theme.pt(12 * ARABIC_SCALE)}pt; }}
    QHeaderView::section {{ font-weight: bold; padding: 6px; }}
    """


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Set the application font and style sheet."""
    app.setFont(theme.font(theme.base))
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Window, QColor(BACKGROUND))
    app.setPalette(palette)
    app.setStyleSheet(style_sheet(theme))
