"""A4 sheets of participant code cards, so a meeting starts with its codes ready.

Each card has two halves separated by a dashed tear-off line. The participant keeps the larger
half: the code as large text (its check character boxed) and as a QR code that a scanner types
into the app. The smaller half stays with the linking key: the code again and a box for the
participant's initials, the only place on the card where anything about the person is written.
Arabic cards are mirrored: the participant's half is on the right, where reading starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from survey_app.forms.languages import is_rtl
from survey_app.i18n import N_, tr
from survey_app.pdf.fonts import register_fonts
from survey_app.pdf.text import TextSetter, TextStyle

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 12 * mm
CARDS_PER_PAGE = 5
CARD_WIDTH = PAGE_WIDTH - 2 * MARGIN
CARD_HEIGHT = 52 * mm
TOP = PAGE_HEIGHT - 22 * mm  # below the page heading
KEEP_WIDTH = 120 * mm  # the participant's half; the rest is the tear-off half
QR_SIZE = 36 * mm
PAD = 4 * mm
GREY = (0.35, 0.35, 0.35)

LABELS = {
    "title": N_("Participant code cards · laptop {laptop} · {first} to {last}"),
    "code": N_("Participant code"),
    "check": N_("The last character, in the box, is a check character: it catches typing errors."),
    "bring": N_("Keep this card and bring it to every meeting."),
    "tear": N_("Tear off here"),
    "key": N_("Stays with the linking key"),
    "initials": N_("Participant's initials"),
    "page": N_("Page {page} of {pages}"),
}


def render_code_cards(codes: Sequence[str], out: Path, *, language: str, laptop: int) -> int:
    """Print one card per code, five to an A4 page; return the page count."""
    setter = TextSetter(register_fonts())
    rtl = is_rtl(language)
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle("Participant code cards")
    canvas.setCreator("survey-app")
    pages = max(1, -(-len(codes) // CARDS_PER_PAGE))
    # The first and last codes stay Latin, like every code; only the laptop number is localised.
    title = tr(language, LABELS["title"], laptop=laptop, first=codes[0], last=codes[-1])
    for page in range(pages):
        _centred(
            canvas, setter, title, TextStyle(size=11, bold=True, rtl=rtl), PAGE_HEIGHT - 15 * mm
        )
        chunk = codes[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]
        for slot, code in enumerate(chunk):
            _card(canvas, setter, code, language, TOP - (slot + 1) * CARD_HEIGHT)
        footer = tr(language, LABELS["page"], page=page + 1, pages=pages)
        _centred(canvas, setter, footer, TextStyle(size=8, rtl=rtl), 8 * mm)
        canvas.showPage()
    canvas.save()
    return pages


def _card(canvas: Canvas, setter: TextSetter, code: str, language: str, bottom: float) -> None:
    rtl = is_rtl(language)
    stub_width = CARD_WIDTH - KEEP_WIDTH
    # The participant's half comes first in reading order: left, or right in Arabic.
    keep_x = MARGIN + stub_width if rtl else MARGIN
    stub_x = MARGIN if rtl else MARGIN + KEEP_WIDTH
    tear_x = MARGIN + stub_width if rtl else MARGIN + KEEP_WIDTH

    canvas.setStrokeColorRGB(*GREY)
    canvas.setLineWidth(0.5)
    canvas.rect(MARGIN, bottom, CARD_WIDTH, CARD_HEIGHT)  # cut along the border
    canvas.setDash(4, 3)
    canvas.line(tear_x, bottom + 2 * mm, tear_x, bottom + CARD_HEIGHT - 2 * mm)
    canvas.setDash()
    _tear_label(canvas, setter, tr(language, LABELS["tear"]), tear_x, bottom, rtl)
    canvas.setStrokeColorRGB(0, 0, 0)

    # The participant's half: label, large code, notes, and the QR code at the far side.
    text_width = KEEP_WIDTH - QR_SIZE - 3 * PAD
    text_x = keep_x + (QR_SIZE + 2 * PAD if rtl else PAD)
    qr_x = keep_x + PAD if rtl else keep_x + KEEP_WIDTH - PAD - QR_SIZE
    top = bottom + CARD_HEIGHT - PAD
    y = _paragraph(canvas, setter, tr(language, LABELS["code"]), TextStyle(size=10, rtl=rtl),
                   text_x, text_width, top - 10)  # fmt: skip
    _code(canvas, setter, code, 24, text_x, text_width, y - 24, rtl)
    small = TextStyle(size=7.5, rtl=rtl)
    y = _paragraph(canvas, setter, tr(language, LABELS["check"]), small, text_x, text_width,
                   y - 38)  # fmt: skip
    y -= small.line_height + 3
    _paragraph(canvas, setter, tr(language, LABELS["bring"]), small, text_x, text_width, y)
    _qr(canvas, code, qr_x, bottom + (CARD_HEIGHT - QR_SIZE) / 2)

    # The tear-off half: stays with the linking key, the only place for the initials.
    inner_x, inner_width = stub_x + PAD, stub_width - 2 * PAD
    heading = TextStyle(size=8, bold=True, rtl=rtl)
    y = _paragraph(
        canvas, setter, tr(language, LABELS["key"]), heading, inner_x, inner_width, top - 8
    )
    _code(canvas, setter, code, 15, inner_x, inner_width, y - 16, rtl)
    y = _paragraph(canvas, setter, tr(language, LABELS["initials"]), TextStyle(size=8, rtl=rtl),
                   inner_x, inner_width, y - 30)  # fmt: skip
    box_width = min(inner_width, 40 * mm)
    box_x = inner_x + inner_width - box_width if rtl else inner_x
    canvas.rect(box_x, bottom + PAD, box_width, max(8 * mm, y - 5 - (bottom + PAD)))


def _code(
    canvas: Canvas,
    setter: TextSetter,
    code: str,
    size: float,
    x: float,
    width: float,
    baseline: float,
    rtl: bool,
) -> None:
    """The code as one Latin string, its check character boxed so it is seen as part of it."""
    style = TextStyle(size=size, bold=True)
    line = setter.line(code, style)
    left = x + width - line.width if rtl else x
    line.draw(canvas, left, baseline)
    check_width = setter.width(code[-1], style)
    canvas.setLineWidth(0.8)
    canvas.rect(left + line.width - check_width - 0.8, baseline - size * 0.18,
                check_width + 1.8, size * 0.95)  # fmt: skip


def _paragraph(
    canvas: Canvas,
    setter: TextSetter,
    text: str,
    style: TextStyle,
    x: float,
    width: float,
    y: float,
) -> float:
    """Draw wrapped text from baseline y down, aligned to the reading start; the last baseline."""
    lines = setter.wrap(text, style, width)
    for n, line in enumerate(lines):
        if n:
            y -= style.line_height
        line.draw(canvas, x + width - line.width if style.rtl else x, y)
    return y


def _centred(canvas: Canvas, setter: TextSetter, text: str, style: TextStyle, y: float) -> None:
    line = setter.line(text, style)
    line.draw(canvas, (PAGE_WIDTH - line.width) / 2, y)


def _tear_label(
    canvas: Canvas, setter: TextSetter, text: str, x: float, bottom: float, rtl: bool
) -> None:
    """ "Tear off here" written along the dashed line, on the tear-off side."""
    line = setter.line(text, TextStyle(size=6.5, rtl=rtl))
    canvas.saveState()
    canvas.setFillColorRGB(*GREY)
    canvas.translate(x + (-2.5 if rtl else 5.5), bottom + (CARD_HEIGHT - line.width) / 2)
    canvas.rotate(90)
    line.draw(canvas, 0, 0)
    canvas.restoreState()


def _qr(canvas: Canvas, code: str, x: float, y: float) -> None:
    """The code as a QR code (error correction M): a scanner types it, then Enter."""
    widget = QrCodeWidget(code, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
