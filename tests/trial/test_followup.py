"""Follow-up: due dates from the baseline, windows, withdrawals, who may be reminded."""

from __future__ import annotations

from survey_app.trial.config import FollowUp
from survey_app.trial.followup import counts, due_list, to_remind

SCHEDULE = (FollowUp("followup-12m", 365, 30),)
BASELINES = {"A": "2025-01-14", "B": "2025-01-14", "C": "2025-03-01", "D": "2025-01-14"}


def _dues(as_of: str, **kw):
    return {d.code: d for d in due_list(BASELINES, kw.pop("done", ()), SCHEDULE, as_of=as_of, **kw)}


def test_the_due_date_is_the_baseline_plus_the_interval() -> None:
    assert _dues("2025-06-01")["A"].due_date == "2026-01-14"


def test_status_follows_the_window() -> None:
    assert _dues("2025-12-15")["A"].status == "due"  # the window opens 30 days before
    assert _dues("2025-12-14")["A"].status == "not_yet"
    assert _dues("2026-02-14")["A"].status == "overdue"


def test_done_and_withdrawn_are_never_due() -> None:
    dues = _dues("2026-01-20", done={("A", "followup-12m")}, collection_stopped={"B"})
    assert (dues["A"].status, dues["B"].status) == ("done", "withdrawn")


def test_no_reminder_for_who_asked_not_to_be_contacted() -> None:
    dues = due_list(BASELINES, (), SCHEDULE, contact_stopped={"D"}, as_of="2026-01-20")
    assert {d.code for d in to_remind(dues)} == {"A", "B"}


def test_counts_only_per_timepoint_and_status() -> None:
    table = counts(due_list(BASELINES, (), SCHEDULE, as_of="2026-01-20"))
    assert dict(table["followup-12m"]) == {"due": 3, "not_yet": 1}
