"""canonical_json gives one byte string per value, whatever the key order or composition."""

from __future__ import annotations

import json
import unicodedata

import pytest

from survey_app.sealing.canonical import canonical_json


def test_key_order_does_not_change_the_bytes() -> None:
    assert canonical_json({"b": 1, "a": {"y": 2, "x": 3}}) == canonical_json(
        {"a": {"x": 3, "y": 2}, "b": 1}
    )


def test_output_has_sorted_keys_and_no_spaces() -> None:
    assert canonical_json({"b": [1, 2], "a": None}) == b'{"a":null,"b":[1,2]}'


def test_decomposed_and_composed_text_encode_identically() -> None:
    composed = "Bjørn Ødegård café"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert canonical_json({"name": decomposed}) == canonical_json({"name": composed})


def test_keys_are_normalised_too() -> None:
    assert canonical_json({unicodedata.normalize("NFD", "é"): 1}) == canonical_json({"é": 1})


def test_non_ascii_text_is_written_as_utf8_not_escaped() -> None:
    encoded = canonical_json({"t": "نعم"})
    assert "نعم".encode() in encoded
    assert json.loads(encoded) == {"t": "نعم"}


def test_tuples_encode_like_lists() -> None:
    assert canonical_json((1, "a")) == canonical_json([1, "a"])


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError):
        canonical_json({"v": float("nan")})


def test_non_text_keys_are_refused() -> None:
    with pytest.raises(TypeError):
        canonical_json({1: "one"})


def test_keys_equal_after_normalisation_are_refused() -> None:
    with pytest.raises(ValueError):
        canonical_json({"é": 1, unicodedata.normalize("NFD", "é"): 2})


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError):
        canonical_json({"v": {1, 2}})
