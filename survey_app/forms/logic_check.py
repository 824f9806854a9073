"""Form-level checks of logic: names, order, cycles, types and default values.

A condition (relevant, required, constraint) may only use answers given before it: a participant
cannot be routed by a question they have not seen yet. Calculations may use any item, but not
themselves through other calculations (a cycle has no value). Conditions that use a calculation
inherit the calculation's references.
"""

from __future__ import annotations

from collections.abc import Mapping

from survey_app.answers.errors import AnswerError
from survey_app.answers.validate import validate_answer
from survey_app.forms.expressions.typecheck import Kind, RefInfo, check_expression
from survey_app.forms.findings import Finding, FindingSink
from survey_app.forms.logic_loader import ExpressionEntry
from survey_app.forms.model import Form, Item, ItemType, ResultType
from survey_app.forms.sources import FormSource

_KINDS: Mapping[ItemType, Kind] = {
    ItemType.SINGLE_CHOICE: Kind.NUMBER,
    ItemType.MULTIPLE_CHOICE: Kind.SELECTION,
    ItemType.LADDER: Kind.NUMBER,
    ItemType.VAS: Kind.NUMBER,
    ItemType.INTEGER: Kind.NUMBER,
    ItemType.DECIMAL: Kind.NUMBER,
    ItemType.TEXT: Kind.TEXT,
    ItemType.DATE: Kind.DATE,
    ItemType.CONSENT: Kind.NUMBER,
    ItemType.NOTE: Kind.NONE,
}
_RESULT_KINDS = {
    ResultType.NUMBER: Kind.NUMBER,
    ResultType.TEXT: Kind.TEXT,
    ResultType.DATE: Kind.DATE,
}


def ref_info(item: Item) -> RefInfo:
    """What an item's value looks like to an expression."""
    if item.type is ItemType.CALCULATE:
        return RefInfo(_RESULT_KINDS[item.logic.result or ResultType.NUMBER])
    codes = None
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE) and item.scale:
        codes = frozenset(item.scale.codes)
    elif item.type is ItemType.CONSENT:
        codes = frozenset({0, 1})
    return RefInfo(_KINDS[item.type], codes, str(item.type))


def check_logic(form: Form, source: FormSource, path: str) -> list[Finding]:
    """Return every finding about the expressions and defaults of one loaded form."""
    findings: list[Finding] = []
    sink = FindingSink(path, findings)
    names = {item.id: ref_info(item) for item in form.items if item.id}
    index = {item.id: i for i, item in enumerate(form.items)}
    calcs = {i.id: i.logic.calculate.refs for i in form.items if i.calculated and i.logic.calculate}
    entries: list[ExpressionEntry] = source.expressions
    for entry in entries:
        where = f"{'section' if entry.is_section else 'item'} '{entry.owner}' {entry.key}"
        current = None
        if entry.key == "constraint" and entry.owner in index:
            current = names.get(entry.owner)
        for problem in check_expression(entry.expression, names, current):
            report = sink.error if problem.error else sink.warning
            report(entry.line, f"{where}: {problem.message}")
        if entry.key != "calculate":
            _check_order(sink, form, entry, where, index, calcs)
    _check_cycles(sink, form, calcs)
    for item in form.items:
        _check_filter_codes(sink, item)
        _check_default(sink, form, item)
        _check_required(sink, form, item)
    return findings


def _first_index(form: Form, entry: ExpressionEntry, index: Mapping[str, int]) -> int | None:
    if not entry.is_section:
        return index.get(entry.owner)
    inside = [i for i, item in enumerate(form.items) if _in_section(form, item, entry.owner)]
    return min(inside) if inside else None


def _in_section(form: Form, item: Item, section_id: str) -> bool:
    current = item.section
    parents = {s.id: s.parent for s in form.sections}
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current == section_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _expanded(refs: frozenset[str], calcs: Mapping[str, frozenset[str]]) -> dict[str, str]:
    """Every item a condition depends on -> the calculation it comes through ('' if direct)."""
    out: dict[str, str] = {}
    stack = [(name, "") for name in sorted(refs)]
    while stack:
        name, via = stack.pop()
        if name in out:
            continue
        out[name] = via
        for dep in sorted(calcs.get(name, ())):
            stack.append((dep, via or name))
    return out


def _check_order(
    sink: FindingSink,
    form: Form,
    entry: ExpressionEntry,
    where: str,
    index: Mapping[str, int],
    calcs: Mapping[str, frozenset[str]],
) -> None:
    own = _first_index(form, entry, index)
    if own is None:
        return
    for name, via in _expanded(entry.expression.refs, calcs).items():
        position = index.get(name)
        if position is None or form.items[position].calculated:
            continue
        through = f" (through ${{{via}}})" if via else ""
        if name == entry.owner and not entry.is_section:
            if entry.key != "constraint":
                sink.error(entry.line, f"{where}: refers to its own item ${{{name}}}{through}")
            continue
        if position > own or (entry.is_section and position >= own):
            sink.error(
                entry.line,
                f"{where}: refers to ${{{name}}}{through}, which is asked later; a condition "
                "can only use answers given before it",
            )


def _check_cycles(sink: FindingSink, form: Form, calcs: Mapping[str, frozenset[str]]) -> None:
    reported: set[frozenset[str]] = set()
    for start in calcs:
        path = _cycle_from(start, calcs)
        if path and frozenset(path) not in reported:
            reported.add(frozenset(path))
            item = form.item(start)
            chain = " -> ".join("${" + p + "}" for p in [*path, path[0]])
            sink.error(item.line, f"item '{start}' calculate: calculations form a cycle: {chain}")


def _cycle_from(start: str, calcs: Mapping[str, frozenset[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        name, path = stack.pop()
        for dep in sorted(calcs.get(name, ())):
            if dep == start:
                return path
            if dep in calcs and dep not in path:
                stack.append((dep, [*path, dep]))
    return None


def _check_filter_codes(sink: FindingSink, item: Item) -> None:
    codes = item.scale.codes if item.scale is not None else ()
    for code, _condition in item.logic.choice_filter or ():
        if code not in codes:
            sink.error(
                item.line,
                f"item '{item.id}' choice_filter: {code} is not one of its option codes",
            )


def _check_default(sink: FindingSink, form: Form, item: Item) -> None:
    default = item.logic.default
    if default is None or not item.answerable:
        return
    if form.kind == "consent" or item.type is ItemType.CONSENT:
        # Consent is given explicitly, statement by statement: nothing may be preselected.
        sink.error(
            item.line,
            f"item '{item.id}' default: a consent statement may not have a default "
            "(nothing is preselected on the consent page)",
        )
        return
    raw: object = default.split() if item.type is ItemType.MULTIPLE_CHOICE else default
    try:
        validate_answer(item, raw)
    except AnswerError as exc:
        sink.error(
            item.line, f"item '{item.id}' default: {default!r} is not a valid answer ({exc})"
        )


def _check_required(sink: FindingSink, form: Form, item: Item) -> None:
    if form.kind != "instrument" or not item.answerable or item.allow_decline:
        return
    if item.required or item.logic.required is not None:
        sink.warning(
            item.line,
            f"item '{item.id}': required without allow_decline makes answering compulsory; "
            "offer 'I don't want to answer'",
        )
