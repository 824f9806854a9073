"""`export` and `sync run` seal sessions an older app left finished but unsealed, first."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.bundle import read_bundle
from survey_app.cli.main import main
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_study_dir, load_study
from tests.kdf import FAST_KDF
from tests.store.legacy import store_with_stranded_session

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def passphrase(monkeypatch):
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)


def test_export_seals_and_exports_a_session_left_completed_but_unsealed(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    study = load_study(demo_study_dir())
    session_id = store_with_stranded_session(
        store_path_in(data_dir), PASSPHRASE, FAST_KDF, study, sealed_before=1
    )
    usb = tmp_path / "usb"
    usb.mkdir()
    code = main(
        ["export", "--out", str(usb), "--data-dir", str(data_dir), "--study", str(demo_study_dir())]
    )
    assert code == 0
    [bundle_path] = usb.iterdir()
    assert read_bundle(bundle_path).manifest.count == 2
    with DeviceStore.open(store_path_in(data_dir), PASSPHRASE) as store:
        assert store.session(session_id).status == "exported"


def test_export_without_a_named_study_leaves_the_session_and_says_so(
    tmp_path: Path, capsys
) -> None:
    data_dir = tmp_path / "laptop"
    study = load_study(demo_study_dir())
    session_id = store_with_stranded_session(store_path_in(data_dir), PASSPHRASE, FAST_KDF, study)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["export", "--out", str(usb), "--data-dir", str(data_dir)]) == 0
    assert "1 finished session(s) are not sealed yet" in capsys.readouterr().err
    with DeviceStore.open(store_path_in(data_dir), PASSPHRASE) as store:
        assert store.session(session_id).status == "completed"
