"""Unlocking seals a session an older app left finished but unsealed (a crash between steps)."""

from __future__ import annotations

from survey_app.study import demo_study_dir, load_study
from survey_app.ui import operations as ops
from tests.store.legacy import store_with_stranded_session
from tests.ui.conftest import FAST_KDF, PASSPHRASE, store_call


def test_unlock_seals_a_session_left_completed_but_unsealed(qtbot, client, ctx) -> None:
    study = load_study(demo_study_dir())
    session_id = store_with_stranded_session(ctx.store_path, PASSPHRASE, FAST_KDF, study)
    store_call(qtbot, client, ops.open_store(ctx, PASSPHRASE, ops.new_guard()))
    session = store_call(qtbot, client, lambda worker: worker.store.session(session_id))
    pending = store_call(qtbot, client, lambda worker: worker.store.pending_envelopes())
    assert session.status == "sealed"
    assert [c.session_id for c in pending] == [session_id]
