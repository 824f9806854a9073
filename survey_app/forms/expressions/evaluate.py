"""Evaluate a syntax tree over answers, without eval: XPath 1.0 semantics (see values.py)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from survey_app.forms.expressions.functions import FUNCTIONS
from survey_app.forms.expressions.tree import (
    Call,
    Current,
    Negate,
    Node,
    Number,
    Ref,
    String,
)
from survey_app.forms.expressions.values import (
    EMPTY,
    Selection,
    Value,
    to_bool,
    to_date,
    to_number,
    to_string,
)


class EvaluationError(ValueError):
    """An expression that the checker should have refused (unknown function, wrong arity)."""


@dataclass(frozen=True)
class Context:
    """What an expression can see: item values by id, the current value and today's date."""

    values: Mapping[str, Value] = field(default_factory=dict)
    current: Value = EMPTY
    today: date = field(default_factory=date.today)


def evaluate(node: Node, context: Context) -> Value:
    """Compute the value of an expression."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, String):
        return node.value
    if isinstance(node, Ref):
        return context.values.get(node.name, EMPTY)
    if isinstance(node, Current):
        return context.current
    if isinstance(node, Negate):
        return -to_number(evaluate(node.operand, context))
    if isinstance(node, Call):
        return _call(node, context)
    if node.op == "and":
        return to_bool(evaluate(node.left, context)) and to_bool(evaluate(node.right, context))
    if node.op == "or":
        return to_bool(evaluate(node.left, context)) or to_bool(evaluate(node.right, context))
    left, right = evaluate(node.left, context), evaluate(node.right, context)
    if node.op in ("=", "!="):
        same = _equal(left, right)
        return same if node.op == "=" else not same
    if node.op in ("<", "<=", ">", ">="):
        return _order(node.op, left, right)
    return _arithmetic(node.op, to_number(left), to_number(right))


def truth(node: Node, context: Context) -> bool:
    """Evaluate an expression as a condition."""
    return to_bool(evaluate(node, context))


def _call(node: Call, context: Context) -> Value:
    spec = FUNCTIONS.get(node.name)
    if spec is None:
        raise EvaluationError(f"unknown function {node.name}()")
    count = len(node.args)
    if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
        raise EvaluationError(f"{node.name}() called with {count} arguments")
    if node.name == "today":
        return context.today
    args = [evaluate(a, context) for a in node.args]
    if node.name == "string-length" and not args:
        args = [context.current]
    return spec.impl(*args)


def _equal(left: Value, right: Value) -> bool:
    # XPath 1.0: a truth value compares as truth values, else a number as numbers, else text.
    if isinstance(left, bool) or isinstance(right, bool):
        return to_bool(left) == to_bool(right)
    if _numeric(left) or _numeric(right):
        a, b = _as_numbers(left, right)
        return a == b
    return to_string(left) == to_string(right)


def _numeric(value: Value) -> bool:
    return isinstance(value, int | float | date) and not isinstance(value, bool)


def _as_numbers(left: Value, right: Value) -> tuple[float, float]:
    # A date compared with a text compares as dates when the text is a date.
    if isinstance(left, date) and isinstance(right, str) and to_date(right):
        right = to_date(right)  # type: ignore[assignment]
    if isinstance(right, date) and isinstance(left, str) and to_date(left):
        left = to_date(left)  # type: ignore[assignment]
    return to_number(left), to_number(right)


def _order(op: str, left: Value, right: Value) -> bool:
    a, b = _as_numbers(left, right)
    if math.isnan(a) or math.isnan(b):
        return False
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            if a == 0 or math.isnan(a):
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1, b)
        return a / b
    if b == 0 or math.isnan(a) or math.isnan(b) or math.isinf(a):
        return math.nan
    return math.fmod(a, b)  # XPath mod keeps the sign of the dividend


__all__ = ["Context", "EvaluationError", "Selection", "evaluate", "truth"]
