"""PySide's look at each imported module (does it use PySide6?) answers as PySide's own does."""

from __future__ import annotations

import sys
import types

import survey_app.ui.app  # noqa: F401  (puts the file read in place, as a start does)
from survey_app.ui.pyside_scan import read_source_files_instead


def _look():
    return sys.modules["shibokensupport.feature"]._mod_uses_pyside


def test_the_app_puts_the_file_read_in_place_of_pyside_s_look():
    assert read_source_files_instead()
    assert hasattr(_look(), "__wrapped__")


def test_every_loaded_module_gets_the_answer_pyside_s_own_look_gives():
    look = _look()
    modules = [m for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)]
    answers = {m.__name__: look(m) for m in modules}
    assert answers == {m.__name__: look.__wrapped__(m) for m in modules}
    # Both kinds are among them: Qt pages, and domain code that must not see Qt.
    assert answers["survey_app.ui.main_window"] is True
    assert answers["survey_app.errors"] is False


def test_a_module_whose_file_is_gone_is_asked_pyside_s_way(tmp_path):
    gone = types.ModuleType("gone_module")
    gone.__file__ = str(tmp_path / "gone_module.py")
    assert _look()(gone) is _look().__wrapped__(gone) is False


def test_putting_it_in_place_twice_keeps_one_file_read():
    first = _look()
    assert read_source_files_instead()
    assert _look() is first
