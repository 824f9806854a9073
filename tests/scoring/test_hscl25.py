"""HSCL-25: hand-computed means, the 1.75 case boundary and the 80 % missing-data rule."""

from __future__ import annotations

import pytest

from survey_app.scoring import DEFAULT_RULES, MissingRule, ScoringError, score_all
from survey_app.scoring.rules import Method


def hscl(values: dict[int, int | None]) -> dict[str, object]:
    return {f"hscl_{n:02d}": v for n, v in values.items()}


def scores(answers: dict[str, object], **kwargs: object) -> dict[str, object]:
    result = score_all(answers, **kwargs)  # type: ignore[arg-type]
    return {k: v for k, v in result.items() if k.startswith("hscl_")}


def test_complete_answers_give_item_means() -> None:
    # Anxiety items all 2 (sum 20), depression items all 1 (sum 15): total 35 / 25 = 1.4.
    answers = hscl({n: 2 if n <= 10 else 1 for n in range(1, 26)})
    assert scores(answers) == {
        "hscl_total": 1.4,
        "hscl_anx": 2.0,
        "hscl_dep": 1.0,
        "hscl_case": 0,
    }


def test_mean_exactly_1_75_is_a_case() -> None:
    # 20 answered: fifteen 2s and five 1s = 35, 35 / 20 = 1.75 exactly.
    values = {n: 2 for n in range(1, 16)} | {n: 1 for n in range(16, 21)}
    values |= {n: None for n in range(21, 26)}
    result = scores(hscl(values))
    assert (result["hscl_total"], result["hscl_case"]) == (1.75, 1)


def test_mean_exactly_1_75_with_24_items_is_a_case() -> None:
    # 42 / 24 = 1.75: eighteen 2s and six 1s, one item declined.
    values = {n: 2 for n in range(1, 19)} | {n: 1 for n in range(19, 25)} | {25: None}
    assert scores(hscl(values))["hscl_case"] == 1


@pytest.mark.parametrize(("twos", "total", "case"), [(18, 1.72, 0), (19, 1.76, 1)])
def test_case_boundary_with_complete_answers(twos: int, total: float, case: int) -> None:
    # 25 items: `twos` items at 2, the rest at 1 -> (25 + twos) / 25.
    answers = hscl({n: 2 if n <= twos else 1 for n in range(1, 26)})
    result = scores(answers)
    assert (result["hscl_total"], result["hscl_case"]) == (total, case)


def test_total_uses_the_mean_of_answered_items_at_20_of_25() -> None:
    values = {n: 3 for n in range(1, 21)} | {n: None for n in range(21, 26)}
    assert scores(hscl(values))["hscl_total"] == 3.0


def test_total_is_missing_one_item_short_of_the_rule() -> None:
    # 19 of 25 answered is below 80 %: no total, and no case flag either (never 0 for missing).
    values = {n: 4 for n in range(1, 20)}
    result = scores(hscl(values))
    assert (result["hscl_total"], result["hscl_case"]) == (None, None)


def test_anxiety_needs_8_of_10() -> None:
    eight = {n: 3 for n in range(1, 9)} | {9: 1}
    assert scores(hscl(eight | {10: None}))["hscl_anx"] == pytest.approx(25 / 9)
    assert scores(hscl({n: 3 for n in range(1, 9)}))["hscl_anx"] == 3.0
    assert scores(hscl({n: 3 for n in range(1, 8)}))["hscl_anx"] is None


def test_depression_needs_12_of_15() -> None:
    assert scores(hscl({n: 2 for n in range(11, 23)}))["hscl_dep"] == 2.0
    assert scores(hscl({n: 2 for n in range(11, 22)}))["hscl_dep"] is None


def test_declined_and_absent_items_count_the_same() -> None:
    answered = {n: 2 for n in range(1, 21)}
    declined = hscl(answered | {n: None for n in range(21, 26)})
    assert scores(declined) == scores(hscl(answered))


@pytest.mark.parametrize("bad", [0, 5, -9, -7, "3", 2.5, True])
def test_a_value_outside_1_to_4_is_refused_not_scored(bad: object) -> None:
    answers = hscl(dict.fromkeys(range(1, 26), 2)) | {"hscl_07": bad}
    with pytest.raises(ScoringError) as caught:
        score_all(answers)
    assert "hscl_07" in str(caught.value)


def test_the_missing_data_rule_is_configurable() -> None:
    strict = MissingRule("hscl_total", Method.MEAN, DEFAULT_RULES["hscl_total"].items, 25)
    answers = hscl(dict.fromkeys(range(1, 25), 2))
    assert scores(answers)["hscl_total"] == 2.0
    assert scores(answers, rules={"hscl_total": strict})["hscl_total"] is None


def test_the_case_cutoff_is_configurable() -> None:
    answers = hscl(dict.fromkeys(range(1, 26), 2))  # mean 2.0
    assert scores(answers, hscl_cutoff=2.0)["hscl_case"] == 1
    assert scores(answers, hscl_cutoff=2.04)["hscl_case"] == 0
