"""The repository layer on both backends: one SQL code path for SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from survey_app.server.config import ServerConfig
from survey_app.server.db import open_database
from survey_app.server.repository import CodeProblem, Conflict, Repository
from survey_app.server.service import ServerService
from tests.server.support import TEST_STUDIES, enrol, make_envelope, running_server


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def repo(database: str, clock: Clock) -> Repository:
    repository = Repository(open_database(database), clock=clock)
    repository.initialise()
    yield repository
    repository.db.close()


def _store(repo: Repository, submission_id: str, content_hash: str = "h1") -> tuple:
    return repo.store_submission(
        submission_id=submission_id,
        device_id="dev1",
        study_id="s1",
        content_hash=content_hash,
        envelope_json="{}",
        sign_receipt=lambda received_at: f"sig:{received_at}",
    )


def test_initialise_twice_keeps_data(repo: Repository) -> None:
    _store(repo, "a")
    repo.initialise()
    assert repo.count_submissions() == 1


def test_enrol_code_works_once(repo: Repository) -> None:
    repo.add_enrol_code("CODE-1", timedelta(hours=1))
    repo.enrol_device("CODE-1", "dev1", "pk", "token-1", None)
    with pytest.raises(CodeProblem) as problem:
        repo.enrol_device("CODE-1", "dev2", "pk2", "token-2", None)
    assert problem.value.reason == "used"


def test_enrol_code_expires(repo: Repository, clock: Clock) -> None:
    repo.add_enrol_code("CODE-1", timedelta(minutes=10))
    clock.now += timedelta(minutes=11)
    with pytest.raises(CodeProblem) as problem:
        repo.enrol_device("CODE-1", "dev1", "pk", "token-1", None)
    assert problem.value.reason == "expired"


def test_token_is_stored_only_as_hash(repo: Repository) -> None:
    repo.add_enrol_code("CODE-1", timedelta(hours=1))
    repo.enrol_device("CODE-1", "dev1", "pk", "secret-token-value", None)
    with repo.db.transaction(write=False) as tx:
        stored = tx.fetchall("SELECT token_hash FROM devices")
    assert "secret-token-value" not in str(stored)
    assert repo.device_for_token("secret-token-value").device_id == "dev1"


def test_revoked_device_token_is_refused(repo: Repository) -> None:
    repo.add_enrol_code("CODE-1", timedelta(hours=1))
    repo.enrol_device("CODE-1", "dev1", "pk", "tok", None)
    assert repo.revoke_device("dev1")
    assert repo.device_for_token("tok") is None


def test_same_submission_twice_is_stored_once(repo: Repository) -> None:
    first, created_first = _store(repo, "a")
    again, created_again = _store(repo, "a")
    assert (created_first, created_again) == (True, False)
    assert again == first
    assert repo.count_submissions() == 1


def test_same_id_with_other_content_is_refused_and_logged(repo: Repository) -> None:
    _store(repo, "a", "h1")
    with pytest.raises(Conflict):
        _store(repo, "a", "h2")
    assert [(c[0], c[2]) for c in repo.conflicts()] == [("a", "h2")]
    assert repo.submission("a").content_hash == "h1"


def test_cursor_pages_through_every_submission_in_order(repo: Repository) -> None:
    for n in range(7):
        _store(repo, f"s{n}")
    seen, cursor = [], 0
    while page := repo.submissions_after(cursor, 3):
        seen += [s.submission_id for s in page]
        cursor = page[-1].seq
    assert seen == [f"s{n}" for n in range(7)]


def test_concurrent_writers_store_each_submission_once(repo: Repository) -> None:
    def worker(n: int) -> None:
        for i in range(10):
            _store(repo, f"s{i}")
            _store(repo, f"w{n}-{i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert repo.count_submissions() == 10 + 40


@pytest.mark.postgres
def test_postgres_backend_serves_enrol_upload_and_export(pg_url: str) -> None:
    with running_server(ServerConfig(database=pg_url, study_ids=TEST_STUDIES)) as (service, server):
        _account, token = service.create_account("dm", "data_manager")
        with httpx.Client(base_url=server.url) as client:
            device = enrol(client, service)
            envelope = make_envelope(device.key)
            upload = client.post("/v1/submissions", json=envelope, headers=device.headers)
            export = client.get(
                "/v1/export",
                params={"format": "json"},
                headers={"Authorization": f"Bearer {token}"},
            )
    assert upload.status_code == 201
    assert export.json()["envelopes"] == [envelope]


def test_server_key_survives_reopening(config: ServerConfig) -> None:
    first = ServerService.open(config)
    first.close()
    second = ServerService.open(config)
    second.close()
    assert first.server_public_key == second.server_public_key


def test_no_token_or_enrolment_code_is_anywhere_in_the_sqlite_files(tmp_path, clock) -> None:
    # Someone who copies the server's database files (a backup, a stolen disk) must find no
    # credential to use: not a device or account token, not an unused enrolment code.
    repo = Repository(open_database(str(tmp_path / "server.sqlite3")), clock=clock)
    repo.initialise()
    secrets = ["ENRL-USED-CODE", "ENRL-OPEN-CODE", "dev-token-Qx81Zp", "dm-token-Wy27Lk"]
    repo.add_enrol_code(secrets[0], timedelta(hours=1))
    repo.add_enrol_code(secrets[1], timedelta(hours=1))
    repo.enrol_device(secrets[0], "dev1", "pk", secrets[2], None)
    repo.add_account("acc1", "dm-ingrid", "data_manager", secrets[3])
    assert repo.device_for_token(secrets[2]).device_id == "dev1"
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    held = b"".join(p.read_bytes() for p in files)
    repo.db.close()
    held += b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for secret in secrets:
        assert secret.encode() not in held, secret
