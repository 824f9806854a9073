"""Form logic for a running session (no Qt): what applies, what blocks Next, what to clear.

The rules themselves live in survey_app.forms.logic; this module only maps the session's
answers, keyed by (form id, item id), onto them. The store applies the same rules when it saves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from survey_app.answers.errors import AnswerError
from survey_app.answers.validate import validate_answer
from survey_app.forms.logic import (
    FormState,
    constraint_holds,
    form_state,
    narrowed_answers,
    required_now,
)
from survey_app.forms.model import Form, Item, ItemType, LocalText
from survey_app.ui.flow import PageSpec

Key = tuple[str, str]
Answer = tuple[object, str]

REQUIRED = "required"
CONSTRAINT = "constraint"


def session_today() -> date:
    """The date today() means in a session: UTC, as the store and the importer use it."""
    return datetime.now(UTC).date()


def form_answers(form: Form, answers: dict[Key, Answer]) -> dict[str, Answer]:
    """The answers of one form, keyed by item id."""
    return {item_id: a for (form_id, item_id), a in answers.items() if form_id == form.id}


@dataclass(frozen=True)
class Blocker:
    """Why Next cannot go on: an item must be answered, or its answer breaks its constraint."""

    item_id: str
    kind: str  # REQUIRED | CONSTRAINT


class SessionLogic:
    """Evaluates the logic of the session's forms over the answers shown."""

    def __init__(self, today: date | None = None) -> None:
        self.today = today or session_today()

    def state(self, form: Form, answers: dict[Key, Answer]) -> FormState:
        """Relevance and calculations of one form for the answers shown."""
        return form_state(form, form_answers(form, answers), self.today)

    def applies(self, form: Form, item: Item, answers: dict[Key, Answer]) -> bool:
        """True when the item is asked with these answers."""
        return not form.has_logic or self.state(form, answers).applies(item.id)

    def page_applies(self, spec: PageSpec, answers: dict[Key, Answer]) -> bool:
        """True when at least one item of the page is asked (else the page is skipped)."""
        if not spec.form.has_logic:
            return True
        state = self.state(spec.form, answers)
        return any(state.applies(item.id) for item in spec.items)

    def pages_applying(self, plan: list[PageSpec], answers: dict[Key, Answer]) -> list[bool]:
        """For every page of a plan, whether it is asked with these answers (one state a form)."""
        states: dict[str, FormState | None] = {}
        out = []
        for spec in plan:
            form = spec.form
            if form.id not in states:
                states[form.id] = self.state(form, answers) if form.has_logic else None
            state = states[form.id]
            out.append(state is None or any(state.applies(item.id) for item in spec.items))
        return out

    def dropped(self, form: Form, answers: dict[Key, Answer]) -> list[str]:
        """Items of a form whose answer is cleared: it no longer applies, or none of its
        chosen options is offered any more."""
        if not form.has_logic:
            return []
        state = self.state(form, answers)
        gone = [
            item_id
            for (form_id, item_id) in answers
            if form_id == form.id and not state.applies(item_id)
        ]
        # Cleared as the store clears it (forms.logic.still_offered decides what stays).
        narrowed = narrowed_answers(form, form_answers(form, answers), state)
        return gone + [i for i, kept in narrowed.items() if kept is None and i not in gone]

    def narrowed(self, form: Form, answers: dict[Key, Answer]) -> dict[str, object]:
        """Multiple choice answers that keep only their options still offered: id -> kept."""
        if not form.has_logic:
            return {}
        state = self.state(form, answers)
        narrowed = narrowed_answers(form, form_answers(form, answers), state)
        return {i: kept for i, kept in narrowed.items() if kept is not None}

    def broken_constraint(
        self, form: Form, item: Item, value: object, answers: dict[Key, Answer]
    ) -> LocalText | None:
        """The form's message when a value breaks the item's constraint (None when it holds)."""
        if item.logic.constraint is None or value is None:
            return None
        if constraint_holds(form, item, value, self.state(form, answers)):
            return None
        return item.logic.constraint_message or LocalText({})

    def blockers(
        self, spec: PageSpec, answers: dict[Key, Answer], invalid: set[Key]
    ) -> list[Blocker]:
        """Items on a page that stop Next: an on-screen answer that breaks its constraint,
        or a required item without an answer or a decline."""
        form = spec.form
        state = self.state(form, answers)
        found: list[Blocker] = []
        for item in spec.items:
            if not state.applies(item.id):
                continue
            if (form.id, item.id) in invalid:
                found.append(Blocker(item.id, CONSTRAINT))
            elif (form.id, item.id) not in answers and required_now(item, state):
                found.append(Blocker(item.id, REQUIRED))
        return found

    def defaults(
        self, spec: PageSpec, answers: dict[Key, Answer], done: set[Key]
    ) -> list[tuple[Item, object]]:
        """Items of a page to pre-fill with their default (shown, unanswered, not yet filled)."""
        state = self.state(spec.form, answers) if spec.form.has_logic else None
        out = []
        for item in spec.items:
            key = (spec.form.id, item.id)
            if item.logic.default is None or key in answers or key in done:
                continue
            if state is not None and not state.applies(item.id):
                continue
            raw = item.logic.default
            try:
                value = validate_answer(
                    item, raw.split() if item.type is ItemType.MULTIPLE_CHOICE else raw
                )
            except AnswerError:
                continue  # check-forms refuses such a default; never guess
            out.append((item, value))
        return out
