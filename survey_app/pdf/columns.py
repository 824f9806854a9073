"""Where each language's text goes on a printed page: one column, or two with a shared gutter."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm

from survey_app.forms.model import is_rtl
from survey_app.pdf.layout import CONTENT_WIDTH, MARGIN_X
from survey_app.pdf.text import TextStyle

NUMBER_COL = 13 * mm  # item number, and the export id under it (broken after '_' if long)
GUTTER = 20 * mm


@dataclass(frozen=True)
class Column:
    language: str
    x: float
    width: float

    @property
    def rtl(self) -> bool:
        return is_rtl(self.language)

    def style(self, size: float, bold: bool = False) -> TextStyle:
        # Naskh needs a little more size and line height to read as large as Noto Sans.
        if self.rtl:
            return TextStyle(size=size * 1.08, bold=bold, rtl=True, leading=1.55)
        return TextStyle(size=size, bold=bold)


def columns_for(languages: tuple[str, ...]) -> list[Column]:
    if len(languages) == 1:
        return [Column(languages[0], MARGIN_X, CONTENT_WIDTH)]
    # The right-to-left language goes on the right, where its reader starts.
    ordered = sorted(languages, key=is_rtl)
    width = (CONTENT_WIDTH - GUTTER) / 2
    return [
        Column(ordered[0], MARGIN_X, width),
        Column(ordered[1], MARGIN_X + width + GUTTER, width),
    ]


def answer_area(columns: list[Column], col: Column) -> tuple[float, float]:
    """The x and width where answer boxes go in a column (beside the item-number column)."""
    if len(columns) == 2:
        return col.x, col.width
    if col.rtl:
        return col.x, col.width - NUMBER_COL
    return col.x + NUMBER_COL, col.width - NUMBER_COL
