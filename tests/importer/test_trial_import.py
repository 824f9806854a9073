"""The import takes withdrawals whatever order bundles arrive in."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.bundle.from_store import export_store
from survey_app.importer import ImportSettings, run_import
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.runner import SimClock
from survey_app.store import DeviceStore
from survey_app.study import demo_private_key_path, demo_study_dir, load_study
from tests.kdf import FAST_KDF as FAST

CODE = make_code(5)


@pytest.fixture(scope="module")
def study():
    return load_study(demo_study_dir())


def _session(store: DeviceStore, study, timepoint: str, day: str, arm: str | None = None) -> None:
    meeting = store.create_meeting(day, "Skolen", "AB")
    session = store.start_session(meeting.id, CODE, timepoint, "nb", arm=arm, actor="AB")
    consent = study.library.steps(timepoint, arm)[0]
    store.record_consent(session.id, consent, {i.id: 1 for i in consent.answerable_items},
                         actor="AB")  # fmt: skip
    store.complete_session(session.id, study, actor="AB")


def _codes(path: Path) -> set[str]:
    if not path.exists():
        return set()
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return {r["participant_code"] for r in rows}


def test_a_follow_up_imported_before_the_withdrawal_is_kept_out_of_the_data_sets(
    tmp_path: Path, study
) -> None:
    clock = SimClock(datetime(2025, 1, 14, 17, tzinfo=UTC))
    usb_a, usb_b = tmp_path / "a", tmp_path / "b"
    usb_a.mkdir(), usb_b.mkdir()
    with DeviceStore.create(tmp_path / "1" / "s.db", "passphrase-1", kdf=FAST, clock=clock) as one:
        _session(one, study, "baseline", "2025-01-14")
        one.record_withdrawal(CODE, ["collection"], "2025-02-01", study, actor="AB")
        clock.now = datetime(2026, 1, 20, 17, tzinfo=UTC)
        with DeviceStore.create(tmp_path / "2" / "s.db", "passphrase-1", kdf=FAST,
                                clock=clock) as two:  # fmt: skip
            _session(two, study, "followup-12m", "2026-01-20", "control")
            export_store(two, usb_a)
        export_store(one, usb_b)
    identity = read_private_key(demo_private_key_path(), "demo")
    settings = ImportSettings(out_dir=tmp_path / "out", library=study.library, study_id="demo",
                              workers=1)  # fmt: skip
    run_import([usb_a], identity, settings)
    assert CODE in _codes(tmp_path / "out" / "followup-12m.csv")
    report = run_import([usb_b], identity, settings)
    assert report.trial["held_back_withdrawn"] == 1
    assert CODE not in _codes(tmp_path / "out" / "followup-12m.csv")
    assert CODE in _codes(tmp_path / "out" / "baseline.csv")
