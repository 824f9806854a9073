"""Every speed figure of issue 14, each beside its reference measured in the same run.

    .venv/bin/python benchmarks/run_all.py [--quick] [--only import,server,ui,startup]

Runs the import, server, UI and start-up benchmarks one after another (about 5 minutes; with
--quick fewer submissions, uploads and rounds, about 2 minutes) and prints each figure with its
reference and goal. The machine's other load slows figure and reference alike; a ratio to the
reference is the figure to compare between machines. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

GOALS = {
    "import": "import <= 2 x the pure crypto floor (one core), using every core",
    "server": ">= 500 uploads/s with 4 laptops (SQLite)",
    "ui": "Next -> review and Next -> EQ-VAS <= 16.7 ms (one frame)",
    "startup": "unlock screen <= 1.5 x an empty Qt window",
}


def _import(quick: bool) -> list[str]:
    import bench_import

    return bench_import.report_lines(bench_import.measure(600 if quick else 2000, rounds=3))


def _server(quick: bool) -> list[str]:
    import bench_server

    r = bench_server.measure(200 if quick else 400, 4, 2 if quick else 3)
    return bench_server.report_lines(r, 4)


def _ui(quick: bool) -> list[str]:
    # Its own process: Qt's application object is one per process.
    args = ["--rounds", "1" if quick else "2", "--repeat", "8" if quick else "15"]
    done = subprocess.run(
        [sys.executable, str(HERE / "bench_ui.py"), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()


def _startup(quick: bool) -> list[str]:
    import bench_startup

    return bench_startup.report_lines(bench_startup.measure(5 if quick else 9))


PARTS = {"import": _import, "server": _server, "ui": _ui, "startup": _startup}


def _compile_bytecode() -> str:
    """Compile the app's and its libraries' bytecode first, as the shipped app has it.

    With PYTHONDONTWRITEBYTECODE set (as on the development machine) no `.pyc` is ever
    written, so every process, each import worker included, compiled pandas and the rest from
    source again: seconds of CPU per run that no user pays and that swamped the import figure.
    """
    import compileall
    import sysconfig

    folders = [Path(sysconfig.get_paths()["purelib"]), HERE.parent / "survey_app"]
    began = time.perf_counter()
    for folder in folders:
        compileall.compile_dir(folder, quiet=2, workers=1)
    flag = "set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "not set"
    return (
        f"bytecode: compiled where missing ({time.perf_counter() - began:.0f} s; "
        f"PYTHONDONTWRITEBYTECODE {flag})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    args = parser.parse_args()
    print(_compile_bytecode())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start")
    for name in args.only.split(","):
        print(f"\n== {name}: goal {GOALS[name]}")
        for line in PARTS[name](args.quick):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
