"""Write an SPSS .sav file in pure Python, byte for byte as pyreadstat 1.3.8 (ReadStat) does.

The layout is ReadStat's uncompressed .sav: header, one variable record per 8-byte slot,
value labels, machine info, display (measure/width/alignment), long names, long-string
missing values, the number of cases, then the rows. Only the header's creation date and time
differ from pyreadstat's file (they are the moment of writing).

`sav_file_bytes` returns None for anything it does not reproduce exactly (very long strings,
unusual names or formats, cells of unexpected types, a big-endian machine): the caller then
writes the file with pyreadstat. Nothing here imports pandas or numpy.
"""

from __future__ import annotations

import re
import struct
import sys
import time
from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

from survey_app.importer.dataset import Table

# SPSS's system-missing value is -DBL_MAX; highest and lowest are the two doubles beside it.
SYSMIS = -sys.float_info.max
_HIGHEST = 0x7FEFFFFFFFFFFFFF
_LOWEST = 0xFFEFFFFFFFFFFFFE
_SYSMIS_BITS = 0xFFEFFFFFFFFFFFFF

_PRODUCT = b"@(#) SPSS DATA FILE - https://github.com/WizardMac/ReadStat"
_DIGITS = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_FORMAT_A = 1
_FORMAT_F = 5
_MEASURES = {"nominal": 1, "ordinal": 2, "scale": 3, "unknown": 0}
_ALIGN_LEFT = 0
_ALIGN_RIGHT = 1
_DISPLAY_WIDTH = 8

_MAX_STRING = 255  # longer strings take several segments ("very long strings"): not written here
_MAX_LABEL = 256
_MAX_VALUE_LABEL = 120
_MAX_NAME = 64

# pyreadstat and ReadStat accept more (non-ASCII letters, '@' first); those are rare enough to
# leave to pyreadstat, which also reports the names it refuses.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.$#@]*\Z")
_RESERVED = frozenset({"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO"})
_RESERVED |= {"WITH"}
_F_FORMAT = re.compile(r"F(\d{1,3})(?:\.(\d{1,2}))?\Z")

_HEADER = struct.Struct("<4s60siiiiid9s8s64s3x")
_VARIABLE = struct.Struct("<iiiiii8s")
_CONTINUATION = _VARIABLE.pack(2, -1, 0, 0, 0x011D01, 0x011D01, b" " * 8)
_INFO = struct.Struct("<iiii")


class _Column:
    """One variable as it goes into the file: its record fields and its cells as 8-byte slots."""

    __slots__ = ("format", "label", "missing", "name", "short", "slots", "storage", "width")

    def __init__(self, name: bytes, width: int, storage: int, fmt: int, slots: Any) -> None:
        self.name = name
        self.short = b""
        self.width = width  # 0 for numbers, the longest value's bytes for strings
        self.storage = storage
        self.format = fmt
        self.label = b""
        self.missing: list[bytes] = []  # each 8 bytes, as in the file
        self.slots = slots  # the column's cells, 8-byte slots one after another


def sav_file_bytes(
    table: Table,
    column_labels: Mapping[str, str | None],
    variable_value_labels: Mapping[str, Mapping[Any, str]],
    missing_ranges: Mapping[str, Sequence[Any]],
    variable_measure: Mapping[str, str],
    variable_format: Mapping[str, str],
    now: float | None = None,
) -> bytes | None:
    """The .sav bytes pyreadstat.write_sav writes for these arguments, or None if not exact.

    The arguments are pyreadstat.write_sav's of the same names (writers.sav_arguments makes
    them for both); `now` (seconds since the epoch, local time) is the header's creation
    time, the present by default.
    """
    if sys.byteorder != "little" or not table.variables:
        return None  # ReadStat writes the machine's byte order; ours is little-endian only
    count = len(table.rows)
    width = len(table.variables)
    if count and set(map(len, table.rows)) != {width}:
        return None
    cells = list(zip(*table.rows, strict=True)) if count else [()] * width
    columns = []
    for var, column_cells in zip(table.variables, cells, strict=True):
        column = _column(var.name, var.type, column_cells, variable_format.get(var.name))
        if column is None or not _describe(
            column, var.name, var.type, column_labels, missing_ranges
        ):
            return None
        columns.append(column)
    if len({c.name for c in columns}) != len(columns):
        return None
    value_label_sets = []
    # Many items share one scale: each distinct set of labels is encoded once. The key is the
    # repr, which tells 1 from 1.0 and True, and 0.0 from -0.0 (equal as dict keys).
    known: dict[str, list[bytes] | None] = {}
    for var, column in zip(table.variables, columns, strict=True):
        mapping = variable_value_labels.get(var.name)
        if mapping:
            if var.type != "numeric" or not isinstance(mapping, Mapping):
                return None
            items = tuple(mapping.items())
            key = repr(items)
            if key not in known:
                known[key] = _value_labels(items)
            encoded = known[key]
            if encoded is None:
                return None
            value_label_sets.append((column, encoded))
    measures = []
    for var in table.variables:
        chosen = variable_measure.get(var.name)
        if chosen and chosen not in _MEASURES:
            return None
        measures.append(_MEASURES[chosen] if chosen else 0)
    _short_names(columns)
    parts: list[bytes] = [_header(columns, count, now)]
    parts += _variable_records(columns)
    parts += _value_label_records(columns, value_label_sets)
    parts += _info_records(columns, measures, count)
    parts.append(_data(columns, count))
    return b"".join(parts)


def _column(name: str, kind: str, cells: Sequence[Any], fmt: str | None) -> _Column | None:
    try:
        encoded_name = name.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if not _NAME.match(name) or len(encoded_name) > _MAX_NAME or name in _RESERVED:
        return None
    if kind == "numeric":
        numbers = _numbers(cells)
        code = _numeric_format(fmt)
        if numbers is None or code is None:
            return None
        return _Column(encoded_name, 0, 8, code, numbers)
    if kind != "string" or fmt:
        return None
    strings = _strings(cells)
    if strings is None:
        return None
    longest, storage, data = strings
    return _Column(encoded_name, longest, storage, (_FORMAT_A << 16) | (longest << 8), data)


def _numbers(cells: Sequence[Any]) -> bytes | None:
    # The whole column in one struct call: most columns hold whole numbers and nothing else.
    pack = struct.Struct(f"<{len(cells)}d").pack
    try:
        data = pack(*cells)
        total = sum(cells)
        if total == total:  # no NaN (a NaN, or inf and -inf, make the sum NaN)
            return data
    except (struct.error, TypeError, OverflowError):
        pass
    # None and NaN are both system missing (pandas reads both as NaN).
    try:
        return pack(*[SYSMIS if c is None or c != c else c for c in cells])
    except (struct.error, TypeError, OverflowError):
        return None  # pyreadstat's float() would take numeric strings and the like


def _strings(cells: Sequence[Any]) -> tuple[int, int, bytes] | None:
    distinct = set(cells)
    if len(distinct) * 4 > len(cells):
        # Mostly distinct values (ids, times): when one character is one byte, the column is
        # padded as text and encoded at once.
        try:
            text = "".join(cells)
        except TypeError:
            text = ""  # a None: by distinct value below
        if text and text.isascii() and "\0" not in text:
            longest = max(map(len, cells))
            if longest > _MAX_STRING:
                return None
            storage = (longest + 7) // 8 * 8
            padded = "".join(map(str.ljust, cells, repeat(storage)))
            return longest, storage, padded.encode("ascii")
    # Answers repeat (codes, languages, arms): each distinct value is encoded once.
    encoded: dict[Any, bytes] = {}
    for value in distinct:
        if value is None:
            data = b""
        elif type(value) is str:
            try:
                data = value.encode("utf-8")
            except UnicodeEncodeError:
                return None
            if b"\0" in data:
                return None  # ReadStat would cut the value at the NUL
        else:
            return None
        encoded[value] = data
    longest = max(map(len, encoded.values()), default=1) or 1
    if longest > _MAX_STRING:
        return None
    storage = (longest + 7) // 8 * 8
    padded_values = {value: data.ljust(storage, b" ") for value, data in encoded.items()}
    if len(padded_values) == 1:
        return longest, storage, padded_values.popitem()[1] * len(cells)
    return longest, storage, b"".join(map(padded_values.__getitem__, cells))


def _numeric_format(fmt: str | None) -> int | None:
    if not fmt:
        return (_FORMAT_F << 16) | (8 << 8) | 2  # ReadStat's default for doubles: F8.2
    match = _F_FORMAT.match(fmt)
    if not match:
        return None
    width, decimals = int(match[1]), int(match[2] or 0)
    if not 1 <= width <= 40 or decimals > 16:
        return None
    return (_FORMAT_F << 16) | (width << 8) | decimals


def _describe(
    column: _Column,
    name: str,
    kind: str,
    labels: Mapping[str, str | None],
    missing: Mapping[str, Sequence[Any]],
) -> bool:
    label = labels.get(name)
    if label is not None:
        if type(label) is not str:
            return False
        try:
            column.label = label.encode("utf-8")
        except UnicodeEncodeError:
            return False
        if b"\0" in column.label:
            return False
    values = missing.get(name)
    if values:
        if not isinstance(values, list) or len(values) > 3:
            return False
        for value in values:
            if kind == "numeric" and type(value) in (int, float):
                column.missing.append(_double_bits(float(value)).to_bytes(8, "little"))
            elif kind == "string" and type(value) is str:
                try:
                    data = value.encode("utf-8")
                except UnicodeEncodeError:
                    return False
                if len(value) > 8 or len(data) > 8 or not data or b"\0" in data:
                    return False
                column.missing.append(data.ljust(8, b" "))
            else:
                return False
    return True


def _double_bits(value: float) -> int:
    if value != value:
        return _SYSMIS_BITS
    if value == float("inf"):
        return _HIGHEST
    if value == float("-inf"):
        return _LOWEST
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def _value_labels(items: tuple[tuple[Any, Any], ...]) -> list[bytes] | None:
    records = []
    for value, text in items:
        if type(value) not in (int, float) or type(text) is not str:
            return None
        try:
            data = text.encode("utf-8")
            key = struct.pack("<d", value)
        except (UnicodeEncodeError, OverflowError):
            return None
        if b"\0" in data:
            return None
        data = _cut(data, _MAX_VALUE_LABEL)
        size = (len(data) + 1 + 7) // 8 * 8 - 1
        records.append(key + bytes((len(data),)) + data.ljust(size, b" "))
    return records


def _cut(data: bytes, limit: int) -> bytes:
    # ReadStat shortens a label to `limit` bytes without splitting a UTF-8 character.
    if len(data) <= limit:
        return data
    while limit and data[limit] & 0xC0 == 0x80:
        limit -= 1
    return data[:limit]


def _short_names(columns: list[_Column]) -> None:
    # The 8-byte name of each variable record: the long name's first 8 bytes upper-cased; when
    # an earlier variable has that already, V1, V2, ... (a counter in base 36) not yet taken.
    taken: set[bytes] = set()
    counter = 0
    for column in columns:
        short = column.name[:8].upper()
        while short in taken:
            counter += 1
            short = b"V" + _base36(counter)
        taken.add(short)
        column.short = short


def _base36(number: int) -> bytes:
    digits = b""
    while number:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit : digit + 1] + digits
    return digits


def _header(columns: list[_Column], count: int, now: float | None) -> bytes:
    moment = time.localtime(now)
    created = f"{moment.tm_mday % 100:02d} {_MONTHS[moment.tm_mon - 1]} {moment.tm_year % 100:02d}"
    clock = f"{moment.tm_hour:02d}:{moment.tm_min:02d}:{moment.tm_sec % 100:02d}"
    slots = sum(c.storage for c in columns) // 8
    return _HEADER.pack(
        b"$FL2",
        _PRODUCT.ljust(60, b" "),
        2,
        slots,
        0,
        0,
        count,
        100.0,
        created.encode("ascii"),
        clock.encode("ascii"),
        b" " * 64,
    )


def _variable_records(columns: list[_Column]) -> list[bytes]:
    parts = []
    for column in columns:
        short_missing = column.storage <= 8
        n_missing = len(column.missing) if short_missing else 0
        parts.append(
            _VARIABLE.pack(
                2,
                column.width,
                1 if column.label else 0,
                n_missing,
                column.format,
                column.format,
                column.short.ljust(8, b" "),
            )
        )
        if column.label:
            label = _cut(column.label, _MAX_LABEL)
            parts.append(struct.pack("<I", len(label)))
            parts.append(label.ljust((len(label) + 3) // 4 * 4, b" "))
        if n_missing:
            parts.extend(column.missing)
        parts.append(_CONTINUATION * (column.storage // 8 - 1))
    return parts


def _value_label_records(
    columns: list[_Column], label_sets: list[tuple[_Column, list[bytes]]]
) -> list[bytes]:
    offsets = {}
    slot = 0
    for column in columns:
        offsets[id(column)] = slot
        slot += column.storage // 8
    parts = []
    for column, records in label_sets:
        parts.append(struct.pack("<ii", 3, len(records)))
        parts.extend(records)
        parts.append(struct.pack("<iii", 4, 1, offsets[id(column)] + 1))
    return parts


def _info_records(columns: list[_Column], measures: list[int], count: int) -> list[bytes]:
    parts = [
        _INFO.pack(7, 3, 4, 8),
        struct.pack("<8i", 20, 0, 0, -1, 1, 1, 2, 65001),
        _INFO.pack(7, 4, 8, 3),
        struct.pack("<3Q", _SYSMIS_BITS, _HIGHEST, _LOWEST),
        _INFO.pack(7, 20, 1, 5),
        b"UTF-8",
        _INFO.pack(7, 11, 4, 3 * len(columns)),
    ]
    display = []
    for column, chosen in zip(columns, measures, strict=True):
        align = _ALIGN_RIGHT if column.width == 0 else _ALIGN_LEFT
        display += (chosen, _DISPLAY_WIDTH, align)
    parts.append(struct.pack(f"<{len(display)}i", *display))
    names = b"\t".join(c.short + b"=" + c.name for c in columns)
    parts += [_INFO.pack(7, 13, 1, len(names)), names]
    long_missing = [
        struct.pack("<i", len(c.name)) + c.name + struct.pack("<bi", len(c.missing), 8)
        + b"".join(c.missing)
        for c in columns
        if c.storage > 8 and c.missing
    ]  # fmt: skip
    if long_missing:
        body = b"".join(long_missing)
        parts += [_INFO.pack(7, 22, 1, len(body)), body]
    parts += [_INFO.pack(7, 16, 8, 2), struct.pack("<qq", 1, count), struct.pack("<ii", 999, 0)]
    return parts


def _data(columns: list[_Column], count: int) -> bytearray:
    # Row-major cells, written column by column through a view of 8-byte slots: slot k of
    # every row is view[k::slots], so each column is one strided copy, not one per cell.
    slots = sum(c.storage for c in columns) // 8
    data = bytearray(count * slots * 8)
    if not count:
        return data
    view = memoryview(data).cast("Q")
    first = 0
    for column in columns:
        cells = memoryview(column.slots).cast("Q")
        span = column.storage // 8
        if span == 1:
            view[first::slots] = cells
        else:
            for part in range(span):
                view[first + part :: slots] = cells[part::span]
        first += span
    return data
