"""Opening envelopes in worker processes gives exactly what opening them one by one gives."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pyreadstat
import pytest

from survey_app.codebook import build_codebook
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.dataset import build_tables, make_scorer
from survey_app.importer.record import ImportRecord
from survey_app.importer.validate import FormIndex
from survey_app.importer.writers import csv_bytes
from survey_app.sealing.device_keys import DeviceKey
from tests.codebook.forms_fixture import make_forms_dir

from .helpers import STUDY_ID, bundle_file, make_payload, seal_payload

HSCL = {f"hscl_{n:02d}": 1 + n % 4 for n in range(1, 26)}


@pytest.fixture
def mixed_bundles(tmp_path, library, laptop, other_laptop, study_keys) -> list[Path]:
    """Bundles with every outcome: new, duplicate, conflict, invalid, refused, tampered."""

    def envelope(sid: str, device: DeviceKey = laptop, **kw) -> dict:
        return seal_payload(make_payload(library, sid, device, **kw), device, study_keys.public)

    first = [
        envelope(
            f"sub-{n:03d}",
            code=f"P{n:03d}",
            language=("ar", "nb", "en")[n % 3],
            timepoint="baseline",
            answers={**HSCL, "mbg_age": 20 + n % 70},
        )
        for n in range(70)
    ]
    first.append(envelope("sub-bad", answers={"mbg_gender": 7}))  # does not fit the item
    second = [
        first[3],  # the very envelope again: duplicate, not opened
        envelope("sub-004", answers={**HSCL, "mbg_age": 99}),  # same id, other content
        envelope("sub-200", other_laptop, code="Q200", answers={"mbg_age": 50}),
        *[
            envelope(f"sub-{n:03d}", code=f"R{n:03d}", answers={"mbg_age": 18 + n % 60})
            for n in range(300, 380)
        ],
    ]
    tampered = [envelope(f"sub-{n:03d}") for n in range(500, 520)]
    tampered[7]["sealed_at"] = "2020-01-01T00:00:00Z"  # breaks that envelope's signature
    return [
        bundle_file(tmp_path / "a.surveybundle", first, laptop),
        bundle_file(tmp_path / "b.surveybundle", second, laptop),
        bundle_file(tmp_path / "c.surveybundle", tampered, laptop),
    ]


def _import(bundles, identity, settings, workers: int) -> dict:
    out = settings.out_dir.parent / f"out-{workers}"
    report = run_import(
        bundles, identity, dataclasses.replace(settings, out_dir=out, workers=workers)
    )
    doc = report.to_json()
    doc.pop("run_at")
    with ImportRecord.open(out, identity) as record:
        outputs = {name: record.output(name)[0] for name in record.output_names()}
        stored = sorted(
            (r[0], r[1], r[2], r[6])
            for r in record._conn.execute("SELECT * FROM submissions").fetchall()
        )
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".csv", ".json")}
    files.pop("import-report.json")
    frames = {p.name: pyreadstat.read_sav(str(p))[0].to_csv(index=False) for p in out.glob("*.sav")}
    return {
        "report": doc,
        "outputs": outputs,
        "stored": stored,
        "files": files,
        "sav": frames,
        "text": (out / "import-report.txt").read_text(encoding="utf-8").split("\n", 1)[1],
    }


def test_two_workers_give_byte_identical_outputs_to_one(
    mixed_bundles, study_keys, settings: ImportSettings
):
    one = _import(mixed_bundles, study_keys.identity, settings, workers=1)
    two = _import(mixed_bundles, study_keys.identity, settings, workers=2)
    assert one["report"]["submissions"]["new"] == 151
    assert one["report"]["bundles"] == {"accepted": 2, "rejected": 1}
    assert one == two


def test_a_second_import_in_parallel_adds_exactly_what_a_sequential_one_adds(
    mixed_bundles, study_keys, settings: ImportSettings
):
    first, rest = mixed_bundles[:1], mixed_bundles[1:]
    for workers in (1, 2):
        out = settings.out_dir.parent / f"out-{workers}"
        run_import(first, study_keys.identity, dataclasses.replace(settings, out_dir=out))
    one = _import(rest, study_keys.identity, settings, workers=1)
    two = _import(rest, study_keys.identity, settings, workers=2)
    assert one == two
    assert json.dumps(one["report"]).count("sub-") > 0


def test_fingerprints_made_together_equal_each_made_alone(mixed_bundles, study_keys, settings):
    """Outputs imported before keep their fingerprints, so they are not written again."""
    import hashlib

    from survey_app.importer.writers import (
        KINDS,
        WRITER_VERSION,
        _fingerprint_cell,
        _variable_doc,
        table_fingerprints,
    )

    run_import(mixed_bundles, study_keys.identity, settings)
    codebook = build_codebook(settings.library, settings.pcl_cutoff)
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        tables = build_tables(
            codebook,
            record.payloads(),
            make_scorer(settings.pcl_cutoff),
            separate_free_text=True,
            forms=FormIndex.from_library(settings.library),
        )
    for table in tables:
        together = table_fingerprints(table, "nb")
        for kind in KINDS:
            doc = {
                "writer": WRITER_VERSION,
                "kind": kind,
                "language": "nb",
                "columns": [_variable_doc(v, "nb") for v in table.variables],
                "rows": [[_fingerprint_cell(c) for c in row] for row in table.rows],
            }
            text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            assert together[kind] == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_an_import_writes_the_tables_it_would_build_from_the_whole_record(
    mixed_bundles, study_keys, settings
):
    first, rest = mixed_bundles[:1], mixed_bundles[1:]
    run_import(first, study_keys.identity, settings)
    run_import(rest, study_keys.identity, dataclasses.replace(settings, workers=2))
    codebook = build_codebook(settings.library, settings.pcl_cutoff)
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        tables = build_tables(
            codebook,
            record.payloads(),
            make_scorer(settings.pcl_cutoff),
            separate_free_text=True,
            forms=FormIndex.from_library(settings.library),
        )
    for table in tables:
        written = (settings.out_dir / f"{table.name}.csv").read_bytes()
        assert written == csv_bytes(table), table.name


def test_workers_started_afresh_as_on_windows_and_macos_give_the_same_outputs(
    mixed_bundles, study_keys, settings, monkeypatch
):
    import multiprocessing

    from survey_app.importer import parallel

    one = _import(mixed_bundles, study_keys.identity, settings, workers=1)
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    two = _import(mixed_bundles, study_keys.identity, settings, workers=2)
    assert one == two


@pytest.mark.parametrize("given", ["0", "many", "65"])
def test_the_import_command_refuses_a_worker_count_outside_1_to_64(given, capsys):
    from survey_app.cli.main import main

    args = ["import", "in", "--key", "k", "--out", "o", "--study", "s", "--workers", given]
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert "--workers" in capsys.readouterr().err


def test_an_import_hands_the_heap_back_to_the_garbage_collector(
    mixed_bundles, study_keys, settings
):
    import gc

    run_import(mixed_bundles, study_keys.identity, dataclasses.replace(settings, workers=2))
    assert gc.get_freeze_count() == 0


def test_an_import_leaves_objects_frozen_by_its_caller_frozen(mixed_bundles, study_keys, settings):
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        run_import(mixed_bundles, study_keys.identity, settings)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_a_failed_import_hands_the_heap_back_to_the_garbage_collector(study_keys, settings):
    import gc

    from survey_app.errors import UserFacingError

    with pytest.raises(UserFacingError):
        run_import([settings.out_dir / "missing"], study_keys.identity, settings)
    assert gc.get_freeze_count() == 0


_IMPORT_IN_A_NEW_PROCESS = """
import json, sys
from pathlib import Path
from survey_app.forms.library import load_library
from survey_app.importer import ImportSettings, run_import
forms, out, study, *bundles = sys.argv[1:]
settings = ImportSettings(Path(out), load_library(Path(forms)), study, workers=1)
report = run_import([Path(b) for b in bundles], sys.stdin.read(), settings)
loaded = sorted(m for m in ("numpy", "pandas", "pyreadstat") if m in sys.modules)
print(json.dumps({"new": report.new_count, "written": report.outputs_written, "loaded": loaded}))
"""


def test_an_import_writes_its_sav_and_dta_files_without_loading_pandas(
    tmp_path, mixed_bundles, study_keys
):
    # Loading pandas and pyreadstat costs a new process ~0.3 s of CPU: the native writers
    # (spss_file, stata_file) make every file of an ordinary import without them.
    forms = make_forms_dir(tmp_path / "study")
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_IN_A_NEW_PROCESS, str(forms), str(tmp_path / "new-out"),
         STUDY_ID, *map(str, mixed_bundles)],
        input=study_keys.identity, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert result["new"] > 100
    assert {"baseline.sav", "baseline.dta"} <= set(result["written"])
    assert result["loaded"] == []
