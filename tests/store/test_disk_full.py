"""A full or read-only disk under the device store: a clear message, and nothing lost.

The store lives on a real 8 MiB file system (tests/smallfs.py) that is filled up or mounted
read-only while staff and participants work: the kernel refuses the writes, as on a laptop
whose disk ran full during a meeting.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.i18n import tr
from survey_app.sealing.envelope import open_envelope
from survey_app.store import (
    DeviceStore,
    StoreError,
    StoreFull,
    StoreReadOnly,
)
from survey_app.study import Study
from tests.smallfs import SmallDisk

from .conftest import FAST_KDF, PASSPHRASE

HSCL = [f"hscl_{n:02d}" for n in range(1, 26)]


def store_on(disk: SmallDisk) -> Path:
    return disk.path / "data" / "device-store.db"


def saves_until_refused(store: DeviceStore, session_id: str, form, saved: dict) -> StoreError:
    """Save answers (changing them round after round) until the disk refuses one."""
    for step in range(10_000):
        item = HSCL[step % len(HSCL)]
        value = 1 + step % 4
        try:
            store.save_answer(session_id, form, item, value)
        except StoreError as error:
            return error
        saved[item] = value
    raise AssertionError("the disk never filled up")


def assert_translated(error: StoreError) -> None:
    """The message exists in Norwegian and Arabic, not only in English."""
    for language in ("nb", "ar"):
        assert tr(language, error.msgid) != error.msgid, language


@pytest.fixture
def full_disk_session(small_disk: SmallDisk, study: Study):
    path = store_on(small_disk)
    store = DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF)
    meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
    session = store.start_session(meeting.id, make_code(3), "baseline", "ar", actor="AB")
    yield store, session, study.library.forms["hscl25"]
    store.close()


def test_a_save_on_a_full_disk_says_the_disk_is_full_in_every_language(
    small_disk: SmallDisk, full_disk_session
) -> None:
    store, session, form = full_disk_session
    small_disk.fill(leave=0)
    error = saves_until_refused(store, session.id, form, {})
    assert isinstance(error, StoreFull)
    assert "disk is full" in str(error)
    assert_translated(error)


def test_every_answer_saved_before_the_disk_filled_is_there_after_reopening(
    small_disk: SmallDisk, full_disk_session
) -> None:
    store, session, form = full_disk_session
    saved: dict[str, int] = {}
    for item in HSCL[:10]:
        store.save_answer(session.id, form, item, 2)
        saved[item] = 2
    small_disk.fill(leave=64 * 1024)  # a little room left: some saves still succeed
    error = saves_until_refused(store, session.id, form, saved)
    assert isinstance(error, StoreFull)
    store.close()
    small_disk.empty()
    with DeviceStore.open(store_on(small_disk), PASSPHRASE) as reopened:
        stored = {a.item_id: a.value for a in reopened.answers(session.id)}
        assert stored == saved
        assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_saving_works_again_once_space_is_freed_without_reopening(
    small_disk: SmallDisk, full_disk_session
) -> None:
    store, session, form = full_disk_session
    small_disk.fill(leave=0)
    assert isinstance(saves_until_refused(store, session.id, form, {}), StoreFull)
    small_disk.empty()
    store.save_answer(session.id, form, "hscl_05", 4)
    assert {a.item_id: a.value for a in store.answers(session.id)}["hscl_05"] == 4


def test_finishing_a_session_on_a_full_disk_seals_nothing_and_can_be_done_again(
    small_disk: SmallDisk, full_disk_session, study: Study, study_identity: str
) -> None:
    store, session, form = full_disk_session
    store.record_consent(
        session.id, study.library.forms["consent"], _consent_yes(study), actor="AB"
    )
    for item in HSCL:
        store.save_answer(session.id, form, item, 3)
    small_disk.fill(leave=0)
    with pytest.raises(StoreFull):
        store.complete_session(session.id, study, actor="AB")
    assert store.pending_envelopes() == []
    small_disk.empty()
    store.seal_unsealed(study)  # the finished-but-unsealed path, if the first step committed
    if store.session(session.id).status == "in_progress":
        store.complete_session(session.id, study, actor="AB")
    (copy,) = store.pending_envelopes()
    payload = open_envelope(copy.envelope, study_identity)
    answered = {a["item_id"]: a["value"] for a in payload["answers"] if a["form_id"] == "hscl25"}
    assert answered == dict.fromkeys(HSCL, 3)


def _consent_yes(study: Study) -> dict[str, int]:
    form = study.library.forms["consent"]
    return {i.id: 1 for i in form.items if i.type == "consent"}


def test_creating_a_store_on_a_full_disk_says_so_and_leaves_nothing_behind(
    small_disk: SmallDisk,
) -> None:
    small_disk.fill(leave=0)
    path = store_on(small_disk)
    path.parent.mkdir()
    with pytest.raises(StoreFull):
        DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF)
    assert sorted(p.name for p in path.parent.iterdir()) == []
    small_disk.empty()
    DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF).close()


def test_a_store_on_a_read_only_disk_is_called_read_only_not_damaged(
    small_disk: SmallDisk, study: Study
) -> None:
    path = store_on(small_disk)
    with DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF) as store:
        meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
        session = store.start_session(meeting.id, make_code(4), "baseline", "nb", actor="AB")
        store.save_answer(session.id, study.library.forms["hscl25"], "hscl_01", 2)
    small_disk.read_only()
    with pytest.raises(StoreReadOnly) as caught:
        DeviceStore.open(path, PASSPHRASE)
    assert "read-only" in str(caught.value)
    assert_translated(caught.value)
    small_disk.writable()
    with DeviceStore.open(path, PASSPHRASE) as store:
        assert [a.value for a in store.answers(session.id)] == [2]


def test_creating_a_store_on_a_read_only_disk_says_read_only(small_disk: SmallDisk) -> None:
    small_disk.read_only()
    with pytest.raises(StoreReadOnly):
        DeviceStore.create(store_on(small_disk), PASSPHRASE, kdf=FAST_KDF)
