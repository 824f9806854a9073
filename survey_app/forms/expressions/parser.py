"""Parse expression text into a syntax tree with Lark (LALR), once per form load."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from survey_app.forms.expressions.grammar import GRAMMAR
from survey_app.forms.expressions.tree import (
    Binary,
    Call,
    Current,
    Negate,
    Node,
    Number,
    Ref,
    String,
    refs,
    unparse,
)

MAX_LENGTH = 2000
MAX_DEPTH = 100
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


class ExpressionError(ValueError):
    """Expression text that cannot be parsed; `column` is 1-based (0 when unknown)."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"{self.message} (column {self.column})" if self.column else self.message


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text as written, its tree and the items it refers to."""

    source: str
    tree: Node
    refs: frozenset[str]

    @property
    def canonical(self) -> str:
        """The one spelling of this expression (what the content hash covers)."""
        return unparse(self.tree)

    def __str__(self) -> str:
        return self.source


@functools.cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


@v_args(meta=True)
class _Build(Transformer):
    def number(self, meta, children):
        value = float(children[0])
        if not math.isfinite(value):
            raise ExpressionError("the number is too large", meta.column)
        return Number(value, meta.column)

    def string(self, meta, children):
        return String(str(children[0])[1:-1], meta.column)

    def ref(self, meta, children):
        name = str(children[0])[2:-1].strip()
        if not _NAME.fullmatch(name):
            raise ExpressionError(f"'${{{name}}}' is not a valid item reference", meta.column)
        return Ref(name, meta.column)

    def current(self, meta, children):
        return Current(meta.column)

    def negate(self, meta, children):
        return Negate(children[1], meta.column)

    def binary(self, meta, children):
        left, op, right = children
        return Binary(str(op).strip(), left, right, meta.column)

    def call(self, meta, children):
        name = str(children[0])
        args = tuple(children[1]) if len(children) > 1 and children[1] is not None else ()
        return Call(name, args, meta.column)

    def arguments(self, meta, children):
        return list(children)


_HINTS = (
    ("==", "compare with a single '=' (not '==')"),
    ("&&", "write 'and' instead of '&&'"),
    ("||", "write 'or' instead of '||'"),
    ("<>", "write '!=' for 'not equal'"),
)


def parse(text: str) -> Expression:
    """Parse expression text; raise ExpressionError with a column on any mistake."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        raw = _parser().parse(text)
        tree = _Build().transform(raw)
    except ExpressionError:
        raise
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    except UnexpectedInput as exc:
        raise _friendly(exc, text) from None
    except Exception as exc:  # lark wraps errors raised inside the transformer
        inner = getattr(exc, "orig_exc", None)
        if isinstance(inner, ExpressionError):
            raise inner from None
        raise ExpressionError("the expression cannot be read") from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
    return Expression(text, tree, refs(tree))


def _depth(tree: Node) -> int:
    deepest = 0
    stack: list[tuple[Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, Negate):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, Binary):
            stack += [(node.left, depth + 1), (node.right, depth + 1)]
        elif isinstance(node, Call):
            stack += [(arg, depth + 1) for arg in node.args]
    return deepest


def _friendly(exc: UnexpectedInput, text: str) -> ExpressionError:
    for bad, hint in _HINTS:
        if bad in text:
            return ExpressionError(hint, text.index(bad) + 1)
    column = getattr(exc, "column", 0) or 0
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        return ExpressionError("the expression ends too early (an operand or ')' is missing)")
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        if char == "$":
            return ExpressionError("write item references as ${name}", column)
        if char.isalpha():
            word = re.match(r"[\w-]+", text[exc.pos_in_stream :])
            shown = word.group() if word else char
            return ExpressionError(
                f"unknown word '{shown}': refer to items as ${{{shown}}}, quote text as "
                f"'{shown}', or call a function with ( )",
                column,
            )
        return ExpressionError(f"unexpected character '{char}'", column)
    if isinstance(exc, UnexpectedToken):
        token: Token = exc.token
        return ExpressionError(f"unexpected '{token}'", column)
    return ExpressionError("the expression cannot be read", column)
