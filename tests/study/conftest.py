"""Study directories written to disk with a real age public key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from survey_app.sealing.study_keys import generate_study_keypair


@pytest.fixture(scope="session")
def public_key() -> str:
    return generate_study_keypair().public


@pytest.fixture
def write_study(tmp_path: Path, public_key: str) -> Callable[..., Path]:
    """Write study.yaml from settings (None drops a setting) and return the study dir."""

    def write(raw: str | None = None, **settings: str | None) -> Path:
        study_dir = tmp_path / "study"
        (study_dir / "forms").mkdir(parents=True, exist_ok=True)
        if raw is None:
            values: dict[str, str | None] = {
                "study_id": "ips-bergen-2",
                "name": "Job support study",
                "public_key": public_key,
                "forms_dir": "forms",
            }
            values.update(settings)
            raw = "".join(f"{k}: {v}\n" for k, v in values.items() if v is not None)
        (study_dir / "study.yaml").write_text(raw, encoding="utf-8")
        return study_dir

    return write
