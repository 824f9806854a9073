"""Time from pressing Next to the next page being laid out and painted.

Runs offscreen with a real window, worker thread, encrypted store and the DEMO study. For each
page shown after Next (grouped by instrument, plus the review page) it prints the median and
worst wall time and the median CPU time of the GUI thread, beside references measured in the
same run: repainting the page already shown (no rebuild) and the 16.7 ms frame budget of a
60 Hz screen. The EQ-VAS and review pages are measured `--repeat` more times each (Back, wait
while the participant would read, Next), so their medians rest on more than one page a round.

    python benchmarks/bench_ui.py [--rounds 3] [--repeat 15] [--language ar] [--interpreter nb]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FRAME_MS = 1000 / 60
REVIEW = "review page"


def _next_and_paint(view) -> tuple[float, float]:
    """Press Next and paint what it shows: (wall ms, GUI-thread CPU ms)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    view.current.next_button.click()
    view.current.grab()  # lays out and paints the new page
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def _target(view) -> str:
    current = view.current
    return current.spec.form.id if type(current).__name__ == "QuestionPage" else REVIEW


def _read(view, wait_until) -> None:
    """Wait as a participant reading the page would: the next page is built meanwhile."""
    last = view.page_index + 1 >= len(view.plan)
    if last:
        wait_until(lambda: view.prebuilt_review is not None and view.prebuilt_review.prepared)
    else:
        wait_until(lambda: view.prebuilt_index == view.page_index + 1)


def measure(rounds: int, repeat: int, language: str, interpreter: str | None) -> dict:
    """Wall and CPU times per page shown, and the repaint reference."""
    from survey_app.answers.codes import make_code
    from survey_app.ui.app import prepare_application
    from survey_app.ui.pages.new_session import NewSessionRequest
    from survey_app.ui.screenshots import Shooter, wait_until
    from survey_app.ui.theme import Theme

    prepare_application(["bench"], "nb", Theme())
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    repaint: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        shooter = Shooter(Path(tmp) / "png", Path(tmp) / "data", Theme())
        try:
            shooter.setup()
            window = shooter.window
            for round_no in range(rounds):
                window.show_new_session()
                page = window.stack.currentWidget()
                request = NewSessionRequest(
                    make_code(round_no + 1, "RJ"),
                    "baseline",
                    language,
                    interpreter,
                    None,
                    False,
                    False,
                )
                window._start_session(page, request)
                wait_until(lambda: window.page_name == "session")
                view = window.session_view
                view.show_page(0)
                while type(view.current).__name__ == "QuestionPage":
                    _read(view, wait_until)
                    started = time.perf_counter()
                    view.current.grab()
                    repaint.append((time.perf_counter() - started) * 1000)
                    ms, cpu_ms = _next_and_paint(view)
                    wall[_target(view)].append(ms)
                    cpu[_target(view)].append(cpu_ms)
                for target in ("eqvas", REVIEW):
                    index = (
                        len(view.plan)
                        if target == REVIEW
                        else next(i for i, p in enumerate(view.plan) if p.form.id == target)
                    )
                    for _ in range(repeat if round_no == 0 else 0):
                        view.show_page(index - 1)
                        _read(view, wait_until)
                        ms, cpu_ms = _next_and_paint(view)
                        wall[target].append(ms)
                        cpu[target].append(cpu_ms)
                        wait_until(lambda v=view: getattr(v.current, "complete", True))
                shooter.settle()
                window.show_dashboard()
                shooter.settle()
        finally:
            shooter.close()
    return {"wall": dict(wall), "cpu": dict(cpu), "repaint": repaint}


def report_lines(r: dict, label: str) -> list[str]:
    """The figures as printed lines (also used by run_all.py)."""
    med = statistics.median
    lines = [
        f"Next -> page painted ({label}, offscreen)",
        f"{'page shown':<14}{'n':>4}{'median ms':>11}{'max ms':>9}{'GUI CPU ms':>12}",
    ]
    for target, values in r["wall"].items():
        lines.append(
            f"{target:<14}{len(values):>4}{med(values):>11.1f}{max(values):>9.1f}"
            f"{med(r['cpu'][target]):>12.1f}"
        )
    questions = [v for t, vs in r["wall"].items() if t != REVIEW for v in vs]
    lines.append(f"{'all questions':<14}{len(questions):>4}{med(questions):>11.1f}")
    lines.append(f"reference: repaint of the same page, median {med(r['repaint']):.1f} ms")
    lines.append(f"reference: frame budget at 60 Hz {FRAME_MS:.1f} ms")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--language", default="ar")
    parser.add_argument("--interpreter", default=None)
    args = parser.parse_args()
    r = measure(args.rounds, args.repeat, args.language, args.interpreter)
    label = args.language + (f"+{args.interpreter}" if args.interpreter else "")
    for line in report_lines(r, f"{label}, {args.rounds} rounds"):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
