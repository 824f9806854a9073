"""The data manager's pull as an export bundle (survey_app.bundle), signed by the server key."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from survey_app.bundle import default_bundle_name, write_bundle
from survey_app.bundle.container import utc_now
from survey_app.server.service import ExportPage, ServerService

# Any fixed namespace: export bundle ids are uuid5(namespace, what the bundle holds).
_BUNDLE_NAMESPACE = uuid.UUID("6f1d3c52-5b8e-4d0a-9a57-0c1e2f3a4b5c")


@dataclass(frozen=True)
class ExportBundle:
    """Bundle file bytes plus the name to offer for saving it."""

    filename: str
    data: bytes


def build_bundle(service: ServerService, page: ExportPage, study_id: str) -> ExportBundle:
    """Write one page of envelopes as a bundle whose manifest the server key signs.

    The bundle is a function of what is stored: its time is the newest submission's arrival and
    its id is derived from the server key, study and submissions. So the same page pulled twice,
    or pulled again from a restored backup, is the same file, byte for byte.
    """
    key = service.server_key
    newest = page.submissions[-1].received_at if page.submissions else None
    created_at = f"{newest[:19]}Z" if newest else utc_now()
    content = "\n".join(
        [
            key.device_id,
            study_id,
            *(f"{s.submission_id} {s.content_hash}" for s in page.submissions),
        ]
    )
    bundle_id = str(uuid.uuid5(_BUNDLE_NAMESPACE, content))
    filename = default_bundle_name(study_id, key.device_id, created_at)
    with tempfile.TemporaryDirectory(prefix="survey-export-") as tmp:
        path = Path(tmp) / filename
        write_bundle(
            path,
            page.envelopes(),
            key,
            key.device_id,
            study_id,
            created_at=created_at,
            bundle_id=bundle_id,
        )
        return ExportBundle(filename, path.read_bytes())
