"""`python main.py sync enrol|run|status` against a real server and a real device store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from survey_app.cli.main import main
from survey_app.server.service import ServerService
from survey_app.store import DeviceStore
from survey_app.study import Study, demo_study_dir
from tests.sync.test_client import FAST_KDF, finish_sessions, study

__all__ = ["study"]
PASSPHRASE = "passphrase-cli"


@pytest.fixture
def store_path(tmp_path: Path, study: Study, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "laptop" / "device-store.db"
    with DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF) as store:
        finish_sessions(store, study, 2)
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)
    return path


def test_enrol_then_run_uploads_everything_and_exits_zero(
    store_path: Path, service: ServerService, live: tuple, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = service.create_enrol_code()
    store = str(store_path)
    assert main(["sync", "enrol", "--server", live[1].url, "--code", code, "--store", store]) == 0
    assert main(["sync", "run", "--store", store]) == 0
    assert "confirmed 2 of 2" in capsys.readouterr().out
    assert service.repository.count_submissions() == 2


def test_data_dir_names_the_same_store_as_in_export_and_simulate(
    store_path: Path, service: ServerService, live: tuple, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = service.create_enrol_code()
    folder = str(store_path.parent)
    enrol = ["sync", "enrol", "--server", live[1].url, "--code", code]
    assert main([*enrol, "--data-dir", folder]) == 0
    assert main(["sync", "run", "--data-dir", folder]) == 0
    assert "confirmed 2 of 2" in capsys.readouterr().out


def test_run_before_enrolment_explains_what_to_do(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "run", "--store", str(store_path)]) == 1
    assert "sync enrol" in capsys.readouterr().err


def test_status_shows_pending_count_and_reachability(
    store_path: Path, service: ServerService, live: tuple, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = service.create_enrol_code()
    store = str(store_path)
    main(["sync", "enrol", "--server", live[1].url, "--code", code, "--store", store])
    assert main(["sync", "status", "--store", store]) == 0
    out = capsys.readouterr().out
    assert "pending submissions: 2" in out
    assert "(reachable)" in out


def _answers_left(store_path: Path) -> dict[str, int]:
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        return {s.submission_id: len(store.answers(s.id)) for s in store.sessions()}


def test_run_removes_readable_answers_as_the_studys_purge_policy_says(
    store_path: Path, service: ServerService, live: tuple
) -> None:
    # The DEMO study says after_sync: once the server confirmed, the laptop keeps no answer.
    code, _ = service.create_enrol_code()
    store = str(store_path)
    assert main(["sync", "enrol", "--server", live[1].url, "--code", code, "--store", store]) == 0
    assert main(["sync", "run", "--store", store]) == 0
    assert set(_answers_left(store_path).values()) == {0}


def test_run_removes_the_answers_of_a_submission_erased_on_the_server_under_any_policy(
    store_path: Path, service: ServerService, live: tuple, tmp_path: Path
) -> None:
    # The participant asked for erasure: even a study that keeps answers ("never") loses them.
    study_dir = tmp_path / "study"
    shutil.copytree(demo_study_dir(), study_dir)
    yaml = study_dir / "study.yaml"
    yaml.write_text(
        yaml.read_text("utf-8")
        .replace("purge_policy: after_sync", "purge_policy: never")
        .replace('"../../forms"', f'"{Path(__file__).resolve().parents[2] / "forms"}"'),
        "utf-8",
    )
    erased, kept = sorted(_answers_left(store_path))
    service.erase_submissions([erased], reference="DPO-1", requested_by="test")
    code, _ = service.create_enrol_code()
    store = str(store_path)
    assert main(["sync", "enrol", "--server", live[1].url, "--code", code, "--store", store]) == 0
    main(["sync", "run", "--store", store, "--study", str(study_dir)])
    left = _answers_left(store_path)
    assert left[erased] == 0
    assert left[kept] > 0
