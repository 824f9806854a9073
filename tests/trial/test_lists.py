"""Lists: disjoint ranges per laptop, whole blocks of the ratio, rebuilt exactly from the seed."""

from __future__ import annotations

from collections import Counter

import pytest

from survey_app.sealing.study_keys import generate_study_keypair
from survey_app.trial.errors import ListError
from survey_app.trial.lists import generate_lists
from survey_app.trial.sealed_lists import open_list, open_seed_record, write_list_set
from tests.trial.conftest import SEED

LAPTOPS = ("laptop-1", "laptop-2", "laptop-3")


def _lists(settings, seed=SEED):
    return generate_lists(settings, LAPTOPS, seed, study_id="demo", list_id="L")


def test_laptops_get_disjoint_positions_in_every_stratum(settings) -> None:
    lists = _lists(settings)
    for stratum in settings.strata:
        taken: set[int] = set()
        for lst in lists.lists:
            for r in lst.ranges:
                if r.stratum == stratum:
                    positions = set(range(r.first, r.last + 1))
                    assert not positions & taken
                    taken |= positions


def test_every_block_holds_its_period_ratio_exactly(settings) -> None:
    for lst in _lists(settings).lists:
        for r in lst.ranges:
            ratio = dict(settings.periods[r.period - 1].ratio)
            for block in r.blocks:
                counts = Counter(block.arms)
                multiple = len(block.arms) // sum(ratio.values())
                assert counts == {arm: w * multiple for arm, w in ratio.items()}


def test_block_sizes_vary(settings) -> None:
    sizes = {len(b.arms) for lst in _lists(settings).lists for r in lst.ranges for b in r.blocks}
    assert len(sizes) >= 3


def test_the_same_seed_rebuilds_the_same_lists(settings) -> None:
    first, again = _lists(settings), _lists(settings)
    assert [lst.sha256 for lst in first.lists] == [lst.sha256 for lst in again.lists]


def test_another_seed_gives_other_lists(settings) -> None:
    first, other = _lists(settings), _lists(settings, bytes(32))
    assert [lst.sha256 for lst in first.lists] != [lst.sha256 for lst in other.lists]


def test_a_count_period_is_split_in_whole_blocks(tmp_path, settings) -> None:
    from dataclasses import replace

    count = replace(settings.periods[0], until_date=None, until_count=30)
    counted = replace(settings, periods=(count, settings.periods[1]))
    sizes = [r.size for lst in _lists(counted).lists for r in lst.ranges if r.period == 1]
    # 30 per stratum over three laptops: 10 each, rounded up to whole blocks of 3.
    assert sizes == [12] * 6


def test_laptop_labels_are_checked(settings) -> None:
    with pytest.raises(ListError):
        generate_lists(settings, ["Laptop 1"], SEED, study_id="demo", list_id="L")
    with pytest.raises(ListError):
        generate_lists(settings, ["a", "a"], SEED, study_id="demo", list_id="L")


def test_a_list_opens_only_on_its_own_laptop(tmp_path, settings) -> None:
    mine, other = generate_study_keypair(), generate_study_keypair()
    study, pi = generate_study_keypair(), generate_study_keypair()
    written = write_list_set(
        settings,
        [("laptop-1", mine.public)],
        study_id="demo",
        keyholders=[study.public, pi.public],
        out_dir=tmp_path,
    )
    data = written.list_files[0].read_bytes()
    assert open_list(data, mine.identity).sha256 == written.list_set.lists[0].sha256
    with pytest.raises(ListError, match="another laptop"):
        open_list(data, other.identity)


def test_no_arm_is_readable_in_a_list_file(tmp_path, settings) -> None:
    lap, study = generate_study_keypair(), generate_study_keypair()
    written = write_list_set(
        settings, [("laptop-1", lap.public)], study_id="demo",
        keyholders=[study.public], out_dir=tmp_path,
    )  # fmt: skip
    for path in [*written.list_files, written.seed_file]:
        data = path.read_bytes()
        assert b"intervention" not in data and b"control" not in data


def test_both_keyholders_rebuild_the_lists_from_the_seed_record(tmp_path, settings) -> None:
    lap, study, pi = generate_study_keypair(), generate_study_keypair(), generate_study_keypair()
    written = write_list_set(
        settings, [("laptop-1", lap.public)], study_id="demo",
        keyholders=[study.public, pi.public], out_dir=tmp_path,
    )  # fmt: skip
    for holder in (study, pi):
        record = open_seed_record(written.seed_file.read_bytes(), holder.identity)
        rebuilt = record.rebuild()
        assert rebuilt.lists[0].sha256 == record.laptops[0][2] == written.list_set.lists[0].sha256


def test_lists_are_never_overwritten(tmp_path, settings) -> None:
    lap, study = generate_study_keypair(), generate_study_keypair()
    kwargs = dict(study_id="demo", keyholders=[study.public], out_dir=tmp_path)
    write_list_set(settings, [("laptop-1", lap.public)], **kwargs)
    with pytest.raises(ListError, match="already exist"):
        write_list_set(settings, [("laptop-1", lap.public)], **kwargs)


def test_one_laptops_key_given_for_two_labels_is_refused(tmp_path, settings) -> None:
    # A data manager who copies the same key file twice would give one laptop two lists and
    # leave the other laptop with a list it cannot open.
    lap, study = generate_study_keypair(), generate_study_keypair()
    with pytest.raises(ListError, match="same list key"):
        write_list_set(
            settings, [("laptop-1", lap.public), ("laptop-2", lap.public)], study_id="demo",
            keyholders=[study.public], out_dir=tmp_path / "lists",
        )  # fmt: skip
    assert not (tmp_path / "lists").exists()
