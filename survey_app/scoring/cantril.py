"""Cantril ladder: the three steps (1-10) are the scores, copied unchanged."""

from __future__ import annotations

from collections.abc import Mapping

from survey_app.scoring.rules import (
    Method,
    MissingRule,
    Score,
    apply_rule,
    as_number,
    check_values,
)

ITEMS = ("cantril_past", "cantril_now", "cantril_future")
VALUE_RANGE = (1, 10)

RULES: Mapping[str, MissingRule] = {
    item: MissingRule(item, Method.COPY, (item,), 1, rationale="the answer itself")
    for item in ITEMS
}


def score(
    answers: Mapping[str, object], rules: Mapping[str, MissingRule] = RULES
) -> dict[str, Score]:
    """Return cantril_past, cantril_now and cantril_future."""
    values = check_values(answers, ITEMS, *VALUE_RANGE)
    return {item: as_number(apply_rule(rules[item], values)) for item in ITEMS}
