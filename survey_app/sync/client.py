"""Laptop side of the research server API: enrol once, then upload sealed envelopes (no Qt).

Everything here blocks; the UI runs `sync_once` in a worker thread and gets progress through a
callback. A submission is marked synced only after the server's signed receipt for exactly that
envelope has been checked, so a dying server or network never loses anything: the next attempt
re-sends, and the server's idempotency makes that safe.
"""

from __future__ import annotations

import email.utils
import random
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx

from survey_app import crashpoints
from survey_app.errors import UserFacingError
from survey_app.i18n import N_
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import envelope_hash
from survey_app.server.enrol_proof import sign_proof
from survey_app.server.receipts import ReceiptError, verify_erasure_notice, verify_receipt
from survey_app.sync.credentials import SyncCredentials
from survey_app.sync.retry import RetryPolicy
from survey_app.sync.transport import (
    CERTIFICATE_NOT_TRUSTED,
    TransportProblem,
    ca_context,
    check_server_url,
    is_certificate_problem,
    read_ca_file,
)


class SyncError(UserFacingError):
    """A sync failure meant for staff; `msgid`/`params` are for translation with i18n.tr."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params


class SyncAuthError(SyncError):
    """The server no longer accepts this laptop's token (revoked, or a different server)."""


class PendingCopy(Protocol):
    """A sealed submission waiting for the server (the store's SealedCopy fits this)."""

    submission_id: str
    session_id: str
    envelope: dict[str, Any]


class SyncSource(Protocol):
    """What sync needs from the device store."""

    def pending_envelopes(self) -> Sequence[PendingCopy]: ...

    def mark_synced(self, submission_id: str, receipt: dict[str, Any]) -> None: ...

    def mark_erased_on_server(self, submission_id: str, notice: dict[str, Any]) -> None: ...


# Per-submission outcomes.
SYNCED = "synced"  # stored by this attempt
ALREADY_ON_SERVER = "already_on_server"  # an earlier attempt stored it; the receipt came now
REFUSED = "refused"  # the server will never take it as it is (e.g. conflict); needs a person
PENDING = "pending"  # not tried or not confirmed yet; the next sync sends it again
ERASED = "erased"  # erased on the server at the participant's request; never sent again

ERASED_MESSAGE = N_(
    "The research server erased this submission at the participant's request. "
    "It will not be sent again."
)


@dataclass(frozen=True)
class SubmissionOutcome:
    submission_id: str
    session_id: str
    status: str
    message: str = ""


@dataclass
class SyncResult:
    """What one sync round did, per submission and in total."""

    outcomes: list[SubmissionOutcome] = field(default_factory=list)
    stopped: str | None = None  # why the round ended early (a translated-ready English text)

    def count(self, status: str) -> int:
        """How many submissions ended with this status."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def confirmed(self) -> int:
        return self.count(SYNCED) + self.count(ALREADY_ON_SERVER)

    @property
    def per_session(self) -> dict[str, str]:
        """Session id -> outcome status, for the staff overview."""
        return {o.session_id: o.status for o in self.outcomes}

    @property
    def complete(self) -> bool:
        """True when every pending submission is now settled: confirmed, or erased for good."""
        return self.stopped is None and all(
            o.status in (SYNCED, ALREADY_ON_SERVER, ERASED) for o in self.outcomes
        )


ProgressCallback = Callable[[int, int, SubmissionOutcome], None]


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


class SubmissionRefused(SyncError):
    """The server will never accept this envelope as it is (conflict, wrong device, too large)."""


class SubmissionErased(SyncError):
    """The server erased this submission at the participant's request; `notice` is its word.

    Raised by `upload` only after the notice's signature was checked against the enrolled key.
    """

    def __init__(self, notice: dict[str, Any]) -> None:
        super().__init__(ERASED_MESSAGE)
        self.notice = notice


class SyncClient:
    """HTTP client for one research server. Close it (or use `with`) when done.

    `verify`: True (the system's trusted authorities), a CA certificate file (PEM) of the
    study's own server, or an SSLContext. Plain http:// is refused for any host but this
    computer unless `allow_insecure`. SyncError for an unusable address or CA file.
    """

    def __init__(
        self,
        base_url: str,
        *,
        credentials: SyncCredentials | None = None,
        verify: bool | str | ssl.SSLContext = True,
        allow_insecure: bool = False,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.credentials = credentials
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._allow_insecure = allow_insecure
        self._ca_pem: str | None = None
        try:
            self.base_url = check_server_url(base_url, allow_insecure=allow_insecure)
            if isinstance(verify, str):
                # A study's own CA or self-signed certificate (PEM file), kept for enrolment.
                self._ca_pem = read_ca_file(verify)
                verify = ca_context(self._ca_pem, Path(verify).name)
            elif verify is True and credentials is not None and credentials.ca_pem:
                self._ca_pem = credentials.ca_pem
                verify = ca_context(credentials.ca_pem)
        except TransportProblem as exc:
            raise SyncError(exc.msgid, **exc.params) from None
        self._http = httpx.Client(base_url=self.base_url, verify=verify, timeout=timeout)

    @classmethod
    def for_credentials(cls, credentials: SyncCredentials, **options: Any) -> SyncClient:
        """A client for the server a laptop enrolled with (its CA and http choice included)."""
        options.setdefault("allow_insecure", credentials.insecure_http)
        return cls(credentials.base_url, credentials=credentials, **options)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reachability and enrolment --------------------------------------------------------------

    def is_server_reachable(self, timeout: float = 2.0) -> bool:
        """One quick health request, no retries: for deciding whether to start a sync."""
        try:
            response = self._http.get("/v1/health", timeout=timeout)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def enrol(self, code: str, device_key: DeviceKey, label: str | None = None) -> SyncCredentials:
        """Spend a one-time enrolment code; return the credentials to keep in the device store.

        The server's single-use challenge, the code and the study are signed with the device
        key: the proof that this laptop holds the private key, without which a code and a
        public key would be enough to take over, and which is good for this code only.
        """
        try:
            answer = self._http.post("/v1/enrol/challenge")
            if answer.status_code == 503 and _error_code(answer) == "enrolment_busy":
                raise SyncError("The server is busy with enrolments. Try again in a minute.")
            offer = _json_object(answer) if answer.status_code == 201 else {}
            challenge, study_id = offer.get("challenge"), offer.get("study_id")
            if not isinstance(challenge, str) or not isinstance(study_id, str | None):
                raise SyncError(
                    "Enrolment failed (server answered {status}).", status=answer.status_code
                )
            body = {
                "code": code,
                "device_public_key": device_key.public_b64,
                "challenge": challenge,
                "proof": sign_proof(device_key, challenge, code, study_id),
                "label": label,
            }
            response = self._http.post("/v1/enrol", json=body)
        except httpx.HTTPError as exc:
            if is_certificate_problem(exc):
                raise SyncError(CERTIFICATE_NOT_TRUSTED) from None
            raise SyncError("The server cannot be reached. Check the network.") from None
        if response.status_code in (429, 503) and _error_code(response) in _ENROL_PAUSED:
            # Local clock time: what staff can act on, without counting minutes themselves.
            wait = _retry_after(response) or 60.0
            until = datetime.now().astimezone() + timedelta(seconds=wait + 59)
            raise SyncError(
                "The server is not accepting enrolments for a while after too many failed "
                "attempts. Try again after {time}.",
                time=until.strftime("%H:%M"),
            )
        if response.status_code in (403, 422):
            known = ENROL_REFUSALS.get(_error_code(response) or "")
            if known is not None:
                raise SyncError(known)  # said in the staff member's language, not the server's
            raise SyncError(
                "The server refused the enrolment code: {reason}", reason=_message(response)
            )
        if response.status_code != 201:
            raise SyncError(
                "Enrolment failed (server answered {status}).", status=response.status_code
            )
        data = response.json()
        if data.get("device_id") != device_key.device_id:
            raise SyncError("The server registered a different device id. Enrolment stopped.")
        self.credentials = SyncCredentials(
            base_url=self.base_url,
            device_id=data["device_id"],
            token=data["token"],
            server_public_key=data["server_public_key"],
            study_id=data.get("study_id"),
            ca_pem=self._ca_pem,
            insecure_http=self._allow_insecure and not _is_https(self.base_url),
        )
        return self.credentials

    # -- upload ---------------------------------------------------------------------------------

    def upload(self, envelope: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """Upload one envelope with retries; return (verified receipt, stored_by_this_call).

        Raises SyncAuthError (token refused), SyncError (server unreachable after retries, or a
        receipt or erasure notice that does not prove what it says), SubmissionRefused, or
        SubmissionErased (verified: the server will never take this submission).
        """
        creds = self._require_credentials()
        submission_id = str(envelope.get("submission_id", ""))
        expected_hash = envelope_hash(envelope)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._post_envelope(creds, envelope)
                break
            except SubmissionErased as exc:
                _check_notice(exc.notice, creds, submission_id)
                raise
            except _Retryable as exc:
                if attempt >= self.retry.max_attempts:
                    raise SyncError(
                        "The server could not be reached ({reason}). Nothing was lost; "
                        "sync again later.",
                        reason=str(exc),
                    ) from None
                wait = self.retry.delay(attempt, self._rng)
                if exc.wait is not None:
                    wait = min(max(wait, exc.wait), self.retry.max_delay)
                self._sleep(wait)
        receipt = response.json()
        try:
            verify_receipt(
                receipt,
                server_public_key=creds.server_public_key,
                submission_id=submission_id,
                content_hash=expected_hash,
            )
        except ReceiptError as exc:
            raise SyncError(
                "The server's receipt could not be verified ({reason}). The submission stays "
                "on this laptop.",
                reason=str(exc),
            ) from None
        return receipt, response.status_code == 201

    def _post_envelope(self, creds: SyncCredentials, envelope: Mapping[str, Any]) -> httpx.Response:
        try:
            response = self._http.post(
                "/v1/submissions",
                json=dict(envelope),
                headers={"Authorization": f"Bearer {creds.token}"},
            )
        except httpx.TransportError as exc:
            if is_certificate_problem(exc):
                # Trying again cannot help: the laptop does not trust this certificate.
                raise SyncError(CERTIFICATE_NOT_TRUSTED) from None
            raise _Retryable(type(exc).__name__) from None
        status = response.status_code
        if status in (200, 201):
            return response
        if status == 401:
            raise SyncAuthError(
                "The server no longer accepts this laptop. Ask the study administrator "
                "for a new enrolment code."
            )
        if status == 429 or status >= 500:
            raise _Retryable(f"HTTP {status}", _retry_after(response))
        if status == 410 and _error_code(response) == "erased":
            raise SubmissionErased(_json_object(response).get("notice") or {})
        raise SubmissionRefused(
            "The server refused the submission: {reason}", reason=_message(response)
        )

    def sync_once(
        self,
        store: SyncSource,
        progress_callback: ProgressCallback | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> SyncResult:
        """Upload every pending envelope once; mark each confirmed one synced in the store.

        Stops early (remaining ones stay pending) when the server is unreachable after retries,
        when the token is refused, or when `cancel()` returns True.
        """
        pending = list(store.pending_envelopes())
        result = SyncResult()
        total = len(pending)
        for index, copy in enumerate(pending):
            if result.stopped is None and cancel is not None and cancel():
                result.stopped = N_("Sync was cancelled.")
            if result.stopped is not None:
                outcome = SubmissionOutcome(copy.submission_id, copy.session_id, PENDING)
            else:
                outcome = self._sync_one(store, copy, result)
            result.outcomes.append(outcome)
            if progress_callback is not None:
                progress_callback(index + 1, total, outcome)
        return result

    def _sync_one(
        self, store: SyncSource, copy: PendingCopy, result: SyncResult
    ) -> SubmissionOutcome:
        try:
            receipt, created = self.upload(copy.envelope)
        except SubmissionErased as exc:
            # Final: the signed notice is kept and the submission is never offered again; the
            # store purges its readable answers under every policy (the participant asked).
            store.mark_erased_on_server(copy.submission_id, exc.notice)
            return SubmissionOutcome(copy.submission_id, copy.session_id, ERASED, str(exc))
        except SubmissionRefused as exc:
            return SubmissionOutcome(copy.submission_id, copy.session_id, REFUSED, str(exc))
        except SyncError as exc:
            result.stopped = str(exc)
            return SubmissionOutcome(copy.submission_id, copy.session_id, PENDING, str(exc))
        crashpoints.reach("sync.before_mark_synced")
        store.mark_synced(copy.submission_id, receipt)
        status = SYNCED if created else ALREADY_ON_SERVER
        return SubmissionOutcome(copy.submission_id, copy.session_id, status)

    def _require_credentials(self) -> SyncCredentials:
        if self.credentials is None:
            raise SyncError("This laptop is not enrolled with a server yet.")
        return self.credentials


def _is_https(url: str) -> bool:
    return url.lower().startswith("https://")


def _check_notice(notice: Any, creds: SyncCredentials, submission_id: str) -> None:
    try:
        verify_erasure_notice(
            notice, server_public_key=creds.server_public_key, submission_id=submission_id
        )
    except ReceiptError as exc:
        raise SyncError(
            "The server's erasure notice could not be verified ({reason}). The submission stays "
            "on this laptop.",
            reason=str(exc),
        ) from None


# Refusals of enrolment because of earlier failures (this address; every address together).
_ENROL_PAUSED = ("rate_limited", "enrolment_paused")
# The server's refusals of an enrolment (error codes of POST /v1/enrol), each with what staff can
# do about it; the server's own message is English and is shown only for codes not listed here.
ENROL_REFUSALS = {
    "code_unknown": N_(
        "The server refused the enrolment code: it is not valid. Check it, or ask the study "
        "team for a new one."
    ),
    "code_used": N_(
        "The server refused the enrolment code: it has already been used. Ask the study team "
        "for a new one."
    ),
    "code_expired": N_(
        "The server refused the enrolment code: it has expired. Ask the study team for a new one."
    ),
    "code_other_study": N_(
        "The server refused the enrolment code: it is for another study. Check the server "
        "address, or ask the study team for a code for this study."
    ),
    "device_revoked": N_(
        "The server refused this laptop: it was removed from the study on the server and cannot "
        "connect again. Tell the study team."
    ),
    "bad_challenge": N_("The connection took too long or was interrupted. Try again."),
    "bad_proof": N_(
        "The server could not check this laptop's key. Try again; if it happens again, tell the "
        "study team."
    ),
}


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _error_code(response: httpx.Response) -> str | None:
    code = _json_object(response).get("error")
    return code if isinstance(code, str) else None


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return data["message"][:300]
    return f"HTTP {response.status_code}"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
