"""Cold start to the unlock screen, beside an empty Qt window started the same way, same run.

    .venv/bin/python benchmarks/bench_startup.py [--rounds 9] [--checkout DIR ...]

Each start is a new Python process (as a double-click would be), timed from launch until the
window has been painted for the first time. The app is started as main.py starts it (the
command-line entry point first, then the window), without options as a double-click starts it;
its store is found through SURVEY_APP_DATA_DIR. The reference is a process that only imports
Qt and shows an empty window of the same size; the two alternate, and the medians are printed.
A second reference, a plain page of Qt's own widgets (title, field, button), shows what any
PySide page with text costs beyond the empty window.
Runs offscreen unless QT_QPA_PLATFORM says otherwise. `--checkout DIR` (repeatable) also
starts the app of another checkout of the repository (e.g. a `git worktree` of an older commit)
in the same turns, with this interpreter, so a change is measured beside what came before it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Both programs say "ready" once their window has received its first paint event, plus one
# turn of the event loop (the window's children are painted in the same pass): what a person
# sees. The watcher is the same code in both; it needs Qt's event type, which the app creates
# anyway and the empty window creates only for it (about 2 ms, in the reference's favour).
FIRST_PAINT = """
from PySide6.QtCore import QEvent, QObject, QTimer
class FirstPaint(QObject):
    def __init__(self, window, done):
        super().__init__(window)
        self.done = done
        window.installEventFilter(self)
    def eventFilter(self, watched, event):
        if self.done is not None and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self.done)
            self.done = None
        return False
"""

# Both references end the same way: `window` shown at the app's size, "ready" once painted.
SHOW_UNTIL_PAINTED = """
window.resize(1280, 760)
def ready():
    print("ready", flush=True)
    app.quit()
watcher = FirstPaint(window, ready)
window.show()
app.exec()
"""

EMPTY_WINDOW = (
    FIRST_PAINT
    + """
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
window = QWidget()
"""
    + SHOW_UNTIL_PAINTED
)

# A second reference: the least a page with text needs in PySide, Qt's own widgets in a layout
# (a title, a field, a button). Setting an alignment makes PySide create the `Qt` namespace's
# ~90 enums, as any laid-out page does; fonts are initialised when the text is painted. The
# issue's goal is against the empty window; this one shows what is left beyond any PySide page.
PLAIN_PAGE = (
    FIRST_PAINT
    + """
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
app = QApplication([])
window = QWidget()
layout = QVBoxLayout(window)
title = QLabel("Lås opp")
title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
layout.addWidget(title)
layout.addWidget(QLineEdit())
layout.addWidget(QPushButton("Lås opp"))
"""
    + SHOW_UNTIL_PAINTED
)

# In the order main.py imports them: the command-line entry point first (no Qt), then the app,
# with no options, as a double-click starts it; the store is found as the app's environment
# variable SURVEY_APP_DATA_DIR says (set by time_start's `data_dir`).
APP_TO_UNLOCK = (
    """
import survey_app.cli.main
from survey_app.ui.app import start_app
"""
    + FIRST_PAINT
    + """
running = start_app([])
def ready():
    print("ready" if running.window.page_name == "unlock" else "wrong page", flush=True)
    running.app.quit()
watcher = FirstPaint(running.window, ready)
running.app.exec()
running.stop()
"""
)


def make_store(data_dir: Path) -> None:
    """A real store to unlock (fast key derivation: only its existence matters here)."""
    from survey_app.store import DeviceStore, KdfParams, store_path_in

    data_dir.mkdir(parents=True, exist_ok=True)
    kdf = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    DeviceStore.create(store_path_in(data_dir), "bench passphrase", kdf=kdf).close()


def time_start(
    code: str, *, pycache: Path, root: Path = ROOT, data_dir: Path | None = None
) -> tuple[float, float]:
    """Seconds from launching a Python process to its 'ready' line, and its CPU seconds."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    if data_dir is not None:
        env["SURVEY_APP_DATA_DIR"] = str(data_dir)
    # As installed: compiled modules are cached (here in a folder of our own, so the source
    # tree stays clean), even where the environment says not to write them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=root,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    elapsed = time.perf_counter() - started
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    if line != "ready":
        raise SystemExit(f"the start did not reach its first page: {line!r}")
    return elapsed, usage.ru_utime + usage.ru_stime


def measure(rounds: int, checkouts: tuple[Path, ...] = ()) -> dict[str, list[float]]:
    """Start times of the empty window and of the app (and of each other checkout's), in turns."""
    starts = [("app", ROOT)] + [(str(path), path) for path in checkouts]
    results: dict[str, list[float]] = {"empty": [], "empty_cpu": [], "page": [], "page_cpu": []}
    for name, _root in starts:
        results[name], results[f"{name}_cpu"] = [], []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, pycache = Path(tmp) / "data", Path(tmp) / "pycache"
        make_store(data_dir)
        for _ in range(2):  # compile, and warm the file cache, for all
            time_start(EMPTY_WINDOW, pycache=pycache)
            time_start(PLAIN_PAGE, pycache=pycache)
            for _name, root in starts:
                time_start(APP_TO_UNLOCK, pycache=pycache, root=root, data_dir=data_dir)
        for _ in range(rounds):
            wall, cpu = time_start(EMPTY_WINDOW, pycache=pycache)
            results["empty"].append(wall)
            results["empty_cpu"].append(cpu)
            wall, cpu = time_start(PLAIN_PAGE, pycache=pycache)
            results["page"].append(wall)
            results["page_cpu"].append(cpu)
            for name, root in starts:
                wall, cpu = time_start(APP_TO_UNLOCK, pycache=pycache, root=root, data_dir=data_dir)
                results[name].append(wall)
                results[f"{name}_cpu"].append(cpu)
    return results


def report_lines(r: dict[str, list[float]]) -> list[str]:
    """The figures as printed lines (also used by run_all.py)."""
    med = statistics.median
    empty, empty_cpu = med(r["empty"]), med(r["empty_cpu"])
    lines = [
        f"reference: empty Qt window shown    {empty * 1000:6.0f} ms"
        f"  (CPU {empty_cpu * 1000:4.0f} ms)"
    ]
    page, page_cpu = (med(r["page"]), med(r["page_cpu"])) if r.get("page") else (0.0, 0.0)
    for name in [key for key in r if key not in ("empty", "page") and "_cpu" not in key]:
        wall, cpu = med(r[name]), med(r[f"{name}_cpu"])
        label = "app: unlock screen shown" if name == "app" else f"  checkout {name}"
        lines.append(
            f"{label:<36}{wall * 1000:6.0f} ms  (CPU {cpu * 1000:4.0f} ms)"
            f"  = {wall / empty:.2f} x reference (CPU {cpu / empty_cpu:.2f} x)"
        )
    if page:
        app, app_cpu = med(r["app"]), med(r["app_cpu"])
        lines.append(
            f"reference 2: plain Qt page shown    {page * 1000:6.0f} ms  (CPU"
            f" {page_cpu * 1000:4.0f} ms)  = {page / empty:.2f} x the empty window;"
            f" the app = {app / page:.2f} x this page (CPU {app_cpu / page_cpu:.2f} x)"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--checkout", type=Path, action="append", default=[])
    args = parser.parse_args()
    r = measure(args.rounds, tuple(path.resolve() for path in args.checkout))
    print(f"cold start, medians of {args.rounds} alternating starts")
    for line in report_lines(r):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
