"""Canonical JSON: one byte string per value, so hashes and signatures are reproducible."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import orjson

# orjson's writer (sorted keys) gives the bytes of sorted_json for every value but floats
# below 1e-4: it spells 1e-05 as 0.00001 and 1e-07 as 1e-7. Bytes with either spelling
# anywhere (in text too: a false alarm costs only time) are left to the exact check.
# tests/sealing/test_canonical_fast.py proves the rest per code point, key and exponent.
# (Two literal searches by re: each a third faster than `in` on 18 kB of payload.)
_ORJSON_OWN_FIXED = re.compile(rb"\.0000")
_ORJSON_OWN_EXPONENT = re.compile(rb"e-[0-9](?![0-9])")


def canonical_json(obj: object) -> bytes:
    """Encode as UTF-8 JSON with sorted keys, no spaces and every string in Unicode NFC."""
    text = _fast_text(obj)
    # json.dumps writes int, float, bool and None keys as text; canonical JSON refuses them,
    # and a value whose keys were all text reads back equal to itself.
    if text is not None and json.loads(text) == obj:
        return text.encode("utf-8")
    return _dumps(_normalise(obj)).encode("utf-8")


def canonical_json_decoded(obj: object) -> bytes:
    """canonical_json of a value json.loads returned (or built from one with text keys only)."""
    text = _fast_text(obj)
    if text is not None:
        return text.encode("utf-8")
    return _dumps(_normalise(obj)).encode("utf-8")


def sorted_json(obj: object) -> str:
    """Compact JSON text with sorted keys, strings as they are: canonical_json before NFC."""
    return _dumps(obj)


def loads_sorted_json(data: bytes) -> dict[str, Any] | None:
    """json.loads(data) if it is a JSON object and data is its sorted_json exactly, else None.

    None decides nothing (the exact check is json.loads and sorted_json, compared); a dict
    returned is equal to what json.loads gives, with the same types.
    """
    if (
        not _ORJSON_WRITES_AS_PYTHON
        or _ORJSON_OWN_FIXED.search(data)
        or _ORJSON_OWN_EXPONENT.search(data)
    ):
        return None
    # The round trip is equal only for bytes orjson itself writes: standard JSON, no spaces or
    # duplicate keys, floats in the shortest spelling that reads back to the same number.
    try:
        value = orjson.loads(data)
        again = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):  # also past its depth limit
        return None
    return value if again == data and type(value) is dict else None


def canonical_from_sorted(obj: object, text: str) -> bytes:
    """canonical_json_decoded(obj), given text = sorted_json(obj) (encoded only once)."""
    if unicodedata.is_normalized("NFC", text):
        return text.encode("utf-8")
    return _dumps(_normalise(obj)).encode("utf-8")


def canonical_object(members: Mapping[str, bytes]) -> bytes:
    """canonical_json of an object whose member values are given already as canonical JSON."""
    parts = [_key_json(key) + b":" + members[key] for key in sorted(members)]
    return b"{" + b",".join(parts) + b"}"


@lru_cache(maxsize=256, typed=True)
def _key_json(key: str) -> bytes:
    # The same few member names are encoded for every envelope.
    return canonical_json(key)


def _fast_text(obj: object) -> str | None:
    # Nearly every value is NFC already (typed once, normalised, stored), so encode first and
    # walk the value (the slow part) only when the text shows it is needed. The text is NFC
    # only if every string in it is: the escapes JSON adds are ASCII and '"' composes with
    # nothing, so a string that is not NFC leaves a run in the text that is not NFC either.
    try:
        text = _dumps(obj)
    except (TypeError, ValueError):
        return None
    return text if unicodedata.is_normalized("NFC", text) else None


def _dumps(obj: object) -> str:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sorted_json_bytes(obj: object) -> bytes:
    """sorted_json(obj) in UTF-8 for a value holding no float, written by orjson where it can.

    orjson writes what json writes for every value but floats (tests/sealing); what it cannot
    write (ints past 64 bits, lone surrogates, keys that are not text) is left to json.
    """
    if _ORJSON_WRITES_AS_PYTHON:
        try:
            return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass
    return _dumps(obj).encode("utf-8")


def indented_json_bytes(obj: object) -> bytes:
    """json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) in UTF-8, fast when floatless.

    orjson lays out two-space indents as json does; a value holding a float (or what orjson
    cannot write) is left to json.
    """
    if _ORJSON_WRITES_AS_PYTHON and not _holds_float(obj):
        try:
            return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _holds_float(obj: object) -> bool:
    if isinstance(obj, float):
        return True
    if isinstance(obj, dict):
        return any(_holds_float(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return any(_holds_float(v) for v in obj)
    return False


def _orjson_writes_as_python() -> bool:
    # The tests prove the pinned orjson; this keeps another one that writes otherwise (an
    # older float layout, other escapes or key order) from deciding anything.
    sample = {
        "floats": [1e16, 1e22, 1e-10, 5e-324, 1.7976931348623157e308, 1e-4, 0.1, -0.0, 2.5],
        "ints": [0, -1, 2**64 - 1, -(2**63)],
        "text": "".join(map(chr, range(0x20))) + '"\\/\x7f\u2028\u2029é\U0001f600',
        "\ue000": None,
        "\U0001f600": [True, False],
    }
    return orjson.dumps(sample, option=orjson.OPT_SORT_KEYS) == _dumps(sample).encode()


_ORJSON_WRITES_AS_PYTHON = _orjson_writes_as_python()


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
