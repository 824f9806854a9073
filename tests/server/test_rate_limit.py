"""Rate limits keyed on who is really asking, kept in the database shared by every server process.

An attacker sending a random bearer value with every request, or spreading guesses over several
server processes, gets no more tries than one honest client.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.server.config import ServerConfig
from tests.server.support import STUDY_ID, enrol, make_envelope, post_enrol, running_server


@contextmanager
def two_servers(config: ServerConfig) -> Iterator[tuple[httpx.Client, httpx.Client, object]]:
    """Two server processes' worth of service + uvicorn on ONE database."""
    with ExitStack() as stack:
        service_a, server_a = stack.enter_context(running_server(config))
        _, server_b = stack.enter_context(running_server(config))
        a = stack.enter_context(httpx.Client(base_url=server_a.url, timeout=10))
        b = stack.enter_context(httpx.Client(base_url=server_b.url, timeout=10))
        yield a, b, service_a


def _limits(database: str, **options: object) -> ServerConfig:
    return ServerConfig(database=database, study_ids=(STUDY_ID,), **options)


def test_random_bearer_per_request_does_not_multiply_enrolment_guesses(tmp_path: Path) -> None:
    config = _limits(str(tmp_path / "s.db"), rate_per_second=0.001, rate_burst=10)
    with running_server(config) as (_, server), httpx.Client(base_url=server.url) as http:
        statuses = []
        for _ in range(40):
            response = http.post(
                "/v1/enrol",
                json={"code": "AAAA-BBBB-CCCC", "device_public_key": "x" * 44},
                headers={"Authorization": f"Bearer {secrets.token_urlsafe(16)}"},
            )
            statuses.append(response.status_code)
    assert statuses.count(429) >= 30
    assert len(statuses) - statuses.count(429) <= 10


def test_failed_enrolments_are_limited_per_address_across_server_processes(
    database: str,
) -> None:
    config = _limits(database, enrol_failures_per_hour=3)
    with two_servers(config) as (a, b, service):
        wrong = [post_enrol(client, "AAAA-BBBB-CCCC", DeviceKey.generate()) for client in (a, b, a)]
        assert [r.json()["error"] for r in wrong] == ["code_unknown"] * 3
        # The fourth guess, at the other process, is refused before the code is even looked at.
        code, _ = service.create_enrol_code()
        blocked = post_enrol(b, code, DeviceKey.generate())
        assert (blocked.status_code, blocked.json()["error"]) == (429, "rate_limited")
        assert int(blocked.headers["Retry-After"]) >= 1


def _enrol_from(client: httpx.Client, address: str, code: str) -> httpx.Response:
    """An enrolment attempt that the trusted proxy says comes from `address`."""
    forwarded = httpx.Client(
        base_url=client.base_url, headers={"X-Forwarded-For": address}, timeout=10
    )
    with forwarded:
        return post_enrol(forwarded, code, DeviceKey.generate())


def test_failed_enrolments_from_many_addresses_pause_enrolment_on_every_process(
    database: str,
) -> None:
    config = _limits(
        database,
        enrol_failures_per_hour=3,
        enrol_failures_total_per_hour=4,
        trusted_proxies=("127.0.0.1/32",),
    )
    with two_servers(config) as (a, b, service):
        # Four guessers, one guess each: no address reaches its own limit of three.
        wrong = [
            _enrol_from(client, f"198.51.100.{n}", "AAAA-BBBB-CCCC")
            for n, client in enumerate((a, b, a, b), start=1)
        ]
        assert [r.json()["error"] for r in wrong] == ["code_unknown"] * 4
        # Now even a valid code from a fresh address is refused, at either process.
        code, _ = service.create_enrol_code()
        for client in (a, b):
            paused = _enrol_from(client, "203.0.113.7", code)
            assert (paused.status_code, paused.json()["error"]) == (503, "enrolment_paused")
            assert int(paused.headers["Retry-After"]) >= 1


def test_enrolment_pause_ends_when_its_window_has_passed(database: str) -> None:
    config = _limits(database, enrol_failures_total_per_hour=2, trusted_proxies=("127.0.0.1/32",))
    with two_servers(config) as (a, b, service):
        for n, client in enumerate((a, b), start=1):
            _enrol_from(client, f"198.51.100.{n}", "AAAA-BBBB-CCCC")
        code, _ = service.create_enrol_code()
        assert _enrol_from(b, "203.0.113.7", code).status_code == 503
        # An hour later (the bucket's state is in the database: age it) a token is back.
        with service.limiter.db.transaction() as tx:
            tx.execute("UPDATE rate_buckets SET updated = updated - 3600")
        assert _enrol_from(a, "203.0.113.7", code).status_code == 201


def test_token_bucket_of_a_device_is_shared_between_server_processes(database: str) -> None:
    config = _limits(database, rate_per_second=0.001, rate_burst=4)
    with two_servers(config) as (a, b, service):
        device = enrol(a, service)
        statuses = [
            client.post(
                "/v1/submissions", json=make_envelope(device.key), headers=device.headers
            ).status_code
            for client in (a, b, a, b, a)
        ]
    assert statuses == [201, 201, 201, 201, 429]


def test_each_device_has_its_own_bucket(tmp_path: Path) -> None:
    config = _limits(str(tmp_path / "s.db"), rate_per_second=0.001, rate_burst=100)
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        first, second = enrol(http, service), enrol(http, service)
    config = _limits(str(tmp_path / "s.db"), rate_per_second=0.001, rate_burst=2)
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        for _ in range(2):
            http.post("/v1/submissions", json=make_envelope(first.key), headers=first.headers)
        other = http.post("/v1/submissions", json=make_envelope(second.key), headers=second.headers)
    assert other.status_code == 201


def test_forwarded_address_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    def guesses(config: ServerConfig) -> list[int]:
        with running_server(config) as (_, server), httpx.Client(base_url=server.url) as http:
            return [
                http.post(
                    "/v1/enrol/challenge", headers={"X-Forwarded-For": f"198.51.100.{n}"}
                ).status_code
                for n in range(1, 5)
            ]

    database = str(tmp_path / "s.db")
    behind_proxy = _limits(
        database, rate_per_second=0.001, rate_burst=1, trusted_proxies=("127.0.0.1/32",)
    )
    assert guesses(behind_proxy) == [201, 201, 201, 201]
    # Without a trusted proxy the header is the client's own claim: ignored.
    direct = _limits(str(tmp_path / "t.db"), rate_per_second=0.001, rate_burst=1)
    assert guesses(direct) == [201, 429, 429, 429]


def test_client_cannot_add_its_own_forwarded_hop_in_front_of_the_proxy(tmp_path: Path) -> None:
    config = _limits(
        str(tmp_path / "s.db"),
        rate_per_second=0.001,
        rate_burst=1,
        trusted_proxies=("127.0.0.1/32",),
    )
    with running_server(config) as (_, server), httpx.Client(base_url=server.url) as http:
        # The proxy appends the real client (203.0.113.9); what the client wrote comes first.
        statuses = [
            http.post(
                "/v1/enrol/challenge",
                headers={"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.9"},
            ).status_code
            for n in range(1, 4)
        ]
    assert statuses == [201, 429, 429]


def test_health_is_never_rate_limited(tmp_path: Path) -> None:
    config = _limits(str(tmp_path / "s.db"), rate_per_second=0.001, rate_burst=1)
    with running_server(config) as (_, server), httpx.Client(base_url=server.url) as http:
        assert {http.get("/v1/health").status_code for _ in range(5)} == {200}


@pytest.mark.parametrize("value", ["not-an-address", "999.1.1.1/8"])
def test_a_malformed_trusted_proxy_is_refused_at_start(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="trusted proxy"):
        _limits(str(tmp_path / "s.db"), trusted_proxies=(value,))


def test_a_database_from_before_rate_limits_gains_the_table(tmp_path: Path) -> None:
    import sqlite3

    from survey_app.server.db import open_database
    from survey_app.server.repository import SCHEMA_VERSION, Repository

    db = tmp_path / "old.sqlite3"
    repository = Repository(open_database(db))
    repository.initialise()
    repository.db.close()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE IF EXISTS rate_buckets")
        conn.execute("UPDATE server_meta SET value = '2' WHERE key = 'schema'")
    config = _limits(str(db), rate_per_second=0.001, rate_burst=1)
    with running_server(config) as (service, server), httpx.Client(base_url=server.url) as http:
        statuses = [http.post("/v1/enrol/challenge").status_code for _ in range(2)]
        assert service.repository.get_meta("schema") == SCHEMA_VERSION
    assert statuses == [201, 429]
