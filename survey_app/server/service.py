"""What the server does, without HTTP: enrol, accept uploads, page exports, manage credentials.

The web layer (app.py) and the admin commands (cli/cmd_server.py) both call this.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from survey_app import crashpoints
from survey_app.identifiers import STUDY_ID_RULE, is_study_id
from survey_app.sealing.device_keys import DeviceKey, device_id_for, public_key_from_b64
from survey_app.sealing.envelope import (
    ENVELOPE_FIELDS,
    ENVELOPE_FORMATS,
    EnvelopeError,
    encode_envelope,
    verify_envelope,
)
from survey_app.server import enrol_proof, erasure, receipts
from survey_app.server.config import ServerConfig
from survey_app.server.credentials import (
    ROLE_ADMIN,
    ROLE_DATA_MANAGER,
    new_enrol_code,
    new_token,
    normalise_enrol_code,
)
from survey_app.server.db import open_database
from survey_app.server.ratelimit import Limit, RateLimiter
from survey_app.server.repository import (
    Account,
    CodeProblem,
    Conflict,
    Device,
    DeviceRevoked,
    Erased,
    Repository,
    StoredSubmission,
)

log = logging.getLogger("survey_app.server")

EXPORT_FORMAT = "survey-app/server-export/v1"
SERVER_KEY_META = "server_signing_key"
MAX_LABEL_LENGTH = 120
# One bucket for failed enrolments from every address (per-address keys have a colon).
ENROL_FAILURES_TOTAL_KEY = "enrol-failures-total"
# Open (handed out, unused, unexpired) enrolment challenges the database keeps at most.
MAX_OPEN_CHALLENGES = 10_000
# The same rule export bundles apply, so everything stored can be exported.
SUBMISSION_ID_PATTERN = r"[A-Za-z0-9_.:-]{1,100}"
_SUBMISSION_ID = re.compile(SUBMISSION_ID_PATTERN)


class ServiceError(Exception):
    """An expected refusal: HTTP status, a stable machine code, and a message for a person.

    `extra` holds further fields for the JSON error body (e.g. a signed erasure notice).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}
        self.headers = headers or {}


@dataclass(frozen=True)
class Identity:
    """Whom a valid bearer token belongs to: a device or an admin/data-manager account."""

    device: Device | None = None
    account: Account | None = None

    @property
    def rate_key(self) -> str:
        if self.device is not None:
            return f"device:{self.device.device_id}"
        assert self.account is not None
        return f"account:{self.account.account_id}"


@dataclass(frozen=True)
class Enrolment:
    """What a laptop receives once, at enrolment."""

    device_id: str
    token: str
    server_public_key: str
    study_id: str | None


@dataclass(frozen=True)
class UploadResult:
    """A receipt and whether this request stored the envelope (False for a retry)."""

    receipt: dict[str, str]
    created: bool


@dataclass(frozen=True)
class ExportPage:
    """Submissions after a cursor, and the cursor to ask with next time."""

    cursor: int
    more: bool
    submissions: list[StoredSubmission]

    def envelopes(self) -> list[dict[str, Any]]:
        """The stored envelopes, exactly as accepted."""
        return [json.loads(s.envelope_json) for s in self.submissions]


@dataclass
class ServerService:
    """The server's behaviour over one repository and one signing key."""

    config: ServerConfig
    repository: Repository
    server_key: DeviceKey
    erasure_key: bytes
    challenge_key: bytes
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        # Counters live apart from the submissions where that spares them the fsync queue.
        self.limiter = RateLimiter(self.repository.db.volatile())
        self.limiter.create_table()
        self._requests = Limit(self.config.rate_per_second, self.config.rate_burst)
        per_hour = self.config.enrol_failures_per_hour
        self._enrol_failures = Limit(per_hour / 3600.0, per_hour)
        total = self.config.enrol_failures_total_per_hour
        self._enrol_failures_total = Limit(total / 3600.0, total)

    @classmethod
    def open(cls, config: ServerConfig) -> ServerService:
        """Open (creating if needed) the database, the receipt-signing key and erasure secret."""
        repository = Repository(open_database(config.database))
        repository.initialise()
        key_text = repository.get_or_create_meta(
            SERVER_KEY_META, lambda: receipts.server_key_to_text(DeviceKey.generate())
        )
        erasure_key = repository.get_or_create_meta(
            erasure.ERASURE_KEY_META, erasure.new_erasure_key
        )
        challenge_key = repository.get_or_create_meta(
            enrol_proof.CHALLENGE_KEY_META, enrol_proof.new_challenge_key
        )
        return cls(
            config,
            repository,
            receipts.server_key_from_text(key_text),
            bytes.fromhex(erasure_key),
            bytes.fromhex(challenge_key),
        )

    def close(self) -> None:
        """Release database connections."""
        self.repository.db.close()

    @property
    def server_public_key(self) -> str:
        return self.server_key.public_b64

    # -- rate limits ----------------------------------------------------------------------------

    def identify(self, token: str) -> Identity | None:
        """The device or account a bearer token belongs to (None for anything else)."""
        device = self.repository.device_for_token(token)
        if device is not None:
            return Identity(device=device)
        account = self.repository.account_for_token(token)
        return None if account is None else Identity(account=account)

    def identify_and_admit(
        self, token: str | None, address_key: str
    ) -> tuple[Identity | None, float]:
        """The token's owner (None for no or an unknown token) and `admit` for its bucket.

        A valid credential is counted by its owner, anything else by the client address.
        """
        identity = None if token is None else self.identify(token)
        key = address_key if identity is None else identity.rate_key
        return identity, self.admit(key)

    def admit(self, rate_key: str) -> float:
        """Take a request token for this key: 0.0 if allowed, else seconds to wait."""
        return self.limiter.take(rate_key, self._requests)

    # -- credentials ----------------------------------------------------------------------------

    def create_enrol_code(
        self, *, ttl: timedelta | None = None, label: str | None = None
    ) -> tuple[str, datetime]:
        """A new one-time enrolment code and its expiry (the code is shown once, stored hashed)."""
        code = new_enrol_code()
        expires = self.repository.add_enrol_code(
            code,
            ttl or self.config.enrol_code_ttl,
            label=_label(label),
            study_id=self.config.study_id,
        )
        return code, expires

    def create_account(self, name: str, role: str) -> tuple[Account, str]:
        """A new admin or data-manager credential; returns the account and its token (once)."""
        name = name.strip()
        if not name or len(name) > MAX_LABEL_LENGTH:
            raise ServiceError(400, "invalid_name", "the account name must be 1-120 characters")
        if role not in (ROLE_ADMIN, ROLE_DATA_MANAGER):
            raise ServiceError(400, "invalid_role", "the role must be admin or data_manager")
        token = new_token("adm" if role == ROLE_ADMIN else "dm")
        try:
            account = self.repository.add_account(secrets.token_hex(8), name, role, token)
        except ValueError as exc:
            raise ServiceError(409, "exists", str(exc)) from None
        return account, token

    def enrol_challenge(self) -> tuple[str, int, str | None]:
        """A single-use challenge for a laptop to sign, its lifetime (s) and the study it enrols in.

        The challenge's hash is stored with its expiry; an enrolment deletes it.
        """
        ttl = self.config.enrol_challenge_ttl_seconds
        challenge = enrol_proof.new_challenge(self.challenge_key, ttl=ttl)
        study_id = self.config.study_id
        stored = self.repository.add_challenge(
            enrol_proof.challenge_hash(challenge),
            study_id,
            timedelta(seconds=ttl),
            limit=MAX_OPEN_CHALLENGES,
        )
        if not stored:
            log.warning("enrolment challenge refused: %d open already", MAX_OPEN_CHALLENGES)
            raise ServiceError(
                503,
                "enrolment_busy",
                "too many enrolment challenges are open; try again in a minute",
                headers={"Retry-After": "60"},
            )
        return challenge, ttl, study_id

    def enrol(
        self,
        code: str,
        device_public_key: str,
        label: str | None = None,
        *,
        challenge: str,
        proof: str,
        client: str = "-",
    ) -> Enrolment:
        """Spend a one-time code and register the laptop's signing key; issue its bearer token.

        The laptop must prove it holds the private key (`proof`: its signature of a fresh,
        single-use challenge from this server bound to this code, study and key). A revoked
        laptop stays revoked: enrolling never lifts it. Every refusal counts against the client
        address and against the whole server (over every server process on the database):
        past `enrol_failures_per_hour` from one address further attempts from it get 429, past
        `enrol_failures_total_per_hour` from all addresses together every attempt gets 503
        (guesses spread over many addresses), both before any check and with Retry-After.
        """
        failures_key = f"enrol-failures:{client}"
        wait = self.limiter.check(failures_key, self._enrol_failures)
        if wait > 0:
            raise ServiceError(
                429,
                "rate_limited",
                "too many failed enrolments from this address; try again later",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        wait = self.limiter.check(ENROL_FAILURES_TOTAL_KEY, self._enrol_failures_total)
        if wait > 0:
            log.warning("enrolment paused: too many failed enrolments from all addresses")
            raise ServiceError(
                503,
                "enrolment_paused",
                "enrolment is paused after too many failed attempts; try again later",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        try:
            return self._enrol(code, device_public_key, label, challenge, proof)
        except ServiceError as exc:
            if exc.status == 403:
                self.limiter.take(failures_key, self._enrol_failures)
                self.limiter.take(ENROL_FAILURES_TOTAL_KEY, self._enrol_failures_total)
            raise

    def _enrol(
        self, code: str, device_public_key: str, label: str | None, challenge: str, proof: str
    ) -> Enrolment:
        try:
            public_key_from_b64(device_public_key)
        except ValueError:
            raise ServiceError(
                422, "invalid_public_key", "device_public_key is not an Ed25519 public key"
            ) from None
        try:
            enrol_proof.check_challenge(self.challenge_key, challenge)
        except enrol_proof.ProofError as exc:
            raise ServiceError(403, "bad_challenge", str(exc)) from None
        # Any attempt uses the challenge up, so a captured proof is worth one try at most.
        fresh, study_id = self.repository.use_challenge(enrol_proof.challenge_hash(challenge))
        if not fresh:
            raise ServiceError(
                403,
                "bad_challenge",
                "the enrolment challenge was already used or has expired; ask for a new one",
            )
        try:
            enrol_proof.check_proof(device_public_key, challenge, code, study_id, proof)
        except enrol_proof.ProofError as exc:
            raise ServiceError(403, "bad_proof", str(exc)) from None
        device_id = device_id_for(device_public_key)
        token = new_token("dev")
        try:
            device = self.repository.enrol_device(
                normalise_enrol_code(code),
                device_id,
                device_public_key,
                token,
                _label(label),
                study_id=study_id,
                served_studies=self.config.study_ids,
            )
        except CodeProblem as exc:
            messages = {
                "unknown": "the enrolment code is not valid",
                "used": "the enrolment code has already been used",
                "expired": "the enrolment code has expired",
                "other_study": "the enrolment code is for another study than this server's",
            }
            raise ServiceError(403, f"code_{exc.reason}", messages[exc.reason]) from None
        except DeviceRevoked:
            log.warning("refused enrolment of revoked device=%s", device_id)
            raise ServiceError(
                403,
                "device_revoked",
                "this laptop's key was revoked on the server; it cannot enrol again",
            ) from None
        log.info("device enrolled device=%s", device.device_id)
        return Enrolment(device.device_id, token, self.server_public_key, device.study_id)

    def device_for_token(self, token: str) -> Device | None:
        """The enrolled, unrevoked device behind a bearer token."""
        return self.repository.device_for_token(token)

    def account_for_token(self, token: str) -> Account | None:
        """The unrevoked admin/data-manager account behind a bearer token."""
        return self.repository.account_for_token(token)

    # -- upload ---------------------------------------------------------------------------------

    def accept_upload(self, device: Device, envelope: object) -> UploadResult:
        """Verify a sealed envelope against the REGISTERED device key and store it once."""
        checked = _check_shape(envelope)
        submission_id = checked["submission_id"]
        if checked["device_id"] != device.device_id:
            raise ServiceError(
                403, "wrong_device", "the envelope names another device than the one signed in"
            )
        if checked["device_public_key"] != device.public_key:
            raise ServiceError(
                403, "wrong_device_key", "the envelope was not signed with this device's key"
            )
        try:
            verify_envelope(checked, device.public_key)
        except EnvelopeError as exc:
            raise ServiceError(403, "bad_signature", str(exc)) from None
        study = checked["study_id"]
        if study not in self.config.study_ids or (device.study_id and study != device.study_id):
            raise ServiceError(403, "wrong_study", "this server does not collect for that study")
        envelope_json, content_hash = encode_envelope(checked)

        def sign(received_at: str) -> str:
            return receipts.sign_receipt(
                _receipt_body(submission_id, device.device_id, content_hash, received_at),
                self.server_key,
            )

        try:
            stored, created = self.repository.store_submission(
                submission_id=submission_id,
                device_id=device.device_id,
                study_id=study,
                content_hash=content_hash,
                envelope_json=envelope_json.decode("utf-8"),
                sign_receipt=sign,
                tombstone=self.tombstone(submission_id),
            )
        except Erased as exc:
            notice = receipts.erasure_notice(
                submission_id=submission_id,
                device_id=device.device_id,
                erased_at=exc.erased_at,
                server_key=self.server_key,
            )
            raise ServiceError(
                410,
                "erased",
                "this submission was erased at the participant's request and is not taken again",
                {"notice": notice},
            ) from None
        except Conflict:
            log.warning(
                "refused conflicting upload submission=%s device=%s",
                submission_id,
                device.device_id,
            )
            raise ServiceError(
                409,
                "conflict",
                "a different submission with this id is already stored; nothing was changed",
            ) from None
        crashpoints.reach("server.upload.stored")
        return UploadResult(receipt_for(stored), created)

    # -- erasure --------------------------------------------------------------------------------

    def tombstone(self, submission_id: str) -> str:
        """The keyed hash the erasure log knows a submission id by."""
        return erasure.tombstone(self.erasure_key, submission_id)

    def erase_submissions(
        self, submission_ids: list[object], *, reference: str | None, requested_by: str
    ) -> erasure.ErasureResult:
        """Delete these submissions for good and refuse them from now on (idempotent)."""
        try:
            ids = erasure.check_ids(submission_ids, _SUBMISSION_ID)
            checked_reference = erasure.check_reference(reference)
        except erasure.ErasureRequestError as exc:
            raise ServiceError(422, "invalid_erasure", str(exc)) from None
        erasure_id = str(uuid.uuid4())
        outcomes, entry = self.repository.erase_submissions(
            [(i, self.tombstone(i)) for i in ids],
            erasure_id=erasure_id,
            requested_by=requested_by,
            reference=checked_reference,
        )
        if entry is not None:
            log.info(
                "erasure %s: %d deleted, %d not stored (refused from now on)",
                entry.erasure_id,
                entry.deleted,
                entry.not_stored,
            )
        return erasure.ErasureResult(
            entry.erasure_id if entry else None, entry.at if entry else None, outcomes
        )

    # -- export ---------------------------------------------------------------------------------

    def export_study(self, requested: str | None) -> str:
        """Which study an export is for: the asked one, the server's, or the only one stored."""
        if requested is not None and not is_study_id(requested):
            raise ServiceError(400, "invalid_study", f"a study id is {STUDY_ID_RULE}")
        study = requested or self.config.study_id
        if study:
            if self.config.study_ids and study not in self.config.study_ids:
                raise ServiceError(404, "unknown_study", "this server does not collect that study")
            return study
        studies = self.repository.study_ids()
        if len(studies) > 1:
            raise ServiceError(
                400, "study_required", "this server holds several studies: add ?study=STUDY_ID"
            )
        return studies[0] if studies else "none"

    def export_page(
        self, since: int, limit: int | None = None, study_id: str | None = None
    ) -> ExportPage:
        """Submissions stored after cursor `since` (0 = from the start)."""
        size = max(1, min(limit or self.config.export_page_size, self.config.export_page_size))
        rows = self.repository.submissions_after(since, size + 1, study_id)
        page = rows[:size]
        cursor = page[-1].seq if page else since
        return ExportPage(cursor, len(rows) > size, page)


def receipt_for(stored: StoredSubmission) -> dict[str, str]:
    """The signed receipt of a stored submission (identical on every retry)."""
    receipt = _receipt_body(
        stored.submission_id, stored.device_id, stored.content_hash, stored.received_at
    )
    receipt["server_signature"] = stored.receipt_signature
    return receipt


def _receipt_body(
    submission_id: str, device_id: str, content_hash: str, received_at: str
) -> dict[str, str]:
    return receipts.receipt_body(
        submission_id=submission_id,
        device_id=device_id,
        content_hash=content_hash,
        received_at=received_at,
    )


def _check_shape(envelope: object) -> dict[str, str]:
    if not isinstance(envelope, Mapping):
        raise ServiceError(422, "invalid_envelope", "the body must be a sealed envelope object")
    if envelope.get("format") not in ENVELOPE_FORMATS:
        raise ServiceError(
            422,
            "invalid_envelope",
            f"the envelope format must be one of {', '.join(ENVELOPE_FORMATS)}",
        )
    keys = set(envelope)
    if keys != ENVELOPE_FIELDS:
        fields = ", ".join(sorted((ENVELOPE_FIELDS - keys) | (keys - ENVELOPE_FIELDS)))
        raise ServiceError(
            422, "invalid_envelope", f"the envelope has missing or unknown fields: {fields[:200]}"
        )
    if not all(isinstance(envelope[k], str) and envelope[k] for k in ENVELOPE_FIELDS):
        raise ServiceError(422, "invalid_envelope", "every envelope field must be non-empty text")
    if not _SUBMISSION_ID.fullmatch(envelope["submission_id"]):
        raise ServiceError(422, "invalid_envelope", "the submission id is not valid")
    if not is_study_id(envelope["study_id"]):
        raise ServiceError(422, "invalid_envelope", f"the study id is not valid ({STUDY_ID_RULE})")
    return dict(envelope)


def _label(label: str | None) -> str | None:
    if label is None:
        return None
    cleaned = " ".join(label.split())[:MAX_LABEL_LENGTH]
    return cleaned or None


__all__ = [
    "EXPORT_FORMAT",
    "SUBMISSION_ID_PATTERN",
    "Enrolment",
    "ExportPage",
    "Identity",
    "ServerService",
    "ServiceError",
    "UploadResult",
    "receipt_for",
]
