"""Import what the pages after the first one need, in the background, once the first is shown.

The unlock screen imports only what it shows (see test_startup.py), so it appears sooner; the
store (SQLCipher, keys), the dashboard and the session pages are then imported on a background
thread while the staff member types the passphrase, and are ready when the store opens.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Iterable

from PySide6.QtCore import QTimer

log = logging.getLogger(__name__)

# Long enough for the first page to be painted first; far shorter than typing a passphrase.
DELAY_MS = 150

NEXT_PAGES = (
    "survey_app.store.device_store",
    "survey_app.study",
    "survey_app.forms.library",
    "survey_app.sync.credentials",
    "survey_app.ui.pages.dashboard",
    "survey_app.ui.pages.new_session",
    "survey_app.ui.pages.passphrase_dialog",
    "survey_app.ui.session_view",
    "survey_app.ui.transfer_worker",
)


def preload_in_background(modules: Iterable[str] = NEXT_PAGES, delay_ms: int = DELAY_MS) -> None:
    """Shortly after the event loop runs, import modules on a daemon thread."""
    names = tuple(modules)
    QTimer.singleShot(
        delay_ms,
        lambda: threading.Thread(
            target=_import_all, args=(names,), name="preload", daemon=True
        ).start(),
    )


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # the page that needs it will import it again and say why
            log.warning("preloading %s failed: %s", name, type(exc).__name__)
