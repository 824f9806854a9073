"""Scores for HSCL-25, PCL-5, Cantril, EQ-VAS and VIA with explicit missing-data rules (no Qt).

Inputs are keyed by the fixed item variable names (hscl_01, pcl_01, via_01, cantril_now, eqvas,
...); a declined or unanswered item is None or absent. Scores are pure functions of the answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from survey_app.scoring import cantril, eqvas, hscl25, pcl5, via
from survey_app.scoring.rules import MissingRule, Score, ScoringError, exact_cutoff

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


Scores = Callable[[Mapping[str, object]], dict[str, Score]]


def scorer(
    pcl_cutoff: int | float = pcl5.DEFAULT_CUTOFF,
    *,
    hscl_cutoff: int | float = 1.75,
    rules: Mapping[str, MissingRule] | None = None,
) -> Scores:
    """score_all with these settings, made once: the rules merged, the cut-offs made exact."""
    merged = {**DEFAULT_RULES, **(rules or {})}
    hscl_exact, pcl_exact = exact_cutoff(hscl_cutoff), exact_cutoff(pcl_cutoff)

    def scores_of(answers: Mapping[str, object]) -> dict[str, Score]:
        scores: dict[str, Score] = {
            **hscl25.score(answers, merged, hscl_exact),
            **pcl5.score(answers, pcl_exact, merged),
            **cantril.score(answers, merged),
            **eqvas.score(answers, merged),
            **via.score(answers, merged),
        }
        return {name: scores[name] for name in SCORE_NAMES}

    return scores_of


def score_all(
    answers: Mapping[str, object],
    pcl_cutoff: int | float = pcl5.DEFAULT_CUTOFF,
    *,
    hscl_cutoff: int | float = 1.75,
    rules: Mapping[str, MissingRule] | None = None,
) -> dict[str, Score]:
    """Return every score by its fixed name (None where missing), in SCORE_NAMES order."""
    return scorer(pcl_cutoff, hscl_cutoff=hscl_cutoff, rules=rules)(answers)


__all__ = [
    "DEFAULT_RULES",
    "SCORE_NAMES",
    "MissingRule",
    "Scores",
    "ScoringError",
    "score_all",
    "scorer",
]
