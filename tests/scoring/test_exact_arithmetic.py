"""Scores computed on plain integers equal the former fractions.Fraction arithmetic exactly.

The reference below is the arithmetic as it was (apply_rule, as_number, flag and score_all on
Fraction, the cut-offs read with Fraction(str(...))), kept here verbatim in substance: every
score, in value and in type (int or float), must be the same at every threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey_app.scoring import (
    DEFAULT_RULES,
    SCORE_NAMES,
    MissingRule,
    ScoringError,
    cantril,
    eqvas,
    hscl25,
    pcl5,
    score_all,
    scorer,
    via,
)
from survey_app.scoring.rules import Method, apply_rule, as_number, check_values, flag


def _old_apply_rule(rule: MissingRule, values: Mapping[str, int | None]) -> Fraction | None:
    answered = [v for item in rule.items if (v := values.get(item)) is not None]
    if len(answered) < rule.min_answered:
        return None
    total = sum(answered)
    if rule.method is Method.MEAN:
        return Fraction(total, len(answered))
    if rule.method is Method.PRORATED_SUM:
        return Fraction(total * len(rule.items), len(answered))
    if rule.method is Method.COPY:
        return Fraction(answered[0])
    raise ValueError(rule.score)


def _old_as_number(value: Fraction | None, *, mean: bool = False) -> int | float | None:
    if value is None:
        return None
    if value.denominator == 1 and not mean:
        return int(value)
    return float(value)


def _old_flag(value: Fraction | None, cutoff: Fraction) -> int | None:
    if value is None:
        return None
    return int(value >= cutoff)


def _old_score_all(
    answers: Mapping[str, object],
    pcl_cutoff: int | float = 33,
    *,
    hscl_cutoff: int | float = 1.75,
    rules: Mapping[str, MissingRule] | None = None,
) -> dict[str, int | float | None]:
    merged = {**DEFAULT_RULES, **(rules or {})}

    def rule(name: str, values: Mapping[str, int | None]) -> Fraction | None:
        return _old_apply_rule(merged[name], values)

    h = check_values(answers, hscl25.ITEMS, *hscl25.VALUE_RANGE)
    total = rule("hscl_total", h)
    scores: dict[str, int | float | None] = {
        "hscl_total": _old_as_number(total, mean=True),
        "hscl_anx": _old_as_number(rule("hscl_anx", h), mean=True),
        "hscl_dep": _old_as_number(rule("hscl_dep", h), mean=True),
        "hscl_case": _old_flag(total, Fraction(str(hscl_cutoff))),
    }
    p = check_values(answers, pcl5.ITEMS, *pcl5.VALUE_RANGE)
    total = rule("pcl_total", p)
    scores["pcl_total"] = _old_as_number(total)
    for c in pcl5.CRITERIA:
        name = f"pcl_{c.cluster.lower()}"
        scores[name] = _old_as_number(rule(name, p))
    scores["pcl_probable"] = _old_flag(total, Fraction(str(pcl_cutoff)))
    scores["pcl_dx"] = pcl5.provisional_diagnosis(p)
    c_values = check_values(answers, cantril.ITEMS, *cantril.VALUE_RANGE)
    scores |= {i: _old_as_number(rule(i, c_values)) for i in cantril.ITEMS}
    e_values = check_values(answers, (eqvas.ITEM,), *eqvas.VALUE_RANGE)
    scores[eqvas.ITEM] = _old_as_number(rule(eqvas.ITEM, e_values))
    v = check_values(answers, via.ITEMS, *via.VALUE_RANGE)
    for name in ("via_heritage", "via_mainstream"):
        scores[name] = _old_as_number(rule(name, v), mean=True)
    return {name: scores[name] for name in SCORE_NAMES}


def _same(new: object, old: object) -> bool:
    return type(new) is type(old) and new == old


def _instrument(prefix: str, count: int, low: int, high: int) -> st.SearchStrategy:
    """Answers to one instrument's items: in range, declined (None) or absent."""
    value = st.one_of(st.integers(low, high), st.none())
    return st.dictionaries(
        st.sampled_from([f"{prefix}_{n:02d}" for n in range(1, count + 1)]), value
    )


ANSWERS = st.tuples(
    _instrument("hscl", 25, 1, 4),
    _instrument("pcl", 20, 0, 4),
    _instrument("via", 20, 1, 9),
    st.dictionaries(st.sampled_from(cantril.ITEMS), st.one_of(st.integers(1, 10), st.none())),
    st.dictionaries(st.just(eqvas.ITEM), st.one_of(st.integers(0, 100), st.none())),
).map(lambda parts: {k: v for part in parts for k, v in part.items()})

CUTOFFS = st.one_of(
    st.integers(0, 80),
    st.sampled_from([1.75, 2.0, 2.04, 1.7, 32.5, 33.3, 0.1, 1e-3]),
    st.decimals(0, 80, places=3).map(float),
)


@given(ANSWERS, CUTOFFS, CUTOFFS)
def test_score_all_equals_the_fraction_reference(
    answers: dict[str, object], pcl_cutoff: float, hscl_cutoff: float
) -> None:
    new = score_all(answers, pcl_cutoff, hscl_cutoff=hscl_cutoff)
    old = _old_score_all(answers, pcl_cutoff, hscl_cutoff=hscl_cutoff)
    assert list(new) == list(old)
    assert all(_same(new[k], old[k]) for k in SCORE_NAMES), (new, old)


@given(ANSWERS, st.integers(1, 20), st.integers(1, 25), st.sampled_from(list(Method)[:3]))
def test_study_rules_equal_the_fraction_reference(
    answers: dict[str, object], first: int, needed: int, method: Method
) -> None:
    # A study's own rule, any method on any run of items: the same scores as before.
    items = tuple(f"pcl_{n:02d}" for n in range(first, 21))
    rules = {"pcl_total": MissingRule("pcl_total", method, items, min(needed, len(items)))}
    new = score_all(answers, rules=rules)
    old = _old_score_all(answers, rules=rules)
    assert all(_same(new[k], old[k]) for k in SCORE_NAMES), (new, old)


@pytest.mark.parametrize("method", [Method.MEAN, Method.PRORATED_SUM])
@pytest.mark.parametrize("count", range(1, 26))
def test_every_sum_of_every_instrument_size_exactly(method: Method, count: int) -> None:
    # Exhaustive: every number of items (1-25), answered (1-count) and sum (0-10 per item, the
    # ranges of the multi-item instruments), as int/float at both means and sums, and at
    # cut-offs on, just below and just above the value.
    items = tuple(f"i{n}" for n in range(count))
    for answered in range(1, count + 1):
        rule = MissingRule("s", method, items, answered)
        for total in range(0, 10 * answered + 1):
            values: dict[str, int | None] = dict.fromkeys(items)
            values |= dict.fromkeys(items[1:answered], 0)
            values[items[0]] = total
            new, old = apply_rule(rule, values), _old_apply_rule(rule, values)
            assert new is not None and old is not None
            for mean in (False, True):
                assert _same(as_number(new, mean=mean), _old_as_number(old, mean=mean))
            for cutoff in (old, old - Fraction(1, 1000), old + Fraction(1, 1000)):
                assert flag(new, cutoff) == _old_flag(old, cutoff)


def test_too_few_answers_and_copies_match_the_reference() -> None:
    for value in range(0, 101):
        rule = MissingRule("c", Method.COPY, ("a", "b"), 1)
        for values in ({"a": value}, {"a": None, "b": value}, {}):
            new, old = apply_rule(rule, values), _old_apply_rule(rule, values)
            assert _same(as_number(new), _old_as_number(old))
            assert _same(as_number(new, mean=True), _old_as_number(old, mean=True))
            assert flag(new, Fraction(50)) == _old_flag(old, Fraction(50))


def test_a_scorer_made_once_scores_as_score_all() -> None:
    answers = {f"hscl_{n:02d}": 2 if n <= 19 else 1 for n in range(1, 26)}
    score = scorer(30, hscl_cutoff=1.76)
    assert score(answers) == score_all(answers, 30, hscl_cutoff=1.76)
    assert score(answers)["hscl_case"] == 1  # 44/25 = 1.76 exactly, on the cut-off


def test_out_of_range_values_are_still_refused_by_item() -> None:
    with pytest.raises(ScoringError, match=r"hscl_02: value outside 1\.\.4"):
        scorer()({"hscl_01": 1, "hscl_02": 5})
