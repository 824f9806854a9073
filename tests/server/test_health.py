"""Liveness, readiness and metrics: what a load balancer and a monitor may ask, counts only."""

from __future__ import annotations

import httpx
import psycopg
import pytest

from survey_app.server.config import ServerConfig
from survey_app.server.runner import BackgroundServer
from survey_app.server.service import ServerService
from tests.server.support import enrol, make_envelope, running_server


def _admin(service: ServerService) -> dict[str, str]:
    _, token = service.create_account("ops", "admin")
    return {"Authorization": f"Bearer {token}"}


def test_live_and_ready_answer_without_a_token(http: httpx.Client) -> None:
    assert http.get("/v1/health/live").json() == {"status": "ok"}
    ready = http.get("/v1/health/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


@pytest.mark.postgres
def test_ready_says_503_when_the_database_is_gone_while_live_stays_ok(
    pg_url: str, pg_cluster
) -> None:
    name = pg_url.rsplit("/", 1)[1]
    with running_server(ServerConfig(database=pg_url)) as (_, live):
        client = httpx.Client(base_url=live.url, timeout=30)
        assert client.get("/v1/health/ready").status_code == 200
        with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
        gone = client.get("/v1/health/ready")
        still = client.get("/v1/health/live")
        client.close()
    assert gone.status_code == 503
    assert gone.json()["status"] == "unavailable"
    assert still.status_code == 200


def test_metrics_need_an_admin_token(
    live: tuple[ServerService, BackgroundServer], http: httpx.Client
) -> None:
    service, _ = live
    _, dm_token = service.create_account("dm", "data_manager")
    assert http.get("/v1/metrics").status_code == 401
    refused = http.get("/v1/metrics", headers={"Authorization": f"Bearer {dm_token}"})
    assert refused.status_code == 403
    assert http.get("/v1/metrics", headers=_admin(service)).status_code == 200


def test_metrics_count_rows_and_show_no_ids_or_labels(
    live: tuple[ServerService, BackgroundServer], http: httpx.Client
) -> None:
    service, _ = live
    headers = _admin(service)
    device = enrol(http, service)
    envelopes = [make_envelope(device.key) for _ in range(3)]
    for envelope in envelopes:
        http.post("/v1/submissions", json=envelope, headers=device.headers)
    service.create_enrol_code(label="laptop seven")
    service.erase_submissions([envelopes[0]["submission_id"]], reference=None, requested_by="t")

    body = http.get("/v1/metrics", headers=headers)
    text = http.get("/v1/metrics", params={"format": "prometheus"}, headers=headers).text

    counts = body.json()
    assert (counts["submissions"], counts["devices_active"], counts["enrol_codes_open"]) == (
        2,
        1,
        1,
    )
    assert (counts["erasures"], counts["erased_submissions"], counts["accounts"]) == (1, 1, 1)
    assert "survey_server_submissions 2\n" in text
    for secret in (envelopes[1]["submission_id"], device.key.device_id, "laptop seven"):
        assert secret not in body.text
        assert secret not in text


def test_health_is_never_rate_limited(tmp_path) -> None:
    config = ServerConfig(database=str(tmp_path / "s.sqlite3"), rate_per_second=0.01, rate_burst=1)
    with running_server(config) as (_, live), httpx.Client(base_url=live.url) as client:
        statuses = {
            client.get(path).status_code for path in ("/v1/health/live", "/v1/health/ready") * 5
        }
    assert statuses == {200}
