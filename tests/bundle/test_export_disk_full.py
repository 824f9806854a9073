"""Export to a full or write-protected USB stick: a clear message, and nothing lost.

The stick is a real small file system (tests/smallfs.py); the laptop's store is a real simulated
DEMO store. After a refused export, nothing carries the bundle's name, no partial file is left,
the store still counts every session as waiting, and an export to a stick with room works.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from survey_app.bundle import read_bundle
from survey_app.bundle.from_store import ExportWriteError, export_store
from survey_app.cli.main import main
from survey_app.i18n import tr
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_study_dir, load_study
from tests.kdf import FAST_KDF
from tests.smallfs import SmallDisk

PASSPHRASE = "correct horse battery"


@pytest.fixture(scope="module")
def laptop_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("laptop")
    with DeviceStore.create(store_path_in(folder), PASSPHRASE, kdf=FAST_KDF) as store:
        simulate(store, load_study(demo_study_dir()), 12, seed=8, clock=SimClock())
    return folder


@pytest.fixture
def store(laptop_template: Path, tmp_path: Path) -> Iterator[DeviceStore]:
    folder = tmp_path / "laptop"
    shutil.copytree(laptop_template, folder)
    with DeviceStore.open(store_path_in(folder), PASSPHRASE) as opened:
        yield opened


def on_stick(disk: SmallDisk) -> list[str]:
    """Every name on the stick but the test's filler."""
    return sorted(p.name for p in disk.path.iterdir() if p.name != ".filler")


def test_export_to_a_full_stick_says_it_is_full_and_leaves_no_file_behind(
    small_disk: SmallDisk, store: DeviceStore
) -> None:
    waiting = len(store.pending_envelopes(include_exported=False))
    small_disk.fill(leave=8 * 1024)  # room for the start of a bundle, not for all of it
    with pytest.raises(ExportWriteError) as caught:
        export_store(store, small_disk.path)
    assert "is full" in tr("en", caught.value.msgid, **caught.value.params)
    for language in ("nb", "ar"):
        assert tr(language, caught.value.msgid, **caught.value.params) != tr(
            "en", caught.value.msgid, **caught.value.params
        )
    assert on_stick(small_disk) == []
    assert len(store.pending_envelopes(include_exported=False)) == waiting


def test_after_a_full_stick_an_export_with_room_holds_every_waiting_session(
    small_disk: SmallDisk, store: DeviceStore
) -> None:
    waiting = {c.submission_id for c in store.pending_envelopes(include_exported=False)}
    small_disk.fill(leave=8 * 1024)
    with pytest.raises(ExportWriteError):
        export_store(store, small_disk.path)
    small_disk.empty()
    info = export_store(store, small_disk.path)
    assert info is not None
    bundle = read_bundle(info.path)
    assert {e["submission_id"] for e in bundle.envelopes} == waiting
    assert store.pending_envelopes(include_exported=False) == []


def test_export_to_a_write_protected_stick_says_so(
    small_disk: SmallDisk, store: DeviceStore
) -> None:
    waiting = len(store.pending_envelopes(include_exported=False))
    small_disk.read_only()
    with pytest.raises(ExportWriteError) as caught:
        export_store(store, small_disk.path)
    assert "write-protected" in tr("en", caught.value.msgid, **caught.value.params)
    assert len(store.pending_envelopes(include_exported=False)) == waiting
    small_disk.writable()
    assert on_stick(small_disk) == []


def test_the_export_command_on_a_full_stick_prints_a_clear_error_not_an_internal_one(
    small_disk: SmallDisk, laptop_template: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    folder = tmp_path / "laptop"
    shutil.copytree(laptop_template, folder)
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)
    small_disk.fill(leave=8 * 1024)
    code = main(["export", "--out", str(small_disk.path), "--data-dir", str(folder)])
    err = capsys.readouterr().err
    assert code == 1
    assert "No space left on device" in err and "internal error" not in err
    assert on_stick(small_disk) == []
