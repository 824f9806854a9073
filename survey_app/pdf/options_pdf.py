"""Answer options on paper: a tick box with its stored code beside each option's own label."""

from __future__ import annotations

from reportlab.lib.units import mm

from survey_app.answers.digits import shown_number
from survey_app.forms.model import Item, ItemType, LocalText
from survey_app.pdf import labels
from survey_app.pdf.addressing import BOTH, printed
from survey_app.pdf.columns import GUTTER, Column, answer_area
from survey_app.pdf.drawings import BOX, CODE_STYLE, tick_box_with_code
from survey_app.pdf.layout import DrawOp, shifted
from survey_app.pdf.text import TextSetter

MAX_LABEL_LINES = 3
NARROW_CELL = 26 * mm


class OptionPrinter:
    """Lays out one item's answer boxes in one language or two side by side."""

    def __init__(
        self, setter: TextSetter, columns: list[Column], primary: str = "en", addressee: str = BOTH
    ) -> None:
        self.setter = setter
        self.columns = columns
        self.primary = primary  # whose digits a code shared by two languages is written in
        self.addressee = addressee
        self.bilingual = len(columns) == 2

    def _choices(self, item: Item) -> list[tuple[str, LocalText | None, str]]:
        """(code shown, label, msgid) per answer box, in stored-code order."""
        if item.type is ItemType.CONSENT:
            return [("1", None, labels.YES), ("0", None, labels.NO)]
        assert item.scale is not None
        rows: list[tuple[str, LocalText | None, str]] = [
            (str(o.code), o.label, "") for o in item.scale.options
        ]
        return rows

    def _label(self, row: tuple[str, LocalText | None, str], language: str) -> str:
        _, label, msgid = row
        if label is None:
            return labels.text(language, msgid)
        return printed(label, language, self.addressee)

    def block(self, item: Item) -> tuple[list[DrawOp], float]:
        rows = self._choices(item)
        self._codes = [row[0] for row in rows]
        decline = ("", None, labels.DECLINE) if item.allow_decline else None
        if self.bilingual:
            return self._options_bilingual(rows + ([decline] if decline else []))
        col = self.columns[0]
        x, width = answer_area(self.columns, col)
        extra = [decline] if decline else []
        horizontal = self._options_horizontal(rows + extra, col, x, width)
        if horizontal is not None:
            return horizontal
        horizontal = self._options_horizontal(rows, col, x, width)
        if horizontal is not None and decline is not None:
            # Many options in one row, "I don't want to answer" on its own row below.
            ops, height = horizontal
            below, h = self._options_vertical([decline], col, x, width)
            return ops + [shifted(op, -height) for op in below], height + h
        if horizontal is not None:
            return horizontal
        return self._options_vertical(rows + extra, col, x, width)

    def _code_width(self, language: str) -> float:
        """Room for the widest code of the item beside each box, so all labels line up."""
        return max(
            (self.setter.line(shown_number(c, language), CODE_STYLE).width for c in self._codes),
            default=0.0,
        )

    def _cell(self, row, col: Column, x: float, width: float, y_top: float):
        """One tick box + code + wrapped label in a cell; returns ops, height, fits.

        Wide cells put the label beside the box; narrow cells (many options in a row) put it
        under the box, still inside the cell that belongs to that box only.
        """
        code = shown_number(row[0], col.language) if row[0] else ""
        style = col.style(8.5 if row[2] != labels.DECLINE else 7.5)
        code_w = self._code_width(col.language)
        stacked = width < NARROW_CELL
        used = 0.0 if stacked else BOX + 1.6 * mm + code_w + 1.2 * mm
        label_w = max(width - used - 1.5 * mm, 10.0)
        lines = self.setter.wrap(self._label(row, col.language), style, label_w)
        fits = len(lines) <= MAX_LABEL_LINES and all(ln.width <= label_w + 0.5 for ln in lines)
        box_h = BOX + 1.2 * mm
        y_box = y_top - BOX - 0.6 * mm
        if col.rtl:
            ops, _ = tick_box_with_code(self.setter, x + width - BOX, y_box, code, rtl=True)
            label_left = x + width - used - label_w
        else:
            ops, _ = tick_box_with_code(self.setter, x, y_box, code, rtl=False)
            label_left = x + used
        y = y_top - style.size * 0.95 - (box_h if stacked else 0.0)
        for ln in lines:
            lx = label_left + label_w - ln.width if col.rtl else label_left
            ops.append(lambda c, ln=ln, lx=lx, y=y: ln.draw(c, lx, y))
            y -= style.line_height
        text_h = len(lines) * style.line_height
        height = box_h + text_h if stacked else max(text_h, box_h)
        return ops, height, fits

    def _options_horizontal(self, rows, col: Column, x: float, width: float):
        n = len(rows)
        cell_w = width / n
        if cell_w < 15 * mm:
            return None
        ops: list[DrawOp] = []
        height = 0.0
        for k, row in enumerate(rows):
            # Code order runs in the reading direction: first code at the start side.
            cx = x + width - (k + 1) * cell_w if col.rtl else x + k * cell_w
            o, h, fits = self._cell(row, col, cx, cell_w - 2 * mm if not col.rtl else cell_w, 0)
            if not fits:
                return None
            if col.rtl:
                o, h, fits = self._cell(row, col, cx + 2 * mm, cell_w - 2 * mm, 0)
            ops += o
            height = max(height, h)
        return ops, height + 1 * mm

    def _options_vertical(self, rows, col: Column, x: float, width: float):
        ops: list[DrawOp] = []
        y = 0.0
        for row in rows:
            o, h, _ = self._cell(row, col, x, min(width, 120 * mm) if not col.rtl else width, y)
            if col.rtl:
                o, h, _ = self._cell(row, col, x, width, y)
            ops += o
            y -= h + 1.2 * mm
        return ops, -y

    def _options_bilingual(self, rows) -> tuple[list[DrawOp], float]:
        """One box per option in the gutter, each language's label beside it on the same row."""
        left, right = self.columns
        centre = left.x + left.width + GUTTER / 2
        ops: list[DrawOp] = []
        y = 0.0
        for row in rows:
            heights = []
            for col in (left, right):
                style = col.style(8.5 if row[2] != labels.DECLINE else 7.5)
                lines = self.setter.wrap(self._label(row, col.language), style, col.width - 2 * mm)
                yy = y - style.size * 0.95
                for ln in lines:
                    # Both labels sit against the shared box in the gutter.
                    lx = col.x + col.width - ln.width if col is left else col.x
                    ops.append(lambda c, ln=ln, lx=lx, yy=yy: ln.draw(c, lx, yy))
                    yy -= style.line_height
                heights.append(len(lines) * style.line_height)
            y_box = y - BOX - 0.6 * mm
            code = shown_number(row[0], self.primary) if row[0] else ""
            box_ops, _ = tick_box_with_code(
                self.setter, centre - BOX / 2 - 2 * mm, y_box, code, rtl=False
            )
            ops += box_ops
            y -= max(*heights, BOX + 1.2 * mm) + 1.2 * mm
        return ops, -y
