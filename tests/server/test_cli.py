"""`python main.py server ...` admin commands on a real database file."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from survey_app.cli.main import main
from survey_app.sealing.device_keys import DeviceKey
from tests.server.support import start_server_process


def test_enrol_code_command_prints_single_use_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "enrol-code", "--db", str(tmp_path / "s.db"), "--count", "2"]) == 0
    codes = re.findall(r"^([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", capsys.readouterr().out, re.M)
    assert len(set(codes)) == 2


def test_add_account_command_refuses_a_duplicate_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.db")
    assert main(["server", "add-account", "--db", db, "--name", "dm"]) == 0
    assert main(["server", "add-account", "--db", db, "--name", "dm"]) == 1
    assert "exists" in capsys.readouterr().err


def test_server_command_serves_codes_made_by_the_enrol_code_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    main(["server", "enrol-code", "--db", str(db)])
    code = capsys.readouterr().out.split()[0]
    server = start_server_process(db)
    try:
        response = httpx.post(
            f"{server.url}/v1/enrol",
            json={"code": code, "device_public_key": DeviceKey.generate().public_b64},
        )
    finally:
        server.stop()
    assert response.status_code == 201


def test_revoke_device_command_reports_an_unknown_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "revoke-device", "--db", str(tmp_path / "s.db"), "nope"]) == 1
    assert "no enrolled device" in capsys.readouterr().err
