"""HTTPS served directly by uvicorn with a self-signed certificate made in the test."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from survey_app.server.config import ServerConfig
from survey_app.server.runner import TlsFiles
from tests.server.support import TEST_STUDIES, running_server, self_signed_tls


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return self_signed_tls(tmp_path)


def test_server_answers_over_https_with_its_certificate(tls: TlsFiles, tmp_path: Path) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)
    with running_server(config, tls) as (_, server):
        assert server.url.startswith("https://")
        trust = ssl.create_default_context(cafile=str(tls.certfile))
        with httpx.Client(base_url=server.url, verify=trust) as client:
            assert client.get("/v1/health").json()["status"] == "ok"


def test_client_without_the_certificate_refuses_the_connection(
    tls: TlsFiles, tmp_path: Path
) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)
    with (
        running_server(config, tls) as (_, server),
        httpx.Client(base_url=server.url) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get("/v1/health")
