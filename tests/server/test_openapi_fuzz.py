"""schemathesis against the live server's own OpenAPI description (real uvicorn on loopback).

Every operation is called with requests generated from the schema, valid and invalid, with the
right bearer token for its role. Each response must be no 5xx, carry no traceback, have a status
code and a body the schema documents, and every request the schema calls invalid must be refused.
`positive_data_acceptance` is left out on purpose: a schema cannot say "signed by an enrolled
laptop" or "an unspent enrolment code", so schema-valid uploads and enrolments are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.core import NOT_SET

from survey_app.server.config import ServerConfig
from tests.properties import examples
from tests.server.support import STUDY_ID, Enrolled, enrol, running_server

TRACEBACK_MARKERS = (b"Traceback (most recent call last)", b'File "/', b"sqlite3.", b"psycopg")


@dataclass
class LiveApi:
    url: str
    tokens: dict[str, str]  # tag of the operation -> bearer token of the right role
    device: Enrolled


@pytest.fixture
def live_api(tmp_path) -> Iterator[LiveApi]:
    """A server with one enrolled laptop, a data manager and an admin; limits out of the way."""
    config = ServerConfig(
        database=str(tmp_path / "server.sqlite3"),
        study_ids=(STUDY_ID,),
        rate_per_second=10_000,
        rate_burst=10_000,
        enrol_failures_per_hour=1_000_000,
    )
    with running_server(config) as (service, server):
        import httpx

        with httpx.Client(base_url=server.url, timeout=10) as client:
            device = enrol(client, service)
        _, manager = service.create_account("dm", "data_manager")
        _, admin = service.create_account("admin", "admin")
        tokens = {
            "device": device.token,
            "data manager": manager,
            "admin": admin,
            "operations": admin,
        }
        yield LiveApi(server.url, tokens, device)


OPERATIONS = [
    ("GET", "/v1/health"),
    ("GET", "/v1/health/live"),
    ("GET", "/v1/health/ready"),
    ("GET", "/v1/metrics"),
    ("POST", "/v1/enrol/challenge"),
    ("POST", "/v1/enrol"),
    ("POST", "/v1/submissions"),
    ("GET", "/v1/export"),
    ("POST", "/v1/erasures"),
    ("POST", "/v1/admin/enrol-codes"),
]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
NO_INPUT = {
    ("GET", "/v1/health"),
    ("GET", "/v1/health/live"),
    ("GET", "/v1/health/ready"),
    ("POST", "/v1/enrol/challenge"),
}


def load_schema(api: LiveApi):
    """The OpenAPI description as the running server publishes it."""
    return schemathesis.openapi.from_url(f"{api.url}/openapi.json")


@schemathesis.check
def no_traceback_in_the_body(ctx, response, case) -> None:
    """No stack trace, file path or database message ever leaves the server."""
    body = response.content or b""
    leaked = [m.decode() for m in TRACEBACK_MARKERS if m in body]
    if leaked:
        raise AssertionError(f"the response body leaks internals: {leaked}")


def test_the_fuzzed_operations_are_every_operation_of_the_schema(live_api: LiveApi) -> None:
    found = {
        (result.ok().method.upper(), result.ok().path)
        for result in load_schema(live_api).get_all_operations()
    }
    assert found == set(OPERATIONS)


@pytest.mark.parametrize("mode", MODES, ids=str)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=lambda v: str(v))
def test_every_operation_answers_as_documented_and_refuses_invalid_requests(
    live_api: LiveApi, method: str, path: str, mode: GenerationMode
) -> None:
    operation = load_schema(live_api)[path][method]
    if mode is GenerationMode.NEGATIVE and (method, path) in NO_INPUT:
        pytest.skip("this operation takes no input, so no request to it is invalid")
    tag = (operation.tags or ["device"])[0]
    token = live_api.tokens.get(tag)
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    @settings(max_examples=examples(25))
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case) -> None:
        case.call_and_validate(
            base_url=live_api.url,
            headers=headers,
            excluded_checks=[positive_data_acceptance],
            additional_checks=[no_traceback_in_the_body],
        )

    call()


POSTS = [(method, path) for method, path in OPERATIONS if method == "POST"]
UNLIMITED = {("GET", "/v1/health"), ("GET", "/v1/health/live"), ("GET", "/v1/health/ready")}
LIMITED = [op for op in OPERATIONS if op not in UNLIMITED]


@pytest.mark.parametrize(("method", "path"), POSTS, ids=lambda v: str(v))
def test_a_body_over_the_size_limit_gets_the_documented_413(
    live_api: LiveApi, method: str, path: str
) -> None:
    operation = load_schema(live_api)[path][method]
    tag = (operation.tags or ["device"])[0]
    headers = {"Authorization": f"Bearer {live_api.tokens[tag]}"} if tag in live_api.tokens else {}
    case = operation.Case(body={"label": "x" * (3 * 1024 * 1024)}, media_type="application/json")
    response = case.call_and_validate(
        base_url=live_api.url,
        headers=headers,
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
        additional_checks=[no_traceback_in_the_body],
    )
    assert response.status_code == 413


@pytest.mark.parametrize(("method", "path"), LIMITED, ids=lambda v: str(v))
def test_a_rate_limited_request_gets_the_documented_429(tmp_path, method: str, path: str) -> None:
    config = ServerConfig(database=str(tmp_path / "s.sqlite3"), rate_per_second=0.01, rate_burst=1)
    with running_server(config) as (service, server):
        _, manager = service.create_account("dm", "data_manager")
        api = LiveApi(server.url, {"data manager": manager}, None)  # type: ignore[arg-type]
        operation = load_schema(api)[path][method]
        headers = {"Authorization": "Bearer same-token-twice"}
        body = {} if method == "POST" else NOT_SET
        for _ in range(2):
            case = operation.Case(body=body, media_type="application/json")
            response = case.call(base_url=server.url, headers=headers)
        assert response.status_code == 429
        case.validate_response(
            response,
            excluded_checks=[positive_data_acceptance, negative_data_rejection],
            additional_checks=[no_traceback_in_the_body],
        )
