"""A minimal page model: lay out first (positions known), then draw with page totals known."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from survey_app.pdf.text import Line, TextSetter, TextStyle

DrawOp = Callable[[object], None]
# A line of footer text and whether it is set right to left (each language in its own direction).
FooterLine = tuple[str, bool]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
GREY = (0.35, 0.35, 0.35)
FOOTER_PITCH = 9.0  # points between the lines of a two-language footer


@dataclass
class Page:
    """Drawing operations of one page plus what its header and footer must say."""

    footer_left: str = ""
    footer_notes: tuple[FooterLine, ...] = ()
    header: str = ""
    ops: list[DrawOp] = field(default_factory=list)
    footer_rtl: bool = False


@dataclass
class PageFrame:
    """Everything every page carries: header/footer text and an optional participant-code field.

    `footer_notes` are centred, one line per language (e.g. the draft notice in Arabic and in
    Norwegian), each set in its own direction.
    """

    footer_left: str
    footer_notes: tuple[FooterLine, ...] = ()
    header: str = ""
    decorate: Callable[[float], tuple[list[DrawOp], float]] | None = None
    footer_rtl: bool = False  # footer_left is Arabic: set right to left (still at the left)


class Flow:
    """Cursor-based flow of blocks down A4 pages; each block is placed whole (never split)."""

    def __init__(self, setter: TextSetter) -> None:
        self.setter = setter
        self.pages: list[Page] = []
        self.y = 0.0
        self.top = 0.0
        self.frame = PageFrame("")

    def new_page(self, frame: PageFrame | None = None) -> None:
        """Start a new page, optionally with a new frame (header/footer)."""
        if frame is not None:
            self.frame = frame
        f = self.frame
        self.pages.append(Page(f.footer_left, f.footer_notes, f.header, footer_rtl=f.footer_rtl))
        self.y = PAGE_HEIGHT - MARGIN_TOP
        if f.decorate is not None:
            ops, height = f.decorate(self.y)
            self.page.ops.extend(ops)
            self.y -= height
        self.top = self.y

    @property
    def page(self) -> Page:
        return self.pages[-1]

    @property
    def page_index(self) -> int:
        return len(self.pages) - 1

    def room(self) -> float:
        """Vertical space left on the current page."""
        return self.y - MARGIN_BOTTOM

    def reserve(self, height: float) -> float:
        """Make room for a block of `height` (new page if needed); return the block's top y."""
        if not self.pages or (height > self.room() and self.y < self.top - 1):
            self.new_page()
        top = self.y
        self.y -= height
        return top

    def draw(self, op: DrawOp) -> None:
        """Add a drawing operation to the current page."""
        self.page.ops.append(op)

    def gap(self, height: float) -> None:
        """Leave vertical space (dropped at the top of a page)."""
        if self.y < self.top - 1:
            self.y -= height


def draw_line_at(line: Line, x_left: float, width: float, y: float, rtl: bool) -> DrawOp:
    """Return an op drawing a line aligned to the start side of a box [x_left, x_left+width]."""
    x = x_left + width - line.width if rtl else x_left
    return lambda c: line.draw(c, x, y)


def text_block(
    setter: TextSetter, text: str, style: TextStyle, x_left: float, width: float, top: float
) -> tuple[list[DrawOp], float]:
    """Wrap text into a box; return draw ops and the height used."""
    lines = setter.wrap(text, style, width)
    ops = []
    y = top - style.size
    for line in lines:
        ops.append(draw_line_at(line, x_left, width, y, style.rtl))
        y -= style.line_height
    return ops, len(lines) * style.line_height


def box(x: float, y: float, size: float) -> DrawOp:
    """An empty tick box with its lower-left corner at (x, y)."""

    def op(c) -> None:
        c.setLineWidth(0.8)
        c.setStrokeColorRGB(0, 0, 0)
        c.rect(x, y, size, size, stroke=1, fill=0)

    return op


def render(
    pages: list[Page],
    out: Path,
    setter: TextSetter,
    page_label: Callable[[int, int], Sequence[FooterLine]],
    title: str = "",
) -> None:
    """Draw all pages to a PDF file with footers that know the page total.

    `page_label(page, pages)` gives "Page n of m" once per language, each line with its
    direction; the lines are stacked at the right, the notes centred, the form mark at the left.
    """
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("survey-app")
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        for op in page.ops:
            canvas.saveState()
            op(canvas)
            canvas.restoreState()
        canvas.setFillColorRGB(*GREY)
        y = MARGIN_BOTTOM - 10 * mm
        left = setter.line(page.footer_left, TextStyle(size=7.5, rtl=page.footer_rtl))
        left.draw(canvas, MARGIN_X, y)
        for k, (text, rtl) in enumerate(page.footer_notes):
            note = setter.line(text, TextStyle(size=7.5, bold=True, rtl=rtl))
            note.draw(canvas, (PAGE_WIDTH - note.width) / 2, y - k * FOOTER_PITCH)
        for k, (text, rtl) in enumerate(page_label(number, total)):
            right = setter.line(text, TextStyle(size=7.5, rtl=rtl))
            right.draw(canvas, PAGE_WIDTH - MARGIN_X - right.width, y - k * FOOTER_PITCH)
        canvas.setStrokeColorRGB(*GREY)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, y + 9, PAGE_WIDTH - MARGIN_X, y + 9)
        canvas.showPage()
    canvas.save()


def table_row(
    setter: TextSetter, cells: list[tuple[str, TextStyle]], widths: list[float], x: float = MARGIN_X
) -> tuple[list[DrawOp], float]:
    """One table row: each cell wrapped in its column (right-aligned when its style is RTL)."""
    ops: list[DrawOp] = []
    height = 0.0
    pad = 1.5
    for (text, style), width in zip(cells, widths, strict=True):
        cell_ops, h = text_block(setter, text, style, x + pad, width - 2 * pad, -pad)
        ops += cell_ops
        height = max(height, h + 2 * pad)
        x += width
    return ops, height


def rule(x0: float, x1: float, width: float = 0.4) -> DrawOp:
    """A horizontal line at the top of a block (y=0 relative)."""

    def op(c) -> None:
        c.setLineWidth(width)
        c.setStrokeColorRGB(*GREY)
        c.line(x0, 0, x1, 0)

    return op


def place(flow: Flow, ops: list[DrawOp], height: float) -> None:
    """Reserve room for a block laid out relative to y=0 and add its ops at the right place."""
    top = flow.reserve(height)
    for op in ops:
        flow.draw(shifted(op, top))


def shifted(op: DrawOp, dy: float) -> DrawOp:
    """Move an op laid out relative to y=0 down to a block top at dy (translate the canvas)."""

    def moved(c) -> None:
        c.translate(0, dy)
        op(c)

    return moved
