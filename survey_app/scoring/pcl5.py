"""PCL-5: severity sum (0-80), cluster sums B-E, probable PTSD and DSM-5 provisional diagnosis."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from survey_app.scoring.rules import (
    Method,
    MissingRule,
    Score,
    apply_rule,
    as_number,
    check_values,
    exact_cutoff,
    flag,
    items_between,
    share_rule,
)

ITEMS = items_between("pcl", 1, 20)
VALUE_RANGE = (0, 4)
DEFAULT_CUTOFF = 33
# DSM-5 provisional diagnosis: an item counts as a symptom when rated 2 ("moderately") or higher.
ENDORSED_AT = 2


@dataclass(frozen=True)
class Criterion:
    """A DSM-5 symptom cluster and how many of its items must be endorsed."""

    cluster: str
    items: tuple[str, ...]
    needed: int


CRITERIA: tuple[Criterion, ...] = (
    Criterion("B", items_between("pcl", 1, 5), 1),
    Criterion("C", items_between("pcl", 6, 7), 1),
    Criterion("D", items_between("pcl", 8, 14), 2),
    Criterion("E", items_between("pcl", 15, 20), 2),
)

# The cluster sums' score names, in CRITERIA order.
CLUSTER_SCORES = tuple(f"pcl_{c.cluster.lower()}" for c in CRITERIA)

_WHY = "study decision: prorated sum when >= 80 % of the items are answered (docs/scoring.md)"

RULES: Mapping[str, MissingRule] = {
    "pcl_total": share_rule("pcl_total", Method.PRORATED_SUM, ITEMS, _WHY),
    **{
        name: share_rule(name, Method.PRORATED_SUM, c.items, _WHY)
        for name, c in zip(CLUSTER_SCORES, CRITERIA, strict=True)
    },
    "pcl_probable": MissingRule(
        "pcl_probable",
        Method.DERIVED,
        derived_from="pcl_total",
        rationale="1 when pcl_total >= the study's cut-off; missing when pcl_total is missing",
    ),
    "pcl_dx": MissingRule(
        "pcl_dx",
        Method.DECIDABLE,
        items=ITEMS,
        rationale="DSM-5 rule on items rated >= 2; missing only when the answers cannot decide",
    ),
}


def criterion_met(criterion: Criterion, values: Mapping[str, int | None]) -> bool | None:
    """True/False when the answered items decide the criterion, None when missing items could."""
    given = [values[i] for i in criterion.items]
    unknown = given.count(None)
    endorsed = sum(1 for v in given if v is not None and v >= ENDORSED_AT)
    if endorsed >= criterion.needed:
        return True
    if endorsed + unknown < criterion.needed:
        return False
    return None


def provisional_diagnosis(values: Mapping[str, int | None]) -> int | None:
    """Return 1/0 for the DSM-5 provisional diagnosis, or None when it cannot be decided."""
    met = [criterion_met(c, values) for c in CRITERIA]
    if False in met:
        return 0
    if all(met):
        return 1
    return None


def score(
    answers: Mapping[str, object],
    cutoff: int | float | Fraction = DEFAULT_CUTOFF,
    rules: Mapping[str, MissingRule] = RULES,
) -> dict[str, Score]:
    """Return pcl_total, pcl_b..pcl_e, pcl_probable and pcl_dx."""
    values = check_values(answers, ITEMS, *VALUE_RANGE)
    total = apply_rule(rules["pcl_total"], values)
    clusters = {name: as_number(apply_rule(rules[name], values)) for name in CLUSTER_SCORES}
    return {
        "pcl_total": as_number(total),
        **clusters,
        "pcl_probable": flag(total, exact_cutoff(cutoff)),
        "pcl_dx": provisional_diagnosis(values),
    }
