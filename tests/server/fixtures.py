"""Fixtures shared by tests/server and tests/sync (imported into both conftest files)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from survey_app.server.config import ServerConfig
from survey_app.server.runner import BackgroundServer
from survey_app.server.service import ServerService
from tests.server.support import (
    TEST_STUDIES,
    PostgresCluster,
    fresh_postgres_database,
    running_server,
    start_postgres,
)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster]:
    """A real PostgreSQL server for the whole run, or a visible skip with the reason."""
    cluster = start_postgres(tmp_path_factory.mktemp("postgres"))
    if isinstance(cluster, str):
        pytest.skip(f"no PostgreSQL available: {cluster}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> str:
    """An empty database of its own for one test."""
    return fresh_postgres_database(pg_cluster)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each backend in turn: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "server.sqlite3")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def config(tmp_path: Path) -> ServerConfig:
    return ServerConfig(database=str(tmp_path / "server.sqlite3"), study_ids=TEST_STUDIES)


@pytest.fixture
def live(config: ServerConfig) -> Iterator[tuple[ServerService, BackgroundServer]]:
    """A real uvicorn server on loopback over a SQLite file."""
    with running_server(config) as pair:
        yield pair


@pytest.fixture
def service(live: tuple[ServerService, BackgroundServer]) -> ServerService:
    return live[0]


@pytest.fixture
def http(live: tuple[ServerService, BackgroundServer]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live[1].url, timeout=10) as client:
        yield client
