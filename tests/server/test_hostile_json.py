"""Hostile JSON bodies get a clear 400, never a 500: bounded depth and number length."""

from __future__ import annotations

import httpx
import pytest

from survey_app.server.json_guard import MAX_DEPTH, json_shape_problem
from survey_app.server.service import ServerService
from tests.server.support import Enrolled, enrol, make_envelope

DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE_NUMBER = b'{"code": ' + b"9" * 5000 + b', "device_public_key": "x"}'


@pytest.fixture
def device(http: httpx.Client, service: ServerService) -> Enrolled:
    return enrol(http, service)


@pytest.fixture
def dm_token(service: ServerService) -> str:
    return service.create_account("dm", "data_manager")[1]


def _post(http: httpx.Client, path: str, body: bytes, token: str | None = None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return http.post(path, content=body, headers=headers)


@pytest.mark.parametrize("body", [DEEP, HUGE_NUMBER], ids=["nested-100000", "number-5000-digits"])
@pytest.mark.parametrize("path", ["/v1/submissions", "/v1/enrol", "/v1/erasures"])
def test_hostile_json_gets_a_clear_400(
    http: httpx.Client, device: Enrolled, dm_token: str, path: str, body: bytes
) -> None:
    token = {"/v1/submissions": device.token, "/v1/erasures": dm_token}.get(path)
    response = _post(http, path, body, token)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"
    assert "internal" not in response.text


def test_an_ordinary_envelope_passes_the_shape_check(http: httpx.Client, device: Enrolled) -> None:
    response = http.post("/v1/submissions", json=make_envelope(device.key), headers=device.headers)
    assert response.status_code == 201


def test_brackets_and_digits_inside_strings_do_not_count() -> None:
    text = '{"a": "' + "[" * 1000 + "9" * 1000 + '\\" ]"}'
    assert json_shape_problem(text.encode()) is None


def test_nesting_at_the_limit_passes_and_one_deeper_does_not() -> None:
    assert json_shape_problem(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is None
    assert json_shape_problem(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)) is not None
