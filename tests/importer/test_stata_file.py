"""The .dta writer of stata_file writes pyreadstat's bytes (all but the time stamp), or None.

Every comparison is with pyreadstat 1.3.8 itself, given what writers.dta_bytes gives it when
it falls back: the DEMO study's real tables in every label language, edge cases, and random
small tables. Synthetic data only.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.codebook import Variable
from survey_app.codebook.model import ValueLabel
from survey_app.importer import writers
from survey_app.importer.dataset import Table
from survey_app.importer.stata_file import dta_file_bytes, missing_double
from tests.properties import examples

from .demo_tables import demo_tables

LANGUAGES = ("en", "nb", "ar")
TIMESTAMP = len(b"<stata_dta><header><release>119</release><byteorder>LSF</byteorder><K>")
TIMESTAMP += 4 + len(b"</K><N>") + 8 + len(b"</N><label>") + 2 + len(b"</label><timestamp>") + 1
YES_NO = (ValueLabel(1, {"en": "Yes", "ar": "نعم"}), ValueLabel(0, {"en": "No", "ar": "لا"}))


def native(table: Table, language: str = "en", now: float | None = None) -> bytes | None:
    arguments = writers.dta_arguments(table, language)
    return dta_file_bytes(table, missing_tags=writers.STATA_MISSING, now=now, **arguments)


def by_pyreadstat(table: Table, language: str, folder: Path) -> bytes:
    """What pyreadstat writes, as dta_bytes has it write when the native writer declines."""
    return writers.dta_bytes_pyreadstat(table, writers.dta_arguments(table, language), folder)


def without_time_stamp(data: bytes) -> bytes:
    assert data[TIMESTAMP - 12 : TIMESTAMP] == b"<timestamp>\x11"
    return data[:TIMESTAMP] + bytes(17) + data[TIMESTAMP + 17 :]


def assert_same_as_pyreadstat(table: Table, language: str, folder: Path) -> bytes:
    data = native(table, language)
    assert data is not None
    assert without_time_stamp(data) == without_time_stamp(by_pyreadstat(table, language, folder))
    return data


def numeric(name: str, **fields) -> Variable:
    return Variable(name, {"en": name.title()}, "numeric", "item", **fields)


def string(name: str) -> Variable:
    return Variable(name, {"en": name.title()}, "string", "item")


@pytest.fixture(scope="module")
def tables() -> list[Table]:
    return demo_tables(300)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_demo_tables_are_pyreadstats_bytes(
    tables: list[Table], language: str, tmp_path: Path
) -> None:
    assert {t.name for t in tables} >= {"baseline", "baseline-free-text", "followup-12m"}
    for table in tables:
        assert_same_as_pyreadstat(table, language, tmp_path)


def test_the_demo_tables_hold_every_missing_code(tables: list[Table]) -> None:
    """So that the comparison above covers .a, .b and system missing (.c: the DEMO forms skip
    no item; see the edge cases below and test_form_logic_import)."""
    cells = {cell for table in tables for row in table.rows for cell in row}
    assert {-7, -9, None} <= cells
    assert any(isinstance(cell, float) and not cell.is_integer() for cell in cells)


def test_arabic_labels_are_cut_at_80_bytes_as_pyreadstat_is_given_them(tmp_path: Path) -> None:
    var = Variable("q1", {"en": "Q", "ar": "سؤال طويل جدا " * 12}, "numeric", "item")
    table = Table("t", (var,), ((1,), (None,)))
    data = assert_same_as_pyreadstat(table, "ar", tmp_path)
    path = tmp_path / "native.dta"
    path.write_bytes(data)
    _, meta = pyreadstat.read_dta(str(path))
    label = meta.column_names_to_labels["q1"]
    assert len(label.encode("utf-8")) <= 80 and label.endswith("…")


def test_a_table_without_rows(tmp_path: Path) -> None:
    variables = (string("code"), numeric("q1", missing_codes=(-7, -9), value_labels=YES_NO))
    assert_same_as_pyreadstat(Table("t", variables, ()), "en", tmp_path)


def test_columns_of_nothing_but_none(tmp_path: Path) -> None:
    variables = (string("note"), numeric("score"), numeric("q1", missing_codes=(-7, -8, -9)))
    assert_same_as_pyreadstat(Table("t", variables, ((None, None, None),) * 3), "en", tmp_path)


def test_columns_of_nothing_but_extended_missing(tmp_path: Path) -> None:
    variables = (numeric("q1", missing_codes=(-7, -8, -9)), numeric("q2", missing_codes=(-9,)))
    rows = ((-7, -9), (-8, -9), (-9, -9))
    assert_same_as_pyreadstat(Table("t", variables, rows), "en", tmp_path)


def test_empty_strings_and_multibyte_text(tmp_path: Path) -> None:
    variables = (string("note"), string("other"))
    rows = (("", ""), ("نص تجريبي", ""), (None, ""), ("x" * 2044, "æøå"))
    assert_same_as_pyreadstat(Table("t", variables, rows), "en", tmp_path)


def test_value_labels_of_numbers_and_of_extended_missing(tmp_path: Path) -> None:
    labels = (*YES_NO, ValueLabel(-3, {"en": ""}), ValueLabel(1000, {"en": "x" * 300}))
    variables = (
        numeric("q1", missing_codes=(-7, -8, -9), value_labels=labels),
        numeric("q2", value_labels=YES_NO),
        numeric("q3", missing_codes=(-9,)),
    )
    rows = ((1, 0, -9), (-7, 1, 2), (-8, None, None), (1000, -7, -9))
    for language in LANGUAGES:
        assert_same_as_pyreadstat(Table("t", variables, rows), language, tmp_path)


def test_decimals_and_extreme_numbers(tmp_path: Path) -> None:
    variables = (numeric("score", decimals=2), numeric("q1", missing_codes=(-7, -9)))
    rows = (
        (1 / 3, 2.5),
        (-0.0, -7.0),
        (8.98e307, 1e-300),
        (-8.98e307, -1e-300),
        (2**53 + 1, True),
        (-5, None),
    )
    assert_same_as_pyreadstat(Table("t", variables, rows), "en", tmp_path)


def test_the_time_stamp_is_the_given_time_in_local_time() -> None:
    now = time.mktime((2026, 3, 7, 9, 5, 0, 0, 0, -1))
    data = native(Table("t", (numeric("q1"),), ((1,),)), now=now)
    assert data is not None
    assert data[TIMESTAMP : TIMESTAMP + 17] == b"07 Mar 2026 09:05"


def test_pyreadstat_reads_the_values_labels_and_missing_values_back(tmp_path: Path) -> None:
    variables = (
        string("code"),
        numeric("q1", missing_codes=(-7, -8, -9), value_labels=YES_NO),
        numeric("score", decimals=1),
    )
    rows = (("P1", 1, 2.5), ("P2", -7, None), ("P3", -8, 0.0), (None, -9, -1.5))
    path = tmp_path / "native.dta"
    path.write_bytes(native(Table("t", variables, rows), "ar") or b"")
    frame, meta = pyreadstat.read_dta(str(path), user_missing=True)
    assert list(frame["code"]) == ["P1", "P2", "P3", ""]
    assert list(frame["q1"]) == [1.0, "a", "c", "b"]
    assert frame["score"].tolist()[0] == 2.5 and math.isnan(frame["score"][1])
    assert meta.column_names_to_labels == {"code": "Code", "q1": "Q1", "score": "Score"}
    assert meta.variable_value_labels["q1"][1.0] == "نعم"
    assert set(meta.variable_value_labels["q1"]) == {0.0, 1.0, "a", "b", "c"}
    assert meta.missing_user_values == {"q1": ["a", "b", "c"]}


@pytest.mark.parametrize(
    ("variables", "rows"),
    [
        pytest.param((string("note"),), (("x" * 2045,),), id="strL"),
        pytest.param((string("note"),), (("a\0b",),), id="NUL in a string"),
        pytest.param((string("note"),), ((7,),), id="a number in a string column"),
        pytest.param((numeric("q1"),), ((math.nan,),), id="NaN"),
        pytest.param((numeric("q1"),), ((math.inf,),), id="infinity"),
        pytest.param((numeric("q1"),), ((1e308,),), id="number readstat refuses"),
        pytest.param((numeric("q1"),), ((-1e308,),), id="negative number readstat refuses"),
        pytest.param((numeric("q1"),), ((-math.inf,),), id="negative infinity"),
        pytest.param((numeric("q1"),), ((missing_double(),),), id="a missing value's double"),
        pytest.param((numeric("q1"),), ((10**400,),), id="huge integer"),
        pytest.param((numeric("q1"),), (("3",),), id="text in a numeric column"),
        pytest.param((numeric("q1", missing_codes=(-9,)),), ((-7,),), id="undeclared code"),
        pytest.param((numeric("in"),), ((1,),), id="reserved name"),
        pytest.param((numeric("str5"),), ((1,),), id="type name"),
        pytest.param((numeric("1abc"),), ((1,),), id="leading digit"),
        pytest.param((numeric("q1", value_labels=(ValueLabel(1.5, {"en": "x"}),)),), ((1,),)),
    ],
)
def test_what_is_not_reproduced_gives_none(variables, rows) -> None:
    assert native(Table("t", variables, rows)) is None


def test_a_label_readstat_would_cut_gives_none() -> None:
    table = Table("t", (numeric("q1"),), ((1,),))
    labels = {"column_labels": {"q1": "x" * 321}, "variable_value_labels": {}}
    assert dta_file_bytes(table, missing_user_values={}, missing_tags={}, **labels) is None
    labels["column_labels"] = {"q1": "x" * 320}
    assert dta_file_bytes(table, missing_user_values={}, missing_tags={}, **labels)


@pytest.mark.parametrize("letters", [["A"], ("a",), ["ab"]])
def test_missing_letters_pyreadstat_refuses_give_none(letters) -> None:
    table = Table("t", (numeric("q1"),), ((1,),))
    arguments = {"column_labels": {}, "variable_value_labels": {}}
    missing = {"q1": letters}
    assert dta_file_bytes(table, missing_user_values=missing, missing_tags={}, **arguments) is None


def test_what_is_not_reproduced_is_still_written_by_pyreadstat(tmp_path: Path) -> None:
    variables = (string("note"), numeric("q1", missing_codes=(-7, -9)))
    rows = (("x" * 3000, 1), ("short", -9))
    table = Table("t", variables, rows)
    assert native(table) is None
    path = tmp_path / "t.dta"
    path.write_bytes(writers.dta_bytes(table, "en", tmp_path))
    frame, _ = pyreadstat.read_dta(str(path), user_missing=True)
    assert list(frame["note"]) == ["x" * 3000, "short"]
    assert list(frame["q1"]) == [1.0, "b"]
    assert [p.name for p in tmp_path.iterdir()] == ["t.dta"]  # no temporary file left


def test_dta_bytes_gives_the_native_bytes_when_it_can(tmp_path: Path) -> None:
    table = Table("t", (numeric("q1"),), ((1,),))
    data = writers.dta_bytes(table, "en", tmp_path)
    assert without_time_stamp(data) == without_time_stamp(native(table) or b"")
    assert list(tmp_path.iterdir()) == []


# Random small tables: names are valid, texts hold no NUL (those give None, above).
TEXT = st.text(st.characters(exclude_characters="\0", exclude_categories=("Cs",)), max_size=12)
NUMBER = st.one_of(
    st.integers(-10, 10),
    st.integers(-(2**60), 2**60),
    st.floats(-1e300, 1e300, allow_nan=False),
    st.none(),
)


@st.composite
def small_tables(draw: st.DrawFn) -> Table:
    variables = []
    for index in range(draw(st.integers(1, 6))):
        name = f"v{index}"
        label = {"en": draw(TEXT), "ar": draw(TEXT)}
        if draw(st.booleans()):
            variables.append(Variable(name, label, "string", "item"))
            continue
        codes = tuple(sorted(draw(st.sets(st.sampled_from((-7, -8, -9))))))
        keys = draw(st.sets(st.integers(-5, 30), max_size=4))
        values = tuple(ValueLabel(k, {"en": draw(TEXT)}) for k in sorted(keys))
        variables.append(Variable(name, label, "numeric", "item", "nominal", values, codes))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = []
        for var in variables:
            if var.type == "string":
                row.append(draw(st.one_of(TEXT, st.none())))
            elif var.missing_codes:
                # A missing code the column does not declare gives None (tested above).
                number = NUMBER.filter(lambda n: n not in (-7, -8, -9))
                row.append(draw(st.one_of(number, st.sampled_from(var.missing_codes))))
            else:
                row.append(draw(NUMBER))
        rows.append(tuple(row))
    return Table("t", tuple(variables), tuple(rows))


def test_random_small_tables_are_pyreadstats_bytes(tmp_path: Path) -> None:
    @settings(max_examples=examples(200))
    @given(small_tables(), st.sampled_from(("en", "ar")))
    def check(table: Table, language: str) -> None:
        assert_same_as_pyreadstat(table, language, tmp_path)

    check()
