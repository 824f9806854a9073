"""Scores computed by hand from the entered answers, without survey_app.scoring.

Written from docs/scoring.md and the instruments' published rules, as a data manager would check
them in a spreadsheet: means and prorated sums with the 80 % rule, the cut-offs, and the DSM-5
rule for a provisional PTSD diagnosis with missing items left undecided.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

HSCL_CUTOFF = Fraction(7, 4)
PCL_CUTOFF = 33


def _values(answers: Mapping[str, int | None], prefix: str, numbers) -> list[int | None]:
    return [answers.get(f"{prefix}_{n:02d}") for n in numbers]


def _mean(values: list[int | None], needed: int) -> Fraction | None:
    given = [v for v in values if v is not None]
    return Fraction(sum(given), len(given)) if len(given) >= needed else None


def _prorated(values: list[int | None], needed: int) -> Fraction | None:
    given = [v for v in values if v is not None]
    return Fraction(sum(given) * len(values), len(given)) if len(given) >= needed else None


def _criterion(values: list[int | None], symptoms_needed: int) -> bool | None:
    """Met (True), not met (False) or undecided (None): a symptom is a rating of 2 or more."""
    symptoms = sum(1 for v in values if v is not None and v >= 2)
    unknown = sum(1 for v in values if v is None)
    if symptoms >= symptoms_needed:
        return True
    if symptoms + unknown < symptoms_needed:
        return False
    return None


def scores(answers: Mapping[str, int | None]) -> dict[str, Fraction | int | None]:
    """Every score column of the data set, from item id -> answered code (None: not answered)."""
    hscl = _values(answers, "hscl", range(1, 26))
    pcl = _values(answers, "pcl", range(1, 21))
    via = _values(answers, "via", range(1, 21))
    total = _mean(hscl, 20)
    pcl_total = _prorated(pcl, 16)
    criteria = [
        _criterion(pcl[0:5], 1),
        _criterion(pcl[5:7], 1),
        _criterion(pcl[7:14], 2),
        _criterion(pcl[14:20], 2),
    ]
    if False in criteria:
        dx = 0
    elif all(c is True for c in criteria):
        dx = 1
    else:
        dx = None
    return {
        "hscl_total": total,
        "hscl_anx": _mean(hscl[0:10], 8),
        "hscl_dep": _mean(hscl[10:25], 12),
        "hscl_case": None if total is None else int(total >= HSCL_CUTOFF),
        "pcl_total": pcl_total,
        "pcl_b": _prorated(pcl[0:5], 4),
        "pcl_c": _prorated(pcl[5:7], 2),
        "pcl_d": _prorated(pcl[7:14], 6),
        "pcl_e": _prorated(pcl[14:20], 5),
        "pcl_probable": None if pcl_total is None else int(pcl_total >= PCL_CUTOFF),
        "pcl_dx": dx,
        "via_heritage": _mean(via[0::2], 8),
        "via_mainstream": _mean(via[1::2], 8),
    }
