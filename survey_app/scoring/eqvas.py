"""EQ-VAS: the 0-100 rating is the score, copied unchanged."""

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

ITEM = "eqvas"
VALUE_RANGE = (0, 100)

RULES: Mapping[str, MissingRule] = {
    ITEM: MissingRule(ITEM, Method.COPY, (ITEM,), 1, rationale="the answer itself"),
}


def score(
    answers: Mapping[str, object], rules: Mapping[str, MissingRule] = RULES
) -> dict[str, Score]:
    """Return eqvas."""
    values = check_values(answers, (ITEM,), *VALUE_RANGE)
    return {ITEM: as_number(apply_rule(rules[ITEM], values))}
