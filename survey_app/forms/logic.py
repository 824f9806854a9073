"""Form logic over a participant's answers: which items apply, calculated values, constraints.

One rule, one place: the UI (show/hide, blocking Next), the device store (refusing answers,
clearing answers that no longer apply, storing calculations) and the importer (refusing
submissions) all ask this module. Answers come as item id -> (stored value, status); a declined
answer, a missing answer and the answer of an item that does not apply all read as empty.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from survey_app.forms.expressions import EMPTY, Context, Selection, Value, evaluate
from survey_app.forms.expressions.parser import Expression
from survey_app.forms.expressions.values import to_bool, to_date, to_number, to_string
from survey_app.forms.model import Form, Item, ItemType, ResultType

Answers = Mapping[str, tuple[object, str]]
DECLINED = "declined"


def answer_value(item: Item, answer: tuple[object, str] | None) -> Value:
    """What an expression sees for a stored answer (see module docstring)."""
    if answer is None:
        return EMPTY
    value, status = answer
    if status == DECLINED or value is None:
        return EMPTY
    kind = item.type
    if kind is ItemType.MULTIPLE_CHOICE and isinstance(value, list | tuple):
        return Selection(tuple(str(v) for v in value))
    if kind is ItemType.DATE or (item.logic.result is ResultType.DATE and item.calculated):
        return to_date(str(value)) or EMPTY
    if isinstance(value, int | float):  # a bool too (an int): 1.0 or 0.0
        return float(value)
    return str(value)


def _safe(expression: Expression, context: Context) -> Value:
    # Checked forms cannot fail here; a runaway number (round(1, 1e9)) reads as empty.
    try:
        return evaluate(expression.tree, context)
    except (ArithmeticError, ValueError, OverflowError):
        return EMPTY


def holds(expression: Expression | None, context: Context, default: bool = True) -> bool:
    """Evaluate a condition; no condition means `default`."""
    if expression is None:
        return default
    return to_bool(_safe(expression, context))


def stored_calculation(item: Item, value: Value) -> object | None:
    """The value a calculate item stores: None when the result is empty or not a number."""
    result = item.logic.result or ResultType.NUMBER
    if result is ResultType.TEXT:
        text = to_string(value)
        return text or None
    if result is ResultType.DATE:
        day = to_date(value) if not isinstance(value, float) else None
        return day.isoformat() if day else None
    if isinstance(value, str) and value.strip() == "":
        return None
    number = to_number(value)
    if math.isnan(number) or math.isinf(number):
        return None
    if number == int(number):
        return int(number)
    return round(number, 10)


@dataclass(frozen=True)
class FormState:
    """Which items apply now, the values expressions see, and the calculated values."""

    relevant: Mapping[str, bool]
    sections: Mapping[str, bool]
    values: Mapping[str, Value]
    calculated: Mapping[str, object | None]
    today: date

    def applies(self, item_id: str) -> bool:
        """True when the item (and every section around it) applies."""
        return self.relevant.get(item_id, True)

    def context(self, current: Value = EMPTY) -> Context:
        return Context(values=self.values, current=current, today=self.today)


def form_state(form: Form, answers: Answers, today: date) -> FormState:
    """Compute relevance and calculations from answers (to a fixed point; logic is acyclic)."""
    # What each pass asks of an item, looked up once: the passes repeat it for every item.
    steps = [
        (
            item,
            item.id,
            item.section,
            item.logic.relevant,
            item.logic.calculate if item.calculated else None,
            item.answerable,
        )
        for item in form.items
    ]
    base = {
        item_id: answer_value(item, answers.get(item_id))
        for item, item_id, _section, _relevant, _calculate, answerable in steps
        if answerable
    }
    values: dict[str, Value] = dict(base)
    relevant: dict[str, bool] = {}
    sections: dict[str, bool] = {}
    calculated: dict[str, object | None] = {}
    for _ in range(len(steps) + 2):
        context = Context(values=values, today=today)
        new_sections = _sections(form, context)
        new_relevant: dict[str, bool] = {}
        new_values: dict[str, Value] = {}
        new_calculated: dict[str, object | None] = {}
        for item, item_id, section, condition, calculate, answerable in steps:
            applies = _section_applies(form, section, new_sections) and (
                condition is None or holds(condition, context)
            )
            new_relevant[item_id] = applies
            if calculate is not None:
                stored = stored_calculation(item, _safe(calculate, context))
                stored = stored if applies else None
                new_calculated[item_id] = stored
                new_values[item_id] = answer_value(item, None if stored is None else (stored, ""))
            elif answerable:
                new_values[item_id] = base[item_id] if applies else EMPTY
        stable = (new_relevant, new_calculated, new_sections) == (relevant, calculated, sections)
        # A pass is a function of the values it reads: when it gives back the values it read,
        # the next pass would repeat it exactly, so it is the fixed point already (one pass
        # saved, usually the second of two).
        settled = new_values == values
        values, relevant, sections, calculated = (
            new_values,
            new_relevant,
            new_sections,
            new_calculated,
        )
        if stable or settled:
            break
    return FormState(relevant, sections, values, calculated, today)


def _sections(form: Form, context: Context) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for section in form.sections:  # parents come before their children
        parent_ok = out.get(section.parent, True) if section.parent else True
        out[section.id] = parent_ok and holds(section.relevant, context)
    return out


def _section_applies(form: Form, section_id: str | None, sections: Mapping[str, bool]) -> bool:
    return section_id is None or sections.get(section_id, True)


def constraint_holds(form: Form, item: Item, value: object, state: FormState) -> bool:
    """True when a stored value satisfies the item's constraint (or it has none)."""
    constraint = item.logic.constraint
    if constraint is None or value is None:
        return True
    current = answer_value(item, (value, "answered"))
    values = dict(state.values)
    values[item.id] = current
    context = Context(values=values, current=current, today=state.today)
    return to_bool(_safe(constraint, context))


def offered(item: Item, state: FormState) -> frozenset[int] | None:
    """Option codes of a choice item offered now (None: every option, no choice_filter)."""
    if not item.logic.choice_filter or item.scale is None:
        return None
    context = state.context()
    return frozenset(
        code for code in item.scale.codes if holds(item.logic.option_condition(code), context)
    )


def _chosen(value: object) -> set[int]:
    if isinstance(value, list | tuple):
        return {v for v in value if isinstance(v, int)}
    return {value} if isinstance(value, int) and not isinstance(value, bool) else set()


def not_offered_answers(form: Form, answers: Answers, state: FormState) -> list[str]:
    """Item ids whose answer holds an option its choice_filter does not offer now."""
    out = []
    for item in form.items:
        if not item.logic.choice_filter:
            continue  # every option is offered (offered)
        answer = answers.get(item.id)
        if answer is None or answer[1] == DECLINED or not state.applies(item.id):
            continue
        codes = offered(item, state)
        if codes is not None and not _chosen(answer[0]) <= codes:
            out.append(item.id)
    return out


def still_offered(item: Item, value: object, state: FormState) -> object | None:
    """What stays of a choice answer when only the options offered now may stay.

    A multiple choice keeps its chosen options that are still offered (in their order); a
    single choice stays whole or goes. None: nothing stays, the answer is cleared.
    """
    codes = offered(item, state)
    if codes is None or value is None:
        return value
    if isinstance(value, list | tuple):
        kept = [v for v in value if v in codes]
        return kept or None
    return value if value in codes else None


def narrowed_answers(form: Form, answers: Answers, state: FormState) -> dict[str, object | None]:
    """Item id -> what stays of its answer, for answers holding options no longer offered."""
    return {
        item_id: still_offered(form.item(item_id), answers[item_id][0], state)
        for item_id in not_offered_answers(form, answers, state)
    }


def removed_options(before: object, after: object | None) -> list[int]:
    """The chosen option codes an answer loses when it goes from `before` to `after`."""
    return sorted(_chosen(before) - _chosen(after))


def acceptable(form: Form, item: Item, value: object, state: FormState) -> bool:
    """True when a value may be stored now: its constraint holds and its options are offered."""
    if not constraint_holds(form, item, value, state):
        return False
    codes = offered(item, state)
    return codes is None or value is None or _chosen(value) <= codes


def required_now(item: Item, state: FormState) -> bool:
    """True when the item must be answered (or declined) before moving on."""
    if not item.answerable or not state.applies(item.id):
        return False
    return item.required or holds(item.logic.required, state.context(), default=False)


def not_applicable_answers(form: Form, answers: Answers, state: FormState) -> list[str]:
    """Item ids that hold an answer although the item does not apply."""
    return [
        i.id for i in form.items if i.answerable and i.id in answers and not state.applies(i.id)
    ]


def submission_problems(
    form: Form, answers: Answers, today: date, state: FormState | None = None
) -> list[str]:
    """Why a set of answers to one form breaks its logic (empty when it does not).

    `state`: form_state(form, answers, today) when the caller has it already.
    """
    if state is None:
        state = form_state(form, answers, today)
    reasons = []
    for item_id in not_applicable_answers(form, answers, state):
        reasons.append(f"item {item_id!r} is answered although it does not apply")
    for item in form.items:
        if item.logic.constraint is None:
            continue  # holds whatever the answer (constraint_holds)
        answer = answers.get(item.id)
        if not item.answerable or answer is None or answer[1] == DECLINED:
            continue
        if state.applies(item.id) and not constraint_holds(form, item, answer[0], state):
            reasons.append(f"the answer to {item.id!r} breaks its constraint")
    for item_id in not_offered_answers(form, answers, state):
        reasons.append(f"the answer to {item_id!r} is an option its choice_filter does not offer")
    return reasons


def conditions(form: Form, item: Item) -> list[Expression]:
    """Every condition an item is asked under: its sections' (outermost first) and its own."""
    chain: list[Expression] = []
    parents = {s.id: s for s in form.sections}
    current = item.section
    seen: set[str] = set()
    while current is not None and current in parents and current not in seen:
        seen.add(current)
        section = parents[current]
        if section.relevant is not None:
            chain.insert(0, section.relevant)
        current = section.parent
    if item.logic.relevant is not None:
        chain.append(item.logic.relevant)
    return chain


def condition_text(form: Form, item: Item) -> str:
    """The conditions of an item as one expression text ('' when always asked)."""
    chain = conditions(form, item)
    if len(chain) == 1:
        return chain[0].canonical
    return " and ".join(f"({c.canonical})" for c in chain)
