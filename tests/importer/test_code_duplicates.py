"""The same participant code at the same timepoint on two laptops: real stores filled by the
simulator with overlapping code ranges, real sealed bundles, a real import. The import report
counts it on its own (not as a conflict) and every data set flags both rows."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pyreadstat
import pytest

from survey_app.bundle.from_store import export_store
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.record import ImportRecord
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir, load_study
from tests.kdf import FAST_KDF

COLUMN = "duplicate_code_timepoint"


@pytest.fixture(scope="module")
def study():
    return load_study(demo_study_dir())


@pytest.fixture(scope="module")
def identity() -> str:
    return read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)


def _laptop(root: Path, study, first_code: int, seed: int) -> Path:
    """A laptop with 4 simulated participants from `first_code`, exported as a sealed bundle."""
    with DeviceStore.create(root / "data" / "device-store.db", "laptop pass", kdf=FAST_KDF) as s:
        simulate(s, study, 4, seed=seed, clock=SimClock(), first_code=first_code)
        info = export_store(s, root)
    assert info is not None
    return info.path


@pytest.fixture(scope="module")
def bundles(tmp_path_factory, study) -> tuple[Path, Path]:
    # Both laptops were given the same start number: their first codes collide.
    one = _laptop(tmp_path_factory.mktemp("laptop1"), study, 1, seed=3)
    two = _laptop(tmp_path_factory.mktemp("laptop2"), study, 1, seed=4)
    return one, two


@pytest.fixture(scope="module")
def imported(tmp_path_factory, bundles, study, identity):
    out = tmp_path_factory.mktemp("import") / "out"
    report = run_import(list(bundles), identity, _settings(out, study))
    return out, report


@pytest.fixture(scope="module")
def shared(imported, identity) -> set[tuple[str, str]]:
    """(code, timepoint) pairs that both laptops submitted, read from the record itself."""
    out, _ = imported
    with ImportRecord.open(out, identity) as record:
        pairs = Counter(
            (p["session"]["participant_code"], p["session"]["timepoint"]) for p in record.payloads()
        )
    found = {pair for pair, n in pairs.items() if n > 1}
    assert found, "the two simulated laptops should share codes"
    return found


def _settings(out: Path, study) -> ImportSettings:
    return ImportSettings(
        out_dir=out, library=study.library, study_id=study.study_id, pcl_cutoff=study.pcl_cutoff
    )


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_the_report_counts_duplicates_across_laptops_on_their_own(imported, shared):
    _, report = imported

    assert report.duplicates_across_laptops == len(shared)
    assert report.conflicts == []  # each is a valid submission, not the same id twice
    assert all(d.devices == 2 for d in report.code_duplicates)


def test_the_report_files_name_the_count_and_never_the_codes(imported, shared):
    out, _ = imported

    text = (out / "import-report.txt").read_text(encoding="utf-8")
    summary = json.loads((out / "import-report.json").read_text(encoding="utf-8"))

    assert f"Same code at the same timepoint: {len(shared)} across laptops" in text
    assert summary["submissions"]["duplicate_code_timepoint_across_laptops"] == len(shared)
    assert not any(code in text for code, _ in shared)


def test_both_rows_are_flagged_in_the_csv_and_no_other(imported, shared):
    out, _ = imported

    rows = _csv(out / "baseline.csv")
    flagged = Counter(r["participant_code"] for r in rows if r[COLUMN] == "1")

    baseline = {code for code, timepoint in shared if timepoint == "baseline"}
    assert flagged == dict.fromkeys(baseline, 2)
    assert all(r[COLUMN] == "0" for r in rows if r["participant_code"] not in baseline)


def test_the_flag_is_in_the_sav_and_dta_with_labels(imported, shared):
    out, _ = imported
    baseline = {code for code, timepoint in shared if timepoint == "baseline"}

    for name in ("baseline.sav", "baseline.dta"):
        reader = pyreadstat.read_sav if name.endswith(".sav") else pyreadstat.read_dta
        frame, meta = reader(str(out / name))
        flagged = set(frame.loc[frame[COLUMN] == 1, "participant_code"])
        assert flagged == baseline, name
        assert meta.column_names_to_labels[COLUMN], name


def test_the_codebook_describes_the_flag(imported):
    out, _ = imported

    codebook = json.loads((out / "codebook.json").read_text(encoding="utf-8"))

    assert COLUMN in json.dumps(codebook)


def test_one_laptop_alone_has_no_duplicates(tmp_path, bundles, study, identity):
    report = run_import([bundles[0]], identity, _settings(tmp_path / "out", study))

    assert report.code_duplicates == []
    assert {r[COLUMN] for r in _csv(tmp_path / "out" / "baseline.csv")} == {"0"}


def test_participant_find_points_out_the_shared_timepoint(imported, shared, capsys, monkeypatch):
    from survey_app.cli.main import main

    out, _ = imported
    code, timepoint = sorted(shared)[0]
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)

    assert main(["participant", "find", code, "--out", str(out), "--key",
                 str(demo_private_key_path())]) == 0  # fmt: skip

    lines = [line for line in capsys.readouterr().out.splitlines() if f"  {timepoint}  " in line]
    assert len(lines) == 2
    assert all("same code and timepoint in 2 submissions" in line for line in lines)
