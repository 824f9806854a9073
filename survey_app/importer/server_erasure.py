"""The data manager's side of a server erasure: send submission ids to `POST /v1/erasures`.

Used after a participant's erasure in the import record, so the research server deletes its
sealed copies too and refuses them from laptops and USB copies from then on. Submission ids are
random and are not personal data; the participant code never leaves this machine.
"""

from __future__ import annotations

import random
import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from survey_app.errors import UserFacingError
from survey_app.program_name import SOURCE
from survey_app.sync.transport import (
    CERTIFICATE_NOT_TRUSTED,
    TransportProblem,
    connection_settings,
    is_certificate_problem,
)

ERASE_ON_SERVER_COMMAND = "erase-on-server"
# One request carries at most this many ids (the server's limit).
_BATCH = 1000


class ServerErasureError(UserFacingError):
    """The server part of an erasure did not happen; the message says why (never an id)."""


@dataclass(frozen=True)
class ServerErasure:
    """What the server did with the ids of one request."""

    erasure_ids: tuple[str, ...]
    deleted: int
    not_stored: int
    already_erased: int


def erase_on_server(
    server_url: str,
    token: str,
    submission_ids: Sequence[str],
    *,
    reference: str = "",
    verify: bool | str = True,
    allow_insecure: bool = False,
    attempts: int = 3,
    timeout: float = 15.0,
    sleep: Callable[[float], None] = time.sleep,
) -> ServerErasure:
    """Ask the server to erase these submissions; retried on network errors, 5xx and 429."""
    body_reference = reference or None
    erasure_ids: list[str] = []
    totals = [0, 0, 0]
    try:
        base, tls = connection_settings(server_url, verify, allow_insecure=allow_insecure)
    except TransportProblem as exc:
        raise ServerErasureError(str(exc)) from None
    with httpx.Client(base_url=base, verify=tls, timeout=timeout) as client:
        for start in range(0, len(submission_ids), _BATCH):
            batch = list(submission_ids[start : start + _BATCH])
            data = _post(client, token, batch, body_reference, attempts, sleep)
            if data.get("erasure_id"):
                erasure_ids.append(str(data["erasure_id"]))
            for index, name in enumerate(("deleted", "not_stored", "already_erased")):
                totals[index] += int(data.get(name, 0))
    return ServerErasure(tuple(erasure_ids), *totals)


def _post(
    client: httpx.Client,
    token: str,
    batch: list[str],
    reference: str | None,
    attempts: int,
    sleep: Callable[[float], None],
) -> dict:
    rng = random.Random()
    for attempt in range(1, max(1, attempts) + 1):
        try:
            response = client.post(
                "/v1/erasures",
                json={"submission_ids": batch, "reference": reference},
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.TransportError as exc:
            if is_certificate_problem(exc):
                raise ServerErasureError(CERTIFICATE_NOT_TRUSTED) from None
            reason = f"the server cannot be reached ({type(exc).__name__})"
        else:
            status = response.status_code
            if status == 200:
                return response.json()
            if status == 401:
                raise ServerErasureError("the server did not accept the data-manager token")
            if status == 403:
                raise ServerErasureError("this token may not erase: it is not a data manager's")
            if status != 429 and status < 500:
                raise ServerErasureError(f"the server refused the request: {_message(response)}")
            reason = f"the server answered {status}"
        if attempt < attempts:
            sleep(rng.uniform(0, min(5.0, 0.5 * 2 ** (attempt - 1))))
    raise ServerErasureError(reason)


def repeat_commands(
    server_url: str,
    submission_ids: Sequence[str],
    reference: str = "",
    program: str = SOURCE,
) -> str:
    """The exact commands that do the server part later: over HTTP, or on the server machine.

    program is how the data manager ran the command line (`survey-app` when installed).
    """
    ids = " ".join(f"--submission {shlex.quote(i)}" for i in submission_ids)
    ref = f" --reference {shlex.quote(reference)}" if reference else ""
    return (
        f"  {program} {ERASE_ON_SERVER_COMMAND} --server {shlex.quote(server_url)} "
        f"{ids}{ref}\n"
        f"or on the server machine:\n"
        f"  {program} server erase --db DATABASE {ids}{ref}"
    )


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return data["message"][:300]
    return f"HTTP {response.status_code}"
