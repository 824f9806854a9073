"""Synthetic meetings go through the real store and produce openable sealed submissions."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

from survey_app.answers.codes import code_number
from survey_app.cli.main import main
from survey_app.sealing.envelope import open_envelope
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate import SimClock, SimulationReport, simulate
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import Study, load_study
from survey_app.study.demo import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir
from tests.kdf import FAST_KDF

PASSPHRASE = "simulation passphrase"


@pytest.fixture(scope="module")
def study() -> Study:
    return load_study(demo_study_dir())


@pytest.fixture(scope="module")
def filled(
    tmp_path_factory: pytest.TempPathFactory, study: Study
) -> Iterator[tuple[SimulationReport, list[dict]]]:
    """Simulate 80 participants once; return the report and every opened payload."""
    clock = SimClock()
    path = tmp_path_factory.mktemp("sim") / "device-store.db"
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    with DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF, clock=clock) as store:
        report = simulate(store, study, 80, 7, clock)
        payloads = [open_envelope(c.envelope, identity) for c in store.pending_envelopes()]
    yield report, payloads


def test_every_participant_becomes_one_sealed_submission(filled) -> None:
    report, payloads = filled
    assert report.sessions == 80 == len(payloads)
    assert report.completed + report.declined == 80


def test_declined_consents_are_sealed_without_answers(filled) -> None:
    report, payloads = filled
    declined = [p for p in payloads if p["session"]["status"] == "declined"]
    assert len(declined) == report.declined > 0
    assert all(p["answers"] == [] for p in declined)


def test_all_three_languages_and_interpreters_occur(filled) -> None:
    _, payloads = filled
    assert {p["session"]["language"] for p in payloads} == {"nb", "en", "ar"}
    assert any(p["session"]["interpreter_assisted"] for p in payloads)


def test_followups_have_an_arm_and_baselines_do_not(filled) -> None:
    _, payloads = filled
    followups = [p for p in payloads if p["session"]["timepoint"] == "followup-12m"]
    assert followups
    assert all(p["session"]["arm"] in ("intervention", "control") for p in followups)
    baseline = [p for p in payloads if p["session"]["timepoint"] == "baseline"]
    assert all(p["session"]["arm"] is None for p in baseline)


def test_process_form_only_for_intervention_arm(filled) -> None:
    _, payloads = filled
    for payload in payloads:
        has_process = any(a["form_id"] == "process" for a in payload["answers"])
        if has_process:
            assert payload["session"]["arm"] == "intervention"


def test_some_items_are_declined_and_some_skipped(filled) -> None:
    report, payloads = filled
    statuses = {a["status"] for p in payloads for a in p["answers"]}
    assert statuses == {"answered", "declined"}
    assert report.missing_items > 0


def test_hscl_item_mean_is_near_the_study_figure(filled) -> None:
    _, payloads = filled
    means = [
        statistics.mean(values)
        for p in payloads
        if p["session"]["timepoint"] == "baseline"
        and (values := [a["value"] for a in p["answers"] if a["item_id"].startswith("hscl_")
                        and a["status"] == "answered"])
    ]  # fmt: skip
    assert 1.2 < statistics.mean(means) < 1.6


def test_same_seed_gives_same_answers(tmp_path: Path, study: Study) -> None:
    def answers(directory: str) -> list[tuple]:
        clock = SimClock()
        path = tmp_path / directory / "device-store.db"
        with DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF, clock=clock) as store:
            simulate(store, study, 4, 11, clock)
            return [
                (s.participant_code, a.item_id, a.value)
                for s in store.sessions()
                for a in store.answers(s.id)
            ]

    assert answers("one") == answers("two")


def test_participant_numbers_start_at_the_given_first_code(tmp_path: Path, study: Study) -> None:
    clock = SimClock()
    with DeviceStore.create(
        tmp_path / "device-store.db", PASSPHRASE, kdf=FAST_KDF, clock=clock
    ) as store:
        simulate(store, study, 4, 3, clock, first_code=101)
        numbers = {code_number(s.participant_code) for s in store.sessions()}
    assert min(numbers) == 101


def test_cli_creates_store_and_reports_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SIM_TEST_PASSPHRASE", PASSPHRASE)
    code = main(
        ["simulate", "--participants", "3", "--data-dir", str(tmp_path),
         "--passphrase-env", "SIM_TEST_PASSPHRASE"]
    )  # fmt: skip
    assert code == 0
    assert "3 session(s)" in capsys.readouterr().out
    with DeviceStore.open(store_path_in(tmp_path), PASSPHRASE) as store:
        assert len(store.pending_envelopes()) == 3


def test_cli_without_passphrase_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SIM_TEST_PASSPHRASE", raising=False)
    code = main(
        ["simulate", "--participants", "3", "--data-dir", str(tmp_path),
         "--passphrase-env", "SIM_TEST_PASSPHRASE"]
    )  # fmt: skip
    assert code == 1
    assert "SIM_TEST_PASSPHRASE" in capsys.readouterr().err
    assert not store_path_in(tmp_path).exists()
