"""The laptop's app settings file (which study folder is in use); no personal data in it."""

from __future__ import annotations

import json
from pathlib import Path

SETTINGS_FILE = "app-settings.json"


def read_study_dir(data_dir: Path) -> Path | None:
    """Return the study folder chosen at set-up, if any."""
    path = data_dir / SETTINGS_FILE
    if not path.exists():
        return None
    value = json.loads(path.read_text("utf-8")).get("study_dir")
    return Path(value) if value else None


def write_study_dir(data_dir: Path, study_dir: Path) -> None:
    """Remember the study folder for later starts (written atomically)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / (SETTINGS_FILE + ".tmp")
    tmp.write_text(json.dumps({"study_dir": str(study_dir)}, indent=1), "utf-8")
    tmp.replace(data_dir / SETTINGS_FILE)
