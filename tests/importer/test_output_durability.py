"""The data sets' renames wait for the disk once, and a crash before the record notes them heals."""

from __future__ import annotations

import dataclasses

from survey_app.bundle import atomic
from survey_app.bundle.atomic import atomic_write_bytes
from survey_app.importer import outputs, run_import
from survey_app.importer.outputs import write_outputs
from survey_app.importer.record import ImportRecord

from .helpers import bundle_file, make_payload, seal_payload


def _imported(tmp_path, library, laptop, study_keys, settings):
    envelopes = [
        seal_payload(
            make_payload(library, f"s-{n}", laptop, code=f"P{n:03d}"), laptop, study_keys.public
        )
        for n in range(3)
    ]
    bundle = bundle_file(tmp_path / "a.surveybundle", envelopes, laptop)
    settings = dataclasses.replace(settings, workers=1)
    run_import([bundle], study_keys.identity, settings)
    return settings


def test_every_output_rename_is_made_durable_by_one_directory_fsync(
    tmp_path, library, laptop, study_keys, settings, monkeypatch
):
    settings = _imported(tmp_path, library, laptop, study_keys, settings)
    synced: list[str] = []
    real = atomic.fsync_directory

    def noting(directory):
        synced.append(str(directory))
        real(directory)

    monkeypatch.setattr(atomic, "fsync_directory", noting)
    monkeypatch.setattr(outputs, "fsync_directory", noting)
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        for name in record.output_names():  # as if this folder had never been written
            record.forget_output(name)
            (settings.out_dir / name).unlink()
        changes = write_outputs(record, settings)
    assert len(changes.written) > 4
    assert synced == [str(settings.out_dir)]


def test_an_output_the_record_does_not_vouch_for_is_written_again(
    tmp_path, library, laptop, study_keys, settings
):
    settings = _imported(tmp_path, library, laptop, study_keys, settings)
    csv = next(settings.out_dir.glob("*.csv"))
    right = csv.read_bytes()
    # A crash after a rename and before the record's transaction committed: the file on disk
    # is not the one the record noted.
    atomic_write_bytes(csv, b"left by a crash\r\n")
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        changes = write_outputs(record, settings)
    assert csv.name in changes.written
    assert csv.read_bytes() == right
