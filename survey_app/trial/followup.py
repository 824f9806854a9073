"""Who is due for which follow-up, and when (pure): from baselines, follow-ups and withdrawals.

A timepoint is due `after_days` after the participant's completed baseline; its window opens
`window_days` before that day and closes `window_days` after it. Contact stops for anyone who
withdrew from contact or from data collection; reports show counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from survey_app.trial.config import FollowUp

STATUSES = ("done", "withdrawn", "not_yet", "due", "overdue")


@dataclass(frozen=True)
class Due:
    """One participant's state for one follow-up timepoint."""

    code: str
    timepoint: str
    due_date: str
    opens: str
    closes: str
    status: str
    attempts: int
    contact_allowed: bool


def due_list(
    baselines: Mapping[str, str],
    done: Iterable[tuple[str, str]],
    schedule: Sequence[FollowUp],
    *,
    collection_stopped: Iterable[str] = (),
    contact_stopped: Iterable[str] = (),
    attempts: Mapping[tuple[str, str], int] | None = None,
    as_of: str,
) -> list[Due]:
    """Every (code, follow-up) pair with its dates and status as of a day, by due date."""
    finished = set(done)
    stopped, quiet = set(collection_stopped), set(contact_stopped) | set(collection_stopped)
    tried = attempts or {}
    today = date.fromisoformat(as_of)
    out = []
    for code, baseline_day in baselines.items():
        start = date.fromisoformat(baseline_day[:10])
        for step in schedule:
            due = start + timedelta(days=step.after_days)
            opens = due - timedelta(days=step.window_days)
            closes = due + timedelta(days=step.window_days)
            if (code, step.timepoint) in finished:
                status = "done"
            elif code in stopped:
                status = "withdrawn"
            elif today < opens:
                status = "not_yet"
            elif today <= closes:
                status = "due"
            else:
                status = "overdue"
            out.append(
                Due(
                    code=code,
                    timepoint=step.timepoint,
                    due_date=due.isoformat(),
                    opens=opens.isoformat(),
                    closes=closes.isoformat(),
                    status=status,
                    attempts=tried.get((code, step.timepoint), 0),
                    contact_allowed=code not in quiet,
                )
            )
    return sorted(out, key=lambda d: (d.due_date, d.code, d.timepoint))


def counts(dues: Iterable[Due]) -> dict[str, Counter[str]]:
    """timepoint -> status -> number of participants (what reports show)."""
    table: dict[str, Counter[str]] = {}
    for d in dues:
        table.setdefault(d.timepoint, Counter())[d.status] += 1
    return table


def to_remind(dues: Iterable[Due]) -> list[Due]:
    """Participants due or overdue who may still be contacted."""
    return [d for d in dues if d.status in ("due", "overdue") and d.contact_allowed]
