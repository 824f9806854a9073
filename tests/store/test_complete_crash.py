"""A power cut while a session is being finished never strands it "completed" but unsealed."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.store import DeviceStore
from tests.crash.meeting_child import PASSPHRASE
from tests.crash.support import run_child

FINISHED_UNSEALED = ("completed", "declined")


@pytest.mark.parametrize("arrival", [1, 2])
def test_kill_9_between_marking_completed_and_sealing_leaves_no_unsealed_session(
    tmp_path: Path, arrival: int
) -> None:
    store_path = tmp_path / "device-store.db"
    run = run_child(
        ["-m", "tests.crash.meeting_child", str(store_path), "3", "7"],
        crash_at=f"store.complete.marked:{arrival}",
    )
    assert run.killed, "the child was not killed at the crash point"
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        sessions = store.sessions()
        stranded = [s.id for s in sessions if s.status in FINISHED_UNSEALED]
        assert stranded == []
        pending = {c.session_id for c in store.pending_envelopes()}
        for session in sessions:
            # Either sealed and waiting to be sent, or still open to finish: never in between.
            assert session.id in pending or session.status == "in_progress"
        # The session being finished can be finished again, with its answers intact.
        [point] = store.interrupted_sessions()
        answered = {(a.form_id, a.item_id) for a in store.answers(point.session.id)}
        assert len(answered) == 45
