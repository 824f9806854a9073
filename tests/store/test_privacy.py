"""Nothing readable leaves the cipher: scan every file the store writes for known markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.forms.model import Form
from survey_app.store import DeviceStore
from survey_app.study import Study

from .conftest import FAST_KDF, PASSPHRASE

MARKERS = ("ZEBRAMARKER42", "سرّيعلامة", "Blåbærsyltetøy", "Allmøte Markørskolen")
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def _leaks(directory: Path, needles: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for needle in needles:
            for encoding in ENCODINGS:
                if needle.encode(encoding) in data:
                    found.append(f"{path.name}: {needle!r} ({encoding})")
    return found


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "data"
    (directory / "tmp").mkdir(parents=True)
    # Any temporary file SQLite or Python might write would land here and be scanned too.
    monkeypatch.setenv("SQLITE_TMPDIR", str(directory / "tmp"))
    monkeypatch.setenv("TMPDIR", str(directory / "tmp"))
    return directory


def _fill(store: DeviceStore, study: Study, notes: Form, count: int) -> list[str]:
    meeting = store.create_meeting("2025-03-14", MARKERS[3], "AB")
    ids = []
    for number in range(count):
        session = store.start_session(
            meeting.id, make_code(100 + number), "baseline", "ar", actor="AB"
        )
        store.save_answer(session.id, notes, "fn_comment", " ".join(MARKERS[:3]) + f" {number}")
        store.save_answer(session.id, notes, "fn_comment", f"{MARKERS[0]} changed {number}")
        ids.append(session.id)
    return ids


def test_open_store_files_hold_no_readable_answers(
    data_dir: Path, study: Study, notes_form: Form
) -> None:
    with DeviceStore.create(data_dir / "device-store.db", PASSPHRASE, kdf=FAST_KDF) as store:
        _fill(store, study, notes_form, 30)
        assert (data_dir / "device-store.db-wal").stat().st_size > 0
        assert _leaks(data_dir, MARKERS) == []


def test_closed_store_files_hold_no_readable_answers(
    data_dir: Path, study: Study, notes_form: Form
) -> None:
    with DeviceStore.create(data_dir / "device-store.db", PASSPHRASE, kdf=FAST_KDF) as store:
        _fill(store, study, notes_form, 30)
        store.change_passphrase(PASSPHRASE, "another long passphrase")
    assert _leaks(data_dir, MARKERS) == []


def test_sealed_and_purged_store_files_hold_no_readable_answers(
    data_dir: Path, study: Study, notes_form: Form
) -> None:
    forms = study.library.forms
    with DeviceStore.create(data_dir / "device-store.db", PASSPHRASE, kdf=FAST_KDF) as store:
        for session_id in _fill(store, study, notes_form, 5):
            store.record_consent(
                session_id, forms["consent"], {"consent_participate": 1}, actor="AB"
            )
            copy = store.complete_session(session_id, study, actor="AB")
            store.mark_synced(copy.submission_id, {})
        store.purge_confirmed("after_sync")
        assert _leaks(data_dir, MARKERS) == []
    assert _leaks(data_dir, MARKERS) == []


def test_store_writes_only_its_own_files(data_dir: Path, study: Study, notes_form: Form) -> None:
    with DeviceStore.create(data_dir / "device-store.db", PASSPHRASE, kdf=FAST_KDF) as store:
        _fill(store, study, notes_form, 5)
        names = {p.name for p in data_dir.rglob("*") if p.is_file()}
    assert names <= {
        "device-store.db",
        "device-store.db-wal",
        "device-store.db-shm",
        "device-store.db.kdf.json",
    }


def test_key_header_holds_no_passphrase(data_dir: Path) -> None:
    DeviceStore.create(data_dir / "device-store.db", PASSPHRASE, kdf=FAST_KDF).close()
    assert _leaks(data_dir, (PASSPHRASE,)) == []
