"""PCL-5: hand-computed sums, prorating, the cut-off and the DSM-5 provisional diagnosis."""

from __future__ import annotations

import pytest

from survey_app.scoring import ScoringError, score_all


def pcl(values: dict[int, int | None]) -> dict[str, object]:
    return {f"pcl_{n:02d}": v for n, v in values.items()}


def scores(answers: dict[str, object], cutoff: int | float = 33) -> dict[str, object]:
    return {k: v for k, v in score_all(answers, cutoff).items() if k.startswith("pcl_")}


def with_total(total: int) -> dict[str, object]:
    """Complete answers with a given sum: as many 4s as fit, the remainder, then 0s."""
    fours, rest = divmod(total, 4)
    values = [4] * fours + ([rest] if rest else [])
    values += [0] * (20 - len(values))
    return pcl(dict(enumerate(values, start=1)))


# Items 1-20: B 4,3,2,1,0 | C 2,2 | D 1 x 7 | E 3,0,0,0,0,0
EXAMPLE = [4, 3, 2, 1, 0, 2, 2, 1, 1, 1, 1, 1, 1, 1, 3, 0, 0, 0, 0, 0]


def test_complete_answers_give_sum_and_cluster_sums() -> None:
    assert scores(pcl(dict(enumerate(EXAMPLE, start=1)))) == {
        "pcl_total": 24,
        "pcl_b": 10,
        "pcl_c": 4,
        "pcl_d": 7,
        "pcl_e": 3,
        "pcl_probable": 0,
        "pcl_dx": 0,  # D has no item rated 2 or higher
    }


def test_total_exactly_at_the_cutoff_is_probable() -> None:
    assert scores(with_total(33))["pcl_probable"] == 1


def test_total_one_below_the_cutoff_is_not_probable() -> None:
    assert scores(with_total(32))["pcl_probable"] == 0


@pytest.mark.parametrize(("cutoff", "probable"), [(31, 1), (32, 1), (33, 0)])
def test_the_cutoff_is_configurable(cutoff: int, probable: int) -> None:
    assert scores(with_total(32), cutoff)["pcl_probable"] == probable


def test_total_ranges_from_0_to_80() -> None:
    assert scores(with_total(0))["pcl_total"] == 0
    assert scores(with_total(80))["pcl_total"] == 80


def test_total_is_prorated_at_16_of_20() -> None:
    # 16 answered summing to 30: 30 x 20 / 16 = 37.5.
    values = [2] * 14 + [1, 1] + [None] * 4
    result = scores(pcl(dict(enumerate(values, start=1))))
    assert (result["pcl_total"], result["pcl_probable"]) == (37.5, 1)


def test_prorated_total_is_exact_not_rounded() -> None:
    # 19 answered summing to 30: 30 x 20 / 19 = 31.578...; below 33, above 31.
    values = [2] * 11 + [1] * 8 + [None]
    answers = pcl(dict(enumerate(values, start=1)))
    assert scores(answers)["pcl_total"] == pytest.approx(600 / 19)
    assert scores(answers, 31)["pcl_probable"] == 1
    assert scores(answers, 33)["pcl_probable"] == 0


def test_total_is_missing_one_item_short_of_the_rule() -> None:
    values = [4] * 15 + [None] * 5  # 15 of 20; the 60 points already exceed any cut-off
    result = scores(pcl(dict(enumerate(values, start=1))))
    assert (result["pcl_total"], result["pcl_probable"]) == (None, None)


def test_cluster_b_is_prorated_at_4_of_5_and_missing_at_3() -> None:
    four = pcl({1: 4, 2: 4, 3: 4, 4: 4, 5: None})
    three = pcl({1: 4, 2: 4, 3: 4, 4: None, 5: None})
    assert scores(four)["pcl_b"] == 20
    assert scores(three)["pcl_b"] is None


def test_cluster_c_needs_both_items() -> None:
    assert scores(pcl({6: 3, 7: 1}))["pcl_c"] == 4
    assert scores(pcl({6: 3, 7: None}))["pcl_c"] is None


def test_cluster_d_needs_6_of_7_and_e_needs_5_of_6() -> None:
    d_six = pcl({n: 1 for n in range(8, 14)})
    e_five = pcl({n: 2 for n in range(15, 20)})
    assert scores(d_six)["pcl_d"] == pytest.approx(7.0)
    assert scores(e_five)["pcl_e"] == pytest.approx(12.0)
    assert scores(pcl({n: 1 for n in range(8, 13)}))["pcl_d"] is None
    assert scores(pcl({n: 2 for n in range(15, 19)}))["pcl_e"] is None


def minimal_dx() -> dict[int, int | None]:
    """One B, one C, two D and two E items rated 2; everything else 0."""
    values: dict[int, int | None] = dict.fromkeys(range(1, 21), 0)
    values.update({1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2})
    return values


def test_provisional_diagnosis_with_exactly_the_needed_symptoms() -> None:
    result = scores(pcl(minimal_dx()))
    assert (result["pcl_dx"], result["pcl_total"]) == (1, 12)


def test_diagnosis_and_cutoff_are_independent() -> None:
    # Meets DSM-5 pattern with a total of 12: dx 1, probable 0.
    assert scores(pcl(minimal_dx()))["pcl_probable"] == 0


def test_items_rated_1_are_not_symptoms() -> None:
    assert scores(pcl(dict.fromkeys(range(1, 21), 1)))["pcl_dx"] == 0


def test_one_d_symptom_short_is_no_diagnosis() -> None:
    values = minimal_dx() | {9: 1}
    assert scores(pcl(values))["pcl_dx"] == 0


def test_diagnosis_is_missing_when_missing_items_could_change_it() -> None:
    # D has one symptom and one unanswered item: the answers cannot decide.
    values = minimal_dx() | {9: None}
    assert scores(pcl(values))["pcl_dx"] is None


def test_diagnosis_is_missing_when_a_whole_cluster_is_declined() -> None:
    values = minimal_dx() | {1: None, 2: None, 3: None, 4: None, 5: None}
    assert scores(pcl(values))["pcl_dx"] is None


def test_diagnosis_is_0_when_a_fully_answered_cluster_fails_despite_missing_items() -> None:
    values = minimal_dx() | {6: 0} | {n: None for n in range(1, 6)}
    assert scores(pcl(values))["pcl_dx"] == 0


def test_diagnosis_is_1_when_answered_items_already_meet_every_criterion() -> None:
    values = minimal_dx() | {n: None for n in (2, 3, 4, 5, 7, 10, 11, 12, 13, 14, 17, 18)}
    result = scores(pcl(values))
    assert (result["pcl_dx"], result["pcl_total"]) == (1, None)


@pytest.mark.parametrize("bad", [-1, 5, -9, "2", 1.0])
def test_a_value_outside_0_to_4_is_refused_not_scored(bad: object) -> None:
    with pytest.raises(ScoringError):
        score_all(pcl(dict.fromkeys(range(1, 21), 0)) | {"pcl_12": bad})
