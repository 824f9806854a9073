"""Run pyxform (the converter ODK and Kobo use) on a workbook: its verdict for ODK users."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PyxformResult:
    """pyxform's error (None when it converted the form) and its warnings."""

    error: str | None
    row: int
    warnings: tuple[str, ...]


def run_pyxform(path: Path) -> PyxformResult:
    """Convert an .xlsx to an XForm in memory with pyxform (ODK Validate, which needs Java,
    is not run)."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        result = convert(xlsform=str(path), validate=False, pretty_print=False)
    except PyXFormError as exc:
        message = str(exc)
        match = re.search(r"\[row\s*:\s*(\d+)\]", message)
        return PyxformResult(message, int(match.group(1)) if match else 0, ())
    except Exception as exc:  # pyxform fails on some malformed sheets with plain exceptions
        return PyxformResult(f"{type(exc).__name__}: {exc}", 0, ())
    return PyxformResult(None, 0, tuple(str(w) for w in result.warnings))
