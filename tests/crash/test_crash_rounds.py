"""kill -9 at seeded moments through a meeting, an export, an import, a sync and server ingest.

Each round's test id carries its seed: `scripts/crash-test --seed S --rounds 1` (or the pytest id)
repeats a failing round exactly.
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

import pytest

from tests.crash import scenarios

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and POSIX processes")


def test_kill_9_round_keeps_every_invariant(
    crash_round: tuple[str, int],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    scenario, seed = crash_round
    rng = random.Random(seed)
    if scenario == "laptop":
        outcome = scenarios.laptop_round(rng, tmp_path)
    elif scenario == "export":
        outcome = scenarios.export_round(rng, tmp_path, request.getfixturevalue("laptop"))
    elif scenario == "import":
        outcome = scenarios.import_round(
            rng,
            tmp_path,
            request.getfixturevalue("usb"),
            request.getfixturevalue("clean_outputs"),
        )
    elif scenario == "sync":
        outcome = scenarios.sync_round(rng, tmp_path, request.getfixturevalue("laptop"))
    else:
        outcome = scenarios.server_round(rng, tmp_path, request.getfixturevalue("laptop"))
    logging.getLogger("survey_app.crash_test").info("%s seed %d: %s", scenario, seed, outcome)
