"""HSCL-25: mean item scores (1-4) for all items, anxiety (1-10) and depression (11-25)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from survey_app.scoring.rules import (
    Method,
    MissingRule,
    Score,
    apply_rule,
    as_number,
    check_values,
    flag,
    items_between,
    share_rule,
)

ITEMS = items_between("hscl", 1, 25)
ANXIETY = items_between("hscl", 1, 10)
DEPRESSION = items_between("hscl", 11, 25)
VALUE_RANGE = (1, 4)
CASE_CUTOFF = Fraction(7, 4)  # mean >= 1.75: clinically significant distress

_WHY = "study decision: person mean when >= 80 % of the items are answered (docs/scoring.md)"

RULES: Mapping[str, MissingRule] = {
    "hscl_total": share_rule("hscl_total", Method.MEAN, ITEMS, _WHY),
    "hscl_anx": share_rule("hscl_anx", Method.MEAN, ANXIETY, _WHY),
    "hscl_dep": share_rule("hscl_dep", Method.MEAN, DEPRESSION, _WHY),
    "hscl_case": MissingRule(
        "hscl_case",
        Method.DERIVED,
        derived_from="hscl_total",
        rationale="1 when hscl_total >= 1.75; missing when hscl_total is missing",
    ),
}


def score(
    answers: Mapping[str, object],
    rules: Mapping[str, MissingRule] = RULES,
    case_cutoff: Fraction = CASE_CUTOFF,
) -> dict[str, Score]:
    """Return hscl_total, hscl_anx, hscl_dep (means) and hscl_case (0/1)."""
    values = check_values(answers, ITEMS, *VALUE_RANGE)
    total = apply_rule(rules["hscl_total"], values)
    return {
        "hscl_total": as_number(total, mean=True),
        "hscl_anx": as_number(apply_rule(rules["hscl_anx"], values), mean=True),
        "hscl_dep": as_number(apply_rule(rules["hscl_dep"], values), mean=True),
        "hscl_case": flag(total, case_cutoff),
    }
