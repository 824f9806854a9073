"""Cost of form logic: what each answer on screen and each save in the store adds.

Prints, for the shipped background form (conditions and a constraint), the median time of
evaluating the whole form's logic over a participant's answers (done after every answer, by the
screen and by the store), of checking one constraint, and of parsing one expression (once per
form load), beside a reference measured in the same run: loading and checking the form file,
and the 16.7 ms frame budget of a 60 Hz screen.

    python benchmarks/bench_logic.py [--repeat 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FRAME_MS = 1000 / 60


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of one call, in milliseconds, over `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    from survey_app.forms.expressions import parse
    from survey_app.forms.library import check_file
    from survey_app.forms.logic import constraint_holds, form_state

    path = Path(__file__).resolve().parents[1] / "forms" / "background.yaml"
    form, _ = check_file(path)
    assert form is not None
    answers = {
        "bg_age": (34, "answered"),
        "bg_country": (11, "answered"),
        "bg_country_other": ("Tsjad", "answered"),
        "bg_languages": ([1, 8, 11], "answered"),
        "bg_years_norway": (6, "answered"),
    }
    today = date.today()
    state = form_state(form, answers, today)
    years = form.item("bg_years_norway")
    rows = [
        ("form logic over the answers (per answer)", median_ms(
            lambda: form_state(form, answers, today), args.repeat)),
        ("one constraint", median_ms(
            lambda: constraint_holds(form, years, 6, state), args.repeat)),
        ("parse one expression (per form load)", median_ms(
            lambda: parse("${bg_age} = '' or . <= ${bg_age}"), max(1, args.repeat // 10))),
        ("reference: load and check background.yaml", median_ms(
            lambda: check_file(path), max(1, args.repeat // 100))),
        ("reference: one frame at 60 Hz", FRAME_MS),
    ]  # fmt: skip
    for name, value in rows:
        print(f"{name:45s} {value:8.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
