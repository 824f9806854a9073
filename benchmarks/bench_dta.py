"""Stata .dta bytes of the DEMO study's tables: the native writer beside pyreadstat, same run.

    .venv/bin/python benchmarks/bench_dta.py [N] [--rounds 7]      (default N = 2000)

The tables are those an import of N simulated DEMO submissions makes (tests/importer/
demo_tables.py: 3 in 4 at baseline, free text apart). Each round times every table once
with writers.dta_bytes (the native writer, stata_file) and once through pyreadstat as
dta_bytes falls back to it (DataFrame, temporary file, read-back), in alternation; medians
per table are printed. pandas and pyreadstat are imported before the clock starts; what
their import costs a fresh process is printed apart.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from survey_app.importer import writers
from survey_app.importer.dataset import Table
from tests.importer.demo_tables import demo_tables


def native_ms(table: Table, language: str, scratch: Path) -> float:
    began = time.perf_counter()
    data = writers.dta_bytes(table, language, scratch)
    elapsed = time.perf_counter() - began
    assert data.startswith(b"<stata_dta>")
    return elapsed * 1000


def pyreadstat_ms(table: Table, language: str, scratch: Path) -> float:
    import pyreadstat

    began = time.perf_counter()
    arguments = writers.dta_arguments(table, language)
    frame = writers._frame(table, stata=True)
    writers._via_temp(
        scratch,
        lambda tmp: pyreadstat.write_dta(frame, tmp, **arguments),
        pyreadstat.read_dta,
        table,
    )
    return (time.perf_counter() - began) * 1000


def import_cost() -> float:
    """CPU seconds a fresh process spends importing pandas and pyreadstat."""
    code = (
        "import resource as r, time; c = time.process_time(); "
        "import pandas, pyreadstat; print(time.process_time() - c)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    import pyreadstat  # noqa: F401  (loaded before any clock)

    tables = demo_tables(args.n)
    times: dict[str, dict[str, list[float]]] = {
        t.name: {"native": [], "pyreadstat": []} for t in tables
    }
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.rounds):
            for table in tables:
                times[table.name]["native"].append(native_ms(table, args.language, Path(scratch)))
                times[table.name]["pyreadstat"].append(
                    pyreadstat_ms(table, args.language, Path(scratch))
                )
    print(f"{args.n} submissions, {args.rounds} rounds, labels {args.language!r}, medians:")
    print(f"{'table':<26} {'rows x cols':>12} {'native ms':>10} {'pyreadstat ms':>14} {'ratio':>6}")
    total_native = total_reference = 0.0
    for table in tables:
        native = statistics.median(times[table.name]["native"])
        reference = statistics.median(times[table.name]["pyreadstat"])
        total_native, total_reference = total_native + native, total_reference + reference
        shape = f"{len(table.rows)} x {len(table.variables)}"
        print(
            f"{table.name:<26} {shape:>12} {native:>10.1f} {reference:>14.1f} "
            f"{reference / native:>5.1f}x"
        )
    print(f"{'all tables':<26} {'':>12} {total_native:>10.1f} {total_reference:>14.1f}")
    print(f"importing pandas + pyreadstat in a fresh process: {import_cost() * 1000:.0f} ms CPU")


if __name__ == "__main__":
    main()
