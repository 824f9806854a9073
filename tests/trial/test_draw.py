"""Reveals: slots in order, the period by date or count, the arm decided by the sealed baseline."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from survey_app.trial.draw import Slot, UsedSlot, draw_arm, next_slot
from survey_app.trial.errors import ListError
from survey_app.trial.lists import generate_lists
from tests.trial.conftest import SEED
from tests.trial.helpers import allocate


def _list(settings, laptops=("laptop-1", "laptop-2")):
    return generate_lists(settings, laptops, SEED, study_id="demo", list_id="L").lists[0]


def test_slots_are_used_in_order_from_the_start_of_the_range(settings) -> None:
    lst = _list(settings)
    rows = allocate(lst, [(f"c{i}", "women", "2025-01-14") for i in range(5)])
    first = lst.range_for("women", 1).first
    assert [r.position for r in rows] == list(range(first, first + 5))


def test_the_ratio_changes_on_the_date(settings) -> None:
    lst = _list(settings)
    before = next_slot(lst, "men", [], "2025-01-24")
    after = next_slot(lst, "men", [], "2025-01-25")
    assert (before.period, after.period) == (1, 2)
    assert after.position == lst.range_for("men", 2).first


def test_the_ratio_changes_after_the_count(settings) -> None:
    count = replace(settings.periods[0], until_date=None, until_count=6)
    lst = _list(replace(settings, periods=(count, settings.periods[1])))
    rows = allocate(lst, [(f"c{i}", "men", "2025-01-14") for i in range(4)])
    # 6 over two laptops: 3 slots (one block of 2:1) each, then 1:1.
    assert [r.period for r in rows] == [1, 1, 1, 2]


def test_a_used_up_list_refuses_instead_of_switching_the_ratio_early(settings) -> None:
    small = replace(settings, slots_per_laptop=3, block_multiples=(1,))
    lst = _list(small)
    people = [(f"c{i}", "women", "2025-01-14") for i in range(3)]
    used = [UsedSlot("women", 1, r.position, r.arm) for r in allocate(lst, people)]
    with pytest.raises(ListError, match="used up"):
        next_slot(lst, "women", used, "2025-01-14")


def test_a_whole_block_ends_exactly_on_the_ratio(settings) -> None:
    lst = _list(settings)
    block = lst.range_for("women", 1).blocks[0]
    rows = allocate(lst, [(f"c{i}", "women", "2025-01-14") for i in range(len(block.arms))])
    assert Counter(r.arm for r in rows) == Counter(block.arms)


def test_the_arm_is_not_decided_before_the_baseline_is_sealed(settings) -> None:
    lst = _list(settings)
    slot = next_slot(lst, "women", [], "2025-01-14")
    arms = {draw_arm(lst, slot, [], f"{n:064x}") for n in range(40)}
    assert arms == {"intervention", "control"}


def test_the_same_baseline_always_gives_the_same_arm(settings) -> None:
    lst = _list(settings)
    slot = next_slot(lst, "women", [], "2025-01-14")
    assert len({draw_arm(lst, slot, [], "ab" * 32) for _ in range(5)}) == 1


def test_an_unknown_stratum_is_refused(settings) -> None:
    with pytest.raises(ListError, match="no stratum"):
        next_slot(_list(settings), "children", [], "2025-01-14")


def test_an_arm_used_more_often_than_its_block_holds_is_refused(settings) -> None:
    lst = _list(replace(settings, block_multiples=(1,)))
    r = lst.range_for("women", 1)
    used = [UsedSlot("women", 1, r.first, "control"), UsedSlot("women", 1, r.first + 1, "control")]
    with pytest.raises(ListError, match="inconsistent"):
        draw_arm(lst, Slot("women", 1, r.first + 2, r), used, "00" * 32)
