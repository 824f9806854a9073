"""Erasure on the research server, over a real uvicorn server on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from survey_app.cli.main import main
from survey_app.server.config import ServerConfig
from survey_app.server.db import open_database
from survey_app.server.middleware import ACCESS_LOGGER
from survey_app.server.receipts import verify_erasure_notice
from survey_app.server.repository import SCHEMA_VERSION, Repository
from survey_app.server.service import ServerService
from tests.server.support import (
    TEST_STUDIES,
    Enrolled,
    enrol,
    make_envelope,
    running_server,
    start_server_process,
)


@pytest.fixture
def server(database: str) -> Iterator[tuple[ServerService, httpx.Client]]:
    """A real server on loopback over each backend in turn, and an HTTP client for it."""
    with (
        running_server(ServerConfig(database=database, study_ids=TEST_STUDIES)) as (
            service,
            background,
        ),
        httpx.Client(base_url=background.url, timeout=10) as client,
    ):
        yield service, client


@pytest.fixture
def device(server: tuple[ServerService, httpx.Client]) -> Enrolled:
    service, client = server
    return enrol(client, service)


@pytest.fixture
def manager(server: tuple[ServerService, httpx.Client]) -> dict[str, str]:
    _, token = server[0].create_account("dm", "data_manager")
    return {"Authorization": f"Bearer {token}"}


def _upload(client: httpx.Client, device: Enrolled, envelope: dict) -> httpx.Response:
    return client.post("/v1/submissions", json=envelope, headers=device.headers)


def _erase(
    client: httpx.Client, headers: dict[str, str], ids: list[str], reference: str | None = None
) -> httpx.Response:
    body: dict[str, object] = {"submission_ids": ids}
    if reference is not None:
        body["reference"] = reference
    return client.post("/v1/erasures", json=body, headers=headers)


def _exported_ids(client: httpx.Client, headers: dict[str, str]) -> set[str]:
    page = client.get("/v1/export", params={"format": "json"}, headers=headers).json()
    return {e["submission_id"] for e in page["envelopes"]}


def _all_rows(service: ServerService) -> str:
    tables = (
        "server_meta",
        "enrol_codes",
        "devices",
        "accounts",
        "submissions",
        "conflicts",
        "erasures",
        "erased_submissions",
    )
    with service.repository.db.transaction(write=False) as tx:
        return "\n".join(repr(row) for t in tables for row in tx.fetchall(f"SELECT * FROM {t}"))


def test_erased_submission_is_gone_from_the_export(
    server: tuple[ServerService, httpx.Client], device: Enrolled, manager: dict[str, str]
) -> None:
    _, client = server
    kept, erased = make_envelope(device.key), make_envelope(device.key)
    _upload(client, device, kept)
    _upload(client, device, erased)
    response = _erase(client, manager, [erased["submission_id"]], "DPO-2025-07")
    assert response.status_code == 200
    assert response.json()["submissions"] == {erased["submission_id"]: "deleted"}
    assert _exported_ids(client, manager) == {kept["submission_id"]}


def test_upload_of_an_erased_submission_is_refused_as_erased(
    server: tuple[ServerService, httpx.Client], device: Enrolled, manager: dict[str, str]
) -> None:
    _, client = server
    envelope = make_envelope(device.key)
    _upload(client, device, envelope)
    _erase(client, manager, [envelope["submission_id"]])
    response = _upload(client, device, envelope)
    assert (response.status_code, response.json()["error"]) == (410, "erased")
    assert _exported_ids(client, manager) == set()


def test_refusal_carries_an_erasure_notice_signed_by_the_server_key(
    server: tuple[ServerService, httpx.Client], device: Enrolled, manager: dict[str, str]
) -> None:
    _, client = server
    envelope = make_envelope(device.key)
    _erase(client, manager, [envelope["submission_id"]])
    notice = _upload(client, device, envelope).json()["notice"]
    verify_erasure_notice(
        notice,
        server_public_key=device.server_public_key,
        submission_id=envelope["submission_id"],
    )


def test_erasing_an_id_not_yet_uploaded_refuses_it_when_it_arrives(
    server: tuple[ServerService, httpx.Client], device: Enrolled, manager: dict[str, str]
) -> None:
    _, client = server
    late = make_envelope(device.key)
    response = _erase(client, manager, [late["submission_id"]])
    assert response.json()["not_stored"] == 1
    assert _upload(client, device, late).status_code == 410


def test_erasing_again_changes_nothing_and_logs_once(
    server: tuple[ServerService, httpx.Client], device: Enrolled, manager: dict[str, str]
) -> None:
    service, client = server
    envelope = make_envelope(device.key)
    _upload(client, device, envelope)
    first = _erase(client, manager, [envelope["submission_id"]]).json()
    second = _erase(client, manager, [envelope["submission_id"]]).json()
    assert (first["deleted"], second["already_erased"], second["erasure_id"]) == (1, 1, None)
    assert len(service.repository.erasures()) == 1


def test_device_token_cannot_erase(
    server: tuple[ServerService, httpx.Client], device: Enrolled
) -> None:
    envelope = make_envelope(device.key)
    _upload(server[1], device, envelope)
    response = _erase(server[1], device.headers, [envelope["submission_id"]])
    assert response.status_code == 403
    assert server[0].repository.count_submissions() == 1


def test_admin_token_cannot_erase(server: tuple[ServerService, httpx.Client]) -> None:
    _, token = server[0].create_account("admin", "admin")
    response = _erase(server[1], {"Authorization": f"Bearer {token}"}, ["abc"])
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")


def test_erasure_without_token_is_unauthorised(server: tuple[ServerService, httpx.Client]) -> None:
    assert _erase(server[1], {}, ["abc"]).status_code == 401


def test_database_holds_no_erased_submission_id_in_clear(
    server: tuple[ServerService, httpx.Client], device: Enrolled, manager: dict[str, str]
) -> None:
    service, client = server
    stored, conflicting, late = (make_envelope(device.key) for _ in range(3))
    _upload(client, device, stored)
    _upload(client, device, conflicting)
    # A conflict note names the id in clear; it must go with the erasure.
    other = make_envelope(device.key, submission_id=conflicting["submission_id"])
    assert _upload(client, device, other).status_code == 409
    ids = [stored["submission_id"], conflicting["submission_id"], late["submission_id"]]
    _erase(client, manager, ids, "DPO-2025-07")
    dump = _all_rows(service)
    assert "DPO-2025-07" in dump
    assert not [i for i in ids if i in dump]
    assert stored["ciphertext"] not in dump


def test_invalid_submission_id_is_refused_without_echoing_it(
    server: tuple[ServerService, httpx.Client], manager: dict[str, str]
) -> None:
    response = _erase(server[1], manager, ["ok-id", "Ali Hassan <ali@example.org>"])
    assert response.status_code == 422
    assert "Ali" not in response.text
    assert server[0].repository.erasures() == []


def test_reference_with_a_sentence_is_refused(
    server: tuple[ServerService, httpx.Client], manager: dict[str, str]
) -> None:
    response = _erase(server[1], manager, ["abc"], "letter from Ali, 3 July!")
    assert (response.status_code, response.json()["error"]) == (422, "invalid_erasure")


def test_logs_name_no_submission_id(
    server: tuple[ServerService, httpx.Client],
    device: Enrolled,
    manager: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, client = server
    envelope = make_envelope(device.key)
    _upload(client, device, envelope)
    with caplog.at_level(logging.INFO):
        _erase(client, manager, [envelope["submission_id"]])
        _upload(client, device, envelope)
    assert any(r.name == ACCESS_LOGGER and "/v1/erasures 200" in r.message for r in caplog.records)
    assert envelope["submission_id"] not in caplog.text


def test_sqlite_file_keeps_no_bytes_of_an_erased_envelope(tmp_path: Path) -> None:
    db = tmp_path / "server.sqlite3"
    with running_server(ServerConfig(database=str(db), study_ids=TEST_STUDIES)) as (
        service,
        background,
    ):
        with httpx.Client(base_url=background.url, timeout=10) as client:
            device = enrol(client, service)
            envelope = make_envelope(device.key)
            _upload(client, device, envelope)
            service.erase_submissions(
                [envelope["submission_id"]], reference=None, requested_by="test"
            )
        files = b"".join(p.read_bytes() for p in tmp_path.glob("server.sqlite3*"))
    assert envelope["ciphertext"][:64].encode("ascii") not in files


def test_erasure_survives_a_killed_server_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "server.sqlite3"
    main(["server", "add-account", "--db", str(db), "--name", "dm"])
    token = capsys.readouterr().out.split()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    process = start_server_process(db)
    try:
        with httpx.Client(base_url=process.url, timeout=10) as client:
            service = ServerService.open(ServerConfig(database=str(db), study_ids=TEST_STUDIES))
            try:
                device = enrol(client, service)
            finally:
                service.close()
            envelope = make_envelope(device.key)
            _upload(client, device, envelope)
            assert _erase(client, headers, [envelope["submission_id"]]).status_code == 200
        process.kill()
        process.stop()  # closes its pipes
        process = start_server_process(db)
        with httpx.Client(base_url=process.url, timeout=10) as client:
            assert _upload(client, device, envelope).status_code == 410
            assert _exported_ids(client, headers) == set()
    finally:
        process.stop()


def test_server_erase_command_erases_and_reports_each_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "server.sqlite3")
    args = ["server", "erase", "--db", db, "--submission", "sub-1", "--submission", "sub-2"]
    assert main([*args, "--reference", "DPO-1"]) == 0
    assert re.findall(r"^(sub-\d)\s+(\w+)$", capsys.readouterr().out, re.M) == [
        ("sub-1", "not_stored"),
        ("sub-2", "not_stored"),
    ]
    assert main(args) == 0
    assert "erased before" in capsys.readouterr().out


def test_server_erase_command_refuses_a_bad_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "server.sqlite3")
    args = ["server", "erase", "--db", db, "--submission", "sub-1", "--reference", "Ali (mail)"]
    assert main(args) == 1
    assert "reference" in capsys.readouterr().err


def test_version_1_database_gains_the_erasure_tables(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    repository = Repository(open_database(db))
    repository.initialise()
    repository.db.close()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP TABLE erasures")
        conn.execute("DROP TABLE erased_submissions")
        conn.execute("UPDATE server_meta SET value = '1' WHERE key = 'schema'")
    conn.close()
    service = ServerService.open(ServerConfig(database=str(db), study_ids=TEST_STUDIES))
    try:
        result = service.erase_submissions(["sub-1"], reference=None, requested_by="test")
        assert service.repository.get_meta("schema") == SCHEMA_VERSION
    finally:
        service.close()
    assert result.outcomes == {"sub-1": "not_stored"}
