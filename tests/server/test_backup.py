"""`server backup` then `server restore` into a fresh database gives back the same server.

The data manager's pull from the restored server yields the same bundle files, byte for byte,
tokens issued before still work, and an erased submission stays refused.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from survey_app.cli.main import main
from survey_app.server.config import ServerConfig
from tests.server.support import (
    TEST_STUDIES,
    enrol,
    fresh_postgres_database,
    make_envelope,
    running_server,
)

ROWS = 7


def _pull(url: str, out: Path, token: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setenv("SURVEY_APP_TOKEN", token)
    assert main(["pull", "--server", url, "--out", str(out), "--page-size", "3"]) == 0
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix == ".surveybundle"}


def _restored_target(database: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if database.startswith("postgresql://"):
        return fresh_postgres_database(request.getfixturevalue("pg_cluster"))
    return str(tmp_path / "restored" / "server.sqlite3")


def test_restore_into_a_fresh_database_pulls_byte_identical_bundles(
    database: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with running_server(ServerConfig(database=database, study_ids=TEST_STUDIES)) as (service, live):
        with httpx.Client(base_url=live.url, timeout=10) as client:
            device = enrol(client, service)
            envelopes = [make_envelope(device.key) for _ in range(ROWS)]
            for envelope in envelopes:
                assert client.post(
                    "/v1/submissions", json=envelope, headers=device.headers
                ).is_success
        _, token = service.create_account("dm-backup", "data_manager")
        service.erase_submissions(
            [envelopes[0]["submission_id"]], reference=None, requested_by="test"
        )
        before = _pull(live.url, tmp_path / "pull-before", token, monkeypatch)
    backup_file = tmp_path / "server.backup"
    assert main(["server", "backup", "--db", database, "--out", str(backup_file)]) == 0

    target = _restored_target(database, tmp_path, request)
    assert main(["server", "restore", str(backup_file), "--db", target]) == 0
    capsys.readouterr()

    with running_server(ServerConfig(database=target, study_ids=TEST_STUDIES)) as (_, restored):
        after = _pull(restored.url, tmp_path / "pull-after", token, monkeypatch)
        with httpx.Client(base_url=restored.url, timeout=10) as client:
            again = client.post("/v1/submissions", json=envelopes[0], headers=device.headers)
            retry = client.post("/v1/submissions", json=envelopes[1], headers=device.headers)
    assert len(before) == 2  # 6 submissions in pages of 3
    assert after == before
    assert again.status_code == 410
    assert retry.status_code == 200


def test_restore_refuses_a_database_that_already_holds_a_server(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_server(ServerConfig(database=database, study_ids=TEST_STUDIES)):
        pass
    backup_file = tmp_path / "server.backup"
    assert main(["server", "backup", "--db", database, "--out", str(backup_file)]) == 0
    assert main(["server", "restore", str(backup_file), "--db", database]) == 1
    assert "restore into a new" in capsys.readouterr().err


def test_backup_refuses_to_overwrite_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = str(tmp_path / "server.sqlite3")
    with running_server(ServerConfig(database=database, study_ids=TEST_STUDIES)):
        pass
    existing = tmp_path / "earlier.backup"
    existing.write_bytes(b"an earlier backup")
    assert main(["server", "backup", "--db", database, "--out", str(existing)]) == 1
    assert existing.read_bytes() == b"an earlier backup"
    assert "exists" in capsys.readouterr().err
