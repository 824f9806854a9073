"""The reviewer's pack: per form and language, every source text, its translation and its
back-translation side by side, with tick boxes and signature lines for the reviewer and the
interpreter who check them together."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from survey_app.forms.backtranslation import BackTranslations, text_stamp
from survey_app.forms.findings import Finding
from survey_app.forms.model import Form, is_rtl
from survey_app.forms.signoff import STEPS, language_state
from survey_app.forms.texts import SOURCE_LANGUAGE, TextRef, Version, form_texts, versions
from survey_app.pdf.fonts import register_fonts
from survey_app.pdf.layout import (
    CONTENT_WIDTH,
    MARGIN_X,
    DrawOp,
    Flow,
    PageFrame,
    box,
    place,
    render,
    rule,
    table_row,
    text_block,
)
from survey_app.pdf.text import TextSetter, TextStyle

KEY_COL = 26 * mm
TICK_COL = 19 * mm
GAP = 3 * mm  # between the text columns, so right-aligned Arabic never touches English
TEXT_COL = (CONTENT_WIDTH - KEY_COL - TICK_COL - 2 * GAP) / 3
TICK = 3.2 * mm
SMALL = TextStyle(size=7.5)
BODY = TextStyle(size=8.5)
BOLD = TextStyle(size=8.5, bold=True)


@dataclass(frozen=True)
class ReviewForm:
    """One form to review: the form as read, its back-translations and its current findings."""

    form: Form
    backs: BackTranslations | None
    findings: Sequence[Finding]


@dataclass(frozen=True)
class ReviewResult:
    """Facts about the printed pack."""

    pages: int
    rows: int


def _style(language: str, size: float = 8.5, bold: bool = False) -> TextStyle:
    if is_rtl(language):
        return TextStyle(size=size * 1.1, bold=bold, rtl=True, leading=1.55)
    return TextStyle(size=size, bold=bold)


def render_review(forms: Sequence[ReviewForm], languages: Sequence[str], out: Path) -> ReviewResult:
    """Print the review pack of each form in each language to one PDF."""
    setter = TextSetter(register_fonts())
    flow = Flow(setter)
    rows = 0
    for review in forms:
        for language in languages:
            rows += _form_language(flow, setter, review, language)
    render(
        flow.pages,
        out,
        setter,
        lambda p, n: [(f"Page {p} of {n}", False)],
        title="Translation review",
    )
    return ReviewResult(len(flow.pages), rows)


def _form_language(flow: Flow, setter: TextSetter, review: ReviewForm, language: str) -> int:
    form = review.form
    footer = (
        f"translation review · {form.id} v{form.version} · {form.content_hash[:12]} · "
        f"{SOURCE_LANGUAGE} to {language}"
    )
    flow.new_page(PageFrame(footer))
    title = form.title.get(SOURCE_LANGUAGE) or form.id
    _para(flow, setter, f"Translation review: {title}", TextStyle(size=14, bold=True))
    info = form.languages.get(language)
    by = review.backs.by.get(language, "") if review.backs else ""
    facts = [
        f"Form {form.id}, version {form.version}, file SHA-256 {form.content_hash[:16]}…",
        f"Language: {language} ({language_state(form, language)}"
        + (f"; {info.note}" if info and info.note else "")
        + ")",
        f"Back-translation by: {by or 'none on file'}",
    ]
    _para(flow, setter, "\n".join(facts), BODY)
    _para(
        flow,
        setter,
        "For each row, read the source text, the translation and its back-translation. Tick "
        "'same' when the translation says what the source says (same meaning, same strength, "
        "same order of answers), 'differs' otherwise and write what differs in the margin. "
        "Rows marked ! have a finding of check-forms. The reviewer and the interpreter sign "
        "the last page together.",
        SMALL,
    )
    _findings(flow, setter, review, language)
    flow.gap(2 * mm)
    place(flow, *_header_row(setter, language))
    count = 0
    for ref in form_texts(form):
        for version, text in versions(ref.text, language):
            place(flow, *_row(setter, review, ref, version, text))
            count += 1
    _signatures(flow, setter, language)
    return count


def _para(flow: Flow, setter: TextSetter, text: str, style: TextStyle) -> None:
    ops, height = text_block(setter, text, style, MARGIN_X, CONTENT_WIDTH, 0)
    place(flow, ops, height + 1.5 * mm)


def _findings(flow: Flow, setter: TextSetter, review: ReviewForm, language: str) -> None:
    tags = (f"[{language}]", f"[{language},")
    relevant = [f for f in review.findings if any(t in f.message for t in tags)]
    if not relevant:
        _para(flow, setter, f"check-forms: no finding for [{language}].", SMALL)
        return
    lines = [f"check-forms ({len(relevant)} finding(s) for [{language}]):"]
    lines += [f"• {f.severity}: {f.message}" for f in relevant[:12]]
    if len(relevant) > 12:
        lines.append(f"• … and {len(relevant) - 12} more: run python main.py check-forms")
    _para(flow, setter, "\n".join(lines), SMALL)


def _header_row(setter: TextSetter, language: str) -> tuple[list[DrawOp], float]:
    cells = [
        ("Text", BOLD),
        (f"Source ({SOURCE_LANGUAGE})", BOLD),
        ("", BOLD),
        (f"Translation ({language})", BOLD),
        ("", BOLD),
        (f"Back-translation ({SOURCE_LANGUAGE})", BOLD),
        ("same / differs", BOLD),
    ]
    ops, height = table_row(setter, cells, _widths())
    return [rule(MARGIN_X, MARGIN_X + CONTENT_WIDTH, 0.8), *ops], height


def _widths() -> list[float]:
    return [KEY_COL, TEXT_COL, GAP, TEXT_COL, GAP, TEXT_COL, TICK_COL]


def _row(
    setter: TextSetter, review: ReviewForm, ref: TextRef, version: Version, text: str
) -> tuple[list[DrawOp], float]:
    back, flag = _back(review, ref, version, text)
    key = _fit(setter, ("! " if flag else "") + ref.key, SMALL, KEY_COL - 3)
    if version.addressee:
        key += f"\n({version.addressee})"
    cells = [
        (key, SMALL),
        (ref.text.get(SOURCE_LANGUAGE), BODY),
        ("", BODY),
        (text, _style(version.language)),
        ("", BODY),
        (back, BODY if not flag else TextStyle(size=8.5, bold=True)),
        ("", BODY),
    ]
    ops, height = table_row(setter, cells, _widths())
    tick_x = MARGIN_X + CONTENT_WIDTH - TICK_COL + 2.5 * mm
    height = max(height, TICK + 4 * mm)
    ops = [
        rule(MARGIN_X, MARGIN_X + CONTENT_WIDTH),
        *ops,
        box(tick_x, -2 * mm - TICK, TICK),
        box(tick_x + TICK + 4 * mm, -2 * mm - TICK, TICK),
    ]
    return ops, height + 1 * mm


def _fit(setter: TextSetter, key: str, style: TextStyle, width: float) -> str:
    """Break a text key after its dots and underscores so that no line is wider than width."""
    pieces = re.findall(r"[^._]*[._]?", key)
    lines = [""]
    for piece in (p for p in pieces if p):
        candidate = lines[-1] + piece
        if lines[-1] and setter.line(candidate, style).width > width:
            lines.append(piece)
        else:
            lines[-1] = candidate
    return "\n".join(lines)


def _back(review: ReviewForm, ref: TextRef, version: Version, text: str) -> tuple[str, bool]:
    """Return the back-translation to print and whether the row needs attention."""
    if not any(c.isalpha() for c in text):
        return "(a number: nothing to back-translate)", False
    entry = review.backs.get(ref.key, version) if review.backs else None
    if entry is None or not entry.back.strip():
        return "(no back-translation on file)", True
    if entry.of != text_stamp(text):
        return f"{entry.back}\n(STALE: the translation changed since)", True
    note = f"\nReview note: {entry.review}" if entry.review else ""
    return entry.back + note, False


def _signatures(flow: Flow, setter: TextSetter, language: str) -> None:
    """The sign-off block: decision boxes, then a line each for the reviewer and the interpreter."""
    ops: list[DrawOp] = [rule(MARGIN_X, MARGIN_X + CONTENT_WIDTH, 0.8)]
    y = -4 * mm
    intro, h = text_block(
        setter,
        f"Outcome of the review of [{language}]. Steps this review covers: "
        f"{', '.join(s.replace('_', ' ') for s in STEPS if 'review' in s or 'proof' in s)}.",
        BODY,
        MARGIN_X,
        CONTENT_WIDTH,
        y,
    )
    ops += intro
    y -= h + 2 * mm
    for label in (
        "Every row has the same meaning: approved",
        "Changes needed (rows ticked 'differs')",
    ):
        ops.append(box(MARGIN_X, y - TICK, TICK))
        text_ops, h = text_block(setter, label, BODY, MARGIN_X + TICK + 2 * mm, 150 * mm, y)
        ops += text_ops
        y -= max(h, TICK) + 2 * mm
    y -= 3 * mm
    for who in ("Reviewer", "Interpreter"):
        ops += _signature_line(setter, who, y)
        y -= 16 * mm
    place(flow, ops, -y)


def _signature_line(setter: TextSetter, who: str, y: float) -> list[DrawOp]:
    fields = [(f"{who}: name and role", 62 * mm), ("Initials", 22 * mm), ("Date", 28 * mm)]
    fields.append(("Signature", CONTENT_WIDTH - sum(w for _, w in fields) - 9 * mm))
    ops: list[DrawOp] = []
    x = MARGIN_X
    for label, width in fields:
        line_y = y - 9 * mm

        def op(c, x=x, width=width, line_y=line_y) -> None:
            c.setLineWidth(0.6)
            c.setStrokeColorRGB(0, 0, 0)
            c.line(x, line_y, x + width, line_y)

        ops.append(op)
        text_ops, _ = text_block(setter, label, SMALL, x, width, line_y - 1.5 * mm)
        ops += text_ops
        x += width + 3 * mm
    return ops
