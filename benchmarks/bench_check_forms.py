"""`check-forms` on the shipped forms (structure, meaning, back-translations, sign-offs) against
merely parsing the same YAML files, so the cost of the checks is seen beside the floor.

Run: .venv/bin/python benchmarks/bench_check_forms.py [REPEATS]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from survey_app.forms.library import load_library
from survey_app.forms.yamlsource import read_yaml

FORMS = Path(__file__).resolve().parents[1] / "forms"


def timed(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Return the median and the best wall time of `repeats` runs, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def parse_only() -> None:
    for path in sorted(FORMS.glob("*.yaml")):
        read_yaml(path)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    files = len(list(FORMS.glob("*.yaml")))
    load_library(FORMS)  # warm imports and caches
    full = timed(lambda: load_library(FORMS), repeats)
    floor = timed(parse_only, repeats)
    print(f"shipped forms folder: {files} YAML files (forms, back-translations, protocol)")
    print(f"check-forms (load_library): median {full[0]:7.1f} ms, best {full[1]:7.1f} ms")
    print(f"reference: parse the YAML only   median {floor[0]:7.1f} ms, best {floor[1]:7.1f} ms")
    print(f"checks cost {full[0] / floor[0]:.1f}x the parsing alone")


if __name__ == "__main__":
    main()
