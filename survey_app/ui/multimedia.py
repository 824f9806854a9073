"""Loading Qt Multimedia once, quietly, and only where it can load.

Kept apart from the players (ui/reading.py) so the unlock screen can load the library early
(see file_dialogs.use_qt_language) without importing the forms model along with it.
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
