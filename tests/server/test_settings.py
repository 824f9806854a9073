"""A container configures the server by environment or one TOML file; secrets by *_FILE."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from survey_app.errors import UserFacingError
from survey_app.sealing.device_keys import DeviceKey
from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService
from survey_app.server.settings import resolve_settings
from tests.server.support import REPO, make_envelope, post_enrol


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_command_line_beats_environment_beats_file(tmp_path: Path) -> None:
    config = _file(tmp_path, '[server]\nport = 9000\nhost = "0.0.0.0"\nrate = 5\n')
    env = {"SURVEY_APP_SERVER_PORT": "9100", "SURVEY_APP_SERVER_CONFIG": str(config)}
    values = resolve_settings({"port": None, "host": None, "rate": 7.5}, env)
    assert (values["port"], values["host"], values["rate"]) == (9100, "0.0.0.0", 7.5)
    assert values["log_format"] == "text"


def test_database_url_is_read_from_a_secret_file(tmp_path: Path) -> None:
    secret = tmp_path / "db_url"
    secret.write_text("postgresql://survey:s3cret@db/survey\n", encoding="utf-8")
    values = resolve_settings({}, {"SURVEY_APP_SERVER_DB_FILE": str(secret)})
    assert values["db"] == "postgresql://survey:s3cret@db/survey"


def test_database_password_from_its_own_secret_file_joins_the_url(tmp_path: Path) -> None:
    secret = tmp_path / "db_password"
    secret.write_text("p@ss/word\n", encoding="utf-8")
    env = {
        "SURVEY_APP_SERVER_DB": "postgresql://survey@db:5432/survey",
        "SURVEY_APP_SERVER_DB_PASSWORD_FILE": str(secret),
    }
    values = resolve_settings({}, env)
    assert values["db"] == "postgresql://survey:p%40ss%2Fword@db:5432/survey"
    assert "db_password" not in values


def test_settings_file_with_a_database_password_is_refused(tmp_path: Path) -> None:
    config = _file(tmp_path, '[server]\ndb = "postgresql://survey:s3cret@db/survey"\n')
    with pytest.raises(UserFacingError, match="_FILE") as caught:
        resolve_settings({}, {}, config)
    assert "s3cret" not in str(caught.value)


def test_unknown_setting_in_the_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match=r"unknown setting.*prot"):
        resolve_settings({}, {}, _file(tmp_path, "[server]\nprot = 1\n"))


def test_a_malformed_value_names_the_setting() -> None:
    with pytest.raises(UserFacingError) as caught:
        resolve_settings({}, {"SURVEY_APP_SERVER_PORT": "80x80"})
    assert "port" in str(caught.value)
    with pytest.raises(UserFacingError, match="log_format"):
        resolve_settings({}, {"SURVEY_APP_SERVER_LOG_FORMAT": "yaml"})


def test_server_runs_from_environment_and_file_alone_with_json_logs_without_content(
    tmp_path: Path,
) -> None:
    database = tmp_path / "from-env.sqlite3"
    secret = tmp_path / "db_path"
    secret.write_text(str(database), encoding="utf-8")
    config = _file(tmp_path, '[server]\nport = 0\nstudy_id = "raskt-demo"\nlog_format = "json"\n')
    log_path = tmp_path / "server.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "SURVEY_APP_SERVER_CONFIG": str(config),
        "SURVEY_APP_SERVER_DB_FILE": str(secret),
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(REPO / "main.py"), "server"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        assert process.stdout is not None
        url = re.search(r"listening on (http\S+)", process.stdout.readline())[1]  # type: ignore[index]
        service = ServerService.open(ServerConfig(database=str(database)))
        code, _ = service.create_enrol_code(label="laptop label")
        key = DeviceKey.generate()
        with httpx.Client(base_url=url) as client:
            enrolled = post_enrol(client, code, key).json()
        headers = {"Authorization": f"Bearer {enrolled['token']}"}
        envelope = make_envelope(key)
        other = make_envelope(key, submission_id=envelope["submission_id"], payload={"x": 2})
        stored = httpx.post(f"{url}/v1/submissions", json=envelope, headers=headers)
        conflict = httpx.post(f"{url}/v1/submissions", json=other, headers=headers)
        wrong_study = httpx.post(
            f"{url}/v1/submissions", json=make_envelope(key, study_id="other"), headers=headers
        )
        service.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()  # type: ignore[union-attr]
    assert (stored.status_code, conflict.status_code, wrong_study.status_code) == (201, 409, 403)
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    requests = [line for line in lines if line.get("event") == "request"]
    assert {(r["method"], r["path"], r["status"]) for r in requests} >= {
        ("POST", "/v1/enrol", 201),
        ("POST", "/v1/submissions", 201),
        ("POST", "/v1/submissions", 409),
    }
    text = log_path.read_text()
    for content in (code, enrolled["token"], envelope["ciphertext"][:40], "laptop label"):
        assert content not in text
