"""PySide's look at each newly imported module, made cheaper: the same answer, read from the file.

PySide 6 asks of every module imported after Qt whether its source mentions "PySide6" (for its
`__feature__` switches), through inspect.getsource: ~0.2 ms a module, ~5 ms of the app's start
before the first page. Searching the source file's bytes gives the same answer in a fraction of
that (Python source is in an ASCII-compatible encoding); a module without a source file is
still asked PySide's way. Where a PySide version has no such look, nothing is changed.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (sets up PySide's import hook and the look it calls)


def read_source_files_instead() -> bool:
    """Put the file read in place of PySide's look; return whether it is in place."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is None:
        return False
    if hasattr(upstream, "__wrapped__"):  # already in place
        return True

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return upstream(module)

    uses_pyside.__wrapped__ = upstream  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]
    return True


read_source_files_instead()
