"""`python main.py sync enrol|run|status` against a real server and a real device store."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.cli.main import main
from survey_app.server.service import ServerService
from survey_app.store import DeviceStore
from survey_app.study import Study
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
