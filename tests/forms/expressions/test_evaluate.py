"""Every operator and function, with XPath 1.0 semantics for empty (missing) answers."""

from __future__ import annotations

import math
from datetime import date

import pytest

from survey_app.forms.expressions import Context, EvaluationError, Selection, evaluate, parse, truth

VALUES = {
    "age": 30.0,
    "zero": 0.0,
    "country": 11.0,
    "langs": Selection(("1", "8", "11")),
    "none": Selection(()),
    "name": "Amal",
    "born": date(1990, 5, 17),
    "empty": "",
}
CONTEXT = Context(values=VALUES, current=25.0, today=date(2026, 3, 14))


def value(text: str, context: Context = CONTEXT):
    return evaluate(parse(text).tree, context)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # comparison operators, numbers
        ("${age} = 30", True),
        ("${age} = 31", False),
        ("${age} != 31", True),
        ("${age} != 30", False),
        ("${age} < 31", True),
        ("${age} < 30", False),
        ("${age} <= 30", True),
        ("${age} <= 29", False),
        ("${age} > 29", True),
        ("${age} > 30", False),
        ("${age} >= 30", True),
        ("${age} >= 31", False),
        # a number compares with a text as a number, texts compare as texts
        ("${country} = '11'", True),
        ("${country} = '011'", True),
        ("${name} = 'Amal'", True),
        ("${name} = 'amal'", False),
        ("${name} != 'Amal'", False),
        # boolean operators
        ("${age} = 30 and ${country} = 11", True),
        ("${age} = 30 and ${country} = 1", False),
        ("${age} = 1 or ${country} = 11", True),
        ("${age} = 1 or ${country} = 1", False),
        ("not(${age} = 30)", False),
        ("not(${age} = 1)", True),
        ("true()", True),
        ("false()", False),
        ("true() = (1 = 1)", True),
        # selected() and count-selected()
        ("selected(${langs}, '8')", True),
        ("selected(${langs}, 8)", True),
        ("selected(${langs}, '2')", False),
        ("selected(${country}, '11')", True),
        ("selected(${empty}, '1')", False),
        ("count-selected(${langs}) = 3", True),
        ("count-selected(${none}) = 0", True),
        ("count-selected(${empty}) = 0", True),
        # the current value
        (". >= 18 and . <= 99", True),
        (". > 25", False),
        # dates
        ("${born} < today()", True),
        ("${born} = '1990-05-17'", True),
        ("${born} < '2000-01-01'", True),
        ("today() > '2026-03-13'", True),
    ],
)
def test_condition(text, expected):
    assert truth(parse(text).tree, CONTEXT) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2", 3.0),
        ("5 - 7", -2.0),
        ("6 * 7", 42.0),
        ("7 div 2", 3.5),
        ("7 mod 3", 1.0),
        ("-7 mod 3", -1.0),
        ("7.5 mod 2", 1.5),
        ("-${age}", -30.0),
        ("--${age}", 30.0),
        ("1 - -1", 2.0),
        ("2 + 3 * 4", 14.0),
        ("(2 + 3) * 4", 20.0),
        ("10 - 4 - 3", 3.0),
        ("if(${age} >= 18, 'adult', 'child')", "adult"),
        ("if(${age} < 18, 'adult', 'child')", "child"),
        ("coalesce(${empty}, 'none')", "none"),
        ("coalesce(${name}, 'none')", "Amal"),
        ("coalesce(${age}, 0)", 30.0),
        ("string-length(${name})", 4.0),
        ("string-length(${empty})", 0.0),
        ("string-length('عمرك')", 4.0),
        ("int(3.9)", 3.0),
        ("int(-3.9)", -3.0),
        ("int('12')", 12.0),
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(2.4)", 2.0),
        ("round(1.2345, 2)", 1.23),
        ("round(1.235, 2)", 1.24),
        ("round(1250, -2)", 1300.0),
        ("number('42')", 42.0),
        ("string(7)", "7"),
        ("string(2.5)", "2.5"),
        ("concat(${name}, '-', ${age})", "Amal-30"),
        ("today() - ${born}", float((date(2026, 3, 14) - date(1990, 5, 17)).days)),
    ],
)
def test_value(text, expected):
    assert value(text) == expected


def test_today_is_the_context_date():
    assert value("today()") == date(2026, 3, 14)


def test_string_length_without_argument_measures_the_current_value():
    assert value("string-length()", Context(current="hello")) == 5.0


@pytest.mark.parametrize(
    "text",
    [
        "${empty} + 1",
        "${empty} * 2",
        "-${empty}",
        "int(${empty})",
        "'abc' + 1",
        "1 div 0 - 1 div 0",
    ],
)
def test_arithmetic_with_an_empty_answer_is_not_a_number(text):
    assert math.isnan(value(text))


def test_division_by_zero_is_infinity_as_in_xpath():
    assert value("1 div 0") == math.inf
    assert value("-1 div 0") == -math.inf
    assert math.isnan(value("0 div 0"))
    assert math.isnan(value("5 mod 0"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An empty answer is never equal to a number, and every ordering with it is false...
        ("${empty} = 0", False),
        ("${empty} < 1", False),
        ("${empty} > 1", False),
        ("${empty} >= 0", False),
        # ...so "not equal" is true: `${q} != 1` holds while q is unanswered.
        ("${empty} != 1", True),
        # It equals the empty text, and is false as a condition on its own.
        ("${empty} = ''", True),
        ("${age} = ''", False),
        ("${empty}", False),
        ("${age}", True),
        ("${zero}", False),
        ("${unknown_item} = ''", True),
    ],
)
def test_empty_answer_semantics(text, expected):
    assert truth(parse(text).tree, CONTEXT) is expected


def test_unknown_function_fails_at_evaluation_with_its_name():
    with pytest.raises(EvaluationError, match="nope"):
        value("nope(1)")


def test_wrong_arity_fails_at_evaluation():
    with pytest.raises(EvaluationError, match="2 arguments"):
        value("int(1, 2)")


def test_selection_reads_as_its_codes_separated_by_spaces():
    assert value("string(${langs})") == "1 8 11"
