"""Allocations and withdrawals travel to the research server like submissions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.store import DeviceStore
from survey_app.study import Study, load_study
from survey_app.study.demo import demo_study_dir
from survey_app.trial.sealed_lists import write_list_set
from tests.sync.test_client import FAST_KDF, enrolled_client, finish_sessions


@pytest.fixture(scope="module")
def study() -> Study:
    return load_study(demo_study_dir())


@pytest.fixture
def laptop(tmp_path: Path, study: Study) -> Iterator[DeviceStore]:
    with DeviceStore.create(tmp_path / "laptop" / "device-store.db", "passphrase-1",
                            kdf=FAST_KDF) as store:  # fmt: skip
        written = write_list_set(
            study.config.trial.randomisation,
            [("laptop-1", store.list_recipient())],
            study_id=study.study_id,
            keyholders=[study.public_key],
            out_dir=tmp_path / "lists",
        )
        store.load_allocation_list(written.list_files[0].read_bytes(), study, actor="AB")
        yield store


def test_an_allocation_and_a_withdrawal_are_synced_and_never_pending_again(
    laptop: DeviceStore, study: Study, service, live
) -> None:
    finish_sessions(laptop, study, 1)
    baseline = laptop.sessions()[0]
    allocation = laptop.reveal_allocation(baseline.id, study, actor="AB", stratum="women")
    withdrawal = laptop.record_withdrawal(make_code(1), ["contact"], "2025-04-01", study,
                                          actor="AB")  # fmt: skip
    with enrolled_client(laptop, service, live[1]) as client:
        result = client.sync_once(laptop)
    synced = {o.submission_id for o in result.outcomes}
    assert {allocation.submission_id, withdrawal.submission_id} <= synced
    assert laptop.pending_envelopes() == []
    assert service.repository.count_submissions() == 3
