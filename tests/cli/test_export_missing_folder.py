"""`export --out usb` with no folder `usb` (a stick not plugged in): said, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.bundle import read_bundle
from survey_app.cli.main import main
from survey_app.i18n import tr
from survey_app.store import DeviceStore, store_path_in

PASSPHRASE = "correct horse battery"


@pytest.fixture
def laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A laptop with two sealed DEMO sessions; the staff member works in tmp_path."""
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)
    monkeypatch.chdir(tmp_path)
    data_dir = tmp_path / "laptop"
    assert main(["simulate", "--participants", "2", "--data-dir", str(data_dir)]) == 0
    return data_dir


def pending(data_dir: Path) -> int:
    with DeviceStore.open(store_path_in(data_dir), PASSPHRASE) as store:
        return len(store.pending_envelopes(include_exported=False))


def test_a_missing_folder_is_named_and_nothing_is_written_or_marked(
    laptop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["export", "--out", "usb", "--data-dir", str(laptop)]) == 1
    err = capsys.readouterr().err
    assert "there is no folder usb: nothing was exported" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laptop"]
    assert pending(laptop) == 2
    # The stick plugged in, the same command exports both.
    (tmp_path / "usb").mkdir()
    assert main(["export", "--out", "usb", "--data-dir", str(laptop)]) == 0
    [bundle] = (tmp_path / "usb").iterdir()
    assert read_bundle(bundle).manifest.count == 2
    assert pending(laptop) == 0


def test_a_bundle_name_in_a_missing_folder_names_the_folder(
    laptop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    out = str(Path("usb") / "today.surveybundle")
    assert main(["export", "--out", out, "--data-dir", str(laptop)]) == 1
    assert "there is no folder usb: nothing was exported" in capsys.readouterr().err
    assert not (tmp_path / "usb").exists()
    assert pending(laptop) == 2


def test_a_missing_folder_is_said_even_when_nothing_is_new(
    laptop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "first").mkdir()
    assert main(["export", "--out", "first", "--data-dir", str(laptop)]) == 0
    capsys.readouterr()
    assert main(["export", "--out", "usb", "--data-dir", str(laptop)]) == 1
    assert "there is no folder usb" in capsys.readouterr().err


def test_a_bundle_file_name_in_an_existing_folder_is_still_written(
    laptop: Path, tmp_path: Path
) -> None:
    (tmp_path / "usb").mkdir()
    out = tmp_path / "usb" / "today.surveybundle"
    assert main(["export", "--out", str(out), "--data-dir", str(laptop)]) == 0
    assert read_bundle(out).manifest.count == 2


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_the_message_for_the_app_is_translated_and_names_the_folder(language: str) -> None:
    from survey_app.bundle.from_store import ExportFolderMissing

    error = ExportFolderMissing(Path("usb"))
    shown = tr(language, error.msgid, **error.params)
    assert shown != error.msgid.format(**error.params)
    assert "usb" in shown
