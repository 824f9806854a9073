"""Crash-test rounds: how many and from which seed (environment), shared laptops and bundles.

Quick (CI, default): one round per scenario from a fixed seed. Long:
`scripts/crash-test --rounds N [--seed S]`, or SURVEY_CRASH_ROUNDS / SURVEY_CRASH_SEED.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.crash import invariants as inv
from tests.crash.laptops import DEMO_KEY_PASSPHRASE, import_args, simulated_laptop, usb_bundle
from tests.crash.support import child_env, run_child

ROUNDS_ENV = "SURVEY_CRASH_ROUNDS"
SEED_ENV = "SURVEY_CRASH_SEED"
SCENARIOS = ("laptop", "export", "import", "sync", "server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per scenario and round, each with its own seed (printed in the test id)."""
    if "crash_round" not in metafunc.fixturenames:
        return
    rounds = int(os.environ.get(ROUNDS_ENV, "1"))
    base = int(os.environ.get(SEED_ENV, "20261204"))
    cases = [
        (scenario, base * 1000 + index * 10 + position)
        for index in range(rounds)
        for position, scenario in enumerate(SCENARIOS)
    ]
    metafunc.parametrize(
        "crash_round", cases, ids=[f"{scenario}-seed{seed}" for scenario, seed in cases]
    )


@pytest.fixture(scope="session")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A laptop with six finished, sealed DEMO sessions (copied by each round that uses it)."""
    return simulated_laptop(tmp_path_factory.mktemp("crash-laptop") / "laptop", 6, seed=11)


@pytest.fixture(scope="session")
def usb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two laptops' USB bundles in one folder."""
    root = tmp_path_factory.mktemp("crash-usb")
    usb = root / "usb"
    usb_bundle(simulated_laptop(root / "a", 5, seed=21), usb)
    usb_bundle(simulated_laptop(root / "b", 4, seed=22, first_code=101), usb)
    return usb


@pytest.fixture(scope="session")
def clean_outputs(usb: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Fingerprints of the data files of an import nobody interrupted."""
    out = tmp_path_factory.mktemp("crash-clean") / "out"
    run = run_child(
        import_args([usb], out), env=child_env(None, SURVEY_KEY_PASSPHRASE=DEMO_KEY_PASSPHRASE)
    )
    assert run.returncode == 0
    return inv.output_fingerprints(out)
