"""Start the desktop app: `python main.py [--data-dir DIR] [--study DIR] [--language nb|en|ar]`."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from survey_app.cli.app_options import LARGE_TEXT_SCALE, add_app_options, default_options
from survey_app.program_name import SOURCE
from survey_app.ui import pyside_scan  # noqa: F401  (first: every UI module below is looked at)
from survey_app.ui.context import AppContext
from survey_app.ui.direction import qt_direction
from survey_app.ui.error_guard import configure_logging, make_excepthook
from survey_app.ui.first_paint import after_first_paint
from survey_app.ui.gc_guard import GuiThreadCollector
from survey_app.ui.theme import Theme, apply_theme, load_fonts


def chosen_scale(large_text: bool, scale: float | None) -> float:
    """Return the text factor: --text-scale wins, else ×1.5 with --large-text, else 1.0."""
    if scale is not None:
        return scale
    return LARGE_TEXT_SCALE if large_text else 1.0


def app_parser(prog: str = SOURCE) -> argparse.ArgumentParser:
    """The app's own option parser; prog is the program as typed (cli.program), for usage lines."""
    parser = argparse.ArgumentParser(prog=prog, description="Start the survey app.")
    add_app_options(parser)
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def parse_args(argv: list[str], prog: str = SOURCE) -> argparse.Namespace:
    """Parse the app's own options (usage lines and errors name prog)."""
    if not argv:
        # A double-click: nothing to parse. Building the parser and its first parse (gettext's
        # first look at the system locale) would cost ~2.5 ms before the first page.
        return default_options(debug=False)
    return app_parser(prog).parse_args(argv)


def default_data_dir() -> Path:
    """Return the platform's user data folder for the app."""
    from survey_app.store import default_store_path

    return default_store_path().parent


def install_qt_texts(language: str) -> None:
    """Make Qt's own texts (standard dialogs, buttons, context menus) speak the staff language."""
    from survey_app.ui.qt_language import use_qt_language

    use_qt_language(language)


def prepare_application(
    argv: list[str], language: str, theme: Theme, *, qt_texts: bool = True
) -> QApplication:
    """Create (or reuse) the QApplication with bundled fonts, theme, locale and, unless
    `qt_texts` is False (the caller installs them later), Qt's own texts."""
    app = QApplication.instance() or QApplication(argv)
    app.setProperty("survey_app_fonts", load_fonts())
    apply_theme(app, theme)
    app.setLayoutDirection(qt_direction(language))
    QLocale.setDefault(QLocale(language))
    if qt_texts:
        install_qt_texts(language)
    return app


@dataclass
class RunningApp:
    """The started app: its window is shown; `stop` releases the worker thread."""

    app: QApplication
    window: Any  # survey_app.ui.main_window.MainWindow
    client: Any  # survey_app.ui.store_worker.StoreClient
    collector: GuiThreadCollector

    def stop(self) -> None:
        """Stop the store worker and hand garbage collection back to Python."""
        self.client.shutdown()
        self.collector.stop()


def start_app(argv: list[str], prog: str = SOURCE) -> RunningApp:
    """Start the app up to its first page (unlock or set-up), shown; the event loop not yet run.

    prog is how the app was started (`survey-app` or `python main.py`): an option error and the
    pages' hints (AppContext.program) name it.

    Only what that page needs is imported here: the store, the network and the data
    libraries are imported later, off the GUI thread where possible (docs/ui.md, start-up).
    """
    from survey_app.ui.main_window import MainWindow
    from survey_app.ui.store_worker import StoreClient

    started = time.perf_counter()
    args = parse_args(argv, prog)
    theme = Theme(chosen_scale(args.large_text, args.text_scale))
    # Qt's own texts appear in dialogs and menus, never on the first page: compiling and
    # installing them waits until that page has been painted.
    app = prepare_application([sys.argv[0]], args.language, theme, qt_texts=False)
    client = StoreClient()
    ctx = AppContext(
        client=client,
        data_dir=args.data_dir or default_data_dir(),
        study_dir=args.study,
        staff_language=args.language,
        theme=theme,
        sync_interval_seconds=max(5.0, args.sync_interval),
        program=prog,
    )
    configure_logging(ctx.data_dir / "app.log")
    collector = GuiThreadCollector(app)
    window = MainWindow(ctx)
    sys.excepthook = make_excepthook(
        lambda exc: window.statusBar().showMessage(window.error_text(exc), 15000)
    )
    window.resize(1280, 760)
    window.show()
    after_first_paint(window, lambda: install_qt_texts(args.language))
    if args.self_check:
        from survey_app.ui.self_check import schedule_self_check

        fonts = list(app.property("survey_app_fonts") or [])
        schedule_self_check(app, window, fonts, started, args.screenshot)
    return RunningApp(app, window, client, collector)


def run_app(argv: list[str], prog: str = SOURCE) -> int:
    """Run the desktop app until its window closes; return the exit code."""
    running = start_app(argv, prog)
    try:
        return running.app.exec()
    finally:
        running.stop()
