"""`participant erase CODE --server URL` end to end: laptop -> server and USB -> import -> erase.

A simulated laptop store uploads its sealed submissions to a real server on loopback and also
writes a USB bundle, which the data manager imports; erasing a participant then reaches the
server's copies too, or says exactly how to repeat the server part.
"""

from __future__ import annotations

import re
import shlex
import shutil
import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from survey_app.bundle.from_store import export_store
from survey_app.cli.main import main
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.record import ImportRecord
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.study_keys import read_private_key
from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir, load_study
from tests.kdf import FAST_KDF
from tests.server.support import TEST_STUDIES, enrol, running_server


@dataclass
class Laptop:
    key: DeviceKey
    envelopes: list[dict]
    imported: Path
    codes: dict[str, list[str]]  # participant code -> submission ids


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Laptop:
    root = tmp_path_factory.mktemp("laptop")
    study = load_study(demo_study_dir())
    with DeviceStore.create(root / "data" / "device-store.db", "correct horse", kdf=FAST_KDF) as s:
        simulate(s, study, 6, seed=5, clock=SimClock())
        envelopes = [c.envelope for c in s.pending_envelopes()]
        key = s.device_key
        info = export_store(s, root)
    assert info is not None
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    out = tmp_path_factory.mktemp("import") / "out"
    settings = ImportSettings(
        out_dir=out, library=study.library, study_id=study.study_id, pcl_cutoff=study.pcl_cutoff
    )
    run_import([info.path], identity, settings)
    codes: dict[str, list[str]] = {}
    with ImportRecord.open(out, identity) as record:
        for payload in record.payloads():
            code = payload["session"]["participant_code"]
            codes.setdefault(code, []).append(payload["submission_id"])
    return Laptop(key, envelopes, out, codes)


@pytest.fixture
def code(laptop: Laptop) -> str:
    counts = Counter({c: len(ids) for c, ids in laptop.codes.items()})
    return next(c for c, n in sorted(counts.items()) if n == 2)


@pytest.fixture
def out(tmp_path: Path, laptop: Laptop) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(laptop.imported, copy)
    return copy


@pytest.fixture
def server(tmp_path: Path, laptop: Laptop) -> Iterator[tuple[ServerService, str]]:
    """A real server holding everything the laptop synced."""
    with running_server(
        ServerConfig(database=str(tmp_path / "s.sqlite3"), study_ids=TEST_STUDIES)
    ) as (service, bg):
        with httpx.Client(base_url=bg.url, timeout=10) as client:
            device = enrol(client, service, laptop.key)
            for envelope in laptop.envelopes:
                response = client.post("/v1/submissions", json=envelope, headers=device.headers)
                assert response.status_code == 201
        yield service, bg.url


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)


@pytest.fixture
def token(server: tuple[ServerService, str], monkeypatch: pytest.MonkeyPatch) -> str:
    _, value = server[0].create_account("dm", "data_manager")
    monkeypatch.setenv("SURVEY_APP_TOKEN", value)
    return value


def _erase(code: str, out: Path, url: str, *extra: str) -> int:
    return main(
        [
            "participant",
            "erase",
            code,
            "--out",
            str(out),
            "--key",
            str(demo_private_key_path()),
            "--study",
            str(demo_study_dir()),
            "--yes",
            "--reference",
            "DPO-2025-07",
            "--server",
            url,
            *extra,
        ]
    )


def _on_server(service: ServerService) -> set[str]:
    page = service.export_page(0, 10_000)
    return {s.submission_id for s in page.submissions}


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_erase_with_server_removes_the_codes_submissions_from_the_server(
    server: tuple[ServerService, str], token: str, out: Path, laptop: Laptop, code: str
) -> None:
    service, url = server
    assert _erase(code, out, url) == 0
    remaining = _on_server(service)
    assert not set(laptop.codes[code]) & remaining
    assert len(remaining) == len(laptop.envelopes) - 2


def test_erase_with_server_refuses_the_old_laptop_copy_afterwards(
    server: tuple[ServerService, str], token: str, out: Path, laptop: Laptop, code: str
) -> None:
    service, url = server
    _erase(code, out, url)
    envelope = next(e for e in laptop.envelopes if e["submission_id"] == laptop.codes[code][0])
    with httpx.Client(base_url=url, timeout=10) as client:
        device = enrol(client, service, laptop.key)
        response = client.post("/v1/submissions", json=envelope, headers=device.headers)
    assert (response.status_code, response.json()["error"]) == (410, "erased")


def test_erase_with_server_prints_counts_and_never_the_code(
    server: tuple[ServerService, str],
    token: str,
    out: Path,
    code: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _erase(code, out, server[1])
    captured = capsys.readouterr()
    assert "server: 2 deleted" in captured.out
    assert code not in captured.out + captured.err


def test_unreachable_server_leaves_the_local_erasure_done_and_says_how_to_repeat(
    token: str, out: Path, laptop: Laptop, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _closed_port_url()
    assert _erase(code, out, url) == 3
    err = capsys.readouterr().err
    assert "the local erasure is done, but the server part is NOT" in err
    assert f"erase-on-server --server {url}" in err
    assert all(f"--submission {i}" in err for i in laptop.codes[code])
    assert code not in err


def test_printed_repeat_command_does_the_server_part(
    server: tuple[ServerService, str],
    token: str,
    out: Path,
    laptop: Laptop,
    code: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service, url = server
    _erase(code, out, _closed_port_url())
    printed = re.search(r"python main\.py (erase-on-server .*)$", capsys.readouterr().err, re.M)
    assert printed is not None
    argv = shlex.split(printed[1])
    argv[argv.index("--server") + 1] = url  # the server is back, at its address
    assert main(argv) == 0
    assert not set(laptop.codes[code]) & _on_server(service)


def test_device_token_cannot_do_the_server_part(
    server: tuple[ServerService, str],
    out: Path,
    laptop: Laptop,
    code: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service, url = server
    with httpx.Client(base_url=url, timeout=10) as client:
        device = enrol(client, service)
    monkeypatch.setenv("SURVEY_APP_TOKEN", device.token)
    assert _erase(code, out, url) == 3
    assert "not a data manager" in capsys.readouterr().err
    assert set(laptop.codes[code]) <= _on_server(service)
