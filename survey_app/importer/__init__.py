"""The data manager's import of bundles: verify, decrypt, validate, de-duplicate, export (no Qt)."""

from survey_app.importer.record import ImportRecord, RecordError
from survey_app.importer.report import ImportReport, Rejection
from survey_app.importer.run import ImportSettings, find_bundles, load_known_devices, run_import

__all__ = [
    "ImportRecord",
    "ImportReport",
    "ImportSettings",
    "RecordError",
    "Rejection",
    "find_bundles",
    "load_known_devices",
    "run_import",
]
