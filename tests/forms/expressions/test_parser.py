"""The grammar: every construct parses, precedence is XPath's, mistakes get a located message."""

from __future__ import annotations

import pytest

from survey_app.forms.expressions import ExpressionError, parse
from survey_app.forms.expressions.tree import Binary, Call, Current, Negate, Number, Ref, String


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("${a}=1", "${a} = 1"),
        ("${a}   !=  'x'", "${a} != 'x'"),
        ('${a} = "it\'s"', '${a} = "it\'s"'),
        ("${a} < 1 or ${a} > 9", "${a} < 1 or ${a} > 9"),
        (". >= 18 and . <= 99", ". >= 18 and . <= 99"),
        ("1 + 2 * 3", "1 + 2 * 3"),
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("1 - (2 - 3)", "1 - (2 - 3)"),
        ("(1 - 2) - 3", "1 - 2 - 3"),
        ("7 div 2 mod 3", "7 div 2 mod 3"),
        ("-${a}", "-${a}"),
        ("- - 1", "--1"),
        ("-(1 + 2)", "-(1 + 2)"),
        ("not(selected(${m}, '3'))", "not(selected(${m}, '3'))"),
        ("count-selected( ${m} ) >= 2", "count-selected(${m}) >= 2"),
        ("if(${a} = 1, 'x', 'y')", "if(${a} = 1, 'x', 'y')"),
        ("coalesce(${a},0)", "coalesce(${a}, 0)"),
        ("string-length(.)", "string-length(.)"),
        ("int(2.50)", "int(2.5)"),
        ("round(2.5, 1)", "round(2.5, 1)"),
        ("today()", "today()"),
        (".5 + 1.", "0.5 + 1"),
        ("${a} = 1 and (${b} = 2 or ${c} = 3)", "${a} = 1 and (${b} = 2 or ${c} = 3)"),
    ],
)
def test_expression_parses_to_one_canonical_spelling(text, canonical):
    assert parse(text).canonical == canonical
    assert parse(canonical).canonical == canonical


def test_and_binds_tighter_than_or():
    tree = parse("${a} = 1 or ${b} = 2 and ${c} = 3").tree
    assert isinstance(tree, Binary) and tree.op == "or"
    assert isinstance(tree.right, Binary) and tree.right.op == "and"


def test_comparison_binds_tighter_than_and():
    tree = parse("${a} > 1 and ${a} < 5").tree
    assert tree.op == "and" and tree.left.op == ">" and tree.right.op == "<"


def test_multiplication_binds_tighter_than_addition_and_left_to_right():
    tree = parse("1 - 2 - 3 * 4").tree
    assert tree.op == "-" and tree.left.op == "-" and tree.right.op == "*"


def test_node_types_are_built_for_every_primary():
    tree = parse("f(${a}, 'x', 2, ., -1)").tree
    assert isinstance(tree, Call)
    kinds = [type(a) for a in tree.args]
    assert kinds == [Ref, String, Number, Current, Negate]


def test_refs_lists_every_item_named():
    assert parse("${a} = 1 and selected(${b}, '2') or if(${c}, ${a}, 0)").refs == {"a", "b", "c"}


def test_spaces_inside_a_reference_are_ignored():
    assert parse("${ age }").refs == {"age"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("${a} == 1", "single '='"),
        ("${a} = 1 && ${b} = 2", "'and'"),
        ("${a} = 1 || ${b} = 2", "'or'"),
        ("${a} <> 1", "'!='"),
        ("${a} = ", "ends too early"),
        ("(${a} = 1", "ends too early"),
        ("age > 18", "refer to items as ${age}"),
        ("$age > 18", "${name}"),
        ("${a} = 1)", "unexpected"),
        ("${a} # 1", "unexpected character '#'"),
        ("${a b} = 1", "not a valid item reference"),
        ("'open", "unexpected character"),
    ],
)
def test_mistakes_are_explained(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert fragment in str(info.value)


def test_mistake_names_its_column():
    with pytest.raises(ExpressionError) as info:
        parse("${a} = 1 # 2")
    assert info.value.column == 10


def test_overlong_expression_is_refused():
    with pytest.raises(ExpressionError, match="longer than"):
        parse("1 + " * 600 + "1")


def test_deep_nesting_parses_without_recursion_error():
    text = "(" * 200 + "1" + ")" * 200
    assert parse(text).canonical == "1"


@pytest.mark.parametrize("text", ["-" * 300 + "1", " + ".join(["1"] * 300)])
def test_pathological_nesting_is_refused_with_a_message(text):
    with pytest.raises(ExpressionError, match="nested"):
        parse(text)
