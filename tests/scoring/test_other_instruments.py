"""VIA means, Cantril and EQ-VAS copies, and the shape of score_all's result."""

from __future__ import annotations

import pytest

from survey_app.scoring import SCORE_NAMES, ScoringError, score_all


def via(values: dict[int, int | None]) -> dict[str, object]:
    return {f"via_{n:02d}": v for n, v in values.items()}


def test_via_heritage_is_the_mean_of_odd_items_and_mainstream_of_even_items() -> None:
    # Odd items: 9 then nine 7s -> 72 / 10 = 7.2. Even items: all 5.
    values = {n: (7 if n % 2 else 5) for n in range(1, 21)} | {1: 9}
    result = score_all(via(values))
    assert (result["via_heritage"], result["via_mainstream"]) == (7.2, 5.0)


def test_via_mean_uses_answered_items_at_8_of_10() -> None:
    values = {n: 6 for n in range(1, 21)} | {1: None, 3: None, 5: 9}
    # Heritage: 8 answered: 9 + 7 x 6 = 51 -> 6.375.
    assert score_all(via(values))["via_heritage"] == 6.375


def test_via_mean_is_missing_at_7_of_10() -> None:
    values = {n: 6 for n in range(1, 21)} | {2: None, 4: None, 6: None}
    result = score_all(via(values))
    assert (result["via_heritage"], result["via_mainstream"]) == (6.0, None)


@pytest.mark.parametrize("bad", [0, 10])
def test_via_value_outside_1_to_9_is_refused(bad: int) -> None:
    with pytest.raises(ScoringError):
        score_all(via({1: bad}))


def test_cantril_steps_are_copied() -> None:
    answers = {"cantril_past": 4, "cantril_now": 6, "cantril_future": 10}
    result = score_all(answers)
    assert [result[k] for k in answers] == [4, 6, 10]


def test_cantril_declined_step_stays_missing() -> None:
    assert score_all({"cantril_past": None, "cantril_now": 1})["cantril_past"] is None


@pytest.mark.parametrize("bad", [0, 11])
def test_cantril_value_outside_1_to_10_is_refused(bad: int) -> None:
    with pytest.raises(ScoringError):
        score_all({"cantril_now": bad})


@pytest.mark.parametrize("value", [0, 85, 100])
def test_eqvas_is_copied(value: int) -> None:
    assert score_all({"eqvas": value})["eqvas"] == value


@pytest.mark.parametrize("bad", [-1, 101])
def test_eqvas_value_outside_0_to_100_is_refused(bad: int) -> None:
    with pytest.raises(ScoringError):
        score_all({"eqvas": bad})


def test_score_all_returns_every_fixed_score_name_in_order() -> None:
    assert tuple(score_all({})) == SCORE_NAMES


def test_nothing_answered_gives_missing_never_zero() -> None:
    assert set(score_all({}).values()) == {None}


def test_other_variables_in_the_answers_are_ignored() -> None:
    assert score_all({"bg_age": 35, "proc_comment": "text"}) == score_all({})


def test_scoring_does_not_change_the_answers() -> None:
    answers = {"hscl_01": 2, "pcl_01": None}
    snapshot = dict(answers)
    score_all(answers)
    assert answers == snapshot
