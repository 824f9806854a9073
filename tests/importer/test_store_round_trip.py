"""Simulated meetings in a real device store -> export bundle -> import -> .sav/.dta, checked
value by value against the decrypted answers and the scoring package."""

from __future__ import annotations

import math
from pathlib import Path

import pyreadstat
import pytest

from survey_app.bundle import read_bundle
from survey_app.bundle.from_store import export_store
from survey_app.cli.main import main
from survey_app.codebook import build_codebook
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.dataset import answer_map
from survey_app.scoring import score_all
from survey_app.sealing.envelope import open_envelope
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir, load_study
from tests.kdf import FAST_KDF

STORE_PASSPHRASE = "correct horse battery"


@pytest.fixture(scope="module")
def study():
    loaded = load_study(demo_study_dir())
    assert not loaded.library.errors
    return loaded


@pytest.fixture(scope="module")
def identity() -> str:
    return read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, study) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("laptop")
    store_path = root / "data" / "device-store.db"
    with DeviceStore.create(store_path, STORE_PASSPHRASE, kdf=FAST_KDF) as store:
        simulate(store, study, 24, seed=7, clock=SimClock())
        info = export_store(store, root)
    assert info is not None
    return info.path, store_path


@pytest.fixture(scope="module")
def imported(tmp_path_factory, exported, study, identity) -> tuple[Path, ImportSettings]:
    out = tmp_path_factory.mktemp("import")
    settings = ImportSettings(
        out_dir=out, library=study.library, study_id=study.study_id, pcl_cutoff=study.pcl_cutoff
    )
    report = run_import([exported[0]], identity, settings)
    assert report.rejections == [] and report.conflicts == []
    return out, settings


def _expected(var, answers, scores):
    if var.source == "score":
        return scores[var.name]
    answer = answers.get(var.item_id)
    if answer is None:
        return -9
    status, value = answer
    if status == "declined":
        return -7
    if var.source == "option":
        return int(var.option_code in value)
    return value


@pytest.mark.parametrize("kind", ["sav", "dta"])
def test_data_files_match_the_decrypted_answers_and_scores(
    exported, imported, study, identity, kind
):
    out, _ = imported
    codebook = build_codebook(study.library, study.pcl_cutoff)
    payloads = [open_envelope(e, identity) for e in read_bundle(exported[0]).envelopes]
    checked = 0
    for timepoint in codebook.timepoints:
        reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
        frame, _ = reader(str(out / f"{timepoint}.{kind}"), user_missing=True)
        rows = {r["submission_id"]: r for r in frame.to_dict("records")}
        mine = [p for p in payloads if p["session"]["timepoint"] == timepoint]
        assert set(rows) == {p["submission_id"] for p in mine}
        for payload in mine:
            row = rows[payload["submission_id"]]
            answers = answer_map(payload)
            answered = {k: v for k, (s, v) in answers.items() if s == "answered"}
            scores = score_all(answered, study.pcl_cutoff)
            assert row["participant_code"] == payload["session"]["participant_code"]
            assert row["language"] == payload["session"]["language"]
            for var in codebook.variables_for(timepoint):
                if var.source not in ("item", "option", "score") or var.type == "string":
                    continue
                want = _expected(var, answers, scores)
                got = row[var.name]
                if kind == "dta" and want in (-7, -9) and var.source != "score":
                    want = {-7: "a", -9: "b"}[want]
                if want is None:
                    assert isinstance(got, float) and math.isnan(got), var.name
                elif isinstance(want, str):
                    assert got == want, var.name
                else:
                    assert got == pytest.approx(want), var.name
                checked += 1
    assert checked > 500


def test_simulated_data_has_declined_and_missing_answers(imported):
    out, _ = imported
    frame, _ = pyreadstat.read_sav(str(out / "baseline.sav"), user_missing=True)
    values = frame.filter(like="hscl_").to_numpy().ravel().tolist()
    assert -7.0 in values or -9.0 in values


def test_export_marks_submissions_and_reexport_has_nothing_new(exported):
    _, store_path = exported
    with DeviceStore.open(store_path, STORE_PASSPHRASE) as store:
        assert store.pending_envelopes(include_exported=False) == []
        assert export_store(store, store_path.parent) is None
        again = export_store(store, store_path.parent, include_all=True)
    assert again is not None and again.count == len(read_bundle(exported[0]).envelopes)


def test_cli_simulate_export_then_import(tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", STORE_PASSPHRASE)
    assert main(["simulate", "--participants", "5", "--data-dir", str(data_dir)]) == 0
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["export", "--out", str(usb), "--data-dir", str(data_dir)]) == 0
    assert main(["export", "--out", str(usb), "--data-dir", str(data_dir)]) == 0
    assert "nothing new" in capsys.readouterr().out
    code = main(
        [
            "import",
            str(usb),
            "--key",
            str(demo_private_key_path()),
            "--study",
            str(demo_study_dir()),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    assert "5 new" in capsys.readouterr().out
    assert (tmp_path / "out" / "baseline.sav").is_file()


def test_cli_import_with_wrong_passphrase_fails_cleanly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", "not the passphrase")
    code = main(
        [
            "import",
            str(tmp_path),
            "--key",
            str(demo_private_key_path()),
            "--study",
            str(demo_study_dir()),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 1
    assert "wrong passphrase" in capsys.readouterr().err
