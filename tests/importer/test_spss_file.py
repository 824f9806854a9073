"""The native .sav writer gives pyreadstat's bytes (all but the creation time), or declines.

Every comparison writes the same table with the same arguments both ways: natively
(survey_app.importer.spss_file) and by pyreadstat 1.3.8 (writers.sav_bytes_pyreadstat, the
fallback), then compares the files byte for byte with the header's creation date and time
(17 bytes) blanked out. The tables are the DEMO study's real import tables in every label
language, hand-made edge cases and Hypothesis's random small tables.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.bundle.from_store import export_store
from survey_app.cli.main import main
from survey_app.codebook import Variable, build_codebook
from survey_app.codebook.model import ValueLabel
from survey_app.importer import writers
from survey_app.importer.dataset import Table, build_tables
from survey_app.importer.outputs import make_scorer
from survey_app.importer.record import ImportRecord
from survey_app.importer.spss_file import sav_file_bytes
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_study_dir, load_study
from survey_app.study.demo import DEMO_PASSPHRASE, demo_private_key_path
from tests.kdf import FAST_KDF
from tests.properties import examples

# The header's creation_date (9 bytes) and creation_time (8 bytes), after rec_type, the
# product name, five int32 fields and the bias.
STAMP = slice(92, 109)
LANGUAGES = ("en", "nb", "ar")


def masked(data: bytes) -> bytes:
    return data[: STAMP.start] + b"\0" * (STAMP.stop - STAMP.start) + data[STAMP.stop :]


def native(table: Table, arguments: dict[str, Any]) -> bytes | None:
    return sav_file_bytes(table, **arguments)


def assert_same_as_pyreadstat(table: Table, arguments: dict[str, Any], scratch: Path) -> bytes:
    ours = native(table, arguments)
    assert ours is not None
    theirs = writers.sav_bytes_pyreadstat(table, arguments, scratch)
    if masked(ours) != masked(theirs):
        at = next(
            (
                i
                for i, (a, b) in enumerate(zip(masked(ours), masked(theirs), strict=False))
                if a != b
            ),
            min(len(ours), len(theirs)),
        )
        pytest.fail(
            f"differs at byte {at} (native {len(ours)} bytes, pyreadstat {len(theirs)}):\n"
            f"native     {ours[at - 16 : at + 32]!r}\npyreadstat {theirs[at - 16 : at + 32]!r}"
        )
    return ours


def same_as_pyreadstat(table: Table, language: str, scratch: Path) -> bytes:
    return assert_same_as_pyreadstat(table, writers.sav_arguments(table, language), scratch)


@pytest.fixture(scope="module")
def demo_tables(tmp_path_factory: pytest.TempPathFactory) -> list[Table]:
    """The tables of a real import of 12 simulated DEMO participants (free text separate)."""
    root = tmp_path_factory.mktemp("spss-file")
    with DeviceStore.create(store_path_in(root / "laptop"), "passphrase-1", kdf=FAST_KDF) as s:
        simulate(s, load_study(demo_study_dir()), 12, seed=5, clock=SimClock())
        (root / "usb").mkdir()
        assert export_store(s, root / "usb") is not None
    out = root / "out"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)
        argv = ["import", str(root / "usb"), "--key", str(demo_private_key_path())]
        assert main([*argv, "--study", str(demo_study_dir()), "--out", str(out)]) == 0
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    codebook = build_codebook(load_study(demo_study_dir()).library, 33)
    with ImportRecord.open(out, identity) as record:
        tables = build_tables(codebook, record.payloads(), make_scorer(33), separate_free_text=True)
    assert any(t.rows for t in tables)
    return tables


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_demo_import_tables_are_pyreadstats_bytes(
    demo_tables: list[Table], language: str, tmp_path: Path
) -> None:
    for table in demo_tables:
        same_as_pyreadstat(table, language, tmp_path)


def test_sav_bytes_writes_the_demo_tables_natively(demo_tables: list[Table], tmp_path: Path):
    """No temporary file: the native path never touches the scratch folder."""
    for table in demo_tables:
        data = writers.sav_bytes(table, "ar", tmp_path / "missing-folder")
        assert masked(data) == masked(native(table, writers.sav_arguments(table, "ar")))


def _var(name: str, kind: str = "numeric", **fields: Any) -> Variable:
    fields.setdefault("label", {"en": name.replace("_", " ")})
    label = fields.pop("label")
    return Variable(name, label, kind, "item", **fields)


AGE = _var("age", missing_codes=(-7, -9), measure="scale")
MOOD = _var(
    "mood",
    measure="ordinal",
    missing_codes=(-7, -8, -9),
    value_labels=tuple(
        ValueLabel(code, {"en": f"level {code}", "nb": f"nivå {code}", "ar": f"مستوى {code}"})
        for code in range(5)
    ),
)
SCORE = _var("pcl_total_score", measure="scale", decimals=2)
NOTE = _var("note", "string", missing_codes=(-7, -9))
CODE = _var("code", "string")


def test_a_table_without_rows(tmp_path: Path) -> None:
    same_as_pyreadstat(Table("t", (AGE, MOOD, SCORE, NOTE, CODE), ()), "en", tmp_path)


def test_a_numeric_column_with_no_value_at_all(tmp_path: Path) -> None:
    rows = tuple((None, None) for _ in range(7))
    same_as_pyreadstat(Table("t", (AGE, SCORE), rows), "en", tmp_path)


def test_string_columns_of_empty_strings_and_none(tmp_path: Path) -> None:
    rows = (("", None), ("", ""), ("", None))
    same_as_pyreadstat(Table("t", (NOTE, CODE), rows), "en", tmp_path)


@pytest.mark.parametrize("length", [1, 7, 8, 9, 16, 17, 254, 255])
def test_string_widths_up_to_255_bytes(length: int, tmp_path: Path) -> None:
    rows = (("x" * length, "ب" * (length // 2)), ("", "a"), (None, None))
    same_as_pyreadstat(Table("t", (NOTE, CODE), rows), "ar", tmp_path)


def test_strings_with_repeated_and_distinct_values(tmp_path: Path) -> None:
    rows = tuple((f"s-{n:04d}", ["ar", "nb", "en"][n % 3]) for n in range(200))
    same_as_pyreadstat(Table("t", (NOTE, CODE), rows), "en", tmp_path)


def test_missing_codes_of_short_and_long_strings(tmp_path: Path) -> None:
    short = _var("short_text", "string", missing_codes=(-8,))
    rows = (("-9", "-8"), ("a long free-text answer", "ok"), ("-7", ""))
    same_as_pyreadstat(Table("t", (NOTE, short), rows), "en", tmp_path)


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_clipped_at_255_bytes_in_every_language(language: str, tmp_path: Path) -> None:
    long = {"en": "How often " * 40, "nb": "Hvor ofte å " * 40, "ar": "كم مرة شعرت " * 40}
    variables = (
        _var("item_long", label=long, value_labels=(ValueLabel(1, long), ValueLabel(2, long))),
        _var("item_short", label={"en": "a"}, value_labels=(ValueLabel(1.5, {"en": ""}),)),
        _var("text_long", "string", label=long),
    )
    rows = ((1, 1.5, "x"), (2, None, "y"))
    same_as_pyreadstat(Table("t", variables, rows), language, tmp_path)


@pytest.mark.parametrize("length", [119, 120, 121, 200])
def test_value_labels_cut_at_120_bytes(length: int, tmp_path: Path) -> None:
    """ReadStat cuts a value label at 120 bytes, even inside an Arabic letter."""
    texts = {"en": "e" * length, "ar": "ع" * (length // 2) + "x" * (length % 2)}
    variables = (_var("item", value_labels=(ValueLabel(1, texts), ValueLabel(-3, texts))),)
    for language in ("en", "ar"):
        same_as_pyreadstat(Table("t", variables, ((1,), (-3,))), language, tmp_path)


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_decimals_formats(decimals: int, tmp_path: Path) -> None:
    variables = (_var("value", decimals=decimals, measure="scale"),)
    rows = ((1.25,), (3,), (None,))
    same_as_pyreadstat(Table("t", variables, rows), "en", tmp_path)


def test_labels_of_any_length_unclipped(tmp_path: Path) -> None:
    """Given labels longer than 256 bytes, ReadStat keeps whole characters up to 256 bytes."""
    table = Table("t", (AGE, NOTE), ((1, "a"),))
    arguments = writers.sav_arguments(table, "en")
    for text in ("é" * 129, "😀" * 300, "x" + "€" * 2000, "a" * 256, "a" * 257):
        arguments["column_labels"] = {"age": text, "note": text[1:]}
        assert_same_as_pyreadstat(table, arguments, tmp_path)


def test_measures_and_no_measure(tmp_path: Path) -> None:
    variables = tuple(_var(f"v_{m}", measure=m) for m in ("nominal", "ordinal", "scale"))
    arguments = writers.sav_arguments(Table("t", variables, ((1, 2, 3),)), "en")
    arguments["variable_measure"] = {"v_nominal": "nominal", "v_scale": "unknown"}
    assert_same_as_pyreadstat(Table("t", variables, ((1, 2, 3),)), arguments, tmp_path)


def test_no_labels_formats_or_missing_at_all(tmp_path: Path) -> None:
    table = Table("t", (AGE, NOTE), ((3, "a"), (None, "b")))
    arguments = {
        "column_labels": {},
        "variable_value_labels": {},
        "missing_ranges": {},
        "variable_measure": {},
        "variable_format": {},
    }
    assert_same_as_pyreadstat(table, arguments, tmp_path)


def test_special_numbers(tmp_path: Path) -> None:
    """NaN is system missing like None; infinities, -0.0 and huge integers are kept as given."""
    cells = [math.nan, math.inf, -math.inf, -0.0, 0, 0.0, 2**60 + 1, -(2**70), 1e-300, True]
    rows = tuple((c, 0 if c == 0 else 1) for c in cells)
    variables = (SCORE, AGE)
    data = same_as_pyreadstat(Table("t", variables, rows), "en", tmp_path)
    assert struct.pack("<d", -0.0) in data


def test_value_label_sets_that_compare_equal_but_differ(tmp_path: Path) -> None:
    """Equal as Python values, not as bytes or to pyreadstat: each set is written as given."""
    table = Table("t", (_var("a"), _var("b"), _var("c"), _var("d")), ((0, 0, 1, 1),))
    arguments = writers.sav_arguments(table, "en")
    arguments["variable_value_labels"] = {
        "a": {0.0: "none", 1: "one"},
        "b": {-0.0: "none", 1.0: "one"},
        "c": {0.0: "none", 1: "one"},
        "d": {0: "none", 1.0: "one"},
    }
    assert_same_as_pyreadstat(table, arguments, tmp_path)
    arguments["variable_value_labels"]["d"] = {0: "none", True: "one"}
    assert native(table, arguments) is None


def test_missing_values_of_every_kind(tmp_path: Path) -> None:
    table = Table("t", (AGE, NOTE), ((1, "a"),))
    arguments = writers.sav_arguments(table, "en")
    for values in ([-9.0], [-9.0, -8.0, -7.0], [math.inf, -math.inf, math.nan], [99]):
        arguments["missing_ranges"] = {"age": values, "note": ["-9", "ab", "Ø"]}
        assert_same_as_pyreadstat(table, arguments, tmp_path)


def test_names_sharing_their_first_eight_letters(tmp_path: Path) -> None:
    """Each variable record carries 8 bytes of its name: the rest take V1, V2, ... V10."""
    names = [f"bg_languages_{n}" for n in range(40)] + ["v1", "V2", "vA", "bg_langu", "x"]
    variables = tuple(_var(name) for name in names)
    same_as_pyreadstat(Table("t", variables, (tuple(range(len(names))),)), "en", tmp_path)


def test_a_large_table(tmp_path: Path) -> None:
    variables = (AGE, MOOD, SCORE, NOTE, CODE)
    rows = tuple(
        (n % 90 if n % 11 else -9, n % 5 if n % 7 else -8, n / 7 if n % 3 else None,
         "note " * (n % 9), f"P-{n:05d}")
        for n in range(3000)
    )  # fmt: skip
    same_as_pyreadstat(Table("t", variables, rows), "nb", tmp_path)


NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)  # "and", "to": not reserved
LETTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\0")
TEXT = st.text(LETTERS)
NUMBERS = st.one_of(
    st.none(),
    st.integers(-(2**62), 2**62),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-9, -8, -7, 0, 1, 2]),
)
SHORT_TEXT = TEXT.filter(lambda s: 0 < len(s.encode("utf-8")) <= 8)


@st.composite
def tables(draw: st.DrawFn) -> tuple[Table, dict[str, Any]]:
    names = draw(st.lists(NAMES, min_size=1, max_size=8, unique_by=str.upper))
    kinds = [draw(st.sampled_from(["numeric", "string"])) for _ in names]
    count = draw(st.integers(0, 6))
    strings = TEXT.filter(lambda s: len(s.encode("utf-8")) <= 255) | st.none()
    rows = tuple(
        tuple(draw(NUMBERS if kind == "numeric" else strings) for kind in kinds)
        for _ in range(count)
    )
    variables = tuple(Variable(n, {"en": n}, k, "item") for n, k in zip(names, kinds, strict=True))
    labels, value_labels, missing, measures, formats = {}, {}, {}, {}, {}
    for name, kind in zip(names, kinds, strict=True):
        if draw(st.booleans()):
            labels[name] = draw(st.text(LETTERS, max_size=300))
        if draw(st.booleans()):
            measures[name] = draw(st.sampled_from(["nominal", "ordinal", "scale", "unknown"]))
        if kind == "numeric":
            if draw(st.booleans()):
                width = draw(st.integers(1, 40))
                formats[name] = f"F{width}.{draw(st.integers(0, min(width - 1, 16)))}"
            if draw(st.booleans()):
                keys = st.integers(-99, 99) | st.floats(allow_nan=False, allow_infinity=False)
                texts = st.text(LETTERS, max_size=130)
                value_labels[name] = draw(st.dictionaries(keys, texts, max_size=4))
            if draw(st.booleans()):
                missing[name] = draw(st.lists(st.integers(-9, 99).map(float), max_size=3))
        elif draw(st.booleans()):
            missing[name] = draw(st.lists(SHORT_TEXT, max_size=3))
    arguments = {
        "column_labels": labels,
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "variable_measure": measures,
        "variable_format": formats,
    }
    return Table("t", variables, rows), arguments


@settings(max_examples=examples(200))
@given(case=tables())
def test_random_small_tables_are_pyreadstats_bytes(
    case: tuple[Table, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    table, arguments = case
    assert_same_as_pyreadstat(table, arguments, tmp_path_factory.getbasetemp())


def test_pyreadstat_reads_the_native_file_back(tmp_path: Path) -> None:
    variables = (AGE, MOOD, SCORE, NOTE, CODE)
    rows = ((34, 2, 1.5, "عربي", "P-1"), (-9, -7, None, "-9", ""), (None, 4, 0.25, None, "P-3"))
    table = Table("t", variables, rows)
    path = tmp_path / "t.sav"
    path.write_bytes(native(table, writers.sav_arguments(table, "ar")))
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert list(frame.columns) == ["age", "mood", "pcl_total_score", "note", "code"]
    assert frame["age"].tolist()[:2] == [34.0, -9.0] and math.isnan(frame["age"][2])
    assert frame["note"].tolist() == ["عربي", "-9", ""]
    assert frame["code"].tolist() == ["P-1", "", "P-3"]
    assert meta.column_names_to_labels["pcl_total_score"] == "pcl total score"
    assert meta.variable_value_labels["mood"][2.0] == "مستوى 2"
    assert meta.missing_ranges["age"] == [{"lo": -9.0, "hi": -9.0}, {"lo": -7.0, "hi": -7.0}]
    assert [r["lo"] for r in meta.missing_ranges["note"]] == ["-9", "-7"]
    assert meta.variable_measure == {
        "age": "scale", "mood": "ordinal", "pcl_total_score": "scale",
        "note": "nominal", "code": "nominal",
    }  # fmt: skip
    assert meta.original_variable_types["pcl_total_score"] == "F8.2"
    missing_read, _ = pyreadstat.read_sav(str(path))
    assert math.isnan(missing_read["age"][1]) and math.isnan(missing_read["mood"][1])


@pytest.mark.parametrize(
    "table",
    [
        Table("t", (NOTE,), (("x" * 256,),)),  # a very long string: several segments
        Table("t", (_var("not valid"),), ((1,),)),
        Table("t", (_var("age"), _var("age")), ((1, 2),)),
        Table("t", (AGE,), (("12",),)),  # pyreadstat's float() reads numeric text
        Table("t", (NOTE,), ((12,),)),
    ],
    ids=["long-string", "bad-name", "same-name", "text-in-numbers", "number-in-text"],
)
def test_what_it_does_not_write_exactly_is_left_to_pyreadstat(table: Table) -> None:
    assert native(table, writers.sav_arguments(table, "en")) is None


def test_sav_bytes_falls_back_to_pyreadstat_for_a_very_long_string(tmp_path: Path) -> None:
    table = Table("t", (NOTE, AGE), (("x" * 300, 3), ("y", None)))
    path = tmp_path / "t.sav"
    path.write_bytes(writers.sav_bytes(table, "en", tmp_path))
    frame, _ = pyreadstat.read_sav(str(path))
    assert frame["note"].tolist() == ["x" * 300, "y"]
    assert [p.name for p in tmp_path.iterdir()] == ["t.sav"]  # its temporary file is gone


def test_the_header_carries_the_given_time() -> None:
    data = sav_file_bytes(Table("t", (AGE,), ()), {}, {}, {}, {}, {}, now=0.0)
    assert data is not None and len(data[STAMP]) == 17
    assert data[STAMP].decode("ascii")[2:7] in {" Jan ", " Dec "}  # 1 Jan 1970 UTC, local time
