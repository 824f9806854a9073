"""Creating, unlocking and re-keying a real SQLCipher store."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.store import (
    DeviceStore,
    StoreError,
    StoreExists,
    StoreNotFound,
    UnlockGuard,
    WrongPassphrase,
    default_store_path,
    store_exists,
    store_path_in,
)
from survey_app.store.paths import guard_path, header_path, pending_header_path
from survey_app.store.unlock import new_header, sqlcipher_rekey_pragma, write_header

from .conftest import FAST_KDF, PASSPHRASE


class FakeTime:
    """A clock and sleep that record waits instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_store_exists_only_after_create(store_path: Path) -> None:
    assert not store_exists(store_path)
    DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF).close()
    assert store_exists(store_path)


def test_reopened_store_keeps_data_and_device_key(store_path: Path) -> None:
    with DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF) as store:
        meeting = store.create_meeting("2025-03-14", "Skolen", "ab")
        device_id = store.device_id
        public = store.device_key.public_b64
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert store.meetings() == [meeting]
        assert store.device_id == device_id
        assert store.device_key.public_b64 == public


def test_create_refuses_an_existing_store(store: DeviceStore, store_path: Path) -> None:
    with pytest.raises(StoreExists):
        DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF)


def test_open_without_store_says_not_found(store_path: Path) -> None:
    with pytest.raises(StoreNotFound):
        DeviceStore.open(store_path, PASSPHRASE)


def test_short_passphrase_is_refused_at_create(store_path: Path) -> None:
    with pytest.raises(StoreError, match="at least 8 characters"):
        DeviceStore.create(store_path, "short", kdf=FAST_KDF)


def test_wrong_passphrase_raises_clear_error(store: DeviceStore, store_path: Path) -> None:
    with pytest.raises(WrongPassphrase, match="Wrong passphrase") as info:
        DeviceStore.open(store_path, "not the passphrase")
    assert info.value.delay_seconds == 1.0
    assert info.value.msgid.startswith("Wrong passphrase")


def test_wrong_passphrase_delay_doubles_per_failure(store: DeviceStore, store_path: Path) -> None:
    fake = FakeTime()
    guard = UnlockGuard(base_delay=1.0, max_delay=5.0, sleep=fake.sleep, clock=fake.clock)
    delays = []
    for _ in range(4):
        with pytest.raises(WrongPassphrase) as info:
            DeviceStore.open(store_path, "wrong passphrase", guard=guard)
        delays.append(info.value.delay_seconds)
    assert delays == [1.0, 2.0, 4.0, 5.0]
    assert fake.slept == [1.0, 2.0, 4.0]


def test_right_passphrase_after_failures_resets_guard(store: DeviceStore, store_path: Path) -> None:
    fake = FakeTime()
    guard = UnlockGuard(sleep=fake.sleep, clock=fake.clock)
    with pytest.raises(WrongPassphrase):
        DeviceStore.open(store_path, "wrong passphrase", guard=guard)
    DeviceStore.open(store_path, PASSPHRASE, guard=guard).close()
    assert guard.failures == 0
    assert fake.slept == [1.0]


def test_change_passphrase_keeps_everything(store: DeviceStore, store_path: Path) -> None:
    meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
    store.change_passphrase(PASSPHRASE, "a brand new passphrase")
    store.close()
    with pytest.raises(WrongPassphrase):
        DeviceStore.open(store_path, PASSPHRASE)
    with DeviceStore.open(store_path, "a brand new passphrase") as reopened:
        assert reopened.meetings() == [meeting]
        assert reopened.audit_trail()[-1].action == "passphrase_changed"


def test_change_passphrase_with_wrong_old_changes_nothing(
    store: DeviceStore, store_path: Path
) -> None:
    with pytest.raises(WrongPassphrase):
        store.change_passphrase("not the old one", "a brand new passphrase")
    store.close()
    DeviceStore.open(store_path, PASSPHRASE).close()


def test_interrupted_passphrase_change_opens_with_new_passphrase(
    store: DeviceStore, store_path: Path
) -> None:
    meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
    # Re-create what a crash between the rekey and the header rename leaves on disk.
    header, key = new_header("the new passphrase", FAST_KDF)
    write_header(pending_header_path(store_path), header)
    store.conn.execute(sqlcipher_rekey_pragma(key))
    store.close()
    with pytest.raises(WrongPassphrase, match="interrupted"):
        DeviceStore.open(store_path, PASSPHRASE)
    with DeviceStore.open(store_path, "the new passphrase") as reopened:
        assert reopened.meetings() == [meeting]
    assert not pending_header_path(store_path).exists()
    assert header_path(store_path).read_bytes() == header.to_json()


def test_default_store_path_follows_environment(tmp_path: Path) -> None:
    env = {"SURVEY_APP_DATA_DIR": str(tmp_path / "portable")}
    assert default_store_path(env) == store_path_in(tmp_path / "portable")
    assert not (tmp_path / "portable").exists()


def test_default_store_path_without_environment_is_in_user_data_dir() -> None:
    path = default_store_path({})
    assert path.name == "device-store.db"
    assert "survey-app" in path.parts


def test_failed_unlocks_are_remembered_by_the_next_run(
    store: DeviceStore, store_path: Path
) -> None:
    store.close()
    fake = FakeTime()
    for expected in (1.0, 2.0, 4.0):
        # A new guard each time, as after closing and restarting the app.
        guard = UnlockGuard(sleep=fake.sleep, clock=fake.clock)
        with pytest.raises(WrongPassphrase) as info:
            DeviceStore.open(store_path, "wrong passphrase", guard=guard)
        assert info.value.delay_seconds == expected
    assert fake.slept == [1.0, 2.0]
    guard = UnlockGuard(sleep=fake.sleep, clock=fake.clock)
    DeviceStore.open(store_path, PASSPHRASE, guard=guard).close()
    assert fake.slept == [1.0, 2.0, 4.0]
    again = UnlockGuard(sleep=fake.sleep, clock=fake.clock)
    DeviceStore.open(store_path, PASSPHRASE, guard=again).close()
    assert fake.slept == [1.0, 2.0, 4.0]


def test_edited_guard_file_makes_the_next_attempt_wait_longest(
    store: DeviceStore, store_path: Path
) -> None:
    store.close()
    fake = FakeTime()
    with pytest.raises(WrongPassphrase):
        DeviceStore.open(store_path, "wrong passphrase", guard=UnlockGuard(clock=fake.clock))
    state = guard_path(store_path)
    state.write_text(state.read_text().replace('"failures": 1', '"failures": 0'))
    guard = UnlockGuard(max_delay=30.0, sleep=fake.sleep, clock=fake.clock)
    DeviceStore.open(store_path, PASSPHRASE, guard=guard).close()
    assert fake.slept == [30.0]
