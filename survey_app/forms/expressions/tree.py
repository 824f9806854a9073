"""Syntax tree of a form expression, and its canonical text (one spelling per meaning)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Binding strength of binary operators, loosest first (XPath 1.0 order).
PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
ARITHMETIC = frozenset({"+", "-", "*", "div", "mod"})
UNARY_PRECEDENCE = 7


@dataclass(frozen=True)
class Number:
    """A number literal as written (`3`, `2.5`)."""

    value: float
    pos: int = 0


@dataclass(frozen=True)
class String:
    """A text literal in single or double quotes."""

    value: str
    pos: int = 0


@dataclass(frozen=True)
class Ref:
    """`${name}`: the value of another item of the form."""

    name: str
    pos: int = 0


@dataclass(frozen=True)
class Current:
    """`.`: the value of the item the expression belongs to (constraints)."""

    pos: int = 0


@dataclass(frozen=True)
class Negate:
    """Unary minus."""

    operand: Node
    pos: int = 0


@dataclass(frozen=True)
class Binary:
    """A binary operator: comparison, arithmetic, `and` or `or`."""

    op: str
    left: Node
    right: Node
    pos: int = 0


@dataclass(frozen=True)
class Call:
    """A function call such as `selected(${q}, '2')`."""

    name: str
    args: tuple[Node, ...]
    pos: int = 0


Node = Number | String | Ref | Current | Negate | Binary | Call


def walk(node: Node):
    """Yield a node and every node below it, depth first."""
    yield node
    if isinstance(node, Negate):
        yield from walk(node.operand)
    elif isinstance(node, Binary):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)


def refs(node: Node) -> frozenset[str]:
    """Names of the items an expression refers to with `${...}`."""
    return frozenset(n.name for n in walk(node) if isinstance(n, Ref))


def number_text(value: float) -> str:
    """Write a number the way it is written in expressions: `3`, `2.5`, never `3.0`.

    Never with an exponent (`1e-05`): the grammar has none, and the canonical spelling must
    parse back (XLSForm export, messages). The shortest repr's digits, written out in full,
    read back as the same float.
    """
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def quote(text: str) -> str:
    """Quote a text literal (single quotes unless the text holds one)."""
    return f'"{text}"' if "'" in text else f"'{text}'"


def unparse(node: Node) -> str:
    """Canonical text of an expression: single spaces, parentheses only where needed."""
    return _unparse(node, 0)


def _unparse(node: Node, outer: int) -> str:
    if isinstance(node, Number):
        return number_text(node.value)
    if isinstance(node, String):
        return quote(node.value)
    if isinstance(node, Ref):
        return "${" + node.name + "}"
    if isinstance(node, Current):
        return "."
    if isinstance(node, Negate):
        return "-" + _unparse(node.operand, UNARY_PRECEDENCE)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(_unparse(a, 0) for a in node.args)})"
    level = PRECEDENCE[node.op]
    # Left-associative: the right operand needs parentheses at the same level.
    text = f"{_unparse(node.left, level)} {node.op} {_unparse(node.right, level + 1)}"
    return f"({text})" if level < outer else text
