"""The server collects only the studies it is configured for, named by strictly checked ids."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService
from tests.server.support import REPO, Enrolled, enrol, make_envelope, running_server


@pytest.fixture
def device(http: httpx.Client, service: ServerService) -> Enrolled:
    return enrol(http, service)


def _server_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), "server", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_envelope_naming_a_path_as_its_study_is_refused(
    http: httpx.Client, device: Enrolled, service: ServerService
) -> None:
    envelope = make_envelope(device.key, study_id="../../../../tmp/evil")
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_envelope")
    assert service.repository.study_ids() == []


def test_envelope_of_a_study_not_in_the_list_is_refused(
    http: httpx.Client, device: Enrolled
) -> None:
    envelope = make_envelope(device.key, study_id="another-study")
    response = http.post("/v1/submissions", json=envelope, headers=device.headers)
    assert (response.status_code, response.json()["error"]) == (403, "wrong_study")


def test_service_without_a_study_list_takes_nothing(tmp_path: Path) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"))
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        device = enrol(http, service)
        response = http.post(
            "/v1/submissions", json=make_envelope(device.key), headers=device.headers
        )
    assert (response.status_code, response.json()["error"]) == (403, "wrong_study")


def test_export_query_with_a_malformed_study_is_refused(
    http: httpx.Client, service: ServerService
) -> None:
    _, token = service.create_account("dm", "data_manager")
    response = http.get(
        "/v1/export", params={"study": "../x"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_study")


def test_server_command_refuses_to_serve_without_a_study_list(tmp_path: Path) -> None:
    result = _server_command("--db", str(tmp_path / "s.db"), "--port", "0")
    assert result.returncode == 1
    assert "--study-id" in result.stderr


def test_server_command_refuses_a_malformed_study_id(tmp_path: Path) -> None:
    result = _server_command("--db", str(tmp_path / "s.db"), "--port", "0", "--study-id", "../x")
    assert result.returncode == 1
    assert "not a study id" in result.stderr


def test_config_refuses_a_malformed_study_id(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a study id"):
        ServerConfig(database=str(tmp_path / "s.db"), study_ids=("Raskt 2025",))
