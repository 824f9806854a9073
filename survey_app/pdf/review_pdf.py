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
from survey_app.i18n import N_, Counted, tr
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
from survey_app.program_name import SOURCE

KEY_COL = 26 * mm
TICK_COL = 19 * mm
GAP = 3 * mm  # between the text columns, so right-aligned Arabic never touches English
TEXT_COL = (CONTENT_WIDTH - KEY_COL - TICK_COL - 2 * GAP) / 3
TICK = 3.2 * mm
FACT_COL = 32 * mm
SMALL = TextStyle(size=7.5)
BODY = TextStyle(size=8.5)
BOLD = TextStyle(size=8.5, bold=True)


@dataclass(frozen=True)
class ReviewForm:
    """One form to review: the form as read, its back-translations and its current findings."""

    form: Form
    backs: BackTranslations | None
    findings: Sequence[Finding]
    program: str = SOURCE  # how the findings were checked (`survey-app`): "run ... check-forms"


@dataclass(frozen=True)
class ReviewResult:
    """Facts about the printed pack."""

    pages: int
    rows: int


def _style(language: str, size: float = 8.5, bold: bool = False) -> TextStyle:
    if is_rtl(language):
        return TextStyle(size=size * 1.1, bold=bold, rtl=True, leading=1.55)
    return TextStyle(size=size, bold=bold)


class _Staff:
    """The staff language of the pack's headings and notes (the texts keep their own)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.rtl = is_rtl(language)

    def __call__(self, message: str, **params: object) -> str:
        return tr(self.language, message, **params)

    def style(self, size: float = 8.5, bold: bool = False) -> TextStyle:
        return _style(self.language, size, bold)


def render_review(
    forms: Sequence[ReviewForm], languages: Sequence[str], out: Path, staff: str = "en"
) -> ReviewResult:
    """Print the review pack of each form in each language to one PDF, headed in `staff`."""
    setter = TextSetter(register_fonts())
    flow = Flow(setter)
    _ = _Staff(staff)
    rows = 0
    for review in forms:
        for language in languages:
            rows += _form_language(flow, setter, review, language, _)
    render(
        flow.pages,
        out,
        setter,
        lambda p, n: [(_("Page {page} of {pages}", page=p, pages=n), _.rtl)],
        title=_("Translation review"),
    )
    return ReviewResult(len(flow.pages), rows)


def _form_language(
    flow: Flow, setter: TextSetter, review: ReviewForm, language: str, _: _Staff
) -> int:
    form = review.form
    footer = _(
        "translation review · {form} v{version} · {hash} · {source} to {lang}",
        form=form.id,
        version=form.version,
        hash=form.content_hash[:12],
        source=SOURCE_LANGUAGE,
        lang=language,
    )
    flow.new_page(PageFrame(footer, footer_rtl=_.rtl))
    title = form.title.get(SOURCE_LANGUAGE) or form.id
    _para(flow, setter, _("Translation review"), _.style(14, bold=True))
    # The source title on a line of its own, left to right: beside an Arabic heading its
    # closing bracket would take the Arabic line's direction.
    _para(flow, setter, title, TextStyle(size=12, bold=True))
    info = form.languages.get(language)
    by = review.backs.by.get(language, "") if review.backs else ""
    state = str(language_state(form, language))
    facts = [
        (_("Form"), form.id),
        (_("Version"), form.version),
        (_("File SHA-256"), form.content_hash),
        (_("Language"), f"{language} ({_(STATE.get(state, state))})"),
    ]
    if info and info.note:
        facts.append((_("Note"), info.note))
    facts.append((_("Back-translation by"), by or _("none on file")))
    # Heading and value in cells of their own: the form file's English notes and names keep
    # their own direction under Arabic headings.
    for label, value in facts:
        ops, height = table_row(
            setter,
            [(label, _.style()), (value, _auto(value))],
            [FACT_COL, CONTENT_WIDTH - FACT_COL],
        )
        place(flow, ops, height)
    flow.gap(1.5 * mm)
    _para(
        flow,
        setter,
        _(
            "For each row, read the source text, the translation and its back-translation. "
            "Tick 'same' when the translation says what the source says (same meaning, same "
            "strength, same order of answers), 'differs' otherwise and write what differs in "
            "the margin. Rows marked ! have a finding of check-forms. The reviewer and the "
            "interpreter sign the last page together."
        ),
        _.style(7.5),
    )
    _findings(flow, setter, review, language, _)
    flow.gap(2 * mm)
    place(flow, *_header_row(setter, language, _))
    count = 0
    for ref in form_texts(form):
        for version, text in versions(ref.text, language):
            place(flow, *_row(setter, review, ref, version, text, _))
            count += 1
    _signatures(flow, setter, language, _)
    return count


# What language_state() says of a language, as printed.
STATE = {
    "draft": N_("draft"),
    "validated": N_("validated"),
    "changed since validation": N_("changed since validation"),
}


def _para(flow: Flow, setter: TextSetter, text: str, style: TextStyle) -> None:
    ops, height = text_block(setter, text, style, MARGIN_X, CONTENT_WIDTH, 0)
    place(flow, ops, height + 1.5 * mm)


def _findings(flow: Flow, setter: TextSetter, review: ReviewForm, language: str, _: _Staff) -> None:
    tags = (f"[{language}]", f"[{language},")
    relevant = [f for f in review.findings if any(t in f.message for t in tags)]
    if not relevant:
        _para(flow, setter, _("check-forms: no finding for [{lang}].", lang=language),
              _.style(7.5))  # fmt: skip
        return
    head = Counted(
        "check-forms ({count} finding for [{lang}]):",
        "check-forms ({count} findings for [{lang}]):",
    )
    _para(flow, setter, _(head, count=len(relevant), lang=language), _.style(7.5))
    # The findings themselves are check-forms' own messages (English, as on its console).
    lines = [f"• {f.severity}: {f.message}" for f in relevant[:12]]
    if len(relevant) > 12:
        lines.append(f"• … and {len(relevant) - 12} more: run {review.program} check-forms")
    _para(flow, setter, "\n".join(lines), SMALL)


def _header_row(setter: TextSetter, language: str, _: _Staff) -> tuple[list[DrawOp], float]:
    bold = _.style(bold=True)
    cells = [
        (_("Text"), bold),
        (_("Source ({lang})", lang=SOURCE_LANGUAGE), bold),
        ("", BOLD),
        (_("Translation ({lang})", lang=language), bold),
        ("", BOLD),
        (_("Back-translation ({lang})", lang=SOURCE_LANGUAGE), bold),
        (_("same / differs"), bold),
    ]
    ops, height = table_row(setter, cells, _widths())
    return [rule(MARGIN_X, MARGIN_X + CONTENT_WIDTH, 0.8), *ops], height


def _widths() -> list[float]:
    return [KEY_COL, TEXT_COL, GAP, TEXT_COL, GAP, TEXT_COL, TICK_COL]


def _row(
    setter: TextSetter, review: ReviewForm, ref: TextRef, version: Version, text: str, _: _Staff
) -> tuple[list[DrawOp], float]:
    back, flag = _back(review, ref, version, text, _)
    key = _fit(setter, ("! " if flag else "") + ref.key, SMALL, KEY_COL - 3)
    if version.addressee:
        key += "\n" + _(ADDRESSEE.get(str(version.addressee), str(version.addressee)))
    cells = [
        (key, SMALL),
        (ref.text.get(SOURCE_LANGUAGE), BODY),
        ("", BODY),
        (text, _style(version.language)),
        ("", BODY),
        (back, _back_style(back, flag)),
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


ADDRESSEE = {"female": N_("(female)"), "male": N_("(male)")}


def _back_style(back: str, flag: bool) -> TextStyle:
    # The back-translation is English; a note of ours around it may be Arabic (staff ar).
    return TextStyle(size=8.5, bold=flag, rtl=_first_strong_rtl(back))


def _auto(text: str) -> TextStyle:
    """A body style in the direction of the text's first letter."""
    return _style("ar" if _first_strong_rtl(text) else SOURCE_LANGUAGE)


def _first_strong_rtl(text: str) -> bool:
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _back(
    review: ReviewForm, ref: TextRef, version: Version, text: str, _: _Staff
) -> tuple[str, bool]:
    """Return the back-translation to print and whether the row needs attention."""
    if not any(c.isalpha() for c in text):
        return _("(a number: nothing to back-translate)"), False
    entry = review.backs.get(ref.key, version) if review.backs else None
    if entry is None or not entry.back.strip():
        return _("(no back-translation on file)"), True
    if entry.of != text_stamp(text):
        return f"{entry.back}\n" + _("(STALE: the translation changed since)"), True
    note = "\n" + _("Review note: {note}", note=entry.review) if entry.review else ""
    return entry.back + note, False


# The sign-off steps a review covers (survey_app.forms.signoff.STEPS), as printed.
STEP_NAMES = {
    "back_translation_review": N_("back-translation review"),
    "proofreading": N_("proofreading"),
}


def _signatures(flow: Flow, setter: TextSetter, language: str, _: _Staff) -> None:
    """The sign-off block: decision boxes, then a line each for the reviewer and the interpreter."""
    ops: list[DrawOp] = [rule(MARGIN_X, MARGIN_X + CONTENT_WIDTH, 0.8)]
    y = -4 * mm
    steps = [s for s in STEPS if "review" in s or "proof" in s]
    intro, h = text_block(
        setter,
        _(
            "Outcome of the review of [{lang}]. Steps this review covers: {steps}.",
            lang=language,
            steps=", ".join(_(STEP_NAMES.get(s, s.replace("_", " "))) for s in steps),
        ),
        _.style(),
        MARGIN_X,
        CONTENT_WIDTH,
        y,
    )
    ops += intro
    y -= h + 2 * mm
    for label in (
        _("Every row has the same meaning: approved"),
        _("Changes needed (rows ticked 'differs')"),
    ):
        # The box at the start of the line: at the right for a right-to-left language.
        box_x = MARGIN_X + CONTENT_WIDTH - TICK if _.rtl else MARGIN_X
        text_x = (
            MARGIN_X + CONTENT_WIDTH - TICK - 2 * mm - 150 * mm if _.rtl else box_x + TICK + 2 * mm
        )
        ops.append(box(box_x, y - TICK, TICK))
        text_ops, h = text_block(setter, label, _.style(), text_x, 150 * mm, y)
        ops += text_ops
        y -= max(h, TICK) + 2 * mm
    y -= 3 * mm
    for who in (_("Reviewer: name and role"), _("Interpreter: name and role")):
        ops += _signature_line(setter, who, y, _)
        y -= 16 * mm
    place(flow, ops, -y)


def _signature_line(setter: TextSetter, who: str, y: float, _: _Staff) -> list[DrawOp]:
    fields = [(who, 62 * mm), (_("Initials"), 22 * mm), (_("Date"), 28 * mm)]
    fields.append((_("Signature"), CONTENT_WIDTH - sum(w for _l, w in fields) - 9 * mm))
    if _.rtl:
        fields.reverse()  # read from the right: name and role first, signature last
    ops: list[DrawOp] = []
    x = MARGIN_X
    for label, width in fields:
        line_y = y - 9 * mm

        def op(c, x=x, width=width, line_y=line_y) -> None:
            c.setLineWidth(0.6)
            c.setStrokeColorRGB(0, 0, 0)
            c.line(x, line_y, x + width, line_y)

        ops.append(op)
        text_ops, _h = text_block(setter, label, _.style(7.5), x, width, line_y - 1.5 * mm)
        ops += text_ops
        x += width + 3 * mm
    return ops
