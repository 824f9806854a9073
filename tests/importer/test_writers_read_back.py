"""A .sav/.dta file is read back to its last row before it is published under its name.

Only files pyreadstat writes are read back: the .dta table here holds a string too long for
the native writer (stata_file), so that dta_bytes falls back to pyreadstat.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pyreadstat
import pytest

from survey_app.codebook import Variable
from survey_app.importer import writers
from survey_app.importer.dataset import Table
from survey_app.importer.stata_file import dta_file_bytes


def _sav_by_pyreadstat(table: Table, language: str, scratch: Path) -> bytes:
    # sav_bytes writes these tables natively (no read-back needed): the guard is pyreadstat's.
    return writers.sav_bytes_pyreadstat(table, writers.sav_arguments(table, language), scratch)


KINDS = {
    "sav": (_sav_by_pyreadstat, pyreadstat.read_sav),
    "dta": (writers.dta_bytes, pyreadstat.read_dta),
}


def _table(kind: str, rows: int = 400) -> Table:
    variables = (
        Variable("submission_id", {"en": "Submission"}, "string", "session"),
        Variable("age", {"en": "Age"}, "numeric", "item", missing_codes=(-7, -9)),
        Variable("note", {"en": "Note"}, "string", "item"),
    )
    cells = tuple(
        (f"s-{n:04d}", (20 + n % 60) if n % 7 else -9, "x" * (n % 30)) for n in range(rows)
    )
    if kind == "dta":  # Stata stores it as strL: stata_file leaves the file to pyreadstat
        cells = (("s-long", 20, "x" * 3000), *cells)
    return Table("baseline", variables, cells)


def test_the_dta_table_is_one_pyreadstat_writes() -> None:
    table = _table("dta")
    arguments = writers.dta_arguments(table, "en")
    assert dta_file_bytes(table, missing_tags=writers.STATA_MISSING, **arguments) is None


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_complete_file_reads_back(tmp_path: Path, kind: str) -> None:
    make, read = KINDS[kind]
    table = _table(kind)
    path = tmp_path / f"t.{kind}"
    path.write_bytes(make(table, "en", tmp_path))
    writers._read_back(tmp_path, str(path), read, table)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_file_missing_its_last_rows_is_refused(tmp_path: Path, kind: str) -> None:
    """Plays a cheaper read-back (the header's row count only): a cut file must not pass."""
    make, read = KINDS[kind]
    table = _table(kind)
    data = make(table, "en", tmp_path)
    path = tmp_path / f"t.{kind}"
    path.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(OSError) as caught:
        writers._read_back(tmp_path, str(path), read, table)
    assert caught.value.errno == errno.EIO
