"""Properties of the form expression language: parse, canonical spelling, evaluation.

Hypothesis plays the form author typing conditions in check-forms or an XLSForm sheet, and the
participant whose answers the conditions are evaluated on during a session: any text parses or
gets an ExpressionError; the canonical spelling (content hash, XLSForm export, messages) parses
back to the same expression; and evaluating any well-formed expression over any answers gives a
value, never an exception in the middle of a participant's session.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.forms.expressions import (
    FUNCTIONS,
    Context,
    ExpressionError,
    Selection,
    evaluate,
    parse,
)
from survey_app.forms.expressions.tree import (
    PRECEDENCE,
    Binary,
    Call,
    Current,
    Negate,
    Node,
    Number,
    Ref,
    String,
    unparse,
)
from tests.properties import examples

NAMES = ("age", "q1", "q_2", "choices", "arrival", "note")
EXPRESSIONISH = st.text(
    alphabet="${}()'\". ,=!<>+-*0123456789abcdeiklmnorstvdu_ \t",
    max_size=60,
)


def strip_positions(node: Node) -> Node:
    """The same tree with every source position set to 0 (positions differ after unparse)."""
    changes = {"pos": 0}
    if isinstance(node, Negate):
        changes["operand"] = strip_positions(node.operand)
    elif isinstance(node, Binary):
        changes["left"] = strip_positions(node.left)
        changes["right"] = strip_positions(node.right)
    elif isinstance(node, Call):
        changes["args"] = tuple(strip_positions(a) for a in node.args)
    return dataclasses.replace(node, **changes)


# -- parsing ---------------------------------------------------------------------------------------


@settings(max_examples=examples(400))
@given(st.one_of(st.text(max_size=80), EXPRESSIONISH))
def test_any_text_parses_or_gets_an_expression_error_never_another_exception(text: str) -> None:
    try:
        expression = parse(text)
    except ExpressionError as error:
        assert str(error).strip()
        return
    canonical = expression.canonical
    again = parse(canonical)
    assert again.canonical == canonical
    assert again.refs == expression.refs


@st.composite
def numbers(draw: st.DrawFn) -> Number:
    value = draw(
        st.one_of(
            st.integers(0, 10**6).map(float),
            st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
            st.floats(1e-12, 1e-3),
            st.floats(1e15, 1e300),
        )
    )
    return Number(value)


def leaves() -> st.SearchStrategy[Node]:
    return st.one_of(
        numbers(),
        st.text(alphabet="abc xyzæøå0123456789-ضصث", max_size=8).map(String),
        st.sampled_from(NAMES).map(Ref),
        st.just(Current()),
    )


@st.composite
def calls(draw: st.DrawFn, children: st.SearchStrategy[Node]) -> Call:
    spec = draw(st.sampled_from(sorted(FUNCTIONS.values(), key=lambda f: f.name)))
    high = spec.max_args if spec.max_args is not None else spec.min_args + 3
    count = draw(st.integers(spec.min_args, high))
    return Call(spec.name, tuple(draw(children) for _ in range(count)))


def trees() -> st.SearchStrategy[Node]:
    """Every construct of the language, nested, with every function at a valid arity."""
    return st.recursive(
        leaves(),
        lambda children: st.one_of(
            children.map(Negate),
            st.builds(Binary, st.sampled_from(sorted(PRECEDENCE)), children, children),
            calls(children),
        ),
        max_leaves=12,
    )


@settings(max_examples=examples(300))
@given(trees())
def test_the_canonical_spelling_of_any_expression_parses_back_to_the_same_tree(tree: Node) -> None:
    text = unparse(tree)
    parsed = parse(text)
    assert strip_positions(parsed.tree) == strip_positions(tree), text
    assert parsed.canonical == text


def test_a_number_too_large_for_the_computer_is_refused_with_a_message() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("${age} > " + "9" * 400)
    assert "too large" in str(caught.value)


@pytest.mark.parametrize(
    "text", ["0.00001", "12345678901234567890", "${a} < 100000000000000000000.5"]
)
def test_a_very_small_or_large_number_keeps_a_spelling_the_parser_reads(text: str) -> None:
    canonical = parse(text).canonical
    assert "e" not in canonical.replace("${a}", "")
    assert parse(canonical).canonical == canonical


# -- evaluation ------------------------------------------------------------------------------------


def values() -> st.SearchStrategy[object]:
    """What answers look like to an expression: numbers, texts, truth values, dates, choices."""
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**6), 10**6).map(float),
        st.text(max_size=10),
        st.sampled_from(["", "3", " 4 ", "2025-03-14", "1 3", "NaN", "-0"]),
        st.booleans(),
        st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
        st.lists(st.sampled_from(["1", "2", "3", "10"]), max_size=3).map(
            lambda codes: Selection(tuple(codes))
        ),
    )


@settings(max_examples=examples(400))
@given(
    trees(),
    st.dictionaries(st.sampled_from(NAMES), values(), max_size=len(NAMES)),
    values(),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
)
def test_evaluating_any_well_formed_expression_over_any_answers_gives_a_value(
    tree: Node, answers: dict, current: object, today: date
) -> None:
    result = evaluate(tree, Context(answers, current, today))
    assert isinstance(result, float | str | bool | date | Selection)


@pytest.mark.parametrize(
    "text",
    ["round(2, 400)", "round(1.5, 1 div 0)", "round(1 div 0, 2)", "round(3, -400)", "round(${a})"],
)
def test_round_with_any_number_of_places_gives_a_number(text: str) -> None:
    result = evaluate(parse(text).tree, Context({"a": 1e300}))
    assert isinstance(result, float)


def test_round_of_a_large_number_keeps_it() -> None:
    assert evaluate(parse("round(${a})").tree, Context({"a": 1e30})) == 1e30
    assert math.isnan(evaluate(parse("round('x')").tree, Context()))
