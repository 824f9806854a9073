"""The fast check of a sealed payload decides exactly as json.loads and sorted_json compared.

loads_sorted_json accepts bytes only when orjson's sorted round trip gives them back. That is
the old check's answer whenever orjson's writer and sorted_json write the same bytes for the
value, so the writers are compared where they could differ: every code point (as text and as
a key), every binary exponent of a float, ties in the shortest digits, integers past 64 bits.
Then the decision as a whole, fast check and fallback, is compared with the old one on
adversarial bytes.
"""

from __future__ import annotations

import json
import math
import random
import struct
import unicodedata
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.sealing import canonical
from survey_app.sealing.canonical import loads_sorted_json, sorted_json
from survey_app.sealing.envelope import EnvelopeError, _decode_payload
from tests.properties import examples

_ALL_CHARS = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def _old_decode(payload_bytes: bytes) -> tuple[dict[str, Any], str]:
    """The check before the fast path (with the 1e400 and depth fix): the reference."""
    try:
        text = payload_bytes.decode("utf-8")
        payload = json.loads(text, parse_constant=_refuse)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise EnvelopeError("not valid JSON") from None
    if not isinstance(payload, dict):
        raise EnvelopeError("not a JSON object")
    try:
        again = sorted_json(payload)
    except (ValueError, RecursionError):
        raise EnvelopeError("not in canonical form") from None
    if not unicodedata.is_normalized("NFC", text) or again != text:
        raise EnvelopeError("not in canonical form")
    return payload, text


def _refuse(name: str) -> None:
    raise ValueError(name)


def _typed(value: object) -> object:
    """The value with every type spelled out (1 == 1.0 == True and -0.0 == 0.0 in Python)."""
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, float):
        return ("float", value.hex())
    return (type(value).__name__, value)


def _outcome(decode: Any, data: bytes) -> tuple[str, object]:
    try:
        payload, text = decode(data)
    except EnvelopeError as exc:
        for reason in ("not valid JSON", "not a JSON object", "not in canonical form"):
            if reason in str(exc):
                return ("refused", reason)
        raise
    return ("opened", (_typed(payload), text))


def _assert_same_decision(data: bytes) -> None:
    assert _outcome(lambda d: _decode_payload(d, "'x'"), data) == _outcome(_old_decode, data)


def _python_bytes(value: object) -> bytes:
    return sorted_json(value).encode("utf-8", "surrogatepass")


def _orjson_agrees_or_is_left_out(value: object) -> bool:
    """orjson writes value as sorted_json does, or the fast check leaves its bytes out."""
    written = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    left_out = loads_sorted_json(b'{"v":' + written + b"}") is None
    return left_out or written == _python_bytes(value)


def test_every_code_point_is_escaped_alike() -> None:
    # Both writers escape one character at a time, and a JSON text splits into its string
    # tokens one way only: equal lists mean each character is written alike.
    assert orjson.dumps(_ALL_CHARS) == _python_bytes(_ALL_CHARS)


def test_every_code_point_as_a_key_is_written_and_ordered_alike() -> None:
    keys = dict.fromkeys(reversed(_ALL_CHARS), 0)
    assert orjson.dumps(keys, option=orjson.OPT_SORT_KEYS) == _python_bytes(keys)


@settings(max_examples=examples(300))
@given(st.dictionaries(st.text(max_size=6), st.integers(0, 9), max_size=12))
def test_keys_of_any_text_are_ordered_alike(value: dict[str, int]) -> None:
    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == _python_bytes(value)


def test_floats_of_every_binary_exponent_are_written_alike_or_left_out() -> None:
    rng = random.Random(7)
    mantissas = [0, 1, 2, 3, (1 << 52) - 1, 1 << 51, *(rng.getrandbits(52) for _ in range(24))]
    differing = []
    for exponent in range(2047):
        for mantissa in mantissas:
            for sign in (0, 1):
                bits = sign << 63 | exponent << 52 | mantissa
                value = struct.unpack("<d", struct.pack("<Q", bits))[0]
                if math.isfinite(value) and not _orjson_agrees_or_is_left_out(value):
                    differing.append(value)
    assert differing == []


def test_floats_orjson_spells_otherwise_exist_and_are_left_out() -> None:
    # The control for the test above: these are spelled otherwise, and the guard sees them.
    for value, spelling in ((1e-05, b"0.00001"), (1.5e-07, b"1.5e-7"), (-9e-09, b"-9e-9")):
        assert orjson.dumps(value) == spelling != _python_bytes(value)
        assert loads_sorted_json(b'{"v":' + spelling + b"}") is None


def test_ties_in_the_shortest_digits_are_broken_alike() -> None:
    # Between 2**50 and 2**51 a quarter lies halfway between two shortest spellings.
    rng = random.Random(11)
    values = [(1 << 50) + rng.getrandbits(50) + q / 4 for _ in range(20_000) for q in (1, 3)]
    assert orjson.dumps(values) == _python_bytes(values)


@settings(max_examples=examples(2000))
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_is_written_alike_or_left_out(value: float) -> None:
    assert _orjson_agrees_or_is_left_out(value)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1e+16}',
        b'{"a":1e16}',
        b'{"a":10000000000000000.0}',
        b'{"a":1234567890123456.0}',
        b'{"a":0.0001}',
        b'{"a":0.00001}',
        b'{"a":1e-05}',
        b'{"a":1e-5}',
        b'{"a":1e-07}',
        b'{"a":1e-7}',
        b'{"a":1e-10}',
        b'{"a":5e-324}',
        b'{"a":1.7976931348623157e+308}',
        b'{"a":1e400}',
        b'{"a":-1e400}',
        b'{"a":1E5}',
        b'{"a":100000.0}',
        b'{"a":1.0}',
        b'{"a":1}',
        b'{"a":18446744073709551615}',
        b'{"a":18446744073709551616}',
        b'{"a":-9223372036854775809}',
        b'{"a":123456789012345678901234567890}',
        b'{"a":-0}',
        b'{"a":-0.0}',
        b'{"a":0.0}',
        b'{"a":01}',
        b'{"a":NaN}',
        b'{"a":Infinity}',
        b'{"a":-Infinity}',
        b'{"a":"\\ud800"}',
        b'{"a":"\\udc00\\ud800"}',
        b'{"a":"\\ud83d\\ude00"}',
        '{"a":"\U0001f600"}'.encode(),
        b'{"a":"\xed\xa0\x80"}',
        b'{"a":"\\u007f"}',
        b'{"a":"\x7f"}',
        b'{"a":"\\u2028"}',
        '{"a":"\u2028\u2029"}'.encode(),
        b'{"a":"\\u001f"}',
        b'{"a":"\\u001F"}',
        b'{"a":"\x1f"}',
        b'{"a":"\\n\\t\\b\\f\\r\\"\\\\"}',
        b'{"a":"\\u000a"}',
        b'{"a":"\\/"}',
        b'{"a":"/"}',
        b'{"a":1,"a":1}',
        b'{"a":1,"a":2}',
        b'{"b":1,"a":2}',
        '{"\ue000":1,"\U0001f600":2}'.encode(),
        '{"\U0001f600":2,"\ue000":1}'.encode(),
        b'{"a":1} ',
        b' {"a":1}',
        b'\xef\xbb\xbf{"a":1}',
        b'{"a":true,"b":false,"c":null}',
        b'{"a":True}',
        b"{}",
        b"[]",
        b'"a"',
        b"1",
        b"",
        unicodedata.normalize("NFD", '{"a":"é"}').encode(),
        unicodedata.normalize("NFD", '{"é":1}').encode(),
        b'{"a":' + b"[" * 250 + b"]" * 250 + b"}",
        b'{"a":' + b"[" * 300 + b"]" * 300 + b"}",
        b'{"a":' + b"[" * 1100 + b"]" * 1100 + b"}",
        b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
)
def test_each_known_difference_of_the_two_libraries_decides_as_before(data: bytes) -> None:
    _assert_same_decision(data)


def test_a_typical_payload_is_decided_by_the_fast_check(payload: dict) -> None:
    # Otherwise the fast check would be dead code that the tests above cannot tell from none.
    value = loads_sorted_json(_python_bytes(payload))
    assert value == payload
    assert _typed(value) == _typed(json.loads(_python_bytes(payload)))


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)


def _spellings(value: dict[str, Any]) -> list[bytes]:
    """The same value written the ways a device, a tool or a forger could write it."""
    out = [_python_bytes(value)]
    out.append(json.dumps(value, sort_keys=True, separators=(",", ":")).encode())
    out.append(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    try:
        out.append(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        out.append(orjson.dumps(value))
    except orjson.JSONEncodeError:  # lone surrogates, integers past 64 bits
        pass
    return out


@settings(max_examples=examples(600))
@given(st.dictionaries(st.text(max_size=6), _JSON, max_size=5), st.data())
def test_adversarial_bytes_are_decided_as_before(
    value: dict[str, Any], data: st.DataObject
) -> None:
    for spelling in _spellings(value):
        _assert_same_decision(spelling)
        # One byte changed, dropped or added, anywhere: the forger's edits.
        at = data.draw(st.integers(0, len(spelling)))
        byte = bytes([data.draw(st.integers(0, 255))])
        for edited in (
            spelling[:at] + byte + spelling[at + 1 :],
            spelling[:at] + spelling[at + 1 :],
            spelling[:at] + byte + spelling[at:],
        ):
            _assert_same_decision(edited)


_NUMBER_SPELLINGS = [
    (b"e+", b"e"),
    (b"e-0", b"e-"),
    (b".0", b""),
    (b".0,", b".00,"),
    (b"1", b"1.0"),
    (b"0.", b"0.0000"),
]


@settings(max_examples=examples(300))
@given(
    st.dictionaries(
        st.text(max_size=3),
        st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.integers(), max_size=4),
        max_size=4,
    ),
    st.sampled_from(_NUMBER_SPELLINGS),
)
def test_other_spellings_of_numbers_are_decided_as_before(
    value: dict[str, Any], change: tuple[bytes, bytes]
) -> None:
    for spelling in _spellings(value):
        _assert_same_decision(spelling.replace(*change))


def test_the_installed_orjson_passes_the_start_up_check() -> None:
    assert canonical._ORJSON_WRITES_AS_PYTHON


def test_an_orjson_writing_another_float_layout_decides_nothing(
    payload: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Say another orjson wrote 1e16 as serde_json does, "1e16" (sorted_json: "1e+16").
    class OlderOrjson:
        OPT_SORT_KEYS = orjson.OPT_SORT_KEYS
        loads = staticmethod(orjson.loads)

        @staticmethod
        def dumps(value: object, option: int = 0) -> bytes:
            return orjson.dumps(value, option=option).replace(b"e+", b"e")

    monkeypatch.setattr(canonical, "orjson", OlderOrjson)
    assert not canonical._orjson_writes_as_python()
    monkeypatch.setattr(canonical, "_ORJSON_WRITES_AS_PYTHON", False)
    assert loads_sorted_json(_python_bytes(payload)) is None
    _assert_same_decision(_python_bytes(payload))
    _assert_same_decision(b'{"a":1e16}')


_FLOATLESS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


@settings(max_examples=examples(600))
@given(_FLOATLESS)
def test_sorted_json_bytes_of_a_floatless_value_is_sorted_json(value: object) -> None:
    assert canonical.sorted_json_bytes(value) == sorted_json(value).encode("utf-8")


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, [1, {"b": 10**30}], {2: 0, 1: 1}])
def test_sorted_json_bytes_leaves_what_orjson_cannot_write_to_json(value: object) -> None:
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical.sorted_json_bytes(value) == expected.encode("utf-8")


def test_sorted_json_bytes_uses_json_alone_when_orjson_writes_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class OtherOrjson:
        JSONEncodeError = orjson.JSONEncodeError

        @staticmethod
        def dumps(value: object, option: int = 0) -> bytes:
            return b"other"

    monkeypatch.setattr(canonical, "orjson", OtherOrjson)
    monkeypatch.setattr(canonical, "_ORJSON_WRITES_AS_PYTHON", False)
    assert (
        canonical.sorted_json_bytes({"b": [1, "é"], "a": None}) == '{"a":null,"b":[1,"é"]}'.encode()
    )


def _indented(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


@settings(max_examples=examples(600))
@given(_FLOATLESS)
def test_indented_json_bytes_of_a_floatless_value_is_json_indented(value: object) -> None:
    assert canonical.indented_json_bytes(value) == _indented(value)


@pytest.mark.parametrize(
    "value",
    [{"a": [], "b": {}, "c": [{}], "d": [[]]}, {"cutoff": 1e-05}, [1e16, {"x": 0.1}], 2**70],
)
def test_indented_json_bytes_writes_empty_containers_floats_and_big_ints_as_json(
    value: object,
) -> None:
    assert canonical.indented_json_bytes(value) == _indented(value)
