"""Drawn scales on paper: Cantril ladders side by side and the EQ-VAS, with their anchors.

Ladder items run in the reading direction of the participant's (first) language, as on screen:
in Arabic and in Arabic + Norwegian the first ladder is at the right. Numbers on a drawn scale
are written in that language's digits (`survey_app.answers.digits.shown_number`, the rule the
screen uses too), so a participant sees the same ladder on paper as in the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm

from survey_app.answers.digits import shown_number
from survey_app.forms.model import Item, LocalText, is_rtl
from survey_app.pdf import labels
from survey_app.pdf.addressing import BOTH, printed
from survey_app.pdf.columns import Column
from survey_app.pdf.drawings import digit_boxes, ladder, vas_scale
from survey_app.pdf.layout import CONTENT_WIDTH, GREY, MARGIN_X, PAGE_WIDTH, DrawOp, text_block
from survey_app.pdf.text import TextSetter, TextStyle

LADDERS_PER_ROW = 3


@dataclass(frozen=True)
class VasPlace:
    """Where the VAS of a block lies, relative to the block's top (y = 0)."""

    y_min: float
    y_max: float
    x: float


class ScalePrinter:
    """Lays out ladder groups and VAS items for one or two printed languages."""

    def __init__(
        self, setter: TextSetter, columns: list[Column], primary: str, addressee: str = BOTH
    ) -> None:
        self.setter = setter
        self.columns = columns
        self.primary = primary
        self.addressee = addressee
        self.rtl = is_rtl(primary)

    def digits(self, value: int) -> str:
        """A number on a drawn scale, in the participant's (first) language's digits."""
        return shown_number(value, self.primary)

    # -- Cantril ladder ----------------------------------------------------------------------

    def ladders(self, group: list[Item], first_number: int) -> tuple[list[DrawOp], float]:
        """Up to three ladder items side by side, the first at the reading start."""
        n = len(group)
        col_w = CONTENT_WIDTH / n
        blocks = []
        for k, item in enumerate(group):
            slot = n - 1 - k if self.rtl else k
            x = MARGIN_X + slot * col_w
            blocks.append(self._ladder_block(item, first_number + k + 1, x, col_w - 4 * mm))
        ops = [op for block_ops, _h in blocks for op in block_ops]
        return ops, max(h for _, h in blocks) + 4 * mm

    def _ladder_block(self, item: Item, number: int, x: float, width: float):
        assert item.scale is not None
        scale = item.scale
        ops: list[DrawOp] = []
        y = 0.0
        for col in self.columns:
            o, h = text_block(
                self.setter,
                f"{shown_number(number, col.language)}. "
                f"{printed(item.text, col.language, self.addressee)}",
                col.style(9.5, True),
                x,
                width,
                y,
            )
            ops += o
            y -= h
        y -= 1 * mm
        y -= self.anchor(ops, scale.anchor_high, x, width, y)
        centre = x + width / 2
        ladder_ops, h = ladder(
            self.setter, centre, y, scale.max, scale.min, not self.rtl, self.digits
        )
        ops += ladder_ops
        y -= h
        y -= self.anchor(ops, scale.anchor_low, x, width, y)
        ident = self.setter.line(item.id, TextStyle(size=5.5))
        ops.append(
            lambda c, yy=y: (
                c.setFillColorRGB(*GREY),
                ident.draw(c, centre - ident.width / 2, yy - 8),
            )
        )
        return ops, -y + 4 * mm

    def anchor(
        self, ops: list[DrawOp], text: LocalText | None, x: float, width: float, y: float
    ) -> float:
        """Centre an anchor text in every language under y; return the height used."""
        if text is None:
            return 0.0
        used = 0.0
        for col in self.columns:
            style = col.style(8)
            lines = self.setter.wrap(printed(text, col.language, self.addressee), style, width)
            for ln in lines:
                lx = x + (width - ln.width) / 2
                yy = y - used - style.size
                ops.append(lambda c, ln=ln, lx=lx, yy=yy: ln.draw(c, lx, yy))
                used += style.line_height
        return used + 1 * mm

    # -- EQ-VAS ------------------------------------------------------------------------------

    def vas(self, item: Item, length: float) -> tuple[list[DrawOp], float, VasPlace]:
        """The vertical scale with its anchors and the number boxes beside it."""
        assert item.scale is not None
        scale = item.scale
        ops: list[DrawOp] = []
        x_axis = PAGE_WIDTH / 2 - 20 * mm
        text_w = 60 * mm
        y = -2 * mm
        y -= self.anchor(ops, scale.anchor_high, x_axis - text_w / 2, text_w, y)
        y -= 3 * mm
        y_max = y
        y_min = y - length
        scale_ops = vas_scale(self.setter, x_axis, y_min, length, scale.min, scale.max, self.digits)
        ops += scale_ops
        y = y_min - 3 * mm
        y -= self.anchor(ops, scale.anchor_low, x_axis - text_w / 2, text_w, y)
        # The box for the number, to the side of the scale, its caption once per language.
        bx = x_axis + 30 * mm
        by = y_min + length / 2
        top = by + 14 * mm
        for text, rtl in labels.each_language(
            [c.language for c in self.columns], labels.WRITE_NUMBER
        ):
            caption_ops, h = text_block(
                self.setter, text, TextStyle(size=8.5, rtl=rtl), bx, 55 * mm, top
            )
            ops += caption_ops
            top -= h
        box_ops, _ = digit_boxes(bx, by, "000", self.setter)
        ops += box_ops
        return ops, -y + 2 * mm, VasPlace(y_min, y_max, x_axis)
