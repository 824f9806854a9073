"""Killing the process mid-session loses at most the answer being typed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from survey_app.store import DeviceStore
from survey_app.study import Study

from .conftest import PASSPHRASE
from .crash_writer import answer_sequence, value_at

ROOT = Path(__file__).resolve().parents[2]


def _run_and_kill(store_path: Path, saves_before_kill: int) -> tuple[str, int]:
    """Start the writer, SIGKILL it after it reported `saves_before_kill` commits."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.store.crash_writer", str(store_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        assert child.stdout is not None
        session_id = child.stdout.readline().split()[1]
        last = -1
        for line in child.stdout:
            last = int(line.split()[1])
            if last + 1 >= saves_before_kill:
                break
        os.kill(child.pid, signal.SIGKILL)
        # Lines already in the pipe were printed after their commit too.
        for line in child.stdout:
            last = int(line.split()[1])
    assert child.returncode == -signal.SIGKILL
    return session_id, last


@pytest.mark.parametrize("saves_before_kill", [7, 70])
def test_every_reported_answer_survives_kill_9(
    tmp_path: Path, study: Study, saves_before_kill: int
) -> None:
    store_path = tmp_path / "device-store.db"
    session_id, last = _run_and_kill(store_path, saves_before_kill)
    sequence = answer_sequence(study)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        stored = {(a.form_id, a.item_id): a.value for a in store.answers(session_id)}
        [point] = store.interrupted_sessions()
    # The child may have committed one more answer between its last print and the kill.
    for extra in (0, 1):
        expected: dict[tuple[str, str], int] = {}
        for seq in range(last + 1 + extra):
            form, item_id, size = sequence[seq % len(sequence)]
            expected[(form.id, item_id)] = value_at(seq, size)
        if stored == expected:
            form, item_id, _ = sequence[(last + extra) % len(sequence)]
            assert (point.session.id, point.form_id, point.item_id) == (
                session_id,
                form.id,
                item_id,
            )
            return
    pytest.fail(f"stored answers do not match the {last + 1} reported commits")
