"""Sync tests run against a real uvicorn server on loopback (see fixtures.py)."""

from tests.server.fixtures import config, database, http, live, pg_cluster, pg_url, service

__all__ = ["config", "database", "http", "live", "pg_cluster", "pg_url", "service"]
