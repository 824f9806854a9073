"""The import record (decrypted payloads, under the study key) is owner-only (0600)."""

from __future__ import annotations

import os
import stat

import pytest

from survey_app.importer import run_import
from survey_app.importer.record import RECORD_NAME, ImportRecord

from .helpers import bundle_file, make_payload, seal_payload

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")


def _modes(folder) -> dict[str, int]:
    return {
        p.name: stat.S_IMODE(p.stat().st_mode)
        for p in folder.iterdir()
        if p.name.startswith(RECORD_NAME)
    }


def test_import_record_files_are_owner_only(tmp_path, library, laptop, study_keys, settings):
    payload = make_payload(library, "sub-1", laptop, answers={"mbg_age": 30})
    envelopes = [seal_payload(payload, laptop, study_keys.public)]
    run_import([bundle_file(tmp_path / "b.surveybundle", envelopes, laptop)],
               study_keys.identity, settings)  # fmt: skip
    with ImportRecord.open(settings.out_dir, study_keys.identity):
        modes = _modes(settings.out_dir)
        assert RECORD_NAME + "-wal" in modes
        assert modes == dict.fromkeys(modes, 0o600)


def test_import_record_found_world_readable_is_made_owner_only(tmp_path, study_keys):
    ImportRecord.open(tmp_path, study_keys.identity).close()
    (tmp_path / RECORD_NAME).chmod(0o644)
    with ImportRecord.open(tmp_path, study_keys.identity):
        modes = _modes(tmp_path)
    assert modes == dict.fromkeys(modes, 0o600)


def _data_file_modes(folder) -> dict[str, int]:
    return {
        p.name: stat.S_IMODE(p.stat().st_mode)
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(RECORD_NAME)
    }


def test_every_data_file_the_import_writes_is_owner_only(
    tmp_path, library, laptop, study_keys, settings
):
    # Another account on the data manager's machine must not read decrypted answers.
    payload = make_payload(
        library, "sub-1", laptop, answers={"mbg_age": 30, "mbg_comment": "Jeg liker jobben"}
    )
    envelopes = [seal_payload(payload, laptop, study_keys.public)]
    run_import([bundle_file(tmp_path / "b.surveybundle", envelopes, laptop)],
               study_keys.identity, settings)  # fmt: skip
    modes = _data_file_modes(settings.out_dir)
    assert {"baseline.csv", "baseline.sav", "baseline.dta", "baseline-free-text.csv"} <= set(modes)
    assert modes == dict.fromkeys(modes, 0o600)
