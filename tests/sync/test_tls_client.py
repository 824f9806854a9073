"""The laptop's TLS: certificate problems named as such, the CA remembered, no plain http."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from survey_app.cli.main import main
from survey_app.server.config import ServerConfig
from survey_app.server.runner import BackgroundServer, TlsFiles
from survey_app.server.service import ServerService
from survey_app.store import DeviceStore
from survey_app.study import Study
from survey_app.sync.client import SyncClient, SyncError
from tests.server.support import TEST_STUDIES, running_server, self_signed_tls
from tests.sync.test_client import FAST_KDF, finish_sessions, study

__all__ = ["study"]
PASSPHRASE = "passphrase-tls"


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return self_signed_tls(tmp_path)


@pytest.fixture
def https(tls: TlsFiles, tmp_path: Path) -> Iterator[tuple[ServerService, BackgroundServer]]:
    config = ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)
    with running_server(config, tls) as pair:
        yield pair


@pytest.fixture
def store_path(tmp_path: Path, study: Study, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "laptop" / "device-store.db"
    with DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF) as store:
        finish_sessions(store, study, 2)
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)
    return path


def test_self_signed_server_without_the_ca_is_called_a_certificate_problem(
    https: tuple[ServerService, BackgroundServer], store_path: Path
) -> None:
    service, server = https
    code, _ = service.create_enrol_code()
    with (
        DeviceStore.open(store_path, PASSPHRASE) as store,
        SyncClient(server.url) as client,
        pytest.raises(SyncError) as info,
    ):
        client.enrol(code, store.device_key)
    assert "certificate" in str(info.value)
    assert "Check the network" not in str(info.value)


def test_sync_run_uses_the_ca_given_at_enrolment(
    https: tuple[ServerService, BackgroundServer],
    tls: TlsFiles,
    store_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service, server = https
    code, _ = service.create_enrol_code()
    store = str(store_path)
    enrol = ["sync", "enrol", "--server", server.url, "--code", code, "--store", store]
    assert main([*enrol, "--cafile", str(tls.certfile)]) == 0
    assert main(["sync", "run", "--store", store]) == 0
    assert "confirmed 2 of 2" in capsys.readouterr().out


@pytest.mark.parametrize("content", [None, b"not a certificate\n"], ids=["missing", "garbage"])
def test_a_bad_ca_file_is_a_clear_error(
    https: tuple[ServerService, BackgroundServer],
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
) -> None:
    service, server = https
    cafile = tmp_path / "ca.pem"
    if content is not None:
        cafile.write_bytes(content)
    code, _ = service.create_enrol_code()
    args = ["sync", "enrol", "--server", server.url, "--code", code, "--store", str(store_path)]
    assert main([*args, "--cafile", str(cafile)]) == 1
    err = capsys.readouterr().err
    assert "CA certificate file" in err
    assert "internal error" not in err


def test_plain_http_to_a_network_address_is_refused_before_connecting() -> None:
    with pytest.raises(SyncError, match="https://"):
        SyncClient("http://192.0.2.10:8080")


def test_plain_http_to_a_network_address_works_only_when_told() -> None:
    with SyncClient("http://192.0.2.10:8080", allow_insecure=True) as client:
        assert client.base_url == "http://192.0.2.10:8080"


def test_sync_enrol_over_plain_http_to_the_network_says_how_to_insist(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["sync", "enrol", "--server", "http://192.0.2.10:8080", "--code", "AAAA-BBBB-CCCC"]
    assert main([*args, "--store", str(store_path)]) == 1
    err = capsys.readouterr().err
    assert "https://" in err
    assert "--insecure-http" in err


def test_sync_enrol_to_an_untrusted_server_names_the_ca_option(
    https: tuple[ServerService, BackgroundServer],
    store_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service, server = https
    code, _ = service.create_enrol_code()
    args = ["sync", "enrol", "--server", server.url, "--code", code, "--store", str(store_path)]
    assert main(args) == 1
    assert "certificate is not trusted" in (err := capsys.readouterr().err) and "--ca FILE" in err


def test_pull_from_an_untrusted_server_names_the_ca_option(
    https: tuple[ServerService, BackgroundServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service, server = https
    monkeypatch.setenv("SURVEY_APP_TOKEN", service.create_account("dm", "data_manager")[1])
    assert main(["pull", "--server", server.url, "--out", str(tmp_path / "pulled")]) == 3
    assert "certificate is not trusted" in (err := capsys.readouterr().err) and "--ca FILE" in err


def test_pull_takes_the_cafile_option_as_sync_does(
    https: tuple[ServerService, BackgroundServer],
    tls: TlsFiles,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service, server = https
    monkeypatch.setenv("SURVEY_APP_TOKEN", service.create_account("dm", "data_manager")[1])
    args = ["pull", "--server", server.url, "--out", str(tmp_path / "pulled")]
    assert main([*args, "--cafile", str(tls.certfile)]) == 0
