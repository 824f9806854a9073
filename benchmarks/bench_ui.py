"""Time from pressing Next to the next questionnaire page being laid out and painted.

Runs offscreen with a real window, worker thread, encrypted store and the DEMO study. Prints, per
instrument, the median and worst time of Next -> new page painted, beside two references
measured in the same run: repainting the same page again (no rebuild) and the 16.7 ms frame
budget of a 60 Hz screen.

    python benchmarks/bench_ui.py [--rounds 3] [--language ar] [--interpreter nb]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--language", default="ar")
    parser.add_argument("--interpreter", default=None)
    args = parser.parse_args()

    from survey_app.answers.codes import make_code
    from survey_app.ui.app import prepare_application
    from survey_app.ui.pages.new_session import NewSessionRequest
    from survey_app.ui.screenshots import Shooter, wait_until
    from survey_app.ui.theme import Theme

    prepare_application(["bench"], "nb", Theme())
    next_ms: dict[str, list[float]] = defaultdict(list)
    repaint_ms: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        shooter = Shooter(Path(tmp) / "png", Path(tmp) / "data", Theme())
        try:
            shooter.setup()
            window = shooter.window
            for round_no in range(args.rounds):
                window.show_new_session()
                page = window.stack.currentWidget()
                request = NewSessionRequest(
                    make_code(round_no + 1, "RJ"),
                    "baseline",
                    args.language,
                    args.interpreter,
                    None,
                    False,
                    False,
                )
                window._start_session(page, request)
                wait_until(lambda: window.page_name == "session")
                view = window.session_view
                view.show_page(0)
                while type(view.current).__name__ == "QuestionPage":
                    form_id = view.current.spec.form.id
                    # The participant reads the page; the next one is built meanwhile.
                    last = view.page_index + 1 >= len(view.plan)
                    wait_until(lambda v=view, e=last: e or v.prebuilt_index == v.page_index + 1)
                    start = time.perf_counter()
                    view.current.grab()
                    repaint_ms.append((time.perf_counter() - start) * 1000)
                    start = time.perf_counter()
                    view.current.next_button.click()
                    view.current.grab()  # lays out and paints the new page
                    next_ms[form_id].append((time.perf_counter() - start) * 1000)
                shooter.settle()
                window.show_dashboard()
                shooter.settle()
        finally:
            shooter.close()

    print(
        f"Next -> next page painted ({args.language}"
        f"{'+' + args.interpreter if args.interpreter else ''}, {args.rounds} rounds, offscreen)"
    )
    print(f"{'instrument':<12}{'pages':>6}{'median ms':>11}{'max ms':>9}")
    for form_id, values in next_ms.items():
        print(f"{form_id:<12}{len(values):>6}{statistics.median(values):>11.1f}{max(values):>9.1f}")
    every = [v for values in next_ms.values() for v in values]
    print(f"{'all pages':<12}{len(every):>6}{statistics.median(every):>11.1f}{max(every):>9.1f}")
    print(f"reference: repaint of the same page, median {statistics.median(repaint_ms):.1f} ms")
    print(f"reference: frame budget at 60 Hz {FRAME_MS:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
