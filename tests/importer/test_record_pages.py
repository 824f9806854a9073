"""A new record has large encrypted pages; a record made with the default pages still opens."""

from __future__ import annotations

import dataclasses

import pytest
import sqlcipher3

from survey_app.importer import run_import
from survey_app.importer.record import (
    _SCHEMA,
    CHECKPOINT_BYTES,
    LEGACY_PAGE_SIZE,
    PAGE_SIZE,
    RECORD_NAME,
    SCHEMA_VERSION,
    ImportRecord,
    RecordError,
    record_key,
)
from survey_app.sealing.study_keys import generate_study_keypair

from .helpers import bundle_file, make_payload, seal_payload


def _legacy_record(out_dir, identity) -> None:
    """A record as every version before large pages made it: SQLCipher's default page size."""
    out_dir.mkdir(parents=True)
    conn = sqlcipher3.connect(str(out_dir / RECORD_NAME), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{record_key(identity).hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(
        f"BEGIN;{_SCHEMA}INSERT INTO meta VALUES ('schema_version', '{int(SCHEMA_VERSION)}');"
        "INSERT INTO meta VALUES ('note', 'made before');COMMIT;"
    )
    conn.close()


def _page_size(record: ImportRecord) -> int:
    return int(record.conn.execute("PRAGMA page_size").fetchone()[0])


def _bundle(tmp_path, library, laptop, study_keys, name, codes):
    envelopes = [
        seal_payload(
            make_payload(library, f"{name}-{c}", laptop, code=c), laptop, study_keys.public
        )
        for c in codes
    ]
    return bundle_file(tmp_path / f"{name}.surveybundle", envelopes, laptop)


def test_a_new_record_has_large_pages(tmp_path, study_keys):
    with ImportRecord.open(tmp_path, study_keys.identity) as record:
        assert _page_size(record) == PAGE_SIZE > LEGACY_PAGE_SIZE


def test_a_record_with_default_pages_opens_with_what_it_held(tmp_path, study_keys):
    _legacy_record(tmp_path / "out", study_keys.identity)
    with ImportRecord.open(tmp_path / "out", study_keys.identity) as record:
        assert _page_size(record) == LEGACY_PAGE_SIZE
        assert record.meta("note") == "made before"


def test_an_import_into_a_record_with_default_pages_keeps_both_runs(
    tmp_path, library, laptop, study_keys, settings
):
    _legacy_record(settings.out_dir, study_keys.identity)
    settings = dataclasses.replace(settings, workers=1)
    first = _bundle(tmp_path, library, laptop, study_keys, "a", ["P001", "P002"])
    second = _bundle(tmp_path, library, laptop, study_keys, "b", ["P003"])

    assert run_import([first], study_keys.identity, settings).new_count == 2
    report = run_import([first, second], study_keys.identity, settings)

    assert (report.new_count, report.duplicates) == (1, 2)
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        assert _page_size(record) == LEGACY_PAGE_SIZE
        assert len(record.submission_ids()) == 3


@pytest.fixture(params=[True, False], ids=["default pages", "large pages"])
def record_dir(request, tmp_path, study_keys):
    """An output folder holding a record made before large pages, or a new one."""
    out = tmp_path / "out"
    if request.param:
        _legacy_record(out, study_keys.identity)
    else:
        out.mkdir()
        ImportRecord.open(out, study_keys.identity).close()
    return out


def test_a_record_of_another_key_is_refused_whatever_its_pages(record_dir):
    before = (record_dir / RECORD_NAME).read_bytes()

    with pytest.raises(RecordError, match="another study key"):
        ImportRecord.open(record_dir, generate_study_keypair().identity)

    assert (record_dir / RECORD_NAME).read_bytes() == before


def test_the_log_is_copied_into_the_record_every_4_mb_whatever_its_pages(record_dir, study_keys):
    with ImportRecord.open(record_dir, study_keys.identity) as record:
        pages = int(record.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        assert pages == CHECKPOINT_BYTES // _page_size(record)
        assert CHECKPOINT_BYTES == 4_096_000  # SQLite's default of 1,000 pages of 4 KiB


@pytest.mark.parametrize(
    "query",
    [
        "SELECT submission_id, envelope_sha256 FROM submissions",
        "SELECT submission_id, payload_sha256 FROM submissions",
    ],
    ids=["envelope hashes", "payload hashes"],
)
def test_what_was_imported_before_is_read_from_an_index_not_the_payload_pages(
    record_dir, study_keys, query
):
    # Every import starts by reading these; from the rows, each 64 KiB page holding a whole
    # payload would be read and decrypted (~0.1 s for 2,000).
    with ImportRecord.open(record_dir, study_keys.identity) as record:
        (plan,) = record.conn.execute(f"EXPLAIN QUERY PLAN {query}").fetchall()
    assert "COVERING INDEX submissions_hashes" in plan[3]
