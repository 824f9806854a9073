"""Static checks of single expressions against the kinds of the items they name."""

from __future__ import annotations

import pytest

from survey_app.forms.expressions import parse
from survey_app.forms.expressions.typecheck import Kind, RefInfo, check_expression

NAMES = {
    "age": RefInfo(Kind.NUMBER),
    "country": RefInfo(Kind.NUMBER, frozenset({1, 2, 11})),
    "langs": RefInfo(Kind.SELECTION, frozenset({1, 2, 3})),
    "name": RefInfo(Kind.TEXT),
    "born": RefInfo(Kind.DATE),
    "intro": RefInfo(Kind.NONE),
    "agree": RefInfo(Kind.NUMBER, frozenset({0, 1})),
}


def problems(text: str, current: RefInfo | None = None) -> list[tuple[str, bool]]:
    return [(p.message, p.error) for p in check_expression(parse(text), NAMES, current)]


@pytest.mark.parametrize(
    "text",
    [
        "${age} >= 18 and ${age} < 67",
        "${country} = 11 or ${country} = '2'",
        "selected(${langs}, '3') and count-selected(${langs}) > 1",
        "selected(${country}, 11)",
        "if(${age} > 17, 'adult', 'child') = 'adult'",
        "coalesce(${age}, 0) + 1 > 2",
        "round(${age} div 3, 1) = int(${age} div 3)",
        "${born} < today()",
        "string-length(${name}) > 2",
        "${agree} = 1",
        "not(${name} = '')",
        "concat(${name}, 'x') != ''",
        "-${age} < 0 and '12' + 1 = 13",
    ],
)
def test_well_typed_expression_has_no_problems(text):
    assert problems(text) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("${nobody} = 1", "unknown item ${nobody}"),
        ("${intro} = 1", "is a note"),
        ("${country} = 12", "can never be '12'"),
        ("${country} = 'x'", "can never be 'x'"),
        ("${country} != 1.5", "can never be '1.5'"),
        ("${agree} = 2", "codes are 0, 1"),
        ("selected(${langs}, '4')", "can never be '4'"),
        ("selected(${name}, 'a')", "needs a choice item"),
        ("count-selected(${country})", "needs a multiple-choice item"),
        ("${langs} + 1", "a multiple choice"),
        ("-${name}", "is text"),
        ("${name} * 2", "is text"),
        ("'abc' + 1", "'abc' is text"),
        ("int(${name})", "is text"),
        ("round(${langs})", "a multiple choice"),
        ("not(1, 2)", "takes 1 argument, not 2"),
        ("if(1, 2)", "takes 3 arguments, not 2"),
        ("today(1)", "takes 0 arguments, not 1"),
        ("round()", "takes 1 to 2 arguments, not 0"),
        ("concat()", "takes at least 1 argument, not 0"),
        ("regex(${name}, 'a')", "unknown function regex()"),
        (". > 1", "only be used in a constraint"),
    ],
)
def test_mistake_is_an_error(text, fragment):
    errors = [m for m, error in problems(text) if error]
    assert any(fragment in m for m in errors), errors


def test_current_value_takes_the_items_kind_in_a_constraint():
    assert problems(". = 3", current=NAMES["country"]) == [
        ("'.' can never be '3': its option codes are 1, 2, 11", True)
    ]
    assert problems(". >= 18", current=NAMES["age"]) == []


def test_multiple_choice_compared_with_equals_is_a_warning():
    assert problems("${langs} = '1'") == [
        (
            "${langs} is a multiple choice: '=' compares the whole selection; to test one "
            "option write selected(${langs}, 'code')",
            False,
        )
    ]


def test_text_compared_as_a_number_is_a_warning():
    assert problems("${name} > 3") == [("'>' compares ${name}, a text, as a number", False)]
