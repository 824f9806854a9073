"""The device store's side of form logic (survey_app.forms.logic), inside a save's transaction.

Before an answer is written: an item that does not apply, or a value that breaks its
constraint, is refused. After: answers to items that stopped applying are removed with an audit
entry ("answer_not_applicable", actor system); a choice answer holding options a choice_filter
stops offering loses just those (forms.logic.still_offered: a multiple choice keeps the options
still offered), with an "answer_not_offered" entry naming the removed options (`removed`, an answer
value like `old` and `new`: blanked with them when the answers are purged or erased). Calculated
values are written as answers of their calculate items (no audit: they follow from the answers,
which are audited).
"""

from __future__ import annotations

import json
from datetime import date

import sqlcipher3

from survey_app.forms.logic import (
    FormState,
    constraint_holds,
    form_state,
    narrowed_answers,
    not_applicable_answers,
    not_offered_answers,
    removed_options,
)
from survey_app.forms.model import Form, Item
from survey_app.store.errors import AnswerNotApplicable, ConstraintFailed, OptionNotOffered
from survey_app.store.records import to_json

Answers = dict[str, tuple[object, str]]


def stored_answers(conn: sqlcipher3.Connection, session_id: str, form: Form) -> Answers:
    """A session's answers to one form, as item id -> (value, status)."""
    rows = conn.execute(
        "SELECT item_id, value, status FROM answers WHERE session_id = ? AND form_id = ?",
        (session_id, form.id),
    )
    return {
        r["item_id"]: (None if r["value"] is None else json.loads(r["value"]), r["status"])
        for r in rows
    }


def refuse_if_breaking(
    form: Form, item: Item, answers: Answers, value: object, status: str, today: date
) -> None:
    """Raise when the answer may not be stored: item does not apply, or constraint broken."""
    if not form.has_logic:
        return
    state = form_state(form, answers, today)
    if not state.applies(item.id):
        raise AnswerNotApplicable()
    if status == "answered" and not constraint_holds(form, item, value, state):
        raise ConstraintFailed()
    if item.id in not_offered_answers(form, {item.id: (value, status)}, state):
        raise OptionNotOffered()


def settle(
    conn: sqlcipher3.Connection,
    session_id: str,
    form: Form,
    today: date,
    now: str,
    audit,
) -> FormState | None:
    """After a change: clear answers that no longer apply (audited), store calculations."""
    if not form.has_logic:
        return None
    answers = stored_answers(conn, session_id, form)
    state = form_state(form, answers, today)
    # An answer that stops applying is cleared, and one holding options a choice_filter stops
    # offering keeps only the options still offered; either may change what applies or is
    # offered, so until nothing changes.
    for _ in range(len(form.items) + 1):
        gone = not_applicable_answers(form, answers, state)
        narrowed = {
            i: kept for i, kept in narrowed_answers(form, answers, state).items() if i not in gone
        }
        if not gone and not narrowed:
            break
        for item_id in gone:
            old_value, old_status = answers.pop(item_id)
            _delete(conn, session_id, form, item_id)
            audit(
                conn,
                "answer_not_applicable",
                "system",
                session_id,
                _change(form, item_id, (old_value, old_status), (None, None)),
            )
        for item_id, kept in narrowed.items():
            old_value, old_status = answers.pop(item_id)
            if kept is None:
                _delete(conn, session_id, form, item_id)
                new: tuple[object, str | None] = (None, None)
            else:
                conn.execute(
                    "UPDATE answers SET value = ? WHERE session_id = ? AND form_id = ? "
                    "AND item_id = ?",
                    (to_json(kept), session_id, form.id, item_id),
                )
                answers[item_id] = new = (kept, old_status)
            detail = _change(form, item_id, (old_value, old_status), new)
            detail["removed"] = removed_options(old_value, kept)
            audit(conn, "answer_not_offered", "system", session_id, detail)
        state = form_state(form, answers, today)
    for item_id, value in state.calculated.items():
        if value is None:
            _delete(conn, session_id, form, item_id)
            continue
        if answers.get(item_id) == (value, "answered"):
            continue
        conn.execute(
            "INSERT OR REPLACE INTO answers (session_id, form_id, item_id, value, status, "
            "answered_at, form_version, form_hash) VALUES (?, ?, ?, ?, 'answered', ?, ?, ?)",
            (session_id, form.id, item_id, to_json(value), now, form.version, form.content_hash),
        )
    return state


def _delete(conn: sqlcipher3.Connection, session_id: str, form: Form, item_id: str) -> None:
    conn.execute(
        "DELETE FROM answers WHERE session_id = ? AND form_id = ? AND item_id = ?",
        (session_id, form.id, item_id),
    )


def _change(
    form: Form, item_id: str, old: tuple[object, str | None], new: tuple[object, str | None]
) -> dict[str, object]:
    """An audit entry's detail for a change of one answer (values are blanked on purge)."""
    return {
        "form_id": form.id,
        "item_id": item_id,
        "old": {"value": old[0], "status": old[1]},
        "new": {"value": new[0], "status": new[1]},
    }
