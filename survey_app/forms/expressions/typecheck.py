"""Static checks of one expression against what the items it names can hold.

Catches, before a form is used: unknown items and functions, wrong numbers of arguments,
arithmetic on text or on a multiple choice, `.` outside a constraint, and comparing a choice
item with a code it can never take (`${q} = 7` when q's codes are 1-5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from survey_app.forms.expressions.functions import FUNCTIONS
from survey_app.forms.expressions.parser import Expression
from survey_app.forms.expressions.tree import (
    ARITHMETIC,
    COMPARISONS,
    Binary,
    Call,
    Current,
    Negate,
    Node,
    Number,
    Ref,
    String,
    number_text,
)
from survey_app.forms.expressions.values import to_number


class Kind(StrEnum):
    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    SELECTION = "selection"  # the codes chosen in a multiple-choice item
    ANY = "any"
    NONE = "none"  # a note: it has no value


@dataclass(frozen=True)
class RefInfo:
    """What an item holds as seen by expressions; `codes` for choice items."""

    kind: Kind
    codes: frozenset[int] | None = None
    description: str = ""


@dataclass(frozen=True)
class Problem:
    """A finding about one expression; `error` False means a warning."""

    message: str
    error: bool = True


@dataclass(frozen=True)
class _Typed:
    kind: Kind
    codes: frozenset[int] | None = None
    name: str = ""


def check_expression(
    expression: Expression, names: Mapping[str, RefInfo], current: RefInfo | None
) -> list[Problem]:
    """Return the problems of one expression; `current` is what `.` means (None: not allowed)."""
    problems: list[Problem] = []
    _Checker(names, current, problems).infer(expression.tree)
    return problems


class _Checker:
    def __init__(
        self, names: Mapping[str, RefInfo], current: RefInfo | None, problems: list[Problem]
    ) -> None:
        self.names = names
        self.current = current
        self.problems = problems

    def error(self, message: str) -> None:
        self.problems.append(Problem(message))

    def warning(self, message: str) -> None:
        self.problems.append(Problem(message, error=False))

    def infer(self, node: Node) -> _Typed:
        if isinstance(node, Number):
            return _Typed(Kind.NUMBER)
        if isinstance(node, String):
            return _Typed(Kind.TEXT)
        if isinstance(node, Ref):
            info = self.names.get(node.name)
            if info is None:
                self.error(f"unknown item ${{{node.name}}}")
                return _Typed(Kind.ANY)
            if info.kind is Kind.NONE:
                self.error(f"${{{node.name}}} is a note: it has no value to use")
                return _Typed(Kind.ANY)
            return _Typed(info.kind, info.codes, "${" + node.name + "}")
        if isinstance(node, Current):
            if self.current is None:
                self.error("'.' (this item's answer) can only be used in a constraint")
                return _Typed(Kind.ANY)
            return _Typed(self.current.kind, self.current.codes, "'.'")
        if isinstance(node, Negate):
            self._numeric(self.infer(node.operand), node.operand, "-")
            return _Typed(Kind.NUMBER)
        if isinstance(node, Call):
            return self._call(node)
        return self._binary(node)

    def _numeric(self, typed: _Typed, node: Node, op: str) -> None:
        if typed.kind is Kind.SELECTION:
            self.error(
                f"'{op}' on {typed.name}, a multiple choice: use count-selected() or selected()"
            )
        elif typed.kind is Kind.TEXT:
            if not isinstance(node, String):
                self.error(f"'{op}' needs numbers, but {typed.name or 'this value'} is text")
            elif to_number(node.value) != to_number(node.value):  # NaN: not a number
                self.error(f"'{op}' needs numbers, but {node.value!r} is text")

    def _binary(self, node: Binary) -> _Typed:
        left, right = self.infer(node.left), self.infer(node.right)
        if node.op in ("and", "or"):
            return _Typed(Kind.BOOLEAN)
        if node.op in ARITHMETIC:
            self._numeric(left, node.left, node.op)
            self._numeric(right, node.right, node.op)
            return _Typed(Kind.NUMBER)
        if node.op in COMPARISONS:
            self._compare(node, left, right)
        return _Typed(Kind.BOOLEAN)

    def _compare(self, node: Binary, left: _Typed, right: _Typed) -> None:
        for typed, other in ((left, node.right), (right, node.left)):
            if typed.kind is Kind.SELECTION and node.op in ("=", "!="):
                self.warning(
                    f"{typed.name} is a multiple choice: '{node.op}' compares the whole "
                    f"selection; to test one option write selected({typed.name}, 'code')"
                )
            elif typed.codes is not None and node.op in ("=", "!="):
                self._code_literal(typed, other)
            if typed.kind is Kind.TEXT and node.op not in ("=", "!=") and typed.name:
                self.warning(f"'{node.op}' compares {typed.name}, a text, as a number")

    def _code_literal(self, typed: _Typed, literal: Node) -> None:
        if not isinstance(literal, Number | String):
            return
        value = to_number(literal.value) if isinstance(literal, String) else literal.value
        shown = literal.value if isinstance(literal, String) else number_text(literal.value)
        codes = typed.codes or frozenset()
        if value != value or value != int(value) or int(value) not in codes:
            listed = ", ".join(str(c) for c in sorted(codes))
            self.error(f"{typed.name} can never be {shown!r}: its option codes are {listed}")

    def _call(self, node: Call) -> _Typed:
        spec = FUNCTIONS.get(node.name)
        args = [self.infer(a) for a in node.args]
        if spec is None:
            known = ", ".join(sorted(FUNCTIONS))
            self.error(f"unknown function {node.name}() (known: {known})")
            return _Typed(Kind.ANY)
        count = len(node.args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            self.error(f"{node.name}() takes {_arity(spec.min_args, spec.max_args)}, not {count}")
            return _Typed(Kind(spec.result) if spec.result != "any" else Kind.ANY)
        if node.name == "selected":
            self._selected(node, args)
        elif node.name == "count-selected" and args[0].kind not in (Kind.SELECTION, Kind.ANY):
            self.error("count-selected() needs a multiple-choice item, e.g. count-selected(${q})")
        elif node.name in ("int", "round"):
            for typed, arg in zip(args, node.args, strict=True):
                self._numeric(typed, arg, node.name + "()")
        if node.name in ("if", "coalesce"):
            branches = args[1:] if node.name == "if" else args
            kinds = {b.kind for b in branches}
            return _Typed(kinds.pop() if len(kinds) == 1 else Kind.ANY)
        return _Typed(Kind(spec.result) if spec.result != "any" else Kind.ANY)

    def _selected(self, node: Call, args: list[_Typed]) -> None:
        target = args[0]
        if target.kind is Kind.ANY:
            return
        if target.codes is None:
            self.error(
                "selected() needs a choice item as its first argument, e.g. selected(${q}, '2')"
            )
            return
        self._code_literal(target, node.args[1])


def _arity(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low} argument{'s' if low != 1 else ''}"
    if low == high:
        return f"{low} argument{'s' if low != 1 else ''}"
    return f"{low} to {high} arguments"
