"""Meeting report: counts of sessions and missing items, never codes or answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reportlab.lib.units import mm

from survey_app.forms.library import FormLibrary, FormUnavailable
from survey_app.pdf.fonts import register_fonts
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
    by_timepoint: dict[str, Counter[str]] = field(default_factory=dict)
    by_language: Counter[str] = field(default_factory=Counter)
    interpreter: Counter[str] = field(default_factory=Counter)
    source: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    purged: int = 0
    missing: list[InstrumentMissing] = field(default_factory=list)


def report_from_store(store, library: FormLibrary, meeting_id: str | None = None) -> MeetingReport:
    """Count sessions and missing items in a device store (survey_app.store.DeviceStore)."""
    if meeting_id is not None:
        meeting = store.meeting(meeting_id)
        scope = f"Meeting {meeting.date}, {meeting.place}"
    else:
        scope = "All meetings on this laptop"
    report = MeetingReport(scope, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    tallies: dict[str, list[int]] = {}
    for s in store.sessions(meeting_id):
        report.sessions += 1
        state = s.outcome or "in progress"
        report.by_timepoint.setdefault(s.timepoint, Counter())[state] += 1
        report.by_language[s.language] += 1
        who = s.interpreter_language or "-"
        report.interpreter[
            f"{who} ({'assisted' if s.interpreter_assisted else 'not assisted'})"
        ] += 1
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


def render_report(report: MeetingReport, out: Path) -> int:
    """Print a meeting report to a PDF file; return the number of pages."""
    setter = TextSetter(register_fonts())
    flow = Flow(setter)
    flow.new_page(PageFrame("meeting report · counts only, no participant codes or answers"))
    _text(flow, setter, "Meeting report", TextStyle(size=15, bold=True))
    _text(flow, setter, f"{report.scope} · generated {report.generated_at}", TextStyle(size=9))
    _text(
        flow,
        setter,
        "Counts only. No participant codes and no answers are printed; small counts are shown "
        "as they are. Missing items are counted over completed sessions whose answers are still "
        f"on this laptop ({report.purged} session(s) already purged after transfer).",
        TextStyle(size=8.5),
    )
    flow.gap(3 * mm)
    _table(flow, setter, "Sessions", [("all sessions", report.sessions)])
    states = sorted({k for c in report.by_timepoint.values() for k in c})
    rows = [
        [tp, *(str(c.get(k, 0)) for k in states), str(sum(c.values()))]
        for tp, c in sorted(report.by_timepoint.items())
    ]
    _grid(flow, setter, "Sessions per timepoint", ["timepoint", *states, "total"], rows)
    _table(flow, setter, "Language of the questionnaire", sorted(report.by_language.items()))
    _table(flow, setter, "Interpreter", sorted(report.interpreter.items()))
    _table(flow, setter, "Source", sorted(report.source.items()))
    _table(
        flow, setter, "Duplicate participant code + timepoint", [("sessions", report.duplicates)]
    )
    rows = [
        [
            m.form_id,
            str(m.sessions),
            str(m.sessions_complete),
            str(m.items),
            str(m.answered),
            str(m.declined),
            str(m.not_answered),
        ]
        for m in report.missing
    ]
    _grid(
        flow,
        setter,
        "Missing items per instrument (completed sessions)",
        [
            "instrument",
            "sessions",
            "all items answered",
            "items asked",
            "answered",
            "declined",
            "not answered",
        ],
        rows,
    )
    render(
        flow.pages, out, setter, lambda p, n: [(f"Page {p} of {n}", False)], title="Meeting report"
    )
    return len(flow.pages)


def _text(flow: Flow, setter: TextSetter, text: str, style: TextStyle) -> None:
    ops, h = text_block(setter, text, style, MARGIN_X, CONTENT_WIDTH, 0)
    place(flow, ops, h + 1 * mm)


def _table(flow: Flow, setter: TextSetter, title: str, rows) -> None:
    _grid(flow, setter, title, [], [[str(k), str(v)] for k, v in rows], widths=[70 * mm, 25 * mm])


def _grid(flow, setter, title, header, rows, widths=None) -> None:
    flow.gap(2 * mm)
    _text(flow, setter, title, TextStyle(size=11, bold=True))
    n = len(header) or (len(rows[0]) if rows else 2)
    widths = widths or [CONTENT_WIDTH / n] * n
    if header:
        ops, h = table_row(setter, [(t, TextStyle(size=8, bold=True)) for t in header], widths)
        place(flow, ops, h)
    if not rows:
        rows = [["(none)"] + [""] * (n - 1)]
    for row in rows:
        ops, h = table_row(setter, [(t, TextStyle(size=8.5)) for t in row], widths)
        place(flow, ops, h)
