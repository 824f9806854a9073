"""Build the frozen, double-clickable app with PyInstaller, then smoke-test and measure it.

The same script runs on Linux, Windows and macOS (.github/workflows/app.yml):

    uv sync --locked --extra bundle          # or scripts/setup-env, then:
    .venv/bin/python scripts/build_app.py [--smoke] [--xvfb]

Steps: build the wheel (so the app carries exactly the wheel's forms, compiled catalogs, fonts
and DEMO study), run PyInstaller on packaging/survey-app.spec, pack dist/SurveyApp into one
archive, and with --smoke: check-forms, simulate into an SQLCipher store, reopen it to export
its sealed submissions to a bundle, start the window to
the unlock screen in Arabic with a screenshot (under Xvfb with --xvfb, else offscreen), timing
each. Writes dist/app-report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUILD = ROOT / "build" / "app"
NAME = "SurveyApp"
SMOKE_PASSPHRASE = "smoke-test-passphrase"


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    """Run a command, echo it, fail loudly with its output."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    done = subprocess.run(cmd, text=True, capture_output=True, **kwargs)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"failed ({done.returncode}): {cmd[0]}")
    return done


def wheel_data() -> Path:
    """Build the wheel and unpack its survey_app/_data (one source of truth for app data)."""
    out = BUILD / "wheel"
    shutil.rmtree(out, ignore_errors=True)
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    # sdist, then the wheel from it: a clean tree, no stale files from an earlier build/
    run([uv, "build", "--out-dir", str(out), "--quiet"], cwd=ROOT)
    (wheel,) = out.glob("survey_app-*.whl")
    target = BUILD / "data"
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(wheel) as zf:
        for member in zf.namelist():
            if member.startswith("survey_app/_data/") and not member.endswith("/"):
                zf.extract(member, target)
    return target / "survey_app" / "_data"


def freeze(data: Path) -> Path:
    """Run PyInstaller; return the folder (or .app on macOS) that holds the programs."""
    env = {**os.environ, "SURVEY_APP_DATA": str(data)}
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level=WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(BUILD / "pyinstaller"),
            str(ROOT / "packaging" / "survey-app.spec"),
        ],
        cwd=ROOT,
        env=env,
    )
    return DIST / (f"{NAME}.app" if sys.platform == "darwin" else NAME)


def programs(bundle: Path) -> tuple[Path, Path]:
    """(window program, console program) inside the bundle."""
    folder = bundle / "Contents" / "MacOS" if bundle.suffix == ".app" else bundle
    exe = ".exe" if sys.platform == "win32" else ""
    return folder / f"{NAME}{exe}", folder / f"survey-app{exe}"


def archive(bundle: Path) -> Path:
    """One file to hand out: .zip on Windows and macOS, .tar.gz on Linux."""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")
    base = DIST / f"{NAME}-{system}-{platform.machine().lower()}"
    if system == "macos":
        # ditto keeps the symlinks inside Qt's frameworks (a zip module would copy them).
        packed = base.with_suffix(".zip")
        run(["ditto", "-c", "-k", "--keepParent", str(bundle), str(packed)])
        return packed
    fmt = "gztar" if system == "linux" else "zip"
    return Path(shutil.make_archive(str(base), fmt, root_dir=bundle.parent, base_dir=bundle.name))


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = run(cmd, env=env)
    return time.perf_counter() - started, done


def smoke(bundle: Path, use_xvfb: bool, report: dict) -> None:
    """The frozen app's own commands, from a folder outside the checkout."""
    window, console = programs(bundle)
    work = Path(tempfile.mkdtemp(prefix="survey-smoke-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
        "HOME": str(work),
        "SURVEY_APP_PASSPHRASE": SMOKE_PASSPHRASE,
    }
    seconds, done = timed([str(console), "check-forms"], env)
    report["check_forms_s"] = round(seconds, 2)
    report["check_forms"] = done.stdout.strip().splitlines()[-1]
    seconds, done = timed(
        [str(console), "simulate", "--participants", "3", "--data-dir", str(work / "laptop")], env
    )
    report["simulate_s"] = round(seconds, 2)
    report["simulate"] = done.stdout.strip().splitlines()[-1]
    # Reopen that store with its passphrase and read every sealed submission out of it.
    (work / "usb").mkdir()  # the stick: export refuses a folder that is not there
    seconds, done = timed(
        [
            str(console),
            "export",
            "--all",
            "--out",
            str(work / "usb"),
            "--data-dir",
            str(work / "laptop"),
        ],
        env,
    )
    report["export_s"] = round(seconds, 2)
    report["export"] = next(
        (line for line in done.stdout.splitlines() if "submission" in line), done.stdout.strip()
    )
    shot = DIST / "smoke-unlock-ar.png"
    xvfb = None
    try:
        if use_xvfb:
            display = ":97"
            xvfb = subprocess.Popen(
                ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"]
            )
            time.sleep(1.0)
            env = {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        else:
            env = {**env, "QT_QPA_PLATFORM": "offscreen"}
        # The console program on Windows, so the report line is visible; the same code otherwise.
        program = console if sys.platform == "win32" else window
        runs = []
        for _ in range(3):  # the first start pays for a cold file cache
            seconds, done = timed(
                [
                    str(program),
                    "--self-check",
                    "--language",
                    "ar",
                    "--data-dir",
                    str(work / "laptop"),
                    "--screenshot",
                    str(shot),
                ],
                env,
            )
            runs.append(round(seconds, 2))
        report["self_check"] = done.stdout.strip().splitlines()[-1]
        report["start_to_unlock_and_exit_s"] = runs
        if use_xvfb and shutil.which("import"):
            # What the X server shows, not only what Qt rendered: start once more and grab it.
            screen = DIST / "smoke-xvfb-screen.png"
            app = subprocess.Popen(
                [str(program), "--language", "ar", "--data-dir", str(work / "laptop")], env=env
            )
            time.sleep(4.0)
            run(["import", "-display", env["DISPLAY"], "-window", "root", str(screen)])
            app.terminate()
            app.wait(timeout=10)
            report["xvfb_screenshot"] = str(screen)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    report["screenshot"] = str(shot)
    if "self-check: ok page=unlock" not in report["self_check"]:
        raise SystemExit(f"smoke test failed: {report['self_check']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="smoke-test and time the build")
    parser.add_argument("--xvfb", action="store_true", help="start the window under Xvfb (Linux)")
    parser.add_argument(
        "--no-build", action="store_true", help="smoke-test the app already in dist/ again"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    if args.no_build:
        bundle = DIST / (f"{NAME}.app" if sys.platform == "darwin" else NAME)
        packed = next(DIST.glob(f"{NAME}-*.*"))
    else:
        bundle = freeze(wheel_data())
        packed = archive(bundle)
    report = {
        "platform": f"{sys.platform}-{platform.machine()}",
        "python": platform.python_version(),
        "build_s": round(time.perf_counter() - started, 1),
        "folder": str(bundle),
        "folder_mb": round(folder_size(bundle) / 1e6, 1),
        "archive": str(packed),
        "archive_mb": round(packed.stat().st_size / 1e6, 1),
    }
    if args.smoke:
        smoke(bundle, args.xvfb, report)
    (DIST / "app-report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
