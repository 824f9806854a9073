"""Codebook of the exported data sets, built from the forms and the scoring rules (no Qt)."""

from survey_app.codebook.build import (
    build_codebook,
    option_variable_name,
    session_variables,
    version_variable_name,
)
from survey_app.codebook.export import codebook_csv_bytes, codebook_json_bytes
from survey_app.codebook.model import (
    DECLINED,
    MISSING_LABELS,
    NOT_ANSWERED,
    NOT_APPLICABLE,
    Codebook,
    FormEntry,
    ValueLabel,
    Variable,
)

__all__ = [
    "DECLINED",
    "MISSING_LABELS",
    "NOT_ANSWERED",
    "NOT_APPLICABLE",
    "Codebook",
    "FormEntry",
    "ValueLabel",
    "Variable",
    "build_codebook",
    "codebook_csv_bytes",
    "codebook_json_bytes",
    "option_variable_name",
    "session_variables",
    "version_variable_name",
]
