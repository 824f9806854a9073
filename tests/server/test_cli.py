"""`python main.py server ...` admin commands on a real database file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from survey_app.cli.main import main
from survey_app.sealing.device_keys import DeviceKey
from tests.server.support import REPO, post_enrol, start_server_process


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
        with httpx.Client(base_url=server.url) as http:
            response = post_enrol(http, code, DeviceKey.generate())
    finally:
        server.stop()
    assert response.status_code == 201


def test_revoke_device_command_reports_an_unknown_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "revoke-device", "--db", str(tmp_path / "s.db"), "nope"]) == 1
    assert "no enrolled device" in capsys.readouterr().err


def test_server_command_refuses_plain_http_on_a_network_address(tmp_path: Path) -> None:
    args = ["server", "--db", str(tmp_path / "s.db"), "--host", "0.0.0.0", "--port", "0"]
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args, "--study-id", "demo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert "refusing plain HTTP" in result.stderr


def test_server_command_serves_plain_http_on_a_network_address_only_when_told(
    tmp_path: Path,
) -> None:
    server = start_server_process(tmp_path / "s.db", 0, "--host", "0.0.0.0", "--insecure-http")
    try:
        port = server.port
        assert httpx.get(f"http://127.0.0.1:{port}/v1/health").status_code == 200
    finally:
        server.stop()
