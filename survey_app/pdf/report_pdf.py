"""Meeting report: counts of sessions and missing items, never codes or answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reportlab.lib.units import mm

from survey_app.forms.library import FormLibrary, FormUnavailable
from survey_app.forms.model import is_rtl
from survey_app.i18n import N_, Counted, tr
from survey_app.pdf.fonts import register_fonts
from survey_app.pdf.labels import written_day
from survey_app.pdf.layout import (
    CONTENT_WIDTH,
    MARGIN_X,
    Flow,
    PageFrame,
    place,
    render,
    table_row,
    text_block,
)
from survey_app.pdf.text import TextSetter, TextStyle


@dataclass(frozen=True)
class InstrumentMissing:
    """Item completeness of one instrument over the finished sessions that still hold answers."""

    form_id: str
    sessions: int
    items: int
    answered: int
    declined: int
    not_answered: int
    sessions_complete: int


@dataclass
class MeetingReport:
    """Aggregate counts for one meeting (or all meetings) of one laptop: no participant data."""

    scope: str
    generated_at: str
    sessions: int = 0
    meeting: tuple[str, str] | None = None  # (date, place) of one meeting; None for all
    by_timepoint: dict[str, Counter[str]] = field(default_factory=dict)
    by_language: Counter[str] = field(default_factory=Counter)
    # (interpreter language or "-", whether the interpreter assisted)
    interpreter: Counter[tuple[str, bool]] = field(default_factory=Counter)
    source: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    purged: int = 0
    missing: list[InstrumentMissing] = field(default_factory=list)


def report_from_store(store, library: FormLibrary, meeting_id: str | None = None) -> MeetingReport:
    """Count sessions and missing items in a device store (survey_app.store.DeviceStore)."""
    where = None
    if meeting_id is not None:
        meeting = store.meeting(meeting_id)
        scope = f"Meeting {meeting.date}, {meeting.place}"
        where = (meeting.date, meeting.place)
    else:
        scope = "All meetings on this laptop"
    report = MeetingReport(scope, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), meeting=where)
    tallies: dict[str, list[int]] = {}
    for s in store.sessions(meeting_id):
        report.sessions += 1
        state = s.outcome or "in progress"
        report.by_timepoint.setdefault(s.timepoint, Counter())[state] += 1
        report.by_language[s.language] += 1
        report.interpreter[(s.interpreter_language or "-", bool(s.interpreter_assisted))] += 1
        report.source[s.source] += 1
        report.duplicates += int(s.duplicate_flag)
        if s.purged:
            report.purged += 1
            continue
        if s.outcome != "completed":
            continue
        _tally(tallies, store.answers(s.id), library, s.timepoint, s.arm)
    report.missing = [InstrumentMissing(form_id, *t) for form_id, t in sorted(tallies.items())]
    return report


def _tally(tallies, answers, library: FormLibrary, timepoint: str, arm: str | None) -> None:
    status = {(a.form_id, a.item_id): a.status for a in answers}
    try:
        forms = library.steps(timepoint, arm)
    except FormUnavailable:  # a form of the timepoint is unusable now: count what still loads
        forms = list(library.forms.values())
    for form in forms:
        if form.kind != "instrument":
            continue
        items = [i.id for i in form.answerable_items]
        answered = sum(1 for i in items if status.get((form.id, i)) == "answered")
        declined = sum(1 for i in items if status.get((form.id, i)) == "declined")
        t = tallies.setdefault(form.id, [0, 0, 0, 0, 0, 0])
        t[0] += 1
        t[1] += len(items)
        t[2] += answered
        t[3] += declined
        t[4] += len(items) - answered - declined
        t[5] += int(answered == len(items))


PURGED_NOTE = Counted(
    "Counts only. No participant codes and no answers are printed; small counts are shown as "
    "they are. Missing items are counted over completed sessions whose answers are still on "
    "this laptop ({purged} session already purged after transfer).",
    "Counts only. No participant codes and no answers are printed; small counts are shown as "
    "they are. Missing items are counted over completed sessions whose answers are still on "
    "this laptop ({purged} sessions already purged after transfer).",
    "purged",
)

# Values of the store printed as words (session outcome, source of the answers).
VALUES = {
    "completed": N_("completed"),
    "declined": N_("declined"),
    "abandoned": N_("abandoned"),
    "in progress": N_("in progress"),
    "screen": N_("screen"),
    "paper": N_("paper"),
}


def render_report(report: MeetingReport, out: Path, language: str = "en") -> int:
    """Print a meeting report to a PDF file in the staff language; return the number of pages."""
    setter = TextSetter(register_fonts())
    flow = Flow(setter)
    rtl = is_rtl(language)

    def _(message: str, **params: object) -> str:
        return tr(language, message, **params)

    def word(value: str) -> str:
        return _(VALUES[value]) if value in VALUES else value

    def style(size: float, bold: bool = False) -> TextStyle:
        return TextStyle(size=size, bold=bold, rtl=rtl)

    footer = _("meeting report · counts only, no participant codes or answers")
    flow.new_page(PageFrame(footer, footer_rtl=rtl))
    _text(flow, setter, _("Meeting report"), style(15, bold=True))
    if report.meeting is not None:
        day = written_day(report.meeting[0], language)
        scope = _("Meeting {date}, {place}", date=day, place=report.meeting[1])
    else:
        scope = _("All meetings on this laptop")
    _text(flow, setter, scope, style(9))
    _text(
        flow,
        setter,
        _("Generated {moment}", moment=_moment(report.generated_at, language)),
        style(9),
    )
    _text(
        flow,
        setter,
        _(PURGED_NOTE, purged=report.purged),
        style(8.5),
    )
    flow.gap(3 * mm)
    grid = _Grid(flow, setter, rtl)
    grid.table(_("Sessions"), [(_("all sessions"), report.sessions)])
    states = sorted({k for c in report.by_timepoint.values() for k in c})
    rows = [
        [tp, *(c.get(k, 0) for k in states), sum(c.values())]
        for tp, c in sorted(report.by_timepoint.items())
    ]
    header = [_("timepoint"), *(word(k) for k in states), _("total")]
    grid.grid(_("Sessions per timepoint"), header, rows)
    grid.table(_("Language of the questionnaire"), sorted(report.by_language.items()))
    interpreter = [
        (
            (_("no interpreter") if who == "-"
             else _("{lang} (assisted)", lang=who) if assisted
             else _("{lang} (not assisted)", lang=who)),
            n,
        )
        for (who, assisted), n in sorted(report.interpreter.items())
    ]  # fmt: skip
    grid.table(_("Interpreter"), interpreter)
    grid.table(_("Source"), [(word(k), n) for k, n in sorted(report.source.items())])
    grid.table(_("Duplicate participant code + timepoint"), [(_("sessions"), report.duplicates)])
    rows = [
        [
            m.form_id,
            m.sessions,
            m.sessions_complete,
            m.items,
            m.answered,
            m.declined,
            m.not_answered,
        ]
        for m in report.missing
    ]
    grid.grid(
        _("Missing items per instrument (completed sessions)"),
        [
            _("instrument"),
            _("sessions"),
            _("all items answered"),
            _("items asked"),
            _("answered"),
            _("declined"),
            _("not answered"),
        ],
        rows,
        none=_("(none)"),
    )
    render(
        flow.pages,
        out,
        setter,
        lambda p, n: [(_("Page {page} of {pages}", page=p, pages=n), rtl)],
        title=_("Meeting report"),
    )
    return len(flow.pages)


def _text(flow: Flow, setter: TextSetter, text: str, style: TextStyle) -> None:
    ops, h = text_block(setter, text, style, MARGIN_X, CONTENT_WIDTH, 0)
    place(flow, ops, h + 1 * mm)


class _Grid:
    """Titled tables of counts; in a right-to-left language the columns run from the right."""

    def __init__(self, flow: Flow, setter: TextSetter, rtl: bool) -> None:
        self.flow, self.setter, self.rtl = flow, setter, rtl

    def table(self, title: str, rows) -> None:
        self.grid(title, [], [[k, v] for k, v in rows], widths=[70 * mm, 25 * mm])

    def grid(self, title, header, rows, widths=None, none: str = "(none)") -> None:
        self.flow.gap(2 * mm)
        _text(self.flow, self.setter, title, TextStyle(size=11, bold=True, rtl=self.rtl))
        n = len(header) or (len(rows[0]) if rows else 2)
        widths = widths or [CONTENT_WIDTH / n] * n
        if header:
            self._row(
                [(str(t), TextStyle(size=8, bold=True, rtl=self.rtl)) for t in header], widths
            )
        if not rows:
            rows = [[none] + [""] * (n - 1)]
        for row in rows:
            # Counts are ints: written in the staff language's digits (ar: ١٢).
            cells = [(_cell(t, self.rtl), TextStyle(size=8.5, rtl=self.rtl)) for t in row]
            self._row(cells, widths)

    def _row(self, cells, widths) -> None:
        x = MARGIN_X
        if self.rtl:
            cells, widths = cells[::-1], widths[::-1]
            x = MARGIN_X + CONTENT_WIDTH - sum(widths)
        ops, h = table_row(self.setter, cells, widths, x)
        place(self.flow, ops, h)


def _moment(stamp: str, language: str) -> str:
    """ "2026-12-05 12:38 UTC" as "٥ ديسمبر ٢٠٢٦ ١٢:٣٨ UTC" (the day written out, see
    labels.written_day)."""
    from survey_app.answers.digits import shown_number

    day, _, clock = stamp.partition(" ")
    return f"{written_day(day, language)} {shown_number(clock, language)}".strip()


def _cell(value: object, rtl: bool) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        from survey_app.answers.digits import shown_number

        return shown_number(value, "ar" if rtl else "en")
    return str(value)
