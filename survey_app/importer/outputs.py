"""Write the data sets (codebook, CSV, SAV, DTA) from the import record, only where they changed."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from survey_app.bundle.atomic import atomic_write_bytes, fsync_directory
from survey_app.codebook import (
    Codebook,
    build_codebook,
    codebook_csv_bytes,
    codebook_json_bytes,
)
from survey_app.importer.dataset import (
    CodeTimepointDuplicate,
    RowMaker,
    Table,
    TableRow,
    code_timepoint_duplicates,
    invalid_code_submissions,
    make_scorer,
    tables_from_rows,
)
from survey_app.importer.record import ImportRecord
from survey_app.importer.trial_import import arms_for_outputs, with_allocations
from survey_app.importer.trial_record import collection_stops
from survey_app.importer.validate import FormIndex
from survey_app.importer.writers import (
    csv_bytes,
    dta_bytes,
    file_sha256,
    sav_bytes,
    table_fingerprints,
)

if TYPE_CHECKING:
    from survey_app.importer.parallel import Workers
    from survey_app.importer.run import ImportSettings

# name, content fingerprint, and how to start making its bytes (returns a getter)
Output = tuple[str, str, Callable[[], Callable[[], bytes]]]


def _csv_file(table: Table, language: str, scratch: Path) -> bytes:
    """csv_bytes in the form of the other data files' makers (it needs neither argument)."""
    return csv_bytes(table)


# The data files of a table, by kind, in the order they are written: made in the worker
# processes when there are any, while this process makes the rest.
DATA_FILES: dict[str, Callable[[Table, str, Path], bytes]] = {
    "csv": _csv_file,
    "sav": sav_bytes,
    "dta": dta_bytes,
}


@dataclass
class OutputChanges:
    """Output files rewritten, left as they were, and removed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Codes held by more than one submission at one timepoint (flagged in the data sets).
    duplicates: list[CodeTimepointDuplicate] = field(default_factory=list)
    # Submission ids whose participant code is not a valid code (flagged invalid_code = 1).
    invalid_codes: list[str] = field(default_factory=list)
    # Session status -> count over every submission the record holds (old payloads: completed).
    status_totals: dict[str, int] = field(default_factory=dict)


def write_outputs(
    record: ImportRecord,
    settings: ImportSettings,
    *,
    rows: Mapping[str, TableRow] | None = None,
    workers: Workers | None = None,
    codebook: Codebook | None = None,
    forms: FormIndex | None = None,
    codebook_files: Callable[[], tuple[bytes, bytes]] | None = None,
) -> OutputChanges:
    """Write every output from the record; keep unchanged files byte-identical, drop stale ones.

    Fingerprints are of content, not of file bytes, because .sav/.dta carry a creation time:
    an output whose content did not change is not rewritten. Files no longer produced (e.g.
    free text after switching --no-separate-free-text, or a timepoint emptied by an erasure)
    are removed. `rows`: data-set rows made already (by the import, for what it accepted);
    `workers`: worker processes that make the other rows and the .sav/.dta files meanwhile;
    `codebook`, `forms`: the settings' codebook and form index, when made already;
    `codebook_files`: gives codebook.json and codebook.csv of that codebook, started already.
    """
    out_dir = Path(settings.out_dir)
    if codebook is None:
        codebook = build_codebook(settings.library, settings.pcl_cutoff)
    if forms is None:
        forms = FormIndex.from_library(settings.library, settings.archive_dirs)
    made = _all_rows(
        record, RowMaker(codebook, make_scorer(settings.pcl_cutoff), forms), rows, workers
    )
    # Every row's status cell is session_status of its payload: counting them here spares the
    # record a json_extract over every stored payload (~0.15 s for 2,000).
    status_totals = dict(sorted(Counter(str(row.cells["status"]) for row in made).items()))
    # The randomised arm of each code, and nothing started after a withdrawal from collection.
    made = with_allocations(made, arms_for_outputs(record), collection_stops(record))
    tables = tables_from_rows(codebook, made, separate_free_text=settings.separate_free_text)
    per_table, started, kept = _start_data_files(
        record, out_dir, tables, settings.label_language, workers
    )
    duplicates = code_timepoint_duplicates(made)
    json_doc, csv_doc = codebook_files() if codebook_files else codebook_documents(codebook)
    outputs: list[Output] = [
        ("codebook.json", hashlib.sha256(json_doc).hexdigest(), _ready(json_doc)),
        ("codebook.csv", hashlib.sha256(csv_doc).hexdigest(), _ready(csv_doc)),
    ]
    for table in tables:
        outputs += per_table[table.name]
    changes = OutputChanges(
        duplicates=duplicates,
        invalid_codes=invalid_code_submissions(made),
        status_totals=status_totals,
    )
    # Written in the usual order; the .sav/.dta files were started already. Each file is
    # durable before its rename; the renames and the record's notes of them wait for the disk
    # once, at the end, not once per file. A crash before then at worst leaves a file the
    # record does not vouch for, which the next run finds changed and writes again.
    with record.transaction():
        for name, content, start in outputs:
            if name in kept or (name not in started and _unchanged(record, out_dir, name, content)):
                changes.unchanged.append(name)
                continue
            data = (started[name] if name in started else start())()
            atomic_write_bytes(out_dir / name, data, sync_directory=False)
            record.set_output(name, content, hashlib.sha256(data).hexdigest())
            changes.written.append(name)
        produced = {name for name, _, _ in outputs}
        for name in record.output_names():
            if name not in produced:
                (out_dir / name).unlink(missing_ok=True)
                record.forget_output(name)
                changes.removed.append(name)
        if changes.written or changes.removed:
            fsync_directory(out_dir)
    return changes


def _start_data_files(
    record: ImportRecord,
    out_dir: Path,
    tables: list[Table],
    language: str,
    workers: Workers | None,
) -> tuple[dict[str, list[Output]], dict[str, Callable[[], bytes]], set[str]]:
    """Each table's outputs; the data files started where changed, and those unchanged.

    The data files are the longest part of an import's tail (made in the workers), so they
    are started first, the largest table first and the longest file first (the workers then
    finish together), before this process works out the fingerprints and takes the codebook.
    A file the record never wrote is written whatever its fingerprint says, so it is started
    before any fingerprint is worked out (~0.02 s for the largest table); the others as soon
    as their table's fingerprints show them changed.
    """
    cells = {t.name: len(t.rows) * len(t.variables) for t in tables}
    largest_first = sorted(tables, key=lambda t: -cells[t.name])
    started: dict[str, Callable[[], bytes]] = {}
    for table in largest_first:
        for kind in sorted(DATA_FILES, key=lambda k: -_cost(f"{table.name}.{k}", cells)):
            name = f"{table.name}.{kind}"
            if record.output(name) is None:
                started[name] = _later(DATA_FILES[kind], table, language, out_dir, workers)()
    per_table: dict[str, list[Output]] = {}
    kept: set[str] = set()
    for table in largest_first:
        per_table[table.name] = entries = table_outputs(table, language, out_dir, workers)
        for name, content, start in sorted(entries, key=lambda e: -_cost(e[0], cells)):
            if name in started:
                continue
            if _unchanged(record, out_dir, name, content):
                kept.add(name)
            else:
                started[name] = start()
    return per_table, started, kept


def _unchanged(record: ImportRecord, out_dir: Path, name: str, content: str) -> bool:
    previous = record.output(name)
    path = out_dir / name
    return bool(previous) and path.is_file() and previous == (content, file_sha256(path))


def _all_rows(
    record: ImportRecord,
    maker: RowMaker,
    known: Mapping[str, TableRow] | None,
    workers: Workers | None,
) -> list[TableRow]:
    """A row for every submission the record holds (made now only where not made before)."""
    known = known or {}
    ids = record.submission_ids()
    rows = [known[sid] for sid in ids if sid in known]
    texts = record.payload_texts([sid for sid in ids if sid not in known])
    if workers is not None:
        return rows + workers.rows(texts)
    return rows + [maker(json.loads(text)) for text in texts]


def table_outputs(
    table: Table, language: str, scratch: Path, workers: Workers | None = None
) -> list[Output]:
    """The CSV, SAV and DTA outputs of one table with their content fingerprints."""
    prints = table_fingerprints(table, language)
    return [
        (f"{table.name}.{kind}", prints[kind], _later(make, table, language, scratch, workers))
        for kind, make in DATA_FILES.items()
    ]


def codebook_documents(codebook: Codebook) -> tuple[bytes, bytes]:
    """codebook.json and codebook.csv of a codebook."""
    return codebook_json_bytes(codebook), codebook_csv_bytes(codebook)


def _later(
    make: Callable[[Table, str, Path], bytes],
    table: Table,
    language: str,
    scratch: Path,
    workers: Workers | None,
) -> Callable[[], Callable[[], bytes]]:
    """How to start making one data file: in a worker when there are workers."""
    if workers is None:
        return lambda: lambda: make(table, language, scratch)
    return lambda: workers.call(make, table, language, scratch)


def _cost(name: str, cells: Mapping[str, int]) -> float:
    # Measured with the native writers (benchmarks/bench_data_files.py): a .dta
    # or a CSV file takes ~1.4 times a .sav of the same table.
    stem, _, kind = name.rpartition(".")
    return cells.get(stem, 0) * {"dta": 1.4, "csv": 1.4, "sav": 1.0}.get(kind, 0.0)


def _ready(data: bytes) -> Callable[[], Callable[[], bytes]]:
    return lambda: lambda: data
