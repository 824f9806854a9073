"""Loading Qt Multimedia once, quietly, and only where it can load.

Loaded when a session first needs a player (ui/reading.py), not at start: the library and its
FFmpeg plugin cost the unlock screen ~12 ms and nothing there plays. Loading them asks Qt's
translators for texts inside the dynamic loader's lock, which is safe because those translators
are Qt's own, not Python (see qt_language.use_qt_language).
"""

from __future__ import annotations

import logging
from functools import cache
from types import ModuleType

from PySide6.QtCore import QLoggingCategory

log = logging.getLogger(__name__)


@cache
def load_multimedia() -> ModuleType | None:
    """Qt Multimedia, or None when the module or its native libraries cannot load."""
    # Its FFmpeg backend describes every file it opens and every sound library it looks for
    # on the console; staff see a console window in some installs. Real errors still arrive
    # through QMediaPlayer.errorOccurred (logged in ui/reading.py).
    QLoggingCategory.setFilterRules(
        "qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg*=false"
    )
    try:
        from PySide6 import QtMultimedia
    except (ImportError, OSError) as exc:
        log.warning("recorded readings are off: Qt Multimedia cannot load (%s)", type(exc).__name__)
        return None
    return QtMultimedia
