"""The codebook as files: canonical JSON for machines, CSV (one row per variable) for people."""

from __future__ import annotations

import csv
import io

from survey_app.codebook.model import Codebook, Variable
from survey_app.sealing.canonical import indented_json_bytes

CSV_COLUMNS = (
    "name",
    "type",
    "source",
    "measure",
    "form_id",
    "form_version",
    "form_hash",
    "item_id",
    "item_type",
    "option_code",
    *(f"label_{lang}" for lang in ("en", "nb", "ar")),
    *(f"values_{lang}" for lang in ("en", "nb", "ar")),
    "missing_codes",
    "minimum",
    "maximum",
    "decimals",
    "free_text",
    "timepoints",
    "scoring",
    "missing_rule",
    "condition",
    "constraint",
    "calculation",
    "choice_filter",
)


def codebook_json_bytes(codebook: Codebook) -> bytes:
    """Indented, key-sorted UTF-8 JSON: identical codebooks give identical bytes."""
    return indented_json_bytes(codebook.to_json()) + b"\n"


def codebook_csv_bytes(codebook: Codebook) -> bytes:
    """One row per variable, UTF-8 with BOM (so Excel shows Arabic and Norwegian correctly)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for var in codebook.variables:
        writer.writerow(_row(var))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _row(var: Variable) -> list[str]:
    values = {
        lang: "; ".join(f"{v.code}={v.labels.get(lang, '')}" for v in var.value_labels)
        for lang in ("en", "nb", "ar")
    }
    return [
        var.name,
        var.type,
        var.source,
        var.measure,
        var.form_id,
        var.form_version,
        var.form_hash,
        var.item_id,
        var.item_type,
        "" if var.option_code is None else str(var.option_code),
        *(var.label.get(lang, "") for lang in ("en", "nb", "ar")),
        *(values[lang] for lang in ("en", "nb", "ar")),
        " ".join(str(c) for c in var.missing_codes),
        "" if var.minimum is None else str(var.minimum),
        "" if var.maximum is None else str(var.maximum),
        str(var.decimals) if var.type == "numeric" else "",
        "1" if var.free_text else "0",
        " ".join(var.timepoints),
        var.scoring,
        var.missing_rule,
        var.condition,
        var.constraint,
        var.calculation,
        var.choice_filter,
    ]
