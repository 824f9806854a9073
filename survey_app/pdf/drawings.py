"""Drawn answer fields: tick boxes with codes, the Cantril ladder, the EQ-VAS, digit boxes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm

from survey_app.pdf.layout import GREY, DrawOp, box
from survey_app.pdf.text import Line, TextSetter, TextStyle

BOX = 3.8 * mm
CODE_STYLE = TextStyle(size=6.5)
DIGIT_BOX = 5.5 * mm


@dataclass(frozen=True)
class VasGeometry:
    """Where a printed visual analogue scale lies: y of its minimum and maximum marks (points)."""

    item_id: str
    page_index: int
    x: float
    y_min: float
    y_max: float
    value_min: int
    value_max: int

    @property
    def length_mm(self) -> float:
        return (self.y_max - self.y_min) / mm


def tick_box_with_code(
    setter: TextSetter, x_box: float, y_box: float, code: str, rtl: bool
) -> tuple[list[DrawOp], float]:
    """A tick box with its option code printed small on the label side; returns ops and width."""
    ops = [box(x_box, y_box, BOX)]
    if not code:
        return ops, BOX
    line = setter.line(code, CODE_STYLE)
    gap = 0.8 * mm
    x = x_box - gap - line.width if rtl else x_box + BOX + gap
    ops.append(_grey(line, x, y_box + 0.6 * mm))
    return ops, BOX + gap + line.width


def _grey(line: Line, x: float, y: float) -> DrawOp:
    def op(c) -> None:
        c.setFillColorRGB(*GREY)
        line.draw(c, x, y)

    return op


def digit_boxes(x: float, y: float, pattern: str, setter: TextSetter) -> tuple[list[DrawOp], float]:
    """Boxes left to right for a pattern: any letter/digit = one box, other characters printed."""
    ops: list[DrawOp] = []
    style = TextStyle(size=10)
    for ch in pattern:
        if ch.isalnum():
            ops.append(box(x, y, DIGIT_BOX))
            x += DIGIT_BOX + 0.6 * mm
        else:
            line = setter.line(ch, style)
            ops.append(_at(line, x + 0.6 * mm, y + 1.2 * mm))
            x += line.width + 1.8 * mm
    return ops, x


def digit_boxes_width(pattern: str, setter: TextSetter) -> float:
    """Width of digit_boxes for a pattern."""
    return digit_boxes(0.0, 0.0, pattern, setter)[1]


def _at(line: Line, x: float, y: float) -> DrawOp:
    return lambda c: line.draw(c, x, y)


RUNG = 6.5 * mm
LADDER_WIDTH = 14 * mm


def ladder(
    setter: TextSetter,
    x_center: float,
    top: float,
    high: int,
    low: int,
    box_right: bool,
    digits: Callable[[int], str] = str,
) -> tuple[list[DrawOp], float]:
    """A ladder with the highest step on top: numbered rungs, a tick box beside each rung.

    `digits` writes a rung's number (Arabic-Indic on Arabic paper, as on screen).
    """
    ops: list[DrawOp] = []
    steps = list(range(high, low - 1, -1))
    y_top = top - RUNG / 2
    y_bottom = y_top - (len(steps) - 1) * RUNG
    x_l, x_r = x_center - LADDER_WIDTH / 2, x_center + LADDER_WIDTH / 2

    def rails(c) -> None:
        c.setLineWidth(1.4)
        c.line(x_l, y_bottom - RUNG / 2, x_l, y_top + RUNG / 2)
        c.line(x_r, y_bottom - RUNG / 2, x_r, y_top + RUNG / 2)

    ops.append(rails)
    style = TextStyle(size=8, bold=True)
    for i, value in enumerate(steps):
        y = y_top - i * RUNG
        label = setter.line(digits(value), style)

        def rung(c, y=y, label=label) -> None:
            c.setLineWidth(0.9)
            c.line(x_l, y, x_r, y)
            c.setFillColorRGB(1, 1, 1)
            pad = 1.0
            c.rect(x_center - label.width / 2 - pad, y - 3.2, label.width + 2 * pad, 9, 0, 1)
            c.setFillColorRGB(0, 0, 0)
            label.draw(c, x_center - label.width / 2, y - 2.6)

        ops.append(rung)
        x_box = x_r + 2.5 * mm if box_right else x_l - 2.5 * mm - BOX
        ops.append(box(x_box, y - BOX / 2, BOX))
    return ops, len(steps) * RUNG


def vas_scale(
    setter: TextSetter,
    x: float,
    y_min: float,
    length: float,
    low: int,
    high: int,
    digits: Callable[[int], str] = str,
) -> list[DrawOp]:
    """A vertical scale from `low` at y_min to `high` at y_min+length, ticks at every unit."""
    span = high - low
    ops: list[DrawOp] = []

    def axis(c) -> None:
        c.setLineWidth(1.2)
        c.line(x, y_min, x, y_min + length)
        for k in range(span + 1):
            y = y_min + length * k / span
            value = low + k
            half = 4 * mm if value % 10 == 0 else 2.2 * mm if value % 5 == 0 else 1.1 * mm
            c.setLineWidth(0.9 if value % 10 == 0 else 0.5)
            c.line(x - half, y, x + half, y)

    ops.append(axis)
    style = TextStyle(size=8)
    for value in range(low, high + 1):
        if (value - low) % 10 and value not in (low, high):
            continue
        label = setter.line(digits(value), style)
        y = y_min + length * (value - low) / span
        ops.append(_at(label, x - 5.5 * mm - label.width, y - 2.8))
    return ops
