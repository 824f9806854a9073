"""The .sav writer per DEMO import table: native (in memory) against pyreadstat, same run.

    .venv/bin/python benchmarks/bench_sav_writer.py [N] [--rounds 7] [--language ar]

Builds the tables of N simulated submissions (default 2,000: baseline ~1,500 rows x 134
columns, follow-up ~500 x 136, and their free-text tables) without sealing or importing them,
then writes each table's .sav in alternating rounds: natively (spss_file.sav_file_bytes, what
writers.sav_bytes does now) and by pyreadstat (writers.sav_bytes_pyreadstat: DataFrame,
temporary file, read-back, as before), both from the same sav_arguments. Prints the median ms
per table and the cost of loading each writer's libraries in a fresh process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import import _payload

from survey_app.codebook import build_codebook
from survey_app.importer import writers
from survey_app.importer.dataset import Table, build_tables, make_scorer
from survey_app.importer.spss_file import sav_file_bytes
from survey_app.sealing.device_keys import DeviceKey
from survey_app.study import demo_study_dir, load_study

# What the pyreadstat path loads in every process that writes a .sav; the native writer needs
# only struct, re and time (survey_app.importer.spss_file itself loads in well under 1 ms).
PYREADSTAT_LIBRARIES = "import numpy, pandas, pyreadstat"


def demo_tables(n: int) -> list[Table]:
    """The import's tables of n simulated submissions (free text in tables of their own)."""
    study = load_study(demo_study_dir())
    device, rng = DeviceKey.generate(), random.Random(1)
    payloads = [_payload(study, i, device, rng) for i in range(n)]
    codebook = build_codebook(study.library, 33)
    return build_tables(codebook, payloads, make_scorer(33), separate_free_text=True)


def _native(table: Table, arguments: dict) -> bytes:
    data = sav_file_bytes(table, *(arguments[k] for k in ARGUMENT_ORDER))
    assert data is not None, table.name
    return data


ARGUMENT_ORDER = (
    "column_labels",
    "variable_value_labels",
    "missing_ranges",
    "variable_measure",
    "variable_format",
)


def measure(tables: list[Table], language: str, rounds: int) -> dict[str, dict[str, float]]:
    """Median ms per table and writer, the two writers taking turns within every round."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-sav-"))
    arguments = {t.name: writers.sav_arguments(t, language) for t in tables}
    times: dict[str, dict[str, list[float]]] = {
        t.name: {"native": [], "pyreadstat": []} for t in tables
    }
    writers.sav_bytes_pyreadstat(tables[0], arguments[tables[0].name], scratch)  # loads pandas
    for round_no in range(rounds):
        order = ("native", "pyreadstat") if round_no % 2 == 0 else ("pyreadstat", "native")
        for table in tables:
            for writer in order:
                began = time.perf_counter()
                if writer == "native":
                    _native(table, arguments[table.name])
                else:
                    writers.sav_bytes_pyreadstat(table, arguments[table.name], scratch)
                times[table.name][writer].append((time.perf_counter() - began) * 1000)
    return {
        name: {writer: statistics.median(ms) for writer, ms in by_writer.items()}
        for name, by_writer in times.items()
    }


def load_seconds(statement: str, repeats: int = 3) -> float:
    """Median CPU seconds of a fresh Python that runs statement (imports) and exits."""
    code = f"import time; c = time.process_time(); {statement}; print(time.process_time() - c)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parents[1]).stdout)
        for _ in range(repeats)
    ]  # fmt: skip
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--language", default="ar")
    options = parser.parse_args()
    tables = demo_tables(options.n)
    results = measure(tables, options.language, options.rounds)
    print(
        f"{options.n} submissions, labels in {options.language}, medians of "
        f"{options.rounds} alternating rounds"
    )
    print(f"{'table':<26}{'rows x cols':>13}{'native ms':>11}{'pyreadstat ms':>15}{'ratio':>8}")
    totals = {"native": 0.0, "pyreadstat": 0.0}
    for table in tables:
        ms = results[table.name]
        totals["native"] += ms["native"]
        totals["pyreadstat"] += ms["pyreadstat"]
        size = f"{len(table.rows)} x {len(table.variables)}"
        ratio = ms["pyreadstat"] / ms["native"]
        print(
            f"{table.name:<26}{size:>13}{ms['native']:>11.2f}{ms['pyreadstat']:>15.2f}{ratio:>7.1f}x"
        )
    print(f"{'all tables':<26}{'':>13}{totals['native']:>11.2f}{totals['pyreadstat']:>15.2f}")
    libraries = load_seconds(PYREADSTAT_LIBRARIES) - load_seconds("pass")
    print(f"loading numpy, pandas and pyreadstat in a fresh process: {libraries:.3f} s CPU")


if __name__ == "__main__":
    main()
