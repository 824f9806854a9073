"""The data manager's pull against a real server: paging, cursor, failures that lose nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from survey_app.bundle import read_bundle
from survey_app.cli.main import main
from survey_app.importer.pull import PulledBundle, PullOptions, pull, read_state
from survey_app.server.config import ServerConfig
from survey_app.server.runner import BackgroundServer
from survey_app.server.service import ServerService
from survey_app.sync.client import RetryPolicy
from tests.server.support import TEST_STUDIES, enrol, make_envelope, running_server

NO_WAIT = PullOptions(page_size=3, retry=RetryPolicy(max_attempts=2, base_delay=0, max_delay=0))


def upload(service: ServerService, url: str, count: int) -> set[str]:
    """Enrol a fresh laptop key and upload `count` really sealed envelopes; return their ids."""
    ids = set()
    with httpx.Client(base_url=url, timeout=10) as client:
        laptop = enrol(client, service)
        for _ in range(count):
            envelope = make_envelope(laptop.key)
            response = client.post("/v1/submissions", json=envelope, headers=laptop.headers)
            assert response.status_code == 201, response.text
            ids.add(envelope["submission_id"])
    return ids


def pulled_ids(folder: Path) -> list[str]:
    """Submission ids in every bundle of a pull folder, with repeats."""
    return [
        entry.submission_id
        for path in sorted(folder.glob("*.surveybundle"))
        for entry in read_bundle(path).manifest.entries
    ]


@pytest.fixture
def server_config(tmp_path: Path) -> ServerConfig:
    return ServerConfig(database=str(tmp_path / "server.sqlite3"), study_ids=TEST_STUDIES)


@pytest.fixture
def server(server_config: ServerConfig) -> Iterator[tuple[ServerService, BackgroundServer]]:
    with running_server(server_config) as pair:
        yield pair


@pytest.fixture
def token(server: tuple[ServerService, BackgroundServer]) -> str:
    return server[0].create_account("dm", "data_manager")[1]


def test_a_pull_fetches_every_submission_once_in_pages(
    server: tuple[ServerService, BackgroundServer], token: str, tmp_path: Path
) -> None:
    service, live = server
    ids = upload(service, live.url, 7)
    result = pull(live.url, token, tmp_path / "pulled", options=NO_WAIT)
    assert result.complete
    assert [b.envelopes for b in result.bundles] == [3, 3, 1]
    assert sorted(pulled_ids(tmp_path / "pulled")) == sorted(ids)


def test_a_second_pull_fetches_only_what_is_new(
    server: tuple[ServerService, BackgroundServer], token: str, tmp_path: Path
) -> None:
    service, live = server
    upload(service, live.url, 4)
    pull(live.url, token, tmp_path / "pulled", options=NO_WAIT)
    new = upload(service, live.url, 2)
    again = pull(live.url, token, tmp_path / "pulled", options=NO_WAIT)
    assert {
        e.submission_id for b in again.bundles for e in read_bundle(b.path).manifest.entries
    } == new


def test_a_pull_with_nothing_new_writes_no_file(
    server: tuple[ServerService, BackgroundServer], token: str, tmp_path: Path
) -> None:
    service, live = server
    upload(service, live.url, 2)
    pull(live.url, token, tmp_path / "pulled", options=NO_WAIT)
    before = sorted(p.name for p in (tmp_path / "pulled").iterdir())
    again = pull(live.url, token, tmp_path / "pulled", options=NO_WAIT)
    assert again.complete and again.bundles == []
    assert sorted(p.name for p in (tmp_path / "pulled").iterdir()) == before


def test_a_server_going_down_mid_pull_keeps_the_bundles_written_and_their_cursor(
    server_config: ServerConfig, tmp_path: Path
) -> None:
    folder = tmp_path / "pulled"
    with running_server(server_config) as (service, live):
        ids = upload(service, live.url, 7)
        token = service.create_account("dm", "data_manager")[1]

        def pull_the_plug(page: PulledBundle) -> None:
            live.stop()

        stopped = pull(live.url, token, folder, options=NO_WAIT, on_page=pull_the_plug)
    assert "could not be reached" in stopped.stopped
    assert "bundles already written are kept" in stopped.stopped
    assert len(stopped.bundles) == 1 and len(pulled_ids(folder)) == 3
    state = read_state(folder)
    assert state is not None and state.cursor == stopped.bundles[0].cursor == 3
    # Back up (another port, same database): the next pull continues after the last bundle.
    with running_server(server_config) as (_, live):
        resumed = pull(live.url, token, folder, options=NO_WAIT)
    assert resumed.complete and resumed.start_cursor == 3
    assert sorted(pulled_ids(folder)) == sorted(ids)


def test_an_unreachable_server_writes_nothing(tmp_path: Path) -> None:
    result = pull("http://127.0.0.1:9", "token", tmp_path / "pulled", options=NO_WAIT)
    assert "could not be reached" in result.stopped
    assert list((tmp_path / "pulled").iterdir()) == []


def test_a_wrong_token_is_refused_with_a_clear_message_and_nothing_written(
    server: tuple[ServerService, BackgroundServer], tmp_path: Path
) -> None:
    service, live = server
    upload(service, live.url, 2)
    result = pull(live.url, "not-a-token", tmp_path / "pulled", options=NO_WAIT)
    assert "did not accept the token" in result.stopped
    assert list((tmp_path / "pulled").iterdir()) == []


def test_a_laptop_token_may_not_pull(
    server: tuple[ServerService, BackgroundServer], tmp_path: Path
) -> None:
    service, live = server
    with httpx.Client(base_url=live.url, timeout=10) as client:
        laptop = enrol(client, service)
    result = pull(live.url, laptop.token, tmp_path / "pulled", options=NO_WAIT)
    assert "not a data manager's token" in result.stopped


def test_a_folder_pulled_from_one_server_refuses_another_servers_bundles(
    server: tuple[ServerService, BackgroundServer], token: str, tmp_path: Path
) -> None:
    service, live = server
    upload(service, live.url, 2)
    pull(live.url, token, tmp_path / "pulled", options=NO_WAIT)
    other_config = ServerConfig(database=str(tmp_path / "other.sqlite3"), study_ids=TEST_STUDIES)
    with running_server(other_config) as (other, other_live):
        upload(other, other_live.url, 2)
        other_token = other.create_account("dm", "data_manager")[1]
        result = pull(other_live.url, other_token, tmp_path / "pulled", since=0, options=NO_WAIT)
    assert "pull into another folder" in result.stopped
    assert len(pulled_ids(tmp_path / "pulled")) == 2


def test_pull_command_reads_the_token_from_the_environment_and_prints_counts(
    server: tuple[ServerService, BackgroundServer],
    token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service, live = server
    upload(service, live.url, 5)
    monkeypatch.setenv("DM_TOKEN", token)
    folder = tmp_path / "pulled"
    argv = ["pull", "--server", live.url, "--out", str(folder), "--token-env", "DM_TOKEN"]
    assert main([*argv, "--page-size", "2"]) == 0
    out = capsys.readouterr().out
    assert "pulled 5 submission(s) in 3 bundle(s)" in out
    assert token not in out
    assert main(argv) == 0
    assert "nothing new on the server (cursor 5)" in capsys.readouterr().out


def test_pull_command_exits_3_and_explains_when_the_server_is_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SURVEY_APP_TOKEN", "some-token")
    argv = ["pull", "--server", "http://127.0.0.1:9", "--out", str(tmp_path), "--attempts", "1"]
    assert main(argv) == 3
    assert "pull stopped: the server could not be reached" in capsys.readouterr().err


def test_server_info_writes_a_known_devices_file_the_importer_accepts(
    server: tuple[ServerService, BackgroundServer], server_config: ServerConfig, tmp_path: Path
) -> None:
    from survey_app.importer import load_known_devices

    service, live = server
    upload(service, live.url, 1)
    path = tmp_path / "known.json"
    assert (
        main(["server", "info", "--db", server_config.database, "--known-devices", str(path)]) == 0
    )
    known = load_known_devices(path)
    assert known[service.server_key.device_id] == service.server_public_key
    assert len(known) == 2
    assert json.loads(path.read_text())["devices"][0]["role"] == "server"


def test_pull_with_a_missing_ca_file_or_plain_http_to_the_network_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SURVEY_APP_TOKEN", "dm_not-used")
    out = str(tmp_path / "pulled")
    missing = str(tmp_path / "missing-ca.pem")
    assert main(["pull", "--server", "https://127.0.0.1:9", "--out", out, "--ca", missing]) == 1
    assert "CA certificate file missing-ca.pem" in capsys.readouterr().err
    assert main(["pull", "--server", "http://192.0.2.10:8080", "--out", out]) == 1
    assert "https://" in capsys.readouterr().err


def test_the_installed_program_names_itself_in_the_next_step(
    server: tuple[ServerService, BackgroundServer],
    token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from survey_app.cli.main import entry

    service, live = server
    upload(service, live.url, 1)
    monkeypatch.setenv("SURVEY_APP_TOKEN", token)
    folder = tmp_path / "pulled"
    # What the console script does when a data manager types `survey-app pull ...`.
    monkeypatch.setattr(
        "sys.argv", ["survey-app", "pull", "--server", live.url, "--out", str(folder)]
    )
    assert entry() == 0
    out = capsys.readouterr().out
    assert f"next: survey-app import {folder} --key" in out
    assert "python main.py" not in out
    assert main(["pull", "--server", live.url, "--out", str(folder)]) == 0
    assert f"next: python main.py import {folder} --key" in capsys.readouterr().out
