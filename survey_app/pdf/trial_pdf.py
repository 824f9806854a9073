"""Printed papers of the trial: a consent receipt and allocation letters (nb, en, ar).

A receipt is printed at the meeting for the participant, in their language, from the consent
record: which text, which version, how it was read, what was agreed. It holds no answer and no
name. Letters are printed by the data manager from the central register: name and address,
and which group the lottery gave, in the participant's preferred language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from survey_app.forms.model import ItemType, is_rtl
from survey_app.i18n import N_, localize_digits, tr
from survey_app.pdf.fonts import register_fonts
from survey_app.pdf.layout import (
    CONTENT_WIDTH,
    MARGIN_X,
    Flow,
    PageFrame,
    place,
    render,
    text_block,
)
from survey_app.pdf.text import TextSetter, TextStyle
from survey_app.private_files import make_private

READING_TEXT = {
    "self": N_("You read the information yourself."),
    "read_aloud": N_("The information was read aloud to you."),
    "audio": N_("You listened to a recording of the information."),
}


@dataclass(frozen=True)
class Letter:
    """One allocation letter: the register entry, the arm, the date of the reveal."""

    person: Any  # survey_app.register.model.Person
    arm: str
    revealed_on: str


class _Paper:
    """A flow of paragraphs in one language, right to left for Arabic."""

    def __init__(self, setter: TextSetter, flow: Flow, language: str) -> None:
        self.setter, self.flow, self.language = setter, flow, language
        self.rtl = is_rtl(language)

    def text(self, text: str, size: float = 10.5, bold: bool = False, gap: float = 2.5) -> None:
        style = TextStyle(size=size, bold=bold, rtl=self.rtl)
        ops, height = text_block(self.setter, text, style, MARGIN_X, CONTENT_WIDTH, 0)
        place(self.flow, ops, height + gap * mm)

    def ui(self, message: str, **params: object) -> str:
        return tr(self.language, message, **params)


def render_receipt(consent: Any, code: str, study: Any, out: Path) -> int:
    """Print a consent receipt (survey_app.register.model.ConsentEntry) to a PDF; page count."""
    form = study.library.by_hash(consent.form_hash) or study.library.forms.get(consent.form_id)
    language = consent.language
    setter = TextSetter(register_fonts())
    flow = Flow(setter)
    paper = _Paper(setter, flow, language)
    _ = paper.ui
    flow.new_page(PageFrame("", ((_("Consent receipt · no answers"), paper.rtl),)))
    paper.text(_("Consent receipt"), size=16, bold=True, gap=4)
    protocol = study.library.protocol
    if protocol is not None:
        paper.text(protocol.title.get(language), size=11, bold=True)
    paper.text(_("Participant code: {code}", code=code))
    title = form.title.get(language) if form is not None else consent.form_id
    paper.text(
        _(
            "Consent form: {title}, version {version} (check {check})",
            title=title,
            version=consent.form_version,
            check=consent.form_hash[:12],
        )
    )
    paper.text(_("Date and place: {date}, {place}", date=_day(consent.at, language),
                  place=consent.place))  # fmt: skip
    paper.text(_(READING_TEXT.get(consent.reading, READING_TEXT["self"])))
    if consent.witness:
        paper.text(_("Witness: {witness}", witness=consent.witness))
    paper.text(_("Staff: {staff}", staff=consent.staff), gap=5)
    if consent.outcome == "given":
        paper.text(_("You agreed to take part in the study."), size=12, bold=True)
    else:
        paper.text(_("You did not agree to take part in the study."), size=12, bold=True)
    if form is not None:
        for item in form.items:
            if item.type is not ItemType.CONSENT or item.id not in consent.decisions:
                continue
            answer = _("Yes") if consent.decisions[item.id] == 1 else _("No")
            paper.text(f"{item.text.get(language)} — {answer}", size=10)
    flow.gap(4 * mm)
    paper.text(
        _(
            "You can withdraw at any time, without giving a reason. Contact the research team "
            "(see the information sheet) and give your participant code."
        )
    )
    paper.text(_("This receipt holds none of your answers."), size=9)
    render(flow.pages, out, setter, lambda p, n: _page(language, p, n), title="Consent receipt")
    make_private(out)
    return len(flow.pages)


def render_letters(letters: Sequence[Letter], study: Any, out: Path) -> int:
    """Print one allocation letter per page, each in its reader's language; page count."""
    setter = TextSetter(register_fonts())
    flow = Flow(setter)
    trial = study.config.trial
    protocol = study.library.protocol
    for letter in letters:
        language = letter.person.language
        paper = _Paper(setter, flow, language)
        _ = paper.ui
        flow.new_page(PageFrame("", ((_("Allocation letter"), paper.rtl),)))
        _address(setter, flow, [letter.person.name, *letter.person.address.splitlines()])
        flow.gap(10 * mm)
        paper.text(_day(date.today().isoformat(), language), gap=6)
        paper.text(_("Dear {name},", name=letter.person.name), gap=4)
        title = protocol.title.get(language) if protocol is not None else study.config.name
        paper.text(_("Thank you for taking part in the study “{title}”.", title=title))
        paper.text(
            _("After your first questionnaire, a lottery decided which group you are in:"),
            gap=4,
        )
        paper.text(trial.arm_text(letter.arm, language), size=12, bold=True, gap=5)
        paper.text(
            _(
                "Taking part is still voluntary. You can withdraw at any time, without giving a "
                "reason, and it will not affect the help you get."
            )
        )
        paper.text(_("Your participant code: {code}", code=letter.person.code), gap=8)
        paper.text(_("Best regards,"), gap=1)
        paper.text(_("The research team"))
    render(flow.pages, out, setter, lambda p, n: (), title="Allocation letters")
    make_private(out)  # names and addresses: owner only, like every file with personal data
    return len(flow.pages)


def _address(setter: TextSetter, flow: Flow, lines: list[str]) -> None:
    """The postal address block: at the left (window envelopes), each line in its own direction."""
    for text in lines:
        style = TextStyle(size=10.5, rtl=_first_strong_rtl(text))
        line = setter.line(text, style)
        size = style.size
        place(
            flow, [lambda c, line=line, size=size: line.draw(c, MARGIN_X, -size)], style.line_height
        )


def _first_strong_rtl(text: str) -> bool:
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _day(stamp: str, language: str) -> str:
    from survey_app.pdf.labels import written_day

    return written_day(stamp, language)


def _page(language: str, number: int, total: int) -> tuple[tuple[str, bool], ...]:
    text = tr(language, "Page {page} of {pages}", page=localize_digits(number, language),
              pages=localize_digits(total, language))  # fmt: skip
    return ((text, is_rtl(language)),)
