"""Rate-limit counters live in a companion SQLite file, so they never wait for an upload's fsync."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService
from tests.server.support import TEST_STUDIES


def test_a_rate_limit_update_does_not_wait_for_a_commit_holding_the_database(
    tmp_path: Path,
) -> None:
    service = ServerService.open(
        ServerConfig(database=str(tmp_path / "server.sqlite3"), study_ids=TEST_STUDIES)
    )
    holding, release = threading.Event(), threading.Event()

    def slow_commit() -> None:
        # Stands for a shared upload commit that holds the write lock through its fsync.
        with service.repository.db.transaction() as tx:
            tx.execute("UPDATE server_meta SET value = value WHERE key = 'schema'")
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=slow_commit)
    writer.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        assert service.admit("client:192.0.2.1") == 0.0
        assert time.monotonic() - started < 1.0
    finally:
        release.set()
        writer.join()
        service.close()
