"""The data files (CSV, .sav, .dta), the longest part of an import's tail, are started first."""

from __future__ import annotations

import dataclasses

from survey_app.codebook import build_codebook
from survey_app.importer import outputs, run_import
from survey_app.importer.outputs import write_outputs
from survey_app.importer.parallel import Workers
from survey_app.importer.prepare import StudyChecks
from survey_app.importer.record import ImportRecord
from survey_app.importer.validate import FormIndex

from .helpers import bundle_file, make_payload, seal_payload


class RecordingWorkers(Workers):
    """Real workers (made here, one process) that note each file started."""

    def __init__(self, checks: StudyChecks, events: list[str]) -> None:
        super().__init__(checks, count=1)
        self.events = events

    def call(self, function, *args):
        kind = {make: kind for kind, make in outputs.DATA_FILES.items()}[function]
        self.events.append(f"start {args[0].name}.{kind}")
        return super().call(function, *args)


def test_data_files_the_record_never_wrote_start_before_any_fingerprint_is_made(
    tmp_path, library, laptop, study_keys, settings, monkeypatch
):
    key = study_keys.public
    envelopes = [
        seal_payload(make_payload(library, f"s-{n}", laptop, code=f"P{n:03d}"), laptop, key)
        for n in range(6)
    ]
    bundle = bundle_file(tmp_path / "a.surveybundle", envelopes, laptop)
    settings = dataclasses.replace(settings, workers=1)
    run_import([bundle], study_keys.identity, settings)
    written = {p.name: p.read_bytes() for p in settings.out_dir.glob("*.csv")}
    events: list[str] = []
    fingerprints = outputs.table_fingerprints

    def noting(table, language):
        events.append(f"fingerprint {table.name}")
        return fingerprints(table, language)

    monkeypatch.setattr(outputs, "table_fingerprints", noting)
    checks = StudyChecks(
        study_keys.identity, FormIndex.from_library(library), (), 33, build_codebook(library, 33)
    )
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        for name in record.output_names():  # as if this folder had never been written
            record.forget_output(name)
            (settings.out_dir / name).unlink()
        with RecordingWorkers(checks, events) as workers:
            changes = write_outputs(record, settings, workers=workers)
    starts = [i for i, e in enumerate(events) if e.startswith("start")]
    first_print = min(i for i, e in enumerate(events) if e.startswith("fingerprint"))
    assert len(starts) == 3 * len([e for e in events if e.startswith("fingerprint")])
    assert max(starts) < first_print
    assert {n for n in changes.written if not n.startswith("codebook.")} == {
        e.removeprefix("start ") for e in events if e.startswith("start")
    }
    assert {p.name: p.read_bytes() for p in settings.out_dir.glob("*.csv")} == written


def test_unchanged_data_files_are_neither_started_nor_rewritten(
    tmp_path, library, laptop, study_keys, settings
):
    envelopes = [seal_payload(make_payload(library, "s-1", laptop), laptop, study_keys.public)]
    bundle = bundle_file(tmp_path / "a.surveybundle", envelopes, laptop)
    settings = dataclasses.replace(settings, workers=1)
    run_import([bundle], study_keys.identity, settings)
    events: list[str] = []
    checks = StudyChecks(
        study_keys.identity, FormIndex.from_library(library), (), 33, build_codebook(library, 33)
    )
    with (
        ImportRecord.open(settings.out_dir, study_keys.identity) as record,
        RecordingWorkers(checks, events) as workers,
    ):
        changes = write_outputs(record, settings, workers=workers)
    assert events == []
    assert changes.written == []
