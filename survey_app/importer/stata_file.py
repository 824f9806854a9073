"""Stata .dta (release 119, UTF-8) bytes written directly: the same bytes as pyreadstat 1.3.8.

pyreadstat needs pandas, a temporary file and ~0.1 s per table; this writes what readstat
writes for the tables the importer makes: double columns (system missing ".", extended missing
.a-.z), str1-str2044 columns, variable labels and value labels. A case it does not reproduce
exactly (long strings readstat writes as strL, names or labels readstat refuses or cuts, NaN,
numbers readstat refuses, cells of unexpected types) gives None, and the caller falls back to
pyreadstat. Only the header's time stamp differs (it is the time of writing).
"""

from __future__ import annotations

import re
import struct
import time
from collections.abc import Mapping, Sequence
from itertools import chain, compress, cycle, filterfalse
from operator import itemgetter
from typing import Any

from survey_app.importer.dataset import Table

RELEASE = 119
# readstat writes a column with a string of 2045 bytes or more as strL: not done here.
MAX_STRING_BYTES = 2044
MAX_VARIABLES = 32767
_NAME_BYTES = 129  # variable, value-label and label-set names, NUL-padded
_FORMAT_BYTES = 57
_LABEL_BYTES = 321
_DOUBLE_TYPE = 0xFFF6
# readstat's formats when none is given (its default display widths).
_DOUBLE_FORMAT = b"%10.0g".ljust(_FORMAT_BYTES, b"\0")
_STRING_FORMAT = b"%-9s".ljust(_FORMAT_BYTES, b"\0")
# A double of 2**1023 or more is one of Stata's missing values: "." is 2**1023 itself, .a-.z
# follow (bits 0x7FE0_0000_0000_0000 + (1 + letter) << 40); readstat refuses such numbers
# (and their negatives).
_SYSTEM_MISSING_BITS = 0x7FE0_0000_0000_0000
_TOO_LARGE = 2.0**1023
_MISSING_INT32_A = 0x7FFF_FFE6  # the value-label value of .a; .b is the next, and so on
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Names readstat (release 118+) and pyreadstat both take; non-ASCII ones are left to them.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_STR_TYPE_NAME = re.compile(r"str[+-]?[0-9]")
_RESERVED = frozenset(
    ("_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long",
     "_n", "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with")
)  # fmt: skip
_U32 = struct.Struct("<I")
_TYPES = struct.Struct("<H")
_U64 = struct.Struct("<Q")
_DOUBLE = struct.Struct("<d")
# Packing this where a double belongs fails (struct.error): a code the column does not declare.
_UNDECLARED = object()
# 1 for a double's last byte that is 0x7F or 0xFF (large, infinite, NaN or missing), else 0.
_HIGH_BYTES = bytes(int(b in (0x7F, 0xFF)) for b in range(256))


def missing_double(letter: str = "") -> float:
    """The double whose bits are Stata's "." (no letter) or extended missing .a-.z."""
    offset = (ord(letter) - ord("a") + 1) << 40 if letter else 0
    return _DOUBLE.unpack(_U64.pack(_SYSTEM_MISSING_BITS + offset))[0]


_SYSTEM_MISSING = missing_double()
_EXTENDED_MISSING = {letter: missing_double(letter) for letter in "abcdefghijklmnopqrstuvwxyz"}


def dta_file_bytes(
    table: Table,
    column_labels: Mapping[str, str | None],
    variable_value_labels: Mapping[str, Mapping[Any, str]],
    missing_user_values: Mapping[str, Sequence[str]],
    missing_tags: Mapping[int, str],
    now: float | None = None,
) -> bytes | None:
    """The .dta bytes pyreadstat.write_dta would write for the table, or None if not sure.

    The labels and missing letters mean what pyreadstat.write_dta's arguments of the same
    names mean. `missing_tags`: code -> letter of the codes that pyreadstat is given as their
    letter in the columns that have missing_user_values (a code whose letter a column does not
    declare gives None); `now`: the time stamp (seconds since the epoch, written in local
    time as readstat does), by default the time of the call.
    """
    try:
        return _dta_file_bytes(
            table, column_labels, variable_value_labels, missing_user_values, missing_tags, now
        )
    except (struct.error, TypeError, ValueError, ArithmeticError, LookupError, AttributeError):
        return None


def _dta_file_bytes(
    table: Table,
    column_labels: Mapping[str, str | None],
    variable_value_labels: Mapping[str, Mapping[Any, str]],
    missing_user_values: Mapping[str, Sequence[str]],
    missing_tags: Mapping[int, str],
    now: float | None,
) -> bytes | None:
    names, rows = table.columns, table.rows
    nvar, nobs = len(names), len(rows)
    if not 0 < nvar <= MAX_VARIABLES or len(set(names)) != nvar:
        return None
    if not all(map(_name_ok, names)) or not set(map(len, rows)) <= {nvar}:
        return None
    if not {*variable_value_labels, *missing_user_values} <= set(names):
        return None
    for letters in missing_user_values.values():
        # pyreadstat takes a list of letters a-z only
        if type(letters) is not list or not set(letters) <= _EXTENDED_MISSING.keys():
            return None
    # Per column: what its cells become (a dict: cell -> value to pack, else the cell
    # itself) and its width (0: a double).
    translations: list[dict[Any, Any]] = []
    widths: list[int] = []
    for index, var in enumerate(table.variables):
        letters = missing_user_values.get(var.name)
        if var.type == "string":
            if letters or var.name in variable_value_labels:
                return None
            encoded = _strings(list(map(itemgetter(index), rows)))
            if encoded is None:
                return None
            width = max(map(len, encoded.values()), default=0)
            if width > MAX_STRING_BYTES:
                return None
            translations.append(encoded)
            widths.append(max(width, 1))  # str1 at least, even with no rows
        elif var.type == "numeric":
            translate: dict[Any, Any] = {None: _SYSTEM_MISSING}
            for code, letter in missing_tags.items() if letters else ():
                translate[code] = _EXTENDED_MISSING[letter] if letter in letters else _UNDECLARED
            translations.append(translate)
            widths.append(0)
        else:
            return None
    label_sets = _label_sets(names, variable_value_labels, missing_user_values)
    variable_labels = _variable_labels(names, column_labels)
    if label_sets is None or variable_labels is None:
        return None

    record = struct.Struct("<" + "".join(f"{w}s" if w else "d" for w in widths))
    # Row by row, every cell through its column's dict: ~35 ns a cell, no call of ours.
    cells = map(dict.get, cycle(translations), chain.from_iterable(rows), chain.from_iterable(rows))
    data = b"".join(map(record.pack, *[cells] * nvar)) if nobs else b""
    if len(data) != record.size * nobs or not _doubles_ok(data, rows, widths, translations):
        return None

    header = b"".join(
        (
            b"<stata_dta><header><release>%d</release><byteorder>LSF</byteorder>" % RELEASE,
            b"<K>", _U32.pack(nvar), b"</K><N>", _U64.pack(nobs), b"</N>",
            b"<label>\0\0</label><timestamp>\x11", _timestamp(now), b"</timestamp></header>",
        )
    )  # fmt: skip
    set_names = {name: set_name for set_name, name, _ in label_sets}
    value_labels = b"".join(
        b"<lbl>%s%s%s</lbl>"
        % (struct.pack("<i", len(body)), set_name.ljust(_NAME_BYTES + 3, b"\0"), body)
        for set_name, _, body in label_sets
    )
    # Each as the map counts it, from its opening tag to the end of its closing tag; the data
    # apart, so that its bytes are copied once, into the file.
    sections = (
        b"<map>" + bytes(14 * 8) + b"</map>",  # the map itself, filled in below
        _tagged(b"variable_types", b"".join(_TYPES.pack(w or _DOUBLE_TYPE) for w in widths)),
        _tagged(b"varnames", b"".join(n.encode().ljust(_NAME_BYTES, b"\0") for n in names)),
        _tagged(b"sortlist", bytes(4 * (nvar + 1))),  # release 119: 4 bytes a variable, +1
        _tagged(b"formats", b"".join(_STRING_FORMAT if w else _DOUBLE_FORMAT for w in widths)),
        _tagged(
            b"value_label_names",
            b"".join(set_names.get(n, b"").ljust(_NAME_BYTES, b"\0") for n in names),
        ),
        _tagged(
            b"variable_labels", b"".join(t.ljust(_LABEL_BYTES, b"\0") for t in variable_labels)
        ),
        b"<characteristics></characteristics>",
    )
    tail = (
        b"<strls></strls>",
        _tagged(b"value_labels", value_labels),
        b"</stata_dta>",
    )
    offsets = [0, len(header)]
    for length in (*map(len, sections), len(b"<data></data>") + len(data), *map(len, tail)):
        offsets.append(offsets[-1] + length)
    map_section = b"<map>" + struct.pack("<14Q", *offsets) + b"</map>"
    return b"".join((header, map_section, *sections[1:], b"<data>", data, b"</data>", *tail))


def _tagged(tag: bytes, body: bytes) -> bytes:
    return b"<%s>%s</%s>" % (tag, body, tag)


def _name_ok(name: str) -> bool:
    return (
        len(name) < _NAME_BYTES - 8  # and room for the label set's number
        and _NAME.match(name) is not None
        and name not in _RESERVED
        and _STR_TYPE_NAME.match(name) is None
    )


def _strings(column: list[Any]) -> dict[Any, bytes] | None:
    # pyreadstat is given None as "" and writes each string's UTF-8 bytes, NUL-padded. Any
    # other cell fails: no encode() (AttributeError), or packed as bytes (struct.error).
    encoded = {text: text.encode("utf-8") for text in set(column) if text}
    encoded[None] = encoded[""] = b""
    if b"\0" in b"".join(encoded.values()):  # readstat's strings end at a NUL
        return None
    return encoded


def _doubles_ok(
    data: bytes, rows: Sequence[Sequence[Any]], widths: list[int], translations: list[dict]
) -> bool:
    """No NaN, no infinity and no number of 2**1023 or more (either sign) among the doubles.

    Such a double ends in 0x7F or 0xFF, as the missing values do: only the cells of those
    rows are looked at, and only those that did not become missing values.
    """
    size, offset = sum(w or 8 for w in widths), 0
    for column, (width, translate) in enumerate(zip(widths, translations, strict=True)):
        if width:
            offset += width
            continue
        last = data[offset + 7 :: size]
        offset += 8
        if 0x7F not in last and 0xFF not in last:
            continue
        cells = map(itemgetter(column), compress(rows, last.translate(_HIGH_BYTES)))
        for cell in filterfalse(translate.__contains__, cells):
            if not -_TOO_LARGE < float(cell) < _TOO_LARGE:
                return False  # pandas would write NaN as missing, readstat refuses the rest
    return True


def _variable_labels(
    names: Sequence[str], column_labels: Mapping[str, str | None]
) -> list[bytes] | None:
    labels = []
    for name in names:
        text = column_labels.get(name)
        if text is None:
            labels.append(b"")
            continue
        if type(text) is not str:
            return None
        encoded = text.encode("utf-8")
        if len(encoded) >= _LABEL_BYTES or b"\0" in encoded:
            return None
        labels.append(encoded)
    return labels


def _label_sets(
    names: Sequence[str],
    variable_value_labels: Mapping[str, Mapping[Any, str]],
    missing_user_values: Mapping[str, Sequence[str]],
) -> list[tuple[bytes, str, bytes]] | None:
    """(label set's name, variable, the table after its name) of each labelled variable."""
    sets: list[tuple[bytes, str, bytes]] = []
    tables: dict[tuple, bytes | None] = {}  # many variables share one scale's labels
    for name in names:
        mapping = variable_value_labels.get(name)
        if not mapping:
            continue
        letters = tuple(missing_user_values.get(name) or ())
        # Types too: 1, 1.0 and True are equal keys, and a bool is refused.
        key = (letters, *((type(k), k, type(v), v) for k, v in mapping.items()))
        if key not in tables:
            tables[key] = _label_table(mapping, letters)
        table = tables[key]
        if table is None:
            return None
        sets.append((f"{name}{len(sets)}".encode(), name, table))
    return sets


def _label_table(mapping: Mapping[Any, str], letters: Sequence[str]) -> bytes | None:
    numbers: dict[int, bytes] = {}
    tagged: dict[str, bytes] = {}
    for value, text in mapping.items():
        if type(text) is not str:
            return None
        encoded = text.encode("utf-8")
        if b"\0" in encoded:
            return None
        if type(value) is str and value in letters:
            tagged[value] = encoded
        elif type(value) in (int, float) and value == int(value) and abs(value) < 2**30:
            if int(value) in numbers:
                return None
            numbers[int(value)] = encoded
        else:
            return None
    # readstat sorts the numbers, then the letters after them.
    entries = [(key, numbers[key]) for key in sorted(numbers)]
    entries += [(_MISSING_INT32_A + ord(t) - ord("a"), tagged[t]) for t in sorted(tagged)]
    starts, text_len = [], 0
    for _, encoded in entries:
        starts.append(text_len)
        text_len += len(encoded) + 1
    count = len(entries)
    return struct.pack(
        f"<2i{2 * count}i", count, text_len, *starts, *(key for key, _ in entries)
    ) + b"".join(encoded + b"\0" for _, encoded in entries)


def _timestamp(now: float | None) -> bytes:
    t = time.localtime(time.time() if now is None else now)
    month = _MONTHS[t.tm_mon - 1]
    return f"{t.tm_mday:02d} {month} {t.tm_year:04d} {t.tm_hour:02d}:{t.tm_min:02d}".encode()
