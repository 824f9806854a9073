"""Missing-data rules are data that match the shipped forms and the documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.loader import load_form
from survey_app.forms.model import Form
from survey_app.scoring import (
    DEFAULT_RULES,
    SCORE_NAMES,
    MissingRule,
    cantril,
    eqvas,
    hscl25,
    pcl5,
    via,
)
from survey_app.scoring.rules import Method, min_share

ROOT = Path(__file__).resolve().parents[2]


def shipped(form_id: str) -> Form:
    form, findings = load_form(ROOT / "forms" / f"{form_id}.yaml")
    assert form is not None, findings
    return form


def groups(form: Form) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for item in form.answerable_items:
        out.setdefault(item.group or "", []).append(item.id)
    return {k: tuple(v) for k, v in out.items()}


def test_every_score_has_exactly_one_rule() -> None:
    assert set(DEFAULT_RULES) == set(SCORE_NAMES)
    assert all(rule.score == name for name, rule in DEFAULT_RULES.items())


@pytest.mark.parametrize(
    ("score", "needed", "of"),
    [
        ("hscl_total", 20, 25),
        ("hscl_anx", 8, 10),
        ("hscl_dep", 12, 15),
        ("pcl_total", 16, 20),
        ("pcl_b", 4, 5),
        ("pcl_c", 2, 2),
        ("pcl_d", 6, 7),
        ("pcl_e", 5, 6),
        ("via_heritage", 8, 10),
        ("via_mainstream", 8, 10),
    ],
)
def test_default_rules_need_80_percent_of_items(score: str, needed: int, of: int) -> None:
    rule = DEFAULT_RULES[score]
    assert (rule.min_answered, len(rule.items)) == (needed, of)


def test_min_share_rounds_up() -> None:
    assert [min_share(n) for n in (2, 5, 6, 7, 10)] == [2, 4, 5, 6, 8]


def test_a_rule_cannot_demand_more_items_than_it_has() -> None:
    with pytest.raises(ValueError):
        MissingRule("x", Method.MEAN, ("a", "b"), 3)


def test_a_rule_cannot_accept_zero_answered_items() -> None:
    with pytest.raises(ValueError):
        MissingRule("x", Method.MEAN, ("a", "b"), 0)


def test_hscl_subscales_match_the_form_groups() -> None:
    form = shipped("hscl25")
    assert groups(form) == {"anx": hscl25.ANXIETY, "dep": hscl25.DEPRESSION}
    assert all(
        (i.scale.min, i.scale.max) == hscl25.VALUE_RANGE for i in form.answerable_items if i.scale
    )


def test_pcl_clusters_match_the_form_groups() -> None:
    form = shipped("pcl5")
    assert groups(form) == {c.cluster: c.items for c in pcl5.CRITERIA}
    assert {(i.scale.min, i.scale.max) for i in form.answerable_items if i.scale} == {
        pcl5.VALUE_RANGE
    }


def test_via_subscales_match_the_form_groups() -> None:
    form = shipped("via")
    assert groups(form) == {"heritage": via.HERITAGE, "mainstream": via.MAINSTREAM}
    assert {(i.scale.min, i.scale.max) for i in form.answerable_items if i.scale} == {
        via.VALUE_RANGE
    }


def test_cantril_and_eqvas_items_and_ranges_match_the_forms() -> None:
    ladder = shipped("cantril")
    assert tuple(i.id for i in ladder.answerable_items) == cantril.ITEMS
    assert {(i.scale.min, i.scale.max) for i in ladder.answerable_items if i.scale} == {
        cantril.VALUE_RANGE
    }
    vas = shipped("eqvas").answerable_items
    assert [(i.id, i.scale.min, i.scale.max) for i in vas if i.scale] == [
        (eqvas.ITEM, *eqvas.VALUE_RANGE)
    ]


def test_scoring_document_describes_every_score() -> None:
    text = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert [name for name in SCORE_NAMES if f"`{name}`" not in text] == []
