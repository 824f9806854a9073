"""The data manager's pull as an export bundle (survey_app.bundle), signed by the server key."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from survey_app.bundle import default_bundle_name, write_bundle
from survey_app.bundle.container import utc_now
from survey_app.server.service import ExportPage, ServerService


@dataclass(frozen=True)
class ExportBundle:
    """Bundle file bytes plus the name to offer for saving it."""

    filename: str
    data: bytes


def build_bundle(service: ServerService, page: ExportPage, study_id: str) -> ExportBundle:
    """Write one page of envelopes as a bundle whose manifest the server key signs."""
    key = service.server_key
    created_at = utc_now()
    filename = default_bundle_name(study_id, key.device_id, created_at)
    with tempfile.TemporaryDirectory(prefix="survey-export-") as tmp:
        path = Path(tmp) / filename
        write_bundle(path, page.envelopes(), key, key.device_id, study_id, created_at=created_at)
        return ExportBundle(filename, path.read_bytes())
