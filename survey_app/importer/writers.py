"""Write a Table as CSV (UTF-8 with BOM), SPSS .sav and Stata .dta, atomically.

Missing codes: numeric answers hold -7 (declined), -8 (not applicable: the form's logic skipped
the item) and -9 (not answered). In .sav they are declared user-missing; in .dta they become
Stata's extended missing values .a (declined), .c (not applicable) and .b (not answered),
labelled. Scores that cannot be computed are system missing everywhere.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from survey_app.bundle.atomic import atomic_write_bytes
from survey_app.codebook import DECLINED, NOT_ANSWERED, NOT_APPLICABLE, Variable
from survey_app.errors import nearly_full
from survey_app.importer.dataset import Table
from survey_app.importer.spss_file import sav_file_bytes
from survey_app.importer.stata_file import dta_file_bytes
from survey_app.sealing.canonical import sorted_json_bytes

WRITER_VERSION = "1"
# .a and .b were fixed before "not applicable" existed; it takes the next letter.
STATA_MISSING = {DECLINED: "a", NOT_ANSWERED: "b", NOT_APPLICABLE: "c"}
SPSS_LABEL_BYTES = 255
STATA_LABEL_BYTES = 80


KINDS = ("csv", "sav", "dta")


def table_fingerprint(table: Table, label_language: str, kind: str) -> str:
    """sha256 of everything that goes into one output file (data, labels, writer version)."""
    return table_fingerprints(table, label_language)[kind]


def table_fingerprints(table: Table, label_language: str) -> dict[str, str]:
    """table_fingerprint of every kind, the table encoded once (it is most of the work).

    Each is the sha256 of the key-sorted compact JSON of {writer, kind, language, columns,
    rows}; JSON nests, so the encoded columns and rows are spliced in unchanged. Floats are
    written as their repr (text), so what is encoded holds none and orjson may write it.
    """
    columns = sorted_json_bytes([_variable_doc(v, label_language) for v in table.variables])
    # _fingerprint_cell inline: a function call per cell was most of the fingerprint's time
    # (~0.01-0.02 s of a 2,000-submission import's tail).
    rows = sorted_json_bytes(
        [[repr(c) if isinstance(c, float) else c for c in row] for row in table.rows]
    )
    language = sorted_json_bytes(label_language)
    writer = sorted_json_bytes(WRITER_VERSION)
    out = {}
    for kind in KINDS:
        doc = b"".join(
            (b'{"columns":', columns, b',"kind":', sorted_json_bytes(kind), b',"language":',
             language, b',"rows":', rows, b',"writer":', writer, b"}")
        )  # fmt: skip
        out[kind] = hashlib.sha256(doc).hexdigest()
    return out


def csv_bytes(table: Table) -> bytes:
    """Comma-separated, CRLF, UTF-8 with BOM; system missing is an empty field."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)  # the csv module writes None as an empty field
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_csv(path: Path, table: Table) -> None:
    """Write the CSV file atomically."""
    atomic_write_bytes(path, csv_bytes(table))


def write_sav(path: Path, table: Table, label_language: str = "en") -> None:
    """Write an SPSS .sav with variable labels, value labels and -7/-9 as user-missing."""
    atomic_write_bytes(path, sav_bytes(table, label_language, path.parent))


def sav_arguments(table: Table, label_language: str) -> dict[str, Any]:
    """pyreadstat.write_sav's keyword arguments for a table (the native writer takes the same)."""
    labels = {v.name: _clip(_label(v, label_language), SPSS_LABEL_BYTES) for v in table.variables}
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[Any]] = {}
    for v in table.variables:
        if v.type == "numeric" and (mapping := v.value_label_map(label_language)):
            value_labels[v.name] = _number_keys(mapping)
        if v.missing_codes:
            codes = sorted(v.missing_codes)
            missing[v.name] = (
                [str(c) for c in codes] if v.type == "string" else [float(c) for c in codes]
            )
    return {
        "column_labels": labels,
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "variable_measure": {v.name: v.measure for v in table.variables},
        "variable_format": {
            v.name: f"F8.{v.decimals}" for v in table.variables if v.type == "numeric"
        },
    }


def sav_bytes(table: Table, label_language: str, scratch: Path) -> bytes:
    """The .sav file's bytes: written in memory, or by pyreadstat when the native writer declines.

    The native bytes are pyreadstat's but for the header's time stamp (tests/importer/
    test_spss_file.py); they need no read-back: the caller writes them with fsync, and only
    readstat could end a file early on a full disk without saying so.
    """
    arguments = sav_arguments(table, label_language)
    data = sav_file_bytes(table, **arguments)
    if data is not None:
        return data
    return sav_bytes_pyreadstat(table, arguments, scratch)


def sav_bytes_pyreadstat(table: Table, arguments: dict[str, Any], scratch: Path) -> bytes:
    """The .sav file's bytes by pyreadstat (it writes a file: a private temporary one)."""
    import pyreadstat

    frame = _frame(table, stata=False)
    return _via_temp(
        scratch,
        lambda tmp: pyreadstat.write_sav(frame, tmp, **arguments),
        pyreadstat.read_sav,
        table,
    )


def write_dta(path: Path, table: Table, label_language: str = "en") -> None:
    """Write a Stata .dta (v15, UTF-8) with labels; -7/-9 become extended missing .a/.b."""
    atomic_write_bytes(path, dta_bytes(table, label_language, path.parent))


def dta_arguments(table: Table, label_language: str) -> dict[str, Any]:
    """pyreadstat.write_dta's labels and missing letters for the table (keyword arguments)."""
    labels = {v.name: _clip(_label(v, label_language), STATA_LABEL_BYTES) for v in table.variables}
    value_labels: dict[str, dict[Any, str]] = {}
    for v in table.variables:
        if v.type != "numeric":
            continue
        mapping = {
            STATA_MISSING.get(k, k): text for k, text in v.value_label_map(label_language).items()
        }
        if mapping:
            value_labels[v.name] = _number_keys(mapping)
    missing = {
        v.name: sorted(STATA_MISSING[c] for c in v.missing_codes)
        for v in table.variables
        if v.type == "numeric" and v.missing_codes
    }
    return {
        "column_labels": labels,
        "variable_value_labels": value_labels,
        "missing_user_values": missing,
    }


def dta_bytes(table: Table, label_language: str, scratch: Path) -> bytes:
    """The .dta file's bytes: written here, or by pyreadstat (through a file in scratch).

    The bytes written here are pyreadstat's (tests/importer/test_stata_file.py) and are in
    memory: the caller writes them with fsync, so readstat's silent truncation on a full disk
    that the read-back guards against cannot happen to them.
    """
    arguments = dta_arguments(table, label_language)
    data = dta_file_bytes(table, missing_tags=STATA_MISSING, **arguments)
    if data is not None:
        return data
    return dta_bytes_pyreadstat(table, arguments, scratch)


def dta_bytes_pyreadstat(table: Table, arguments: dict[str, Any], scratch: Path) -> bytes:
    """The .dta file's bytes by pyreadstat (it writes a file: a private temporary one)."""
    import pyreadstat

    frame = _frame(table, stata=True)
    return _via_temp(
        scratch,
        lambda tmp: pyreadstat.write_dta(frame, tmp, **arguments),
        pyreadstat.read_dta,
        table,
    )


def file_sha256(path: Path) -> str:
    """sha256 hex of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _via_temp(scratch: Path, write: Any, read: Any, table: Table) -> bytes:
    # pyreadstat writes by file name: a temporary file (0600) in the output folder, read back;
    # the caller moves the bytes in with the same fsync + rename as every other output.
    # Reading it back as data matters: on a full disk readstat can end a file early without
    # any error, and the truncated file would be published.
    fd, tmp = tempfile.mkstemp(dir=scratch, prefix=".writer.", suffix=".partial")
    os.close(fd)
    try:
        write(tmp)
        _read_back(scratch, tmp, read, table)
        return Path(tmp).read_bytes()
    except Exception as exc:
        # readstat reports a refused write as its own error; a full disk must read as one.
        if not isinstance(exc, OSError) and nearly_full(scratch):
            raise OSError(errno.ENOSPC, "No space left on device") from exc
        raise
    finally:
        os.unlink(tmp)


def _read_back(scratch: Path, tmp: str, read: Any, table: Table) -> None:
    # readstat reads every row to the end of the file whichever columns are kept, so one
    # column proves the file complete as well as all of them, without building the frame
    # of every cell (~0.03 s for a table of 1,500 rows by 134 columns).
    try:
        frame, _ = read(tmp, usecols=list(table.columns[:1]) or None)
        complete = len(frame) == len(table.rows)
    except Exception:
        complete = False
    if not complete:
        if nearly_full(scratch):
            raise OSError(errno.ENOSPC, "No space left on device")
        raise OSError(errno.EIO, "a data file did not read back complete")


def _frame(table: Table, *, stata: bool) -> Any:
    import numpy as np
    import pandas as pd

    # Columns as arrays (not one Series each, which pandas would align): same dtypes, faster.
    count = len(table.rows)
    by_column = zip(*table.rows, strict=True) if count else ((),) * len(table.variables)
    columns: dict[str, Any] = {}
    for var, cells in zip(table.variables, by_column, strict=True):
        if var.type == "string":
            data = np.empty(count, dtype=object)
            data[:] = ["" if c is None else str(c) for c in cells]
        elif stata and var.missing_codes:
            data = np.empty(count, dtype=object)
            data[:] = [STATA_MISSING[c] if c in STATA_MISSING else _float(c) for c in cells]
        else:
            data = np.fromiter(map(_float, cells), dtype=np.float64, count=count)
        columns[var.name] = data
    return pd.DataFrame(columns, columns=list(table.columns))


def _float(cell: Any) -> float:
    return math.nan if cell is None else float(cell)


def _number_keys(mapping: dict[Any, str]) -> dict[Any, str]:
    return {(float(k) if isinstance(k, int) else k): v for k, v in mapping.items()}


def _label(var: Variable, language: str) -> str:
    return var.label.get(language) or var.label.get("en") or var.name


def _clip(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore").rstrip() + "…"


def _fingerprint_cell(cell: Any) -> Any:
    return repr(cell) if isinstance(cell, float) else cell


def _variable_doc(var: Variable, language: str) -> dict[str, Any]:
    return {
        "name": var.name,
        "type": var.type,
        "label": _label(var, language),
        "values": [[str(k), v] for k, v in var.value_label_map(language).items()],
        "missing": list(var.missing_codes),
        "measure": var.measure,
        "decimals": var.decimals,
    }
