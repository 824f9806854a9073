"""Scores for HSCL-25, PCL-5, Cantril, EQ-VAS and VIA with explicit missing-data rules (no Qt).

Inputs are keyed by the fixed item variable names (hscl_01, pcl_01, via_01, cantril_now, eqvas,
...); a declined or unanswered item is None or absent. Scores are pure functions of the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from survey_app.scoring import cantril, eqvas, hscl25, pcl5, via
from survey_app.scoring.rules import MissingRule, Score, ScoringError

SCORE_NAMES: tuple[str, ...] = (
    "hscl_total",
    "hscl_anx",
    "hscl_dep",
    "hscl_case",
    "pcl_total",
    "pcl_b",
    "pcl_c",
    "pcl_d",
    "pcl_e",
    "pcl_probable",
    "pcl_dx",
    "cantril_past",
    "cantril_now",
    "cantril_future",
    "eqvas",
    "via_heritage",
    "via_mainstream",
)

DEFAULT_RULES: Mapping[str, MissingRule] = {
    **hscl25.RULES,
    **pcl5.RULES,
    **cantril.RULES,
    **eqvas.RULES,
    **via.RULES,
}


def score_all(
    answers: Mapping[str, object],
    pcl_cutoff: int | float = pcl5.DEFAULT_CUTOFF,
    *,
    hscl_cutoff: int | float = 1.75,
    rules: Mapping[str, MissingRule] | None = None,
) -> dict[str, Score]:
    """Return every score by its fixed name (None where missing), in SCORE_NAMES order."""
    merged = {**DEFAULT_RULES, **(rules or {})}
    scores: dict[str, Score] = {
        **hscl25.score(answers, merged, Fraction(str(hscl_cutoff))),
        **pcl5.score(answers, pcl_cutoff, merged),
        **cantril.score(answers, merged),
        **eqvas.score(answers, merged),
        **via.score(answers, merged),
    }
    return {name: scores[name] for name in SCORE_NAMES}


__all__ = ["DEFAULT_RULES", "SCORE_NAMES", "MissingRule", "ScoringError", "score_all"]
