"""Marks around the questions on paper: item number and export id, and the consent signature.

The export id of an item (`consent_info_understood`) is what data entry looks for; it is printed
small in the number column (or the gutter between two languages) and broken after an underscore
as often as that narrow column needs, so it never runs into the question text.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent

from survey_app.answers.digits import shown_number
from survey_app.forms.model import is_rtl
from survey_app.pdf import labels
from survey_app.pdf.columns import Column
from survey_app.pdf.layout import GREY, DrawOp
from survey_app.pdf.text import Line, TextSetter, TextStyle

NUMBER_SIZE = 10.5
ID_SIZE = 5.5
ID_MIN_SIZE = 4.0


def id_pieces(item_id: str) -> list[str]:
    """Cut an export id after each underscore: the places where it may be broken."""
    pieces = [p + "_" for p in item_id.split("_")]
    pieces[-1] = pieces[-1][:-1]
    return [p for p in pieces if p]


def id_lines(setter: TextSetter, item_id: str, width: float) -> list[Line]:
    """Set an export id no wider than `width`: on one line in slightly smaller type if that is
    enough, else broken after underscores (smaller type only if one piece is still wider)."""
    for size in (ID_SIZE, ID_SIZE - 0.5, ID_SIZE - 0.75):
        whole = setter.line(item_id, TextStyle(size=size))
        if whole.width <= width:
            return [whole]
    size = ID_SIZE
    pieces = id_pieces(item_id)
    while size > ID_MIN_SIZE and max(setter.width(p, TextStyle(size=size)) for p in pieces) > width:
        size -= 0.25
    style = TextStyle(size=size)
    texts: list[str] = []
    for piece in pieces:
        if texts and setter.width(texts[-1] + piece, style) <= width:
            texts[-1] += piece
        else:
            texts.append(piece)
    return [setter.line(t, style) for t in texts]


def item_number(
    setter: TextSetter, number: int, item_id: str, language: str, x: float, width: float, align: str
) -> tuple[list[DrawOp], float]:
    """The item number (in the language's digits and direction) with the export id under it.

    `align` is "left", "right" or "centre" inside [x, x + width]; returns ops relative to the
    item's top (y = 0) and the height they need.
    """
    num = setter.line(
        f"{shown_number(number, language)}.",
        TextStyle(size=NUMBER_SIZE, bold=True, rtl=is_rtl(language)),
    )
    idents = id_lines(setter, item_id, width)

    def x_of(line: Line) -> float:
        if align == "right":
            return x + width - line.width
        if align == "centre":
            return x + (width - line.width) / 2
        return x

    pitch = idents[0].segments[0].size * 1.15 if idents and idents[0].segments else ID_SIZE
    # The id's first baseline: under the number's descent (Naskh digits reach deep), then the
    # id's own ascent, so even the font boxes of the two never overlap.
    id_top = NUMBER_SIZE + _descent(num) + 0.5 + _ascent(idents[0])

    def op(c, top: float = 0.0) -> None:
        num.draw(c, x_of(num), top - NUMBER_SIZE)
        c.setFillColorRGB(*GREY)
        for k, line in enumerate(idents):
            line.draw(c, x_of(line), top - id_top - k * pitch)

    height = id_top + (len(idents) - 1) * pitch + 2
    return [op], height


def _descent(line: Line) -> float:
    return max((-getDescent(s.font, s.size) for s in line.segments), default=0.0)


def _ascent(line: Line) -> float:
    return max((getAscent(s.font, s.size) for s in line.segments), default=0.0)


def signature_block(
    setter: TextSetter, columns: list[Column], x0: float, x1: float
) -> tuple[list[DrawOp], float]:
    """Signature and date lines to write on, each labelled under the line in every language.

    One language: the lines start at its reading side. Two languages: the lines run across the
    page, the left column's label under its left end and the right column's under its right end.
    """
    ops: list[DrawOp] = []
    y = 0.0
    bilingual = len(columns) == 2
    for msgid, length in ((labels.SIGNATURE, 100 * mm), (labels.DATE, 60 * mm)):
        y -= 11 * mm  # room to write
        if bilingual:
            left, right = x0, x1
        elif columns[0].rtl:
            left, right = x1 - length, x1
        else:
            left, right = x0, x0 + length
        ops.append(_rule(left, right, y))
        label_y = y - 3.2 * mm
        for col in columns:
            style = col.style(8)
            line = setter.line(labels.text(col.language, msgid), style)
            at_right = col.rtl if not bilingual else col is columns[-1]
            lx = right - line.width if at_right else left
            ops.append(lambda c, line=line, lx=lx, ly=label_y: line.draw(c, lx, ly))
        y = label_y - 2 * mm
    return ops, -y


def _rule(x0: float, x1: float, y: float) -> DrawOp:
    def op(c) -> None:
        c.setLineWidth(0.6)
        c.setStrokeColorRGB(0, 0, 0)
        c.line(x0, y, x1, y)

    return op
