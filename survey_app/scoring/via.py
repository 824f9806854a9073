"""VIA: heritage (odd items) and mainstream (even items) orientation, means on the 1-9 scale."""

from __future__ import annotations

from collections.abc import Mapping

from survey_app.scoring.rules import (
    Method,
    MissingRule,
    Score,
    apply_rule,
    as_number,
    check_values,
    items_between,
    share_rule,
)

ITEMS = items_between("via", 1, 20)
HERITAGE = ITEMS[0::2]  # via_01, via_03, ... via_19
MAINSTREAM = ITEMS[1::2]  # via_02, via_04, ... via_20
VALUE_RANGE = (1, 9)

_WHY = "study decision: mean when >= 8 of the 10 items are answered (docs/scoring.md)"

RULES: Mapping[str, MissingRule] = {
    "via_heritage": share_rule("via_heritage", Method.MEAN, HERITAGE, _WHY),
    "via_mainstream": share_rule("via_mainstream", Method.MEAN, MAINSTREAM, _WHY),
}


def score(
    answers: Mapping[str, object], rules: Mapping[str, MissingRule] = RULES
) -> dict[str, Score]:
    """Return via_heritage and via_mainstream."""
    values = check_values(answers, ITEMS, *VALUE_RANGE)
    return {
        name: as_number(apply_rule(rules[name], values), mean=True)
        for name in ("via_heritage", "via_mainstream")
    }
