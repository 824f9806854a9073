"""Kill -9 the server while a laptop uploads a batch; restart it; every envelope lands once."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService
from survey_app.store import DeviceStore
from survey_app.study import Study
from survey_app.sync.client import RetryPolicy, SyncClient
from tests.server.support import TEST_STUDIES, start_server_process
from tests.sync.test_client import finish_sessions, store, study

__all__ = ["store", "study"]
BATCH = 120


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_server_killed_mid_batch_then_restarted_holds_every_envelope_exactly_once(
    store: DeviceStore, study: Study, tmp_path: Path
) -> None:
    ids = finish_sessions(store, study, BATCH)
    db = tmp_path / "server.sqlite3"
    service = ServerService.open(ServerConfig(database=str(db), study_ids=TEST_STUDIES))
    code, _ = service.create_enrol_code()
    _, dm_token = service.create_account("dm", "data_manager")
    service.close()

    server = start_server_process(db)
    client = SyncClient(server.url, retry=RetryPolicy(max_attempts=3, base_delay=0.05))
    client.enrol(code, store.device_key)

    def kill_after_some_arrive() -> None:
        deadline = time.monotonic() + 60
        while _count(db) < BATCH // 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        server.kill()

    killer = threading.Thread(target=kill_after_some_arrive)
    killer.start()
    first = client.sync_once(store)
    killer.join()
    server.stop()
    assert first.stopped is not None
    assert 0 < first.confirmed < BATCH

    restarted = start_server_process(db, server.port)
    try:
        second = client.sync_once(store)
        export = httpx.get(
            f"{restarted.url}/v1/export",
            params={"format": "json", "limit": 1000},
            headers={"Authorization": f"Bearer {dm_token}"},
        ).json()
    finally:
        client.close()
        restarted.stop()
    assert second.complete
    exported = [e["submission_id"] for e in export["envelopes"]]
    assert sorted(exported) == sorted(ids)
    assert store.pending_envelopes() == []
