"""The data manager's sequence check finds every way an allocation sequence can go wrong."""

from __future__ import annotations

from dataclasses import replace

from survey_app.trial.lists import generate_lists
from survey_app.trial.sequence import check_sequence
from tests.trial.conftest import SEED
from tests.trial.helpers import allocate

LAPTOPS = ("laptop-1", "laptop-2")


def _trial(settings):
    lists = generate_lists(settings, LAPTOPS, SEED, study_id="demo", list_id="L")
    rows = []
    for n, lst in enumerate(lists.lists):
        people = [
            (f"c{n}-{i}", ("women", "men")[i % 2], "2025-01-14" if i < 20 else "2025-02-01")
            for i in range(40)
        ]
        rows += allocate(lst, people, device=f"dev{n}")
    known = {(lst.list_id, lst.laptop): lst for lst in lists.lists}
    return rows, known


def test_a_clean_sequence_has_no_problems_and_is_verified(settings) -> None:
    rows, lists = _trial(settings)
    report = check_sequence(rows, settings, lists)
    assert (report.problems, report.notes, report.verified_lists) == ([], [], ("L",))


def test_balance_is_reported_per_stratum_and_period(settings) -> None:
    rows, lists = _trial(settings)
    balance = {(b.stratum, b.period): b for b in check_sequence(rows, settings, lists).balance}
    assert set(balance) == {("men", 1), ("men", 2), ("women", 1), ("women", 2)}
    for b in balance.values():
        assert b.total == 20
        assert all(b.deviation(arm) <= b.allowed_deviation for arm in b.ratio)


def test_a_slot_used_twice_is_a_problem(settings) -> None:
    rows, lists = _trial(settings)
    twin = replace(
        rows[1],
        submission_id="again",
        code_key="someone-else",
        position=rows[0].position,
        stratum=rows[0].stratum,
    )
    report = check_sequence([*rows, twin], settings, lists)
    assert any("used 2 times" in p for p in report.problems)


def test_a_code_randomised_twice_is_a_problem(settings) -> None:
    rows, lists = _trial(settings)
    rows[1] = replace(rows[1], code_key=rows[0].code_key)
    assert any(
        "randomised more than once" in p for p in check_sequence(rows, settings, lists).problems
    )


def test_an_arm_changed_after_the_reveal_is_a_problem(settings) -> None:
    rows, lists = _trial(settings)
    flipped = {"intervention": "control", "control": "intervention"}
    rows[3] = replace(rows[3], arm=flipped[rows[3].arm])
    report = check_sequence(rows, settings, lists)
    assert any("does not follow from the list" in p for p in report.problems)


def test_a_redone_allocation_after_restoring_the_store_is_a_problem(settings) -> None:
    rows, lists = _trial(settings)
    redo = replace(rows[5], submission_id="redo", code_key="other", payload_sha256="f" * 64)
    report = check_sequence([*rows, redo], settings, lists)
    assert any("restored from a copy" in p for p in report.problems)


def test_a_wrong_period_is_a_problem(settings) -> None:
    rows, lists = _trial(settings)
    rows[0] = replace(rows[0], meeting_date="2025-03-01")
    assert any("gives period 2" in p for p in check_sequence(rows, settings, lists).problems)


def test_one_list_on_two_devices_is_a_problem(settings) -> None:
    rows, lists = _trial(settings)
    rows[2] = replace(rows[2], device_id="intruder")
    assert any("used on 2 devices" in p for p in check_sequence(rows, settings, lists).problems)


def test_a_slot_not_imported_yet_is_a_note_not_a_problem(settings) -> None:
    rows, lists = _trial(settings)
    report = check_sequence(rows[:4] + rows[5:], settings, lists)
    assert report.problems == []
    assert any("not imported (yet)" in n for n in report.notes)


def test_without_the_seed_the_order_and_balance_are_still_checked(settings) -> None:
    rows, _ = _trial(settings)
    report = check_sequence(rows, settings, None)
    assert (report.problems, report.verified_lists) == ([], ())
    assert len(report.balance) == 4
