"""The first screen appears without loading what only later screens need.

Each test starts the real app in a fresh Python process (as a double-click does), on a real
store, and looks at which modules are loaded: a behaviour test, not a timed one (the time is in
benchmarks/bench_startup.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from survey_app.store import DeviceStore, store_path_in
from tests.kdf import FAST_KDF

ROOT = Path(__file__).resolve().parents[2]

# Data sets, PDFs, the server and the network, the store's own crypto and SQLCipher, the form
# model and its expression parser, Qt Multimedia (readings play only in a session): none of them
# is needed to show the unlock screen; nor are the file pickers, the app's settings file (JSON),
# dates, or importlib.resources (the shipped data is found with a plain path); nor Qt's own
# texts (dialogs and menus), which are installed once the first page has been painted.
HEAVY = (
    "pandas",
    "numpy",
    "pyreadstat",
    "reportlab",
    "fastapi",
    "starlette",
    "uvicorn",
    "pydantic",
    "httpx",
    "psycopg",
    "sqlcipher3",
    "pyrage",
    "cryptography",
    "argon2",
    "yaml",
    "lark",
    "babel",
    "uharfbuzz",
    "PySide6.QtMultimedia",
    "survey_app.store.device_store",
    "survey_app.forms.model",
    "survey_app.ui.pages.dashboard",
    "survey_app.ui.session_view",
    "survey_app.ui.file_dialogs",
    "survey_app.ui.qt_language",
    "survey_app.ui.settings",
    "survey_app.ui.session_records",
    "json",
    "datetime",
    "importlib.resources",
)

START = """
import sys
from PySide6.QtCore import QTimer
from survey_app.ui.app import start_app
running = start_app(["--data-dir", sys.argv[1], "--language", sys.argv[2]])
def report():
    page = running.window.page_name
    modules = sorted(sys.modules)
    import json  # after the list is taken: the app itself must not need it to start
    print(json.dumps({"page": page, "modules": modules}), flush=True)
    running.app.quit()
QTimer.singleShot(0, report)
running.app.exec()
running.stop()
"""

LATER = START.replace("QTimer.singleShot(0, report)", "QTimer.singleShot(3000, report)")


def _compile_catalogs() -> None:
    """A checkout compiles a changed .po once, with babel, at its next start (the built app ships
    .mo files): that first start is not what is measured here, so compile beforehand."""
    from survey_app.i18n import translator

    translator.cache_clear()
    for language in ("nb", "ar"):
        translator(language)


def _start(tmp_path: Path, code: str, language: str = "nb", **env_vars: str) -> dict:
    _compile_catalogs()
    data_dir = tmp_path / "data"
    if not store_path_in(data_dir).exists():
        data_dir.mkdir()
        DeviceStore.create(store_path_in(data_dir), "a staff passphrase", kdf=FAST_KDF).close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_vars}
    done = subprocess.run(
        [sys.executable, "-c", code, str(data_dir), language],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_the_unlock_screen_shows_without_data_network_or_store_libraries(tmp_path):
    started = _start(tmp_path, START)
    assert started["page"] == "unlock"
    assert [name for name in HEAVY if _loaded(started["modules"], name)] == []


def test_the_unlock_screen_in_arabic_shows_without_them_either(tmp_path):
    started = _start(tmp_path, START, "ar")
    assert started["page"] == "unlock"
    assert [name for name in HEAVY if _loaded(started["modules"], name)] == []


def test_the_store_and_the_next_pages_are_loaded_while_the_passphrase_is_typed(tmp_path):
    later = _start(tmp_path, LATER)
    assert later["page"] == "unlock"
    for name in ("survey_app.store.device_store", "survey_app.ui.session_view", "sqlcipher3"):
        assert _loaded(later["modules"], name), name


QT_TEXTS = (
    START.replace("QTimer.singleShot(0, report)", "QTimer.singleShot(1000, report)")
    .replace(
        '"modules": modules',
        '"modules": modules, "cancel": QCoreApplication.translate("QPlatformTheme", "Cancel")',
    )
    .replace(
        "from PySide6.QtCore import QTimer", "from PySide6.QtCore import QCoreApplication, QTimer"
    )
)


def test_qt_own_texts_speak_norwegian_once_the_unlock_screen_is_shown(tmp_path):
    assert _start(tmp_path, QT_TEXTS, "nb")["cancel"] == "Avbryt"


def test_qt_own_texts_speak_arabic_once_the_unlock_screen_is_shown(tmp_path):
    assert _start(tmp_path, QT_TEXTS, "ar")["cancel"] == "إلغاء"


INSTALLED_START = START.replace(
    'start_app(["--data-dir", sys.argv[1], "--language", sys.argv[2]])',
    'start_app(["--data-dir", sys.argv[1], "--language", sys.argv[2]], "survey-app")',
).replace('"modules": modules', '"modules": modules, "program": running.window.ctx.program')


def test_the_program_the_app_was_started_by_reaches_its_hints(tmp_path):
    # cli.main.entry starts the app as `survey-app`: the pages' check-forms hints read ctx.program.
    assert INSTALLED_START != START
    assert _start(tmp_path, INSTALLED_START)["program"] == "survey-app"


# A double-click: no options at all; the store is found through the app's environment variable.
# Every option parse is counted (argparse's own entry point for parse_args and its variants).
PLAIN_START = START.replace(
    'running = start_app(["--data-dir", sys.argv[1], "--language", sys.argv[2]])',
    """import argparse
parses = []
parse_known_args = argparse.ArgumentParser.parse_known_args
def counted(parser, *args, **kwargs):
    parses.append(parser.prog)
    return parse_known_args(parser, *args, **kwargs)
argparse.ArgumentParser.parse_known_args = counted
running = start_app([])
ctx = running.window.ctx
options = [str(ctx.data_dir), ctx.staff_language, ctx.sync_interval_seconds, ctx.theme.scale]""",
).replace('"modules": modules', '"modules": modules, "parses": parses, "options": options')


def test_a_start_without_options_parses_none_and_takes_the_defaults(tmp_path):
    started = _start(tmp_path, PLAIN_START, SURVEY_APP_DATA_DIR=str(tmp_path / "data"))
    assert started["page"] == "unlock"
    assert started["parses"] == []
    assert started["options"] == [str(tmp_path / "data"), "nb", 60.0, 1.0]
    assert [name for name in HEAVY if _loaded(started["modules"], name)] == []
