"""The container files agree with the code: known settings, secrets by file, pinned uv.

Docker does not run on the development machine, so the image is not built here; these checks
catch what would break the deployment silently (a misspelt setting is just ignored by a shell).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from survey_app.server.settings import ENV_PREFIX, SETTINGS

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
KNOWN = {ENV_PREFIX + s.name.upper() for s in SETTINGS}


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def _server_services(compose: dict) -> dict[str, dict]:
    return {n: s for n, s in compose["services"].items() if n.startswith("server")}


def test_compose_runs_postgres_two_servers_and_a_tls_proxy() -> None:
    compose = _compose()
    assert set(compose["services"]) == {"db", "server-1", "server-2", "proxy"}
    upstreams = compose["services"]["proxy"]["environment"]["SURVEY_UPSTREAMS"].split()
    assert sorted(upstreams) == sorted(f"{n}:8080" for n in _server_services(compose))


def test_only_the_proxy_is_reachable_from_outside() -> None:
    compose = _compose()
    published = [name for name, s in compose["services"].items() if s.get("ports")]
    assert published == ["proxy"]
    assert compose["networks"]["backend"]["internal"] is True
    for service in _server_services(compose).values():
        assert service["networks"] == ["backend"]


def test_server_settings_in_compose_and_image_are_ones_the_server_knows() -> None:
    names = set()
    for service in _server_services(_compose()).values():
        names |= {n for n in service["environment"] if n.startswith(ENV_PREFIX)}
    names |= set(re.findall(rf"({ENV_PREFIX}[A-Z_]+)=", _dockerfile()))
    unknown = {n for n in names if n not in KNOWN and n.removesuffix("_FILE") not in KNOWN}
    assert names and not unknown


def test_no_password_is_written_into_compose_or_the_image() -> None:
    compose = _compose()
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            assert "PASSWORD" not in name or name.endswith("_FILE")
            assert not re.search(r"://[^/@\s]+:[^/@\s]+@", str(value)), name
    assert compose["secrets"]["db_password"]["file"].startswith("./secrets/")
    assert "PASSWORD" not in _dockerfile().replace("PASSWORD_FILE", "")
    ignored = (DEPLOY / ".gitignore").read_text(encoding="utf-8").split()
    assert {".env", "secrets/", "certs/"} <= set(ignored)


def test_image_copies_only_what_its_ignore_file_lets_in() -> None:
    allowed = {
        line.lstrip("!").rstrip("/")
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    copied = set()
    for line in _dockerfile().splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            copied |= set(line.split()[1:-1])
    assert copied and copied <= allowed
    assert all((REPO / name).exists() for name in copied)


def test_image_installs_the_uv_that_the_lock_pins() -> None:
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    (uv,) = [p["version"] for p in lock["package"] if p["name"] == "uv"]
    assert f'"uv=={uv}"' in _dockerfile()
    assert "uv sync --locked" in _dockerfile()
