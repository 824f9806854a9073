"""Safety signal (study.yaml `safety:`): answers after which staff follow a study protocol.

    safety:
      protocol: S                     # the neutral code staff see (1-12 letters/digits)
      triggers:
        - {form: hscl25, item: hscl_20, at_least: 2}
        - {form: pcl5, item: pcl_09, values: [3, 4]}

Off unless the study names it. When a completed session holds a triggering answer, staff see
"Follow protocol S with this participant" after the staff passphrase, and the session's audit
records that the protocol was signalled, never which answer did it (docs/safety.md). No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from survey_app.forms.yamlsource import Node

DEFAULT_PROTOCOL = "S"
AUDIT_ACTION = "safety_protocol_signalled"
# Written when staff press Continue on the signal: until then it is shown after every unlock,
# also after the app was closed or crashed (the audit trail is the durable record).
ACKNOWLEDGED_ACTION = "safety_protocol_acknowledged"
_KNOWN = frozenset({"protocol", "triggers"})
_TRIGGER_KEYS = frozenset({"form", "item", "at_least", "values"})

Problem = Callable[[int, str, str], None]


@dataclass(frozen=True)
class Trigger:
    """One item's answer codes that call for the protocol."""

    form: str
    item: str
    values: frozenset[int] = frozenset()
    at_least: int | None = None
    line: int = 0

    def fires(self, value: object) -> bool:
        """True when an answer value (a stored code) is one that calls for the protocol."""
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return value in self.values or (self.at_least is not None and value >= self.at_least)


@dataclass(frozen=True)
class SafetySettings:
    """The study's safety signal: the code staff see and the answers that trigger it."""

    triggers: tuple[Trigger, ...]
    protocol: str = DEFAULT_PROTOCOL


def read_safety(node: Node, problem: Problem) -> SafetySettings | None:
    """Read study.yaml's `safety:` mapping; report problems through problem(line, field, msg)."""
    if not node.is_map:
        problem(node.line, "safety", "expected a mapping with protocol and triggers")
        return None
    fields: dict[str, Node] = node.value  # type: ignore[assignment]
    for key in sorted(set(fields) - _KNOWN):
        problem(fields[key].line, f"safety.{key}", "unknown setting")
    protocol = DEFAULT_PROTOCOL
    if "protocol" in fields:
        value = fields["protocol"]
        if value.is_text and re.fullmatch(r"[A-Za-z0-9]{1,12}", str(value.value)):
            protocol = str(value.value)
        else:
            problem(
                value.line, "safety.protocol", "must be 1-12 letters or digits (a neutral code)"
            )
    listed = fields.get("triggers")
    if listed is None or not listed.is_list or not listed.value:
        problem((listed or node).line, "safety.triggers", "list at least one trigger")
        return None
    triggers = [_trigger(t, i, problem) for i, t in enumerate(listed.value, 1)]  # type: ignore[arg-type]
    return SafetySettings(tuple(t for t in triggers if t is not None), protocol)


def _trigger(node: Node, number: int, problem: Problem) -> Trigger | None:
    where = f"safety.triggers[{number}]"
    if not node.is_map:
        problem(node.line, where, "expected a mapping with form, item and at_least or values")
        return None
    fields: dict[str, Node] = node.value  # type: ignore[assignment]
    for key in sorted(set(fields) - _TRIGGER_KEYS):
        problem(fields[key].line, f"{where}.{key}", "unknown setting")
    form, item = (_text(fields, key, node.line, where, problem) for key in ("form", "item"))
    at_least = None
    if "at_least" in fields:
        at_least = _code(fields["at_least"], f"{where}.at_least", problem)
    values: list[int] = []
    if "values" in fields:
        listed = fields["values"]
        if not listed.is_list or not listed.value:
            problem(listed.line, f"{where}.values", "must be a list of answer codes")
        else:
            values = [
                code
                for v in listed.value  # type: ignore[union-attr]
                if (code := _code(v, f"{where}.values", problem)) is not None
            ]
    if at_least is None and not values:
        problem(node.line, where, "give at_least or values: the answer codes that trigger")
        return None
    if not form or not item:
        return None
    return Trigger(form, item, frozenset(values), at_least, node.line)


def _text(fields: dict[str, Node], key: str, line: int, where: str, problem: Problem) -> str:
    node = fields.get(key)
    if node is None or not node.is_text or not str(node.value).strip():
        problem(node.line if node else line, f"{where}.{key}", "missing")
        return ""
    return str(node.value).strip()


def _code(node: Node, where: str, problem: Problem) -> int | None:
    if node.is_text and re.fullmatch(r"-?\d+", str(node.value)):
        return int(str(node.value))
    problem(node.line, where, "must be a whole number (an answer code of the item)")
    return None


def check_against_forms(
    settings: SafetySettings, forms: Mapping[str, object], *, skip: Collection[str] = ()
) -> list[str]:
    """Name every trigger whose form, item or answer codes the study's forms do not have.

    `forms` maps form id -> survey_app.forms.model.Form. A trigger that can never fire would
    leave staff believing a safeguard is in place, so each is reported, not skipped.
    """
    problems: list[str] = []
    for t in settings.triggers:
        where = f"{t.line}: safety trigger {t.form}.{t.item}"
        form = forms.get(t.form)
        if form is None and t.form in skip:
            continue
        if form is None:
            problems.append(f"{where}: the study has no usable form '{t.form}'")
            continue
        item = next((i for i in form.items if i.id == t.item), None)  # type: ignore[attr-defined]
        if item is None:
            problems.append(f"{where}: form '{t.form}' has no item '{t.item}'")
            continue
        codes = _item_codes(item)
        if codes is None:
            problems.append(f"{where}: item '{t.item}' has no answer codes to compare")
            continue
        unknown = sorted(v for v in t.values if v not in codes)
        if unknown:
            problems.append(
                f"{where}: item '{t.item}' has no answer code {', '.join(map(str, unknown))} "
                f"(its codes: {', '.join(map(str, sorted(codes)))})"
            )
        if t.at_least is not None and not any(c >= t.at_least for c in codes):
            problems.append(
                f"{where}: no answer code of item '{t.item}' is {t.at_least} or more "
                f"(its codes: {', '.join(map(str, sorted(codes)))})"
            )
    return problems


def _item_codes(item) -> set[int] | None:
    if item.scale is not None and item.scale.options:
        return set(item.scale.codes)
    if item.scale is not None:
        return set(range(item.scale.min, item.scale.max + 1))
    if item.minimum is not None and item.maximum is not None:
        return set(range(item.minimum, item.maximum + 1))
    return None


def triggered(settings: SafetySettings | None, answers: Mapping[tuple[str, str], object]) -> bool:
    """True when any answer (form id, item id) -> stored value calls for the protocol."""
    if settings is None:
        return False
    return any(t.fires(answers.get((t.form, t.item))) for t in settings.triggers)


def unacknowledged(entries: Iterable[Any]) -> list[tuple[str, str]]:
    """(session id, protocol) of each signal without a later acknowledgement, oldest first.

    `entries` are audit entries (action, session_id, detail) oldest first; only the protocol
    code is read from them, never an answer (there is none in them).
    """
    pending: dict[str, str] = {}
    for entry in entries:
        if not entry.session_id:
            continue
        if entry.action == AUDIT_ACTION:
            protocol = (entry.detail or {}).get("protocol")
            pending[entry.session_id] = str(protocol or DEFAULT_PROTOCOL)
        elif entry.action == ACKNOWLEDGED_ACTION:
            pending.pop(entry.session_id, None)
    return list(pending.items())
