"""Printable A4 questionnaires: one language or two side by side (e.g. ar+nb for interpreters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm

from survey_app.errors import UserFacingError
from survey_app.forms.model import LANGUAGES, Form, Item, ItemType, LocalText, TextStatus, is_rtl
from survey_app.pdf import labels
from survey_app.pdf.addressing import CHOICES, printed
from survey_app.pdf.columns import GUTTER, NUMBER_COL, answer_area, columns_for
from survey_app.pdf.drawings import DIGIT_BOX, VasGeometry, digit_boxes, digit_boxes_width
from survey_app.pdf.fonts import register_fonts
from survey_app.pdf.layout import (
    CONTENT_WIDTH,
    GREY,
    MARGIN_X,
    DrawOp,
    Flow,
    PageFrame,
    place,
    render,
    shifted,
    text_block,
)
from survey_app.pdf.marks import item_number, signature_block
from survey_app.pdf.options_pdf import OptionPrinter
from survey_app.pdf.routing import (
    option_filter_text,
    question_numbers,
    range_text,
    routing_text,
    skip_text,
)
from survey_app.pdf.scales_pdf import ScalePrinter, VasPlace
from survey_app.pdf.text import TextSetter, TextStyle

DEFAULT_CODE_PATTERN = "AA-0000-A"
VAS_LENGTH_MM = 100.0


@dataclass(frozen=True)
class PrintOptions:
    """What to print: languages (one, or two side by side) and field shapes."""

    languages: tuple[str, ...]
    code_pattern: str = DEFAULT_CODE_PATTERN
    vas_length_mm: float = VAS_LENGTH_MM
    addressee: str | None = None  # "female", "male", "both"; None: the usual wording


@dataclass
class PrintResult:
    """Facts about a printed document that callers and tests can check."""

    pages: int = 0
    vas: list[VasGeometry] = field(default_factory=list)


def parse_addressee(value: str | None) -> str | None:
    """Check an --addressee value: female, male, both, or None (the usual wording)."""
    if value is None:
        return None
    if value not in CHOICES:
        raise UserFacingError(f"--addressee must be one of {', '.join(CHOICES)} (got '{value}')")
    return value


def parse_languages(spec: str) -> tuple[str, ...]:
    """Parse "ar", "nb" or "ar+nb" into language codes (UserFacingError if not valid)."""
    langs = tuple(p.strip() for p in spec.split("+") if p.strip())
    if not 1 <= len(langs) <= 2 or len(set(langs)) != len(langs):
        raise UserFacingError(f"give one language or two joined by '+', e.g. ar+nb (got '{spec}')")
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown:
        raise UserFacingError(
            f"unknown language '{unknown[0]}'; choose from {', '.join(LANGUAGES)}"
        )
    return langs


def render_forms(forms: Sequence[Form], out: Path, options: PrintOptions) -> PrintResult:
    """Print forms (each starting on a new page) to a PDF file."""
    if not forms:
        raise UserFacingError("nothing to print: no forms selected")
    for form in forms:
        missing = [lang for lang in options.languages if not form.title.get(lang)]
        if missing:
            raise UserFacingError(f"form '{form.id}' has no text in language '{missing[0]}'")
    setter = TextSetter(register_fonts())
    printer = _FormPrinter(setter, options)
    for form in forms:
        printer.form(form)
    primary = options.languages[0]
    render(
        printer.flow.pages,
        out,
        setter,
        lambda page, pages: labels.each_language(
            options.languages, labels.PAGE_OF, page=page, pages=pages
        ),
        title=" / ".join(f.title.get(primary) for f in forms),
    )
    printer.result.pages = len(printer.flow.pages)
    return printer.result


def short_hash(form: Form) -> str:
    """The first 8 hex digits of a form's content hash, as printed in footers."""
    return form.content_hash[:8]


class _FormPrinter:
    def __init__(self, setter: TextSetter, options: PrintOptions) -> None:
        self.setter = setter
        self.options = options
        self.columns = columns_for(options.languages)
        self.primary = options.languages[0]
        self.option_printer = OptionPrinter(setter, self.columns, self.primary, options.addressee)
        self.scale_printer = ScalePrinter(setter, self.columns, self.primary, options.addressee)
        self.bilingual = len(self.columns) == 2
        self.flow = Flow(setter)
        self.result = PrintResult()
        self._pending_vas = VasPlace(0.0, 0.0, 0.0)

    def text(self, text: LocalText | None, language: str) -> str:
        """A form text as printed: the chosen addressee's wording, or both."""
        return printed(text, language, self.options.addressee)

    # -- page frame --------------------------------------------------------------------------

    def _frame(self, form: Form) -> PageFrame:
        langs = self.options.languages
        # Anything not validated (a draft, or changed since its sign-off) is marked.
        drafts = [
            lang
            for lang in langs
            if (info := form.languages.get(lang)) is None or info.status is not TextStatus.VALIDATED
        ]
        notes: tuple[tuple[str, bool], ...] = ()
        if drafts:
            notes = tuple(
                (f"{text} ({', '.join(drafts)})", rtl)
                for text, rtl in labels.each_language(langs, labels.DRAFT)
            )
        footer = f"{form.id} v{form.version} · {short_hash(form)}"
        return PageFrame(footer, notes, decorate=self._header)

    def _header(self, top: float) -> tuple[list[DrawOp], float]:
        """Participant-code boxes on every page, so loose pages stay linked to the participant."""
        pattern = self.options.code_pattern
        width = digit_boxes_width(pattern, self.setter)
        rtl_first = is_rtl(self.options.languages[0]) and not self.bilingual
        y_box = top - DIGIT_BOX + 6 * mm
        x_boxes = MARGIN_X if rtl_first else _RIGHT - width
        ops, _ = digit_boxes(x_boxes, y_box, pattern, self.setter)
        names = labels.each_language([c.language for c in self.columns], labels.PARTICIPANT_CODE)
        caption = " / ".join(text for text, _rtl in names)
        style = TextStyle(size=8.5, rtl=rtl_first)
        line = self.setter.line(caption, style)
        x_text = x_boxes + width + 2 * mm if rtl_first else x_boxes - 2 * mm - line.width
        ops.append(lambda c: line.draw(c, x_text, y_box + 1.5 * mm))
        return ops, 6 * mm

    # -- form --------------------------------------------------------------------------------

    def form(self, form: Form) -> None:
        self.flow.new_page(self._frame(form))
        self._texts(form.title, 15, bold=True)
        self.flow.gap(2 * mm)
        if form.instructions is not None:
            self._texts(form.instructions, 10)
        if form.recall_period is not None:
            self._texts(form.recall_period, 10, bold=True)
        self.flow.gap(3 * mm)
        self.current_form = form
        self.numbers = question_numbers(form)
        number = 0
        items = [i for i in form.items if not i.calculated]  # calculations are never asked
        signed = form.kind != "consent"
        i = 0
        while i < len(items):
            item = items[i]
            if item.type is ItemType.LADDER:
                group = [item]
                while (
                    i + len(group) < len(items)
                    and len(group) < 3
                    and items[i + len(group)].type is ItemType.LADDER
                ):
                    group.append(items[i + len(group)])
                place(self.flow, *self.scale_printer.ladders(group, number))
                number += len(group)
                i += len(group)
                continue
            if item.answerable:
                number += 1
            # Signed on paper: a signature and a date line, labelled in every printed language,
            # kept on one page with the last consent statement (a signature alone on a page
            # could be put under another text).
            tail = self._signature() if not signed and i == len(items) - 1 else []
            signed = signed or bool(tail)
            self._item(item, number if item.answerable else None, tail)
            i += 1
        if not signed:
            place(self.flow, *self._signature()[-1])

    def _signature(self) -> list[tuple[list[DrawOp], float]]:
        """The consent's signature block, after a gap, as parts of an item."""
        return [([], 4 * mm), signature_block(self.setter, self.columns, MARGIN_X, _RIGHT)]

    def _texts(self, text: LocalText, size: float, bold: bool = False) -> float:
        """Place one text per column side by side as one block; return its height."""
        blocks = []
        for col in self.columns:
            ops, h = text_block(
                self.setter,
                self.text(text, col.language),
                col.style(size, bold),
                col.x,
                col.width,
                0,
            )
            blocks.append((ops, h))
        height = max(h for _, h in blocks)
        top = self.flow.reserve(height)
        for ops, _ in blocks:
            for op in ops:
                self.flow.draw(shifted(op, top))
        return height

    # -- items -------------------------------------------------------------------------------

    def _item(
        self, item: Item, number: int | None, tail: list[tuple[list[DrawOp], float]] = ()
    ) -> None:
        parts = self._item_parts(item, number)
        height = sum(h for _, h in [*parts, *tail]) + 4 * mm
        top = self.flow.reserve(height)
        y = top
        for ops, h in [*parts, *tail]:
            for op in ops:
                self.flow.draw(shifted(op, y))
            y -= h
        if item.type is ItemType.VAS:
            self._vas_geometry(item, top, parts)

    def _item_parts(self, item: Item, number: int | None) -> list[tuple[list[DrawOp], float]]:
        """Build the blocks of an item relative to y=0 at its top."""
        form, numbers = self.current_form, self.numbers
        parts = [self._question(item, number)]
        parts += self._logic_note(lambda lang: routing_text(form, item, numbers, lang))
        kind = item.type
        if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.CONSENT):
            if kind is ItemType.MULTIPLE_CHOICE:
                parts.append(self._hint(labels.TICK_ALL))
            parts.append(self.option_printer.block(item))
            for code, _condition in item.logic.choice_filter or ():
                parts += self._logic_note(
                    lambda lang, code=code: option_filter_text(item, code, form, numbers, lang)
                )
        elif kind is ItemType.INTEGER:
            digits = max(len(str(item.maximum)) if item.maximum is not None else 3, 1)
            parts.append(self._boxes("0" * digits, item))
        elif kind is ItemType.DECIMAL:
            # Whole digits of the maximum, a printed separator, then the allowed decimals.
            whole = len(str(int(abs(item.maximum)))) if item.maximum is not None else 3
            parts.append(self._boxes("0" * whole + "," + "0" * (item.decimals or 2), item))
        elif kind is ItemType.DATE:
            parts.append(self._hint(labels.DATE_HINT))
            parts.append(self._boxes("00.00.0000", item))
        elif kind is ItemType.TEXT:
            parts.append(self._writing_lines(item))
        elif kind is ItemType.VAS:
            parts.append(self._vas(item))
        parts += self._logic_note(lambda lang: skip_text(form, item, numbers, lang), bold=True)
        message = item.logic.constraint_message
        parts += self._logic_note(lambda lang: message.get(lang) if message else "")
        parts += self._logic_note(lambda lang: range_text(item, lang))
        return parts

    def _logic_note(self, text_of, bold: bool = False) -> list[tuple[list[DrawOp], float]]:
        """A line of routing or an allowed range, in every printed language ([] when none)."""
        texts = {col.language: text_of(col.language) for col in self.columns}
        if not any(texts.values()):
            return []
        ops: list[DrawOp] = []
        height = 0.0
        for col in self.columns:
            x, width = answer_area(self.columns, col)
            o, h = text_block(self.setter, texts[col.language], col.style(8.5, bold), x, width, 0)
            ops += o
            height = max(height, h)
        return [(ops, height + 1 * mm)]

    def _question(self, item: Item, number: int | None) -> tuple[list[DrawOp], float]:
        ops: list[DrawOp] = []
        height = 0.0
        for col in self.columns:
            x, width = col.x, col.width
            if not self.bilingual:
                width -= NUMBER_COL
                if not col.rtl:
                    x += NUMBER_COL
            bold = item.answerable
            col_ops, h = text_block(
                self.setter, self.text(item.text, col.language), col.style(10.5, bold), x, width, 0
            )
            if item.help is not None and item.help.get(col.language):
                help_ops, hh = text_block(
                    self.setter, self.text(item.help, col.language), col.style(8.5), x, width, -h
                )
                col_ops += help_ops
                h += hh
            ops += col_ops
            height = max(height, h)
        if number is not None:
            number_ops, number_height = self._number(number, item.id)
            ops += number_ops
            height = max(height, number_height)
        return ops, height + 1.5 * mm

    def _number(self, number: int, item_id: str) -> tuple[list[DrawOp], float]:
        """Item number and export id (small, for data entry) in the number column or gutter."""
        if self.bilingual:
            x, width, align = MARGIN_X + self.columns[0].width + 1 * mm, GUTTER - 2 * mm, "centre"
        elif self.columns[0].rtl:
            x, width, align = _RIGHT - NUMBER_COL + 1 * mm, NUMBER_COL - 1 * mm, "right"
        else:
            x, width, align = MARGIN_X, NUMBER_COL - 1 * mm, "left"
        return item_number(self.setter, number, item_id, self.primary, x, width, align)

    def _hint(self, msgid: str) -> tuple[list[DrawOp], float]:
        ops: list[DrawOp] = []
        height = 0.0
        for col in self.columns:
            x, width = answer_area(self.columns, col)
            o, h = text_block(
                self.setter, labels.text(col.language, msgid), col.style(8), x, width, 0
            )
            ops += o
            height = max(height, h)
        return ops, height

    def _boxes(self, pattern: str, item: Item) -> tuple[list[DrawOp], float]:
        width = digit_boxes_width(pattern, self.setter)
        col = self.columns[0]
        if self.bilingual:
            x = MARGIN_X + self.columns[0].width + GUTTER / 2 - width / 2
        elif col.rtl:
            x = col.x + col.width - NUMBER_COL - width
        else:
            x = col.x + NUMBER_COL
        ops, _ = digit_boxes(x, -DIGIT_BOX - 0.5 * mm, pattern, self.setter)
        return ops, DIGIT_BOX + 2 * mm

    def _writing_lines(self, item: Item) -> tuple[list[DrawOp], float]:
        count = 4 if item.free_text or (item.max_length or 0) > 100 else 1
        x0 = MARGIN_X + (0 if self.bilingual else NUMBER_COL)
        x1 = MARGIN_X + CONTENT_WIDTH - (NUMBER_COL if not self.bilingual else 0)
        if not self.bilingual and self.columns[0].rtl:
            x0, x1 = MARGIN_X, MARGIN_X + CONTENT_WIDTH - NUMBER_COL
        pitch = 8 * mm

        def op(c, top: float = 0.0) -> None:
            c.setLineWidth(0.5)
            c.setStrokeColorRGB(*GREY)
            for k in range(1, count + 1):
                c.line(x0, top - k * pitch, x1, top - k * pitch)

        return [op], count * pitch + 1 * mm

    # -- VAS -------------------------------------------------------------------------------

    def _vas(self, item: Item) -> tuple[list[DrawOp], float]:
        length = self.options.vas_length_mm * mm
        ops, height, self._pending_vas = self.scale_printer.vas(item, length)
        return ops, height

    def _vas_geometry(self, item: Item, top: float, parts) -> None:
        assert item.scale is not None
        offset = top - parts[0][1]
        where = self._pending_vas
        self.result.vas.append(
            VasGeometry(
                item.id,
                self.flow.page_index,
                where.x,
                offset + where.y_min,
                offset + where.y_max,
                item.scale.min,
                item.scale.max,
            )
        )


_RIGHT = MARGIN_X + CONTENT_WIDTH
