"""canonical_json gives one byte string per value, whatever the key order or composition."""

from __future__ import annotations

import json
import random
import unicodedata

import pytest

from survey_app.sealing.canonical import canonical_json, canonical_json_decoded, canonical_object


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


# Characters that interact with NFC or with JSON escaping: combining marks (Latin, Arabic),
# Hangul jamo, singletons and composition exclusions, and what JSON escapes ('"', '\\', controls).
_TRICKY = (
    'ae n"\\\n\t\x00\x1f<=>'
    "\u0301\u0303\u0308\u0327\u0338\u0323\u031b"
    "\u064b\u064e\u0650\u0651\u0652\u0670\u0653\u0654\u0655"
    "\u0627\u0644\u0648\u064a\u0622\u0623"
    "\u1100\u1161\u11a8\uac00"
    "\u212b\u2126\u0344\u0958\u2adc\u00c5\u00e9\u00f8"
)


def _reference(obj: object) -> bytes:
    """canonical_json as first written: normalise every string, then encode."""
    from survey_app.sealing.canonical import _dumps, _normalise

    return _dumps(_normalise(obj)).encode("utf-8")


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_TRICKY) for _ in range(rng.randint(0, 6)))


def test_fast_encoding_equals_normalising_every_string_first() -> None:
    rng = random.Random(20250304)
    for _ in range(20_000):
        key, value = _random_text(rng), _random_text(rng)
        obj = {key: [value, {value: key}], "x": value}
        try:
            expected = _reference(obj)
        except ValueError:  # two keys equal after normalisation
            with pytest.raises(ValueError):
                canonical_json(obj)
            continue
        assert canonical_json(obj) == expected, (key, value)
        assert canonical_json_decoded(json.loads(json.dumps(obj))) == expected, (key, value)


def test_an_object_from_canonical_members_equals_encoding_it_whole() -> None:
    doc = {"b": {"y": [1, "é"]}, "a": "x", "ab": None}
    members = {key: canonical_json(value) for key, value in doc.items()}
    assert canonical_object(members) == canonical_json(doc)


def test_non_text_keys_deep_inside_are_refused() -> None:
    with pytest.raises(TypeError):
        canonical_json({"a": [{"b": {None: 1}}]})
