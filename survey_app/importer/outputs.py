"""Write the data sets (codebook, CSV, SAV, DTA) from the import record, only where they changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from survey_app.bundle.atomic import atomic_write_bytes
from survey_app.codebook import build_codebook, codebook_csv_bytes, codebook_json_bytes
from survey_app.importer.dataset import Table, build_tables
from survey_app.importer.record import ImportRecord
from survey_app.importer.validate import FormIndex
from survey_app.importer.writers import (
    csv_bytes,
    file_sha256,
    table_fingerprint,
    write_dta,
    write_sav,
)
from survey_app.scoring import score_all

if TYPE_CHECKING:
    from survey_app.importer.run import ImportSettings

Output = tuple[str, str, Callable[[Path], None]]


@dataclass
class OutputChanges:
    """Output files rewritten, left as they were, and removed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def write_outputs(record: ImportRecord, settings: ImportSettings) -> OutputChanges:
    """Write every output from the record; keep unchanged files byte-identical, drop stale ones.

    Fingerprints are of content, not of file bytes, because .sav/.dta carry a creation time:
    an output whose content did not change is not rewritten. Files no longer produced (e.g.
    free text after switching --no-separate-free-text, or a timepoint emptied by an erasure)
    are removed.
    """
    out_dir = Path(settings.out_dir)
    codebook = build_codebook(settings.library, settings.pcl_cutoff)
    tables = build_tables(
        codebook,
        record.payloads(),
        make_scorer(settings.pcl_cutoff),
        separate_free_text=settings.separate_free_text,
        forms=FormIndex.from_library(settings.library, settings.archive_dirs),
    )
    json_doc, csv_doc = codebook_json_bytes(codebook), codebook_csv_bytes(codebook)
    outputs: list[Output] = [
        ("codebook.json", hashlib.sha256(json_doc).hexdigest(), _bytes(json_doc)),
        ("codebook.csv", hashlib.sha256(csv_doc).hexdigest(), _bytes(csv_doc)),
    ]
    for table in tables:
        outputs += table_outputs(table, settings.label_language)
    changes = OutputChanges()
    for name, content, write in outputs:
        path = out_dir / name
        previous = record.output(name)
        if previous and path.is_file() and previous == (content, file_sha256(path)):
            changes.unchanged.append(name)
            continue
        write(path)
        record.set_output(name, content, file_sha256(path))
        changes.written.append(name)
    produced = {name for name, _, _ in outputs}
    for name in record.output_names():
        if name not in produced:
            (out_dir / name).unlink(missing_ok=True)
            record.forget_output(name)
            changes.removed.append(name)
    return changes


def make_scorer(cutoff: int) -> Callable[[Mapping[str, Any]], Mapping[str, Any]]:
    """Scores of one submission's answered items (declined and missing items are absent)."""
    return lambda answers: score_all(answers, cutoff)


def table_outputs(table: Table, language: str) -> list[Output]:
    """The CSV, SAV and DTA outputs of one table with their content fingerprints."""
    data = csv_bytes(table)
    return [
        (f"{table.name}.csv", table_fingerprint(table, language, "csv"), _bytes(data)),
        (
            f"{table.name}.sav",
            table_fingerprint(table, language, "sav"),
            lambda path: write_sav(path, table, language),
        ),
        (
            f"{table.name}.dta",
            table_fingerprint(table, language, "dta"),
            lambda path: write_dta(path, table, language),
        ),
    ]


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: atomic_write_bytes(path, data)
