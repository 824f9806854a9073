"""Randomisation settings and lists built from the real study.yaml reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.yamlsource import read_yaml
from survey_app.trial.config import Randomisation, TrialConfig, read_trial

TRIAL_YAML = """
trial:
  consent_witness: required
  randomisation:
    arms: [intervention, control]
    stratify_by: bg_gender
    strata: {women: [1], men: [2, 3]}
    block_multiples: [1, 2, 3]
    slots_per_laptop: 45
    periods:
      - ratio: {intervention: 2, control: 1}
        until: {date: "2025-01-25"}
      - ratio: {intervention: 1, control: 1}
  followup:
    followup-12m: {after_days: 365, window_days: 60}
"""


def parse_trial(tmp_path: Path, text: str) -> tuple[TrialConfig | None, list[str]]:
    """Parse a `trial:` section; return the config and the problems found."""
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    root, _ = read_yaml(path)
    problems: list[str] = []
    config = read_trial(
        root.value["trial"], lambda line, field, msg: problems.append(f"{line}:{field}: {msg}")
    )
    return config, problems


@pytest.fixture
def settings(tmp_path: Path) -> Randomisation:
    config, problems = parse_trial(tmp_path, TRIAL_YAML)
    assert config is not None and config.randomisation is not None, problems
    return config.randomisation


SEED = bytes(range(32))
