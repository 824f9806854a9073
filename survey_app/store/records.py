"""Typed records returned by the device store (plain, immutable dataclasses)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def iso_utc(moment: datetime) -> str:
    """Format an aware datetime as ISO 8601 UTC with milliseconds and a Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


def to_json(value: Any) -> str:
    """Encode a stored value compactly (UTF-8 text, not ASCII escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Meeting:
    id: str
    date: str
    place: str
    staff: str
    created_at: str

    @classmethod
    def from_row(cls, row) -> Meeting:
        return cls(row["id"], row["date"], row["place"], row["staff"], row["created_at"])


@dataclass(frozen=True)
class SessionInfo:
    """A participant session as staff may see it: status and position, never answers."""

    id: str
    meeting_id: str
    participant_code: str
    timepoint: str
    arm: str | None
    language: str
    interpreter_language: str | None
    interpreter_assisted: bool
    source: str
    status: str
    outcome: str | None
    duplicate_flag: bool
    resume_form_id: str | None
    resume_item_id: str | None
    started_at: str
    completed_at: str | None
    submission_id: str | None
    purged: bool
    double_entry: bool = False
    addressee: str | None = None  # "female" / "male": how the texts address the participant

    @classmethod
    def from_row(cls, row) -> SessionInfo:
        return cls(
            id=row["id"],
            meeting_id=row["meeting_id"],
            participant_code=row["participant_code"],
            timepoint=row["timepoint"],
            arm=row["arm"],
            language=row["language"],
            interpreter_language=row["interpreter_language"],
            interpreter_assisted=bool(row["interpreter_assisted"]),
            source=row["source"],
            status=row["status"],
            outcome=row["outcome"],
            duplicate_flag=bool(row["duplicate_flag"]),
            resume_form_id=row["resume_form_id"],
            resume_item_id=row["resume_item_id"],
            started_at=row["started_at"],
            completed_at=row["completed_at"],
            submission_id=row["submission_id"],
            purged=bool(row["purged"]),
            double_entry=bool(row["double_entry"]),
            addressee=row["addressee"],
        )


@dataclass(frozen=True)
class ResumePoint:
    """An interrupted session and the exact item to resume at."""

    session: SessionInfo
    form_id: str | None
    item_id: str | None


@dataclass(frozen=True)
class StoredAnswer:
    session_id: str
    form_id: str
    item_id: str
    value: Any
    status: str
    answered_at: str
    form_version: str
    form_hash: str

    @classmethod
    def from_row(cls, row) -> StoredAnswer:
        value = None if row["value"] is None else json.loads(row["value"])
        return cls(
            row["session_id"],
            row["form_id"],
            row["item_id"],
            value,
            row["status"],
            row["answered_at"],
            row["form_version"],
            row["form_hash"],
        )

    def to_payload(self) -> dict[str, Any]:
        """The answer as it appears in a submission payload."""
        return {
            "form_id": self.form_id,
            "item_id": self.item_id,
            "value": self.value,
            "status": self.status,
            "answered_at": self.answered_at,
            "form_version": self.form_version,
            "form_hash": self.form_hash,
        }


@dataclass(frozen=True)
class ConsentRecord:
    session_id: str
    form_id: str
    form_version: str
    form_hash: str
    decisions: dict[str, int] | None
    at: str

    @classmethod
    def from_row(cls, row) -> ConsentRecord:
        decisions = None if row["decisions"] is None else json.loads(row["decisions"])
        return cls(
            row["session_id"],
            row["form_id"],
            row["form_version"],
            row["form_hash"],
            decisions,
            row["at"],
        )


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    device_id: str
    action: str
    session_id: str | None
    detail: dict[str, Any]

    @classmethod
    def from_row(cls, row) -> AuditEntry:
        return cls(
            row["seq"],
            row["at"],
            row["actor"],
            row["device_id"],
            row["action"],
            row["session_id"],
            json.loads(row["detail"]),
        )


@dataclass(frozen=True)
class SealedCopy:
    """A sealed (encrypted, signed) submission kept until the server or an export confirms it."""

    submission_id: str
    session_id: str
    envelope: dict[str, Any]
    envelope_hash: str
    sealed_at: str
    synced_at: str | None
    receipt: dict[str, Any] | None
    exported_at: str | None
    bundle_id: str | None
    erased_at: str | None = None
    erasure_notice: dict[str, Any] | None = None

    @classmethod
    def from_row(cls, row) -> SealedCopy:
        return cls(
            row["submission_id"],
            row["session_id"],
            json.loads(row["envelope"]),
            row["envelope_hash"],
            row["sealed_at"],
            row["synced_at"],
            None if row["receipt"] is None else json.loads(row["receipt"]),
            row["exported_at"],
            row["bundle_id"],
            row["erased_at"],
            None if row["erasure_notice"] is None else json.loads(row["erasure_notice"]),
        )
