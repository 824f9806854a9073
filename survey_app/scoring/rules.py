"""Missing-data rules as data, and the arithmetic that applies them (exact, with fractions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from math import ceil

from survey_app.errors import UserFacingError

Number = int | float
Score = int | float | None

# The study's default: a score is computed when at least 80 % of its items are answered.
DEFAULT_SHARE = Fraction(4, 5)


class ScoringError(UserFacingError):
    """Input that no score may be computed from (an item value outside its instrument's range)."""


class Method(StrEnum):
    MEAN = "mean"  # mean of the answered items
    PRORATED_SUM = "prorated_sum"  # sum of answered items x (items / answered)
    COPY = "copy"  # the single item's value
    DERIVED = "derived"  # computed from another score; missing when that score is missing
    DECIDABLE = "decidable"  # a yes/no rule; missing only when the answers cannot decide it


@dataclass(frozen=True)
class MissingRule:
    """How one score is computed and how many of its items must be answered."""

    score: str
    method: Method
    items: tuple[str, ...] = ()
    min_answered: int = 0
    derived_from: str | None = None
    rationale: str = ""

    def __post_init__(self) -> None:
        if self.method in (Method.MEAN, Method.PRORATED_SUM, Method.COPY) and not (
            1 <= self.min_answered <= len(self.items)
        ):
            raise ValueError(f"{self.score}: min_answered must be 1..{len(self.items)}")
        if self.method is Method.DERIVED and not self.derived_from:
            raise ValueError(f"{self.score}: a derived score names the score it comes from")


def items_between(prefix: str, first: int, last: int) -> tuple[str, ...]:
    """Return item ids such as hscl_01..hscl_10."""
    return tuple(f"{prefix}_{n:02d}" for n in range(first, last + 1))


def min_share(n_items: int, share: Fraction = DEFAULT_SHARE) -> int:
    """Return the smallest number of answered items that is at least `share` of n_items."""
    return ceil(share * n_items)


def share_rule(
    score: str,
    method: Method,
    items: tuple[str, ...],
    rationale: str,
    share: Fraction = DEFAULT_SHARE,
) -> MissingRule:
    """Build a rule that needs at least `share` of the items answered."""
    return MissingRule(score, method, items, min_share(len(items), share), rationale=rationale)


# An exact score: numerator / denominator (denominator > 0), not reduced. Plain ints, not
# Fraction: a Fraction per score cost more than the rest of the arithmetic together.
Exact = tuple[int, int]


def check_values(
    answers: Mapping[str, object], items: tuple[str, ...], low: int, high: int
) -> dict[str, int | None]:
    """Return the items' values, refusing anything but None or an int in low..high."""
    values: dict[str, int | None] = {}
    for item in items:
        value = answers.get(item)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
        ):
            # The value itself is a health answer: name only the item and the allowed range.
            raise ScoringError(f"{item}: value outside {low}..{high}; cannot score")
        values[item] = value
    return values


def apply_rule(rule: MissingRule, values: Mapping[str, int | None]) -> Exact | None:
    """Compute a mean, prorated sum or copy exactly, or None when too few items are answered."""
    answered = [v for item in rule.items if (v := values.get(item)) is not None]
    if len(answered) < rule.min_answered:
        return None
    total = sum(answered)
    if rule.method is Method.MEAN:
        return total, len(answered)
    if rule.method is Method.PRORATED_SUM:
        return total * len(rule.items), len(answered)
    if rule.method is Method.COPY:
        return answered[0], 1
    raise ValueError(f"{rule.score}: method {rule.method} is not computed from items")


def as_number(value: Exact | None, *, mean: bool = False) -> Score:
    """Return an int for a whole sum, a float otherwise; means are always floats."""
    if value is None:
        return None
    numerator, denominator = value
    if not mean:
        whole, rest = divmod(numerator, denominator)
        if not rest:
            return whole
    # int / int is correctly rounded: the float nearest the exact quotient, as float(Fraction).
    return numerator / denominator


def flag(value: Exact | None, cutoff: Fraction) -> int | None:
    """Return 1 if value >= cutoff, 0 if below, None when the value is missing."""
    if value is None:
        return None
    numerator, denominator = value
    # Cross-multiplied (both denominators are positive): exact, as comparing fractions.
    return int(numerator * cutoff.denominator >= cutoff.numerator * denominator)


def exact_cutoff(cutoff: int | float | Fraction) -> Fraction:
    """A cut-off as written (1.75 is 7/4, not the binary float nearest 1.75)."""
    return cutoff if isinstance(cutoff, Fraction) else Fraction(str(cutoff))
