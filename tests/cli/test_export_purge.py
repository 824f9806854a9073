"""`python main.py export` applies the study's purge policy after a verified export, on a real
simulated device store and a real bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.bundle import read_bundle
from survey_app.cli.main import main
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_study_dir, load_study
from survey_app.ui.settings import write_study_dir
from tests.kdf import FAST_KDF

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def passphrase(monkeypatch):
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", PASSPHRASE)


def _study_dir(root: Path, *, study_id: str = "demo", policy: str | None) -> Path:
    """A copy of the DEMO study.yaml with another purge policy (same key and forms)."""
    folder = root / f"study-{study_id}-{policy}"
    folder.mkdir()
    lines = []
    for line in (demo_study_dir() / "study.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("forms_dir:"):
            line = f'forms_dir: "{(demo_study_dir() / "../../forms").resolve()}"'
        elif line.startswith("purge_policy:"):
            line = f"purge_policy: {policy}" if policy else ""
        elif line.startswith("study_id:"):
            line = f"study_id: {study_id}"
        lines.append(line)
    (folder / "study.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "laptop"
    with DeviceStore.create(store_path_in(folder), PASSPHRASE, kdf=FAST_KDF) as store:
        simulate(store, load_study(demo_study_dir()), 3, seed=5, clock=SimClock())
    return folder


def _export(data_dir: Path, usb: Path, *extra: str) -> int:
    usb.mkdir(exist_ok=True)
    return main(["export", "--out", str(usb), "--data-dir", str(data_dir), *extra])


def _answer_counts(data_dir: Path) -> list[int]:
    with DeviceStore.open(store_path_in(data_dir), PASSPHRASE) as store:
        return [len(store.answers(s.id)) for s in store.sessions()]


def _purged(data_dir: Path) -> list[bool]:
    with DeviceStore.open(store_path_in(data_dir), PASSPHRASE) as store:
        return [s.purged for s in store.sessions()]


def test_after_export_policy_removes_readable_answers_once_the_bundle_is_verified(
    data_dir, tmp_path
):
    study = _study_dir(tmp_path, policy="after_export")

    assert _export(data_dir, tmp_path / "usb", "--study", str(study)) == 0

    assert all(_purged(data_dir))
    assert set(_answer_counts(data_dir)) == {0}


def test_purged_sessions_still_travel_in_the_bundle(data_dir, tmp_path):
    study = _study_dir(tmp_path, policy="after_export")
    _export(data_dir, tmp_path / "usb", "--study", str(study))

    (path,) = (tmp_path / "usb").glob("*.surveybundle")

    assert len(read_bundle(path).envelopes) == len(_purged(data_dir))


def test_after_sync_policy_keeps_answers_after_an_export(data_dir, tmp_path):
    before = _answer_counts(data_dir)
    study = _study_dir(tmp_path, policy=None)

    assert _export(data_dir, tmp_path / "usb", "--study", str(study)) == 0

    assert not any(_purged(data_dir))
    assert _answer_counts(data_dir) == before


def test_the_default_demo_study_purges_nothing_on_export(data_dir, tmp_path, capsys):
    before = _answer_counts(data_dir)

    assert _export(data_dir, tmp_path / "usb") == 0

    assert _answer_counts(data_dir) == before
    assert "purge policy after_sync" in capsys.readouterr().out


def test_the_study_chosen_in_the_app_gives_the_policy(data_dir, tmp_path):
    write_study_dir(data_dir, _study_dir(tmp_path, policy="after_export"))

    assert _export(data_dir, tmp_path / "usb") == 0

    assert all(_purged(data_dir))


def test_a_study_folder_of_another_study_purges_nothing(data_dir, tmp_path, capsys):
    before = _answer_counts(data_dir)
    study = _study_dir(tmp_path, study_id="other", policy="after_export")

    assert _export(data_dir, tmp_path / "usb", "--study", str(study)) == 0

    assert _answer_counts(data_dir) == before
    assert "answers kept on this laptop" in capsys.readouterr().out


def test_nothing_is_purged_when_there_was_nothing_new_to_export(data_dir, tmp_path):
    _export(data_dir, tmp_path / "usb", "--study", str(_study_dir(tmp_path, policy=None)))
    before = _answer_counts(data_dir)
    study = _study_dir(tmp_path, policy="after_export")

    assert _export(data_dir, tmp_path / "usb2", "--study", str(study)) == 0

    assert _answer_counts(data_dir) == before


def test_export_to_a_missing_folder_writes_nothing_and_a_bundle_name_is_written_as_given(
    data_dir, tmp_path, capsys
):
    stick = tmp_path / "stick"
    stick.mkdir()
    # A folder meeting1 not made yet on the stick: said, not guessed into a file name.
    assert main(["export", "--out", str(stick / "meeting1"), "--data-dir", str(data_dir)]) == 1
    assert f"there is no folder {stick / 'meeting1'}" in capsys.readouterr().err
    assert list(stick.iterdir()) == []
    out = stick / "meeting1.surveybundle"
    assert main(["export", "--out", str(out), "--data-dir", str(data_dir)]) == 0
    assert [p.name for p in stick.iterdir()] == ["meeting1.surveybundle"]
