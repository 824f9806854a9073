"""The content hash of a form: SHA-256 over its meaning, not over the bytes of its file.

Everything a participant sees or hears or the data hold counts (ids, types, every text in every
language, codes, scales, limits, logic, provenance, the SHA-256 of every recorded reading); layout
of the file (comments, key order, quoting, spacing inside expressions) does not. So a form
exported to XLSForm and imported back has the same hash as the file it came from. New model
fields are covered automatically: the walk goes over every dataclass field except where a thing
stands (line, path) and the hashes themselves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from enum import Enum
from typing import Any

from survey_app.forms.expressions import Expression

HASH_FORMAT = "survey-app/form-content/v1"
_SKIPPED = frozenset({"line", "path", "content_hash", "file_hash"})
# Fields added after forms were in use: left out while unset, so older forms keep their hash.
_OMITTED_WHEN_NONE = frozenset({"audio", "decimals", "choice_filter"})


def semantic_hash(form: Any) -> str:
    """Return the hex SHA-256 of a form's semantic content (see module docstring)."""
    doc = {"format": HASH_FORMAT, "form": _plain(form)}
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, Expression):
        return {"expression": value.canonical}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in _SKIPPED
            and not (f.name in _OMITTED_WHEN_NONE and getattr(value, f.name) is None)
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot hash a {type(value).__name__} in a form")
