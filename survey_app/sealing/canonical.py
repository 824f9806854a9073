"""Canonical JSON: one byte string per value, so hashes and signatures are reproducible."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping


def canonical_json(obj: object) -> bytes:
    """Encode as UTF-8 JSON with sorted keys, no spaces and every string in Unicode NFC."""
    return json.dumps(
        _normalise(obj),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def _normalise(obj: object) -> object:
    # The same Arabic or Norwegian text typed on two keyboards can differ in composition;
    # NFC makes both sign and hash identically.
    if isinstance(obj, str):
        return unicodedata.normalize("NFC", obj)
    if isinstance(obj, bool | int | float) or obj is None:
        return obj
    if isinstance(obj, Mapping):
        out: dict[str, object] = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"canonical JSON keys must be text, not {type(key).__name__}")
            nkey = unicodedata.normalize("NFC", key)
            if nkey in out:
                raise ValueError("two keys are equal after Unicode normalisation")
            out[nkey] = _normalise(value)
        return out
    if isinstance(obj, list | tuple):
        return [_normalise(v) for v in obj]
    raise TypeError(f"canonical JSON cannot encode {type(obj).__name__}")
