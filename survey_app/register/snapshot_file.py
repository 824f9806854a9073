"""Register snapshots on a USB stick: sealed to the principal investigator's key, signed.

A snapshot is one sealed envelope (survey_app.sealing.envelope) in a file of its own, never in
an answers bundle: the study key that opens the answers cannot open it, and the register key
cannot open the answers. The file name holds study, laptop id and time only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey_app.bundle.atomic import atomic_write_bytes
from survey_app.register.model import RegisterError
from survey_app.register.store import SNAPSHOT_FORMAT, RegisterStore
from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.envelope import EnvelopeError, open_envelope, seal, verify_envelope

SNAPSHOT_SUFFIX = ".surveyregister"
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Snapshot:
    """A verified, opened snapshot."""

    path: Path
    envelope: dict[str, Any]
    payload: dict[str, Any]


def snapshot_name(study_id: str, device_id: str, created_at: str) -> str:
    """A file name without personal data."""
    stamp = re.sub(r"[^0-9T]", "", created_at[:19]) + "Z"
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", study_id)[:40]
    return f"{safe}-register-{device_id}-{stamp}{SNAPSHOT_SUFFIX}"


def export_register(
    store: RegisterStore, study_id: str, register_key: str | None, out_dir: Path
) -> Path:
    """Seal everything the register holds to the register key and write it into out_dir."""
    if not register_key:
        raise RegisterError(
            "This study has no register key (register_public_key in study.yaml), so the "
            "register cannot be exported."
        )
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise RegisterError(
            "There is no folder “{folder}”: the register was not exported. Check that the USB "
            "stick is plugged in and the folder name is right, then export again.",
            folder=str(out_dir),
        )
    payload = store.snapshot(study_id)
    envelope = seal(
        payload,
        submission_id=payload["snapshot_id"],
        study_id=study_id,
        device_id=store.device_id,
        device_key=store.signer,
        recipient=register_key,
    )
    path = out_dir / snapshot_name(study_id, store.device_id, payload["created_at"])
    try:
        atomic_write_bytes(path, canonical_json(envelope))
        verify_envelope(json.loads(path.read_bytes()))
    except (OSError, ValueError, EnvelopeError):
        raise RegisterError("The register could not be written to that folder.") from None
    store.mark_exported(payload)
    return path


def read_snapshot(path: Path, identity: str) -> Snapshot:
    """Read, verify and open a snapshot with the register's private key."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_SNAPSHOT_BYTES:
            raise RegisterError("{name} is too large to be a register snapshot.", name=path.name)
        envelope = json.loads(path.read_bytes())
    except OSError:
        raise RegisterError("Cannot read {name}.", name=path.name) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RegisterError("{name} is not a register snapshot.", name=path.name) from None
    try:
        payload = open_envelope(envelope, identity)
    except EnvelopeError as exc:
        raise RegisterError("{name}: {problem}", name=path.name, problem=str(exc)) from None
    if payload.get("format") != SNAPSHOT_FORMAT:
        raise RegisterError("{name} is not a register snapshot.", name=path.name)
    for key in ("snapshot_id", "study_id", "device_id"):
        wanted = "submission_id" if key == "snapshot_id" else key
        if payload.get(key) != envelope.get(wanted):
            raise RegisterError("{name}: the sealed content belongs elsewhere.", name=path.name)
    return Snapshot(path, envelope, payload)
