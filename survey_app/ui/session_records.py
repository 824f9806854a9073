"""What the store operations hand to the session and dashboard pages (not needed at start)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from survey_app.forms.model import Form


@dataclass
class LoadedSession:
    """A session with what its view needs (answers only for the participant's own pages)."""

    session: Any
    forms: list[Form]
    answers: dict[tuple[str, str], tuple[object, str]] = field(default_factory=dict)
    consent_done: bool = False
    resume: tuple[str | None, str | None] = (None, None)
    double_entry: bool = False
    touched: set[tuple[str, str]] = field(default_factory=set)  # never pre-filled again


@dataclass(frozen=True)
class UnfinishedSession:
    """A session left in progress, as the dashboard lists it: where it stopped, no answers."""

    session: Any
    page: int | None  # 1-based questionnaire page it was on; None: consent not given yet
    pages: int
    form_id: str | None
