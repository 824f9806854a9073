"""`participant find|erase --submission ID`: reaches a submission whose participant code is not
a valid code (it cannot be typed as a code). Real sealed bundle, real import, the real CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from survey_app.bundle import write_bundle
from survey_app.cli.main import main
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.record import ImportRecord
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.study_keys import read_private_key
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir, load_study
from tests.importer.helpers import make_payload, seal_payload

BAD_CODE = "P-0007-X"  # wrong check character


@pytest.fixture(autouse=True)
def key_passphrase(monkeypatch):
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)


@pytest.fixture
def out(tmp_path) -> Path:
    study = load_study(demo_study_dir())
    laptop = DeviceKey.generate()
    payloads = [
        make_payload(study.library, "sub-bad", laptop, code=BAD_CODE),
        make_payload(study.library, "sub-good", laptop, code="P-0007-W"),
    ]
    for payload in payloads:
        payload["study_id"] = study.study_id
    envelopes = [seal_payload(p, laptop, study.public_key) for p in payloads]
    bundle = tmp_path / "codes.surveybundle"
    write_bundle(bundle, envelopes, laptop, laptop.device_id, study.study_id)
    out = tmp_path / "out"
    settings = ImportSettings(
        out_dir=out, library=study.library, study_id=study.study_id, pcl_cutoff=study.pcl_cutoff
    )
    report = run_import(
        [bundle], read_private_key(demo_private_key_path(), DEMO_PASSPHRASE), settings
    )
    assert report.new_count == 2 and report.invalid_code_ids == ["sub-bad"]
    return out


def _cli(action: str, out: Path, *extra: str) -> int:
    args = ["participant", action, "--out", str(out), "--key", str(demo_private_key_path())]
    return main([*args, "--study", str(demo_study_dir()), *extra])


def test_find_by_submission_lists_the_participant_with_an_invalid_code(out, capsys):
    assert _cli("find", out, "--submission", "sub-bad") == 0
    printed = capsys.readouterr().out
    assert "1 submission(s) of this code" in printed
    assert "sub-bad" in printed and BAD_CODE not in printed


def test_erase_by_submission_removes_it_from_the_record_and_the_data_sets(out, capsys):
    assert _cli("erase", out, "--submission", "sub-bad", "--yes") == 0
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    with ImportRecord.open(out, identity) as record:
        assert [p["submission_id"] for p in record.payloads()] == ["sub-good"]
    rows = csv.DictReader(io.StringIO((out / "baseline.csv").read_text(encoding="utf-8-sig")))
    assert [row["submission_id"] for row in rows] == ["sub-good"]
    assert BAD_CODE not in json.dumps(capsys.readouterr().out)


def test_an_unknown_submission_id_is_said_plainly(out, capsys):
    assert _cli("find", out, "--submission", "sub-nothing") != 0
    assert "no submission with this id" in capsys.readouterr().err
