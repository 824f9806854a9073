"""A query parameter the endpoint does not declare is refused, never silently ignored."""

from __future__ import annotations

import httpx

from survey_app.server.service import ServerService
from tests.server.support import enrol, make_envelope


def test_a_misspelt_export_cursor_is_refused_instead_of_exporting_everything_again(
    http: httpx.Client, service: ServerService
) -> None:
    device = enrol(http, service)
    for _ in range(2):
        http.post("/v1/submissions", json=make_envelope(device.key), headers=device.headers)
    _, token = service.create_account("dm", "data_manager")
    headers = {"Authorization": f"Bearer {token}"}
    first = http.get("/v1/export", params={"format": "json"}, headers=headers).json()
    typo = http.get(
        "/v1/export", params={"sinse": first["cursor"], "format": "json"}, headers=headers
    )
    assert typo.status_code == 422
    assert typo.json()["error"] == "invalid_request"
    assert "since" in typo.json()["message"] and "sinse" not in typo.json()["message"]


def test_health_checks_ignore_what_a_load_balancer_appends(http: httpx.Client) -> None:
    for path in ("/v1/health", "/v1/health/live"):
        assert http.get(path, params={"probe": "1"}).status_code == 200
