"""The data manager's pull from the research server: export pages saved as bundle files (no Qt).

`GET /v1/export?since=CURSOR` returns one page of sealed envelopes as a bundle signed by the
server key, with the next cursor in `X-Export-Cursor` and `X-Export-More`. Each page is checked
(`read_bundle`: structure, server signature, hashes), written atomically into the pull folder,
and only then is the cursor in `pull-state.json` moved past it. So a server or network that dies
part way loses nothing: the bundles written stay, and the next pull starts after the last one.
The pulled folder is imported like a USB stick (`python main.py import DIR ...`).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from survey_app.bundle import BUNDLE_SUFFIX, BundleError, read_bundle
from survey_app.bundle.atomic import (
    PARTIAL_SUFFIX,
    atomic_write_bytes,
    fsync_directory,
    remove_partials,
)
from survey_app.bundle.container import Bundle, utc_now
from survey_app.errors import UserFacingError
from survey_app.sync.client import RetryPolicy
from survey_app.sync.transport import (
    CERTIFICATE_NOT_TRUSTED,
    TransportProblem,
    connection_settings,
    is_certificate_problem,
)

STATE_NAME = "pull-state.json"
STATE_FORMAT = "survey-app/pull-state/v1"


class PullError(UserFacingError):
    """A pull problem meant for the data manager; `msgid`/`params` are for i18n.tr."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params


@dataclass(frozen=True)
class PullState:
    """What the pull folder remembers: where to continue, and which server key signs."""

    cursor: int
    server_device_id: str
    server_public_key: str
    server_url: str
    updated_at: str

    def to_json_bytes(self) -> bytes:
        """The state file's content."""
        doc = {
            "format": STATE_FORMAT,
            "cursor": str(self.cursor),
            "server_device_id": self.server_device_id,
            "server_public_key": self.server_public_key,
            "server_url": self.server_url,
            "updated_at": self.updated_at,
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class PulledBundle:
    """One page written to the pull folder."""

    path: Path
    envelopes: int
    since: int
    cursor: int


@dataclass
class PullResult:
    """What one pull did; `stopped` says why it ended early (empty when it completed)."""

    out_dir: Path
    start_cursor: int
    cursor: int
    bundles: list[PulledBundle] = field(default_factory=list)
    server_device_id: str = ""
    server_public_key: str = ""
    stopped: str = ""

    @property
    def envelopes(self) -> int:
        return sum(b.envelopes for b in self.bundles)

    @property
    def complete(self) -> bool:
        return not self.stopped


@dataclass(frozen=True)
class PullOptions:
    """How to talk to the server; defaults suit the command line."""

    verify: bool | str = True
    allow_insecure: bool = False  # plain http:// to a network address (closed test networks)
    timeout: float = 60.0
    page_size: int | None = None
    study: str | None = None
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(max_attempts=3, max_delay=5))
    sleep: Callable[[float], None] = time.sleep


class _Retryable(Exception):
    """A failure worth trying again (network, 5xx, 429)."""


def read_state(out_dir: Path) -> PullState | None:
    """The pull folder's state, or None before the first pull."""
    path = Path(out_dir) / STATE_NAME
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PullError(
            "cannot read {name} in the pull folder ({reason}); move it away to start again "
            "from the beginning (the importer skips what it already has)",
            name=STATE_NAME,
            reason=type(exc).__name__,
        ) from None
    try:
        if doc["format"] != STATE_FORMAT or not str(doc["cursor"]).isdigit():
            raise KeyError("format")
        return PullState(
            cursor=int(doc["cursor"]),
            server_device_id=str(doc["server_device_id"]),
            server_public_key=str(doc["server_public_key"]),
            server_url=str(doc["server_url"]),
            updated_at=str(doc["updated_at"]),
        )
    except (KeyError, TypeError):
        raise PullError(
            "{name} in the pull folder is not a pull state file", name=STATE_NAME
        ) from None


def pull(
    base_url: str,
    token: str,
    out_dir: Path,
    *,
    since: int | None = None,
    options: PullOptions | None = None,
    on_page: Callable[[PulledBundle], None] | None = None,
) -> PullResult:
    """Fetch every export page after the folder's cursor (or `since`) into out_dir."""
    options = options or PullOptions()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_partials(out_dir)
    state = read_state(out_dir)
    start = since if since is not None else (state.cursor if state else 0)
    result = PullResult(out_dir, start, start)
    if state is not None:
        result.server_device_id = state.server_device_id
        result.server_public_key = state.server_public_key
    try:
        base, verify = connection_settings(
            base_url, options.verify, allow_insecure=options.allow_insecure
        )
    except TransportProblem as exc:
        raise PullError(exc.msgid, **exc.params) from None
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/zip"}
    with httpx.Client(
        base_url=base, verify=verify, timeout=options.timeout, headers=headers
    ) as http:
        more = True
        while more:
            try:
                response = _fetch(http, result.cursor, options)
                cursor, more = _cursor(response, result.cursor)
                written = _save_page(response.content, out_dir, result, cursor, state)
            except PullError as exc:
                result.stopped = str(exc)
                break
            result.cursor = cursor
            state = _remember(out_dir, state, result, base_url)
            if written is not None:
                result.bundles.append(written)
                if on_page is not None:
                    on_page(written)
    return result


def _fetch(http: httpx.Client, since: int, options: PullOptions) -> httpx.Response:
    params: dict[str, Any] = {"since": str(since)}
    if options.page_size:
        params["limit"] = options.page_size
    if options.study:
        params["study"] = options.study
    rng = random.Random()
    attempt = 0
    while True:
        attempt += 1
        try:
            return _request(http, params)
        except _Retryable as exc:
            if attempt >= options.retry.max_attempts:
                raise PullError(
                    "the server could not be reached or did not answer ({reason}); the bundles "
                    "already written are kept, and the next pull continues after them",
                    reason=str(exc),
                ) from None
            options.sleep(options.retry.delay(attempt, rng))


def _request(http: httpx.Client, params: dict[str, Any]) -> httpx.Response:
    try:
        response = http.get("/v1/export", params=params)
    except httpx.TimeoutException:
        raise _Retryable("timed out") from None
    except httpx.TransportError as exc:
        if is_certificate_problem(exc):
            raise PullError(CERTIFICATE_NOT_TRUSTED) from None
        raise _Retryable(type(exc).__name__) from None
    if response.status_code == 429 or response.status_code >= 500:
        raise _Retryable(f"server answered {response.status_code}")
    if response.status_code == 401:
        raise PullError(
            "the server did not accept the token (wrong, or withdrawn); ask the server admin "
            "for a data-manager token (`server add-account --role data_manager`)"
        )
    if response.status_code == 403:
        raise PullError("this token may not export: it is not a data manager's token")
    if response.status_code != 200:
        raise PullError(
            "the server refused the export ({status}): {reason}",
            status=response.status_code,
            reason=_server_message(response),
        )
    return response


def _server_message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message", "no reason given"))[:200]
    except (ValueError, AttributeError):
        return "no reason given"


def _cursor(response: httpx.Response, since: int) -> tuple[int, bool]:
    """The next cursor and whether more pages wait, from the export headers."""
    raw = response.headers.get("X-Export-Cursor", "")
    more = response.headers.get("X-Export-More", "").lower() == "true"
    if not raw.isdigit():
        raise PullError("the server's answer has no export cursor; is the URL the survey server?")
    cursor = int(raw)
    if cursor < since or (more and cursor == since):
        raise PullError("the server's export cursor did not move forward; nothing was written")
    return cursor, more


def bundle_name(study_id: str, server_device_id: str, since: int, cursor: int) -> str:
    """A pulled bundle's file name: study, server and cursor range only (no personal data)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in study_id)[:40] or "x"
    return f"{safe}-server-{server_device_id}-{since:09d}-{cursor:09d}{BUNDLE_SUFFIX}"


def _save_page(
    data: bytes, out_dir: Path, result: PullResult, cursor: int, state: PullState | None
) -> PulledBundle | None:
    """Verify a page in a hidden temp file beside its target, then rename it into place.

    Returns None for an empty page (nothing new): no file is kept. The importer ignores
    `.partial` files, so a crash at any point leaves only complete, verified bundles.
    """
    fd, name = tempfile.mkstemp(dir=out_dir, prefix=".pull.", suffix=PARTIAL_SUFFIX)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        bundle = _verified(tmp)
        _check_signer(bundle, state)
        result.server_device_id = bundle.manifest.device_id
        result.server_public_key = bundle.manifest.device_public_key
        if not bundle.manifest.count:
            return None
        if cursor <= result.cursor:
            raise PullError("the server's export cursor did not move forward; nothing was written")
        since = result.cursor
        path = out_dir / bundle_name(
            bundle.manifest.study_id, bundle.manifest.device_id, since, cursor
        )
        os.replace(tmp, path)
        fsync_directory(out_dir)
        return PulledBundle(path, bundle.manifest.count, since, cursor)
    except OSError as exc:
        raise UserFacingError(f"cannot write into {out_dir}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _verified(path: Path) -> Bundle:
    try:
        return read_bundle(path)
    except BundleError as exc:
        reason = str(exc).split(": ", 1)[-1]
        raise PullError(
            "the server sent a page that is not a valid bundle ({reason}); nothing was written",
            reason=reason,
        ) from None


def _check_signer(bundle: Bundle, state: PullState | None) -> None:
    if state is not None and bundle.manifest.device_public_key != state.server_public_key:
        raise PullError(
            "this export is signed by server key {got}, but this folder was pulled from server "
            "key {known}; pull into another folder if the server was really replaced",
            got=bundle.manifest.device_id,
            known=state.server_device_id,
        )


def _remember(
    out_dir: Path, state: PullState | None, result: PullResult, base_url: str
) -> PullState | None:
    if not result.server_public_key:
        return state  # nothing pulled yet from this server: no key to pin
    cursor = max(result.cursor, state.cursor) if state else result.cursor
    new = PullState(cursor, result.server_device_id, result.server_public_key, base_url, utc_now())
    if state is not None and (state.cursor, state.server_public_key) == (
        cursor,
        new.server_public_key,
    ):
        return state
    atomic_write_bytes(out_dir / STATE_NAME, new.to_json_bytes())
    return new
