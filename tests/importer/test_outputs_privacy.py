"""What leaves the import record plays the curious reader of a data set, a report or a
participant's copy: no meeting place or staff initials in the data sets, no participant code
or typed answer in the import report, no staff initials in a participant's export. A real
simulated laptop store, a real bundle, a real import with the DEMO study key."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from survey_app.bundle.from_store import export_store
from survey_app.cli.main import main
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.record import ImportRecord
from survey_app.importer.rights_export import CSV_NAME, JSON_NAME, TEXT_NAME
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir, load_study
from tests.kdf import FAST_KDF


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, set[str], set[str], list[dict]]:
    """The import folder, the meetings' places and staff initials, and every payload."""
    study = load_study(demo_study_dir())
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    root = tmp_path_factory.mktemp("laptop")
    with DeviceStore.create(root / "data" / "device-store.db", "correct horse", kdf=FAST_KDF) as s:
        simulate(s, study, 16, seed=5, clock=SimClock())
        places = {m.place for m in s.meetings()}
        staff = {m.staff for m in s.meetings()}
        info = export_store(s, root)
    assert info is not None
    out = tmp_path_factory.mktemp("import") / "out"
    settings = ImportSettings(
        out_dir=out, library=study.library, study_id=study.study_id, pcl_cutoff=study.pcl_cutoff
    )
    report = run_import([info.path], identity, settings)
    assert report.rejections == []
    with ImportRecord.open(out, identity) as record:
        payloads = list(record.payloads())
    return out, places, staff, payloads


def _cells(path: Path) -> set[str]:
    rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return {cell for row in rows for cell in row}


def _typed_texts(payloads: list[dict]) -> set[str]:
    return {
        a["value"]
        for p in payloads
        for a in p["answers"]
        if isinstance(a["value"], str) and len(a["value"]) >= 4 and not a["value"][:4].isdigit()
    }


def test_data_sets_hold_no_meeting_place_or_staff_initials(imported) -> None:
    out, places, staff, _ = imported
    data_files = sorted(out.glob("*.csv"))
    assert any(f.name == "baseline.csv" for f in data_files)
    for path in data_files:
        if path.name.startswith("codebook"):
            continue
        found = _cells(path) & (places | staff)
        assert not found, f"{path.name} holds {found}"
        header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert not [c for c in header if "place" in c or "staff" in c]


def test_the_import_report_holds_no_participant_code_or_typed_answer(imported) -> None:
    out, _, _, payloads = imported
    codes = {p["session"]["participant_code"] for p in payloads}
    texts = _typed_texts(payloads)
    assert codes and texts
    for name in ("import-report.txt", "import-report.json"):
        report = (out / name).read_text(encoding="utf-8")
        for secret in codes | {c.replace("-", "") for c in codes} | texts:
            assert secret not in report, f"{name} holds {secret!r}"


def test_a_participants_copy_leaves_out_the_staff_initials(imported, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)
    out, _, staff, payloads = imported
    code = payloads[0]["session"]["participant_code"]
    to = tmp_path / "request"
    args = ["participant", "export", code, "--out", str(out), "--key", str(demo_private_key_path())]
    assert main([*args, "--study", str(demo_study_dir()), "--to", str(to)]) == 0

    def values(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield key
                yield from values(value)
        elif isinstance(node, list):
            for value in node:
                yield from values(value)
        else:
            yield node

    held = set(values(json.loads((to / JSON_NAME).read_text(encoding="utf-8"))))
    assert not held & (staff | {"staff", "actor"})
    assert not _cells(to / CSV_NAME) & staff
    words = set((to / TEXT_NAME).read_text(encoding="utf-8").split())
    assert not words & staff


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_a_participants_copy_is_readable_by_its_owner_only(imported, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)
    out, _, _, payloads = imported
    to = tmp_path / "request"
    args = ["participant", "export", payloads[0]["session"]["participant_code"], "--out", str(out)]
    args += ["--key", str(demo_private_key_path()), "--study", str(demo_study_dir())]
    assert main([*args, "--to", str(to)]) == 0
    assert stat.S_IMODE(to.stat().st_mode) == 0o700
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in to.iterdir()}
    assert set(modes) == {JSON_NAME, TEXT_NAME, CSV_NAME}
    assert modes == dict.fromkeys(modes, 0o600)
