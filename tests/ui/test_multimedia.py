"""Qt Multimedia loads while another thread imports native modules, without freezing the app.

The first player loads Qt Multimedia's FFmpeg plugin, whose libraries ask Qt's translators for
texts inside the dynamic loader's lock. With a translator written in Python that call waited for
the GIL, held by the preload thread waiting for the same lock: the app froze about one start in
twenty, and in this probe (which keeps a thread loading native modules) nearly every time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import importlib.util, threading, time
import _argon2_cffi_bindings._ffi as native
from PySide6.QtWidgets import QApplication
from survey_app.ui.qt_language import use_qt_language
from survey_app.ui.multimedia import load_multimedia

app = QApplication([])
use_qt_language("ar")
multimedia = load_multimedia()
if multimedia is None:
    print("no multimedia")
    raise SystemExit(0)
stop = threading.Event()

def load_native_modules():
    # Like the preload thread importing the store: dlopen with the GIL held, again and again.
    copy = 0
    while not stop.is_set():
        copy += 1
        spec = importlib.util.spec_from_file_location(f"copy{copy}._ffi", native.__file__)
        importlib.util.module_from_spec(spec)

thread = threading.Thread(target=load_native_modules, daemon=True)
thread.start()
time.sleep(0.02)
player = multimedia.QMediaPlayer()
stop.set()
thread.join()
print("player made")
"""


def _probe() -> str:
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE],
            cwd=REPO,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return "froze"
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]


def test_the_first_player_loads_while_a_thread_imports_native_modules():
    for _attempt in range(3):  # each start a fresh race; a Python translator lost nearly all
        result = _probe()
        if result == "no multimedia":
            pytest.skip("Qt Multimedia cannot load here")
        assert result == "player made"
