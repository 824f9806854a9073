"""Answer rows from a submission become scoring input; declined items are missing."""

from __future__ import annotations

import pytest

from survey_app.scoring import ScoringError, score_all
from survey_app.scoring.inputs import values_from_answers


def row(item: str, value: object, status: str = "answered") -> dict[str, object]:
    return {"form_id": "x", "item_id": item, "value": value, "status": status}


def test_answered_rows_give_their_values() -> None:
    assert values_from_answers([row("eqvas", 80), row("cantril_now", 6)]) == {
        "eqvas": 80,
        "cantril_now": 6,
    }


def test_declined_rows_are_missing_not_zero() -> None:
    values = values_from_answers([row("eqvas", None, "declined")])
    assert values == {"eqvas": None}
    assert score_all(values)["eqvas"] is None


def test_two_answers_to_one_item_are_refused() -> None:
    with pytest.raises(ScoringError):
        values_from_answers([row("eqvas", 80), row("eqvas", 70)])
