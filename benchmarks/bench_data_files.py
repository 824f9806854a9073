"""The .sav and .dta files of the DEMO import tables: native writers beside pyreadstat, same run.

    .venv/bin/python benchmarks/bench_data_files.py [N] [--rounds 7] [--language ar]

The tables are those an import of N simulated DEMO submissions makes (default 2,000:
tests/importer/demo_tables.py; baseline ~1,500 rows x 134 columns, follow-up ~500 x 136, and
their free-text tables). Each round writes every table's file of each kind natively
(spss_file, stata_file: what writers.sav_bytes and dta_bytes do) and through pyreadstat as
they fall back to it (DataFrame, temporary file, read-back), both from the same arguments,
the two taking turns. Prints the median ms per table and kind, and what loading numpy, pandas
and pyreadstat costs a fresh process (pyreadstat is loaded here before any clock starts).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from survey_app.importer import writers
from survey_app.importer.dataset import Table
from survey_app.importer.spss_file import sav_file_bytes
from survey_app.importer.stata_file import dta_file_bytes
from tests.importer.demo_tables import demo_tables

Writer = Callable[[Table, dict, Path], bytes | None]
# kind: (its arguments, the native writer, the pyreadstat writer)
KINDS: dict[str, tuple[Callable[[Table, str], dict], Writer, Writer]] = {
    "sav": (
        writers.sav_arguments,
        lambda table, arguments, _scratch: sav_file_bytes(table, **arguments),
        writers.sav_bytes_pyreadstat,
    ),
    "dta": (
        writers.dta_arguments,
        lambda table, arguments, _scratch: dta_file_bytes(
            table, missing_tags=writers.STATA_MISSING, **arguments
        ),
        writers.dta_bytes_pyreadstat,
    ),
}


def measure(tables: list[Table], language: str, rounds: int) -> dict[tuple[str, str, str], float]:
    """Median ms per (table, kind, writer), native and pyreadstat taking turns in every round."""
    times: dict[tuple[str, str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-files-") as folder:
        scratch = Path(folder)
        for round_no in range(rounds):
            writers_in_turn = ("native", "pyreadstat")[:: 1 if round_no % 2 == 0 else -1]
            for table in tables:
                for kind, (arguments_of, native, by_pyreadstat) in KINDS.items():
                    arguments = arguments_of(table, language)
                    for writer in writers_in_turn:
                        write = native if writer == "native" else by_pyreadstat
                        began = time.perf_counter()
                        data = write(table, arguments, scratch)
                        elapsed = (time.perf_counter() - began) * 1000
                        assert data is not None, (table.name, kind, writer)
                        times.setdefault((table.name, kind, writer), []).append(elapsed)
    return {key: statistics.median(ms) for key, ms in times.items()}


def load_seconds(statement: str, repeats: int = 3) -> float:
    """Median CPU seconds of a fresh Python that runs statement (imports) and exits."""
    code = f"import time; c = time.process_time(); {statement}; print(time.process_time() - c)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                             text=True).stdout)
        for _ in range(repeats)
    ]  # fmt: skip
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--language", default="ar")
    options = parser.parse_args()
    import pyreadstat  # noqa: F401  (loaded before any clock)

    tables = demo_tables(options.n)
    ms = measure(tables, options.language, options.rounds)
    print(
        f"{options.n} submissions, labels in {options.language}, medians of "
        f"{options.rounds} alternating rounds"
    )
    print(f"{'file':<30}{'rows x cols':>13}{'native ms':>11}{'pyreadstat ms':>15}{'ratio':>8}")
    for kind in KINDS:
        total = {"native": 0.0, "pyreadstat": 0.0}
        for table in tables:
            native, reference = ms[table.name, kind, "native"], ms[table.name, kind, "pyreadstat"]
            total["native"] += native
            total["pyreadstat"] += reference
            size = f"{len(table.rows)} x {len(table.variables)}"
            print(
                f"{table.name + '.' + kind:<30}{size:>13}{native:>11.2f}{reference:>15.2f}"
                f"{reference / native:>7.1f}x"
            )
        print(f"{'all .' + kind:<30}{'':>13}{total['native']:>11.2f}{total['pyreadstat']:>15.2f}")
    libraries = load_seconds("import numpy, pandas, pyreadstat") - load_seconds("pass")
    print(f"loading numpy, pandas and pyreadstat in a fresh process: {libraries:.3f} s CPU")


if __name__ == "__main__":
    main()
