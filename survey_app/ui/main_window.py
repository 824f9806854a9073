"""The main window: staff pages, the participant's session, the staff gate and idle protection."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget
from shiboken6 import isValid

from survey_app.errors import UserFacingError
from survey_app.ui import operations as ops
from survey_app.ui.context import AppContext
from survey_app.ui.direction import left_to_right_params
from survey_app.ui.idle import IdleWatcher
from survey_app.ui.pages.unlock import UnlockPage
from survey_app.ui.preload import preload_in_background

# Pages after the first one are imported where they are first made: the unlock screen must
# not wait for them (they are preloaded in the background once it shows, see preload.py).
if TYPE_CHECKING:
    from survey_app.ui.pages.close_dialog import CloseUnfinishedDialog
    from survey_app.ui.pages.dashboard import DashboardPage
    from survey_app.ui.pages.new_session import NewSessionPage, NewSessionRequest
    from survey_app.ui.pages.passphrase_dialog import PassphraseDialog
    from survey_app.ui.pages.pause import PausePage
    from survey_app.ui.pages.setup import SetupPage
    from survey_app.ui.pages.sync_dialog import EnrolDialog
    from survey_app.ui.register_controller import RegisterController
    from survey_app.ui.session_records import LoadedSession
    from survey_app.ui.session_view import SessionView
    from survey_app.ui.transfer_worker import TransferController

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Switches between pages; only this class decides who may see what."""

    page_changed = Signal(str)  # name of the page now shown (tests and benchmarks wait on it)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(ctx.ui("Survey"))
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.page_name = ""
        self.session_view: SessionView | None = None
        self._kept_typing: dict[str, dict[tuple[str, str], str]] = {}  # see _drop_session
        self.gate: UnlockPage | None = None
        self._gate_intent = ""
        # A safety signal staff have not yet acknowledged (Continue): shown again after a lock.
        self._safety_due: tuple[str, str] | None = None  # (session id, protocol)
        self._allow_close = False
        self.idle = IdleWatcher(self._idle_seconds(), self)
        self.idle.idle.connect(self._on_idle)
        # Input reaches the top-level QWindow before any widget: filtering there sees every
        # click, key and touch without paying for the many non-input events of child widgets.
        self.winId()
        self.windowHandle().installEventFilter(self.idle)
        self._guard = None  # made at the first passphrase check (it needs the store code)
        self._transfer: TransferController | None = None
        self.enrol_dialog: EnrolDialog | None = None
        self.passphrase_dialog: PassphraseDialog | None = None
        self.close_dialog: CloseUnfinishedDialog | None = None
        self._register: RegisterController | None = None  # made when first opened
        self._start()
        preload_in_background()

    # ----- helpers -------------------------------------------------------------------------

    @property
    def register(self) -> RegisterController:
        """The linking register dialog's controller (imported when first needed)."""
        if self._register is None:
            from survey_app.ui.register_controller import RegisterController

            self._register = RegisterController(self.ctx, self.error_text, self)
            self._register.idle_filter = self.idle
            self._register.closed.connect(self._register_closed)
        return self._register

    def _register_closed(self) -> None:
        page = self.stack.currentWidget()
        if self.page_name == "dashboard" and self.shows(page):
            self.refresh_dashboard(page)

    def _idle_seconds(self) -> float:
        if self.ctx.idle_seconds is not None:
            return self.ctx.idle_seconds
        if self.ctx.study is not None:
            return self.ctx.study.config.idle_timeout_seconds
        return 120

    @property
    def transfer(self) -> TransferController:
        """Sync and export, made when first needed (after unlocking, not at start)."""
        if self._transfer is None:
            from survey_app.ui.transfer_worker import TransferController

            self._transfer = TransferController(self.ctx, parent=self)
            self._transfer.sessions_changed.connect(self._transfer_changed_sessions)
            self._transfer.changed.connect(self._close_enrolled)
        return self._transfer

    def _unlock_guard(self):
        """The growing delay after wrong passphrases, shared by the unlock screen and the gate."""
        if self._guard is None:
            self._guard = ops.new_guard()
        return self._guard

    def _show(self, widget: QWidget, name: str) -> None:
        if self.stack.indexOf(widget) < 0:
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        # Staff pages are rebuilt on every visit: drop the old ones (never the session view).
        for index in reversed(range(self.stack.count())):
            other = self.stack.widget(index)
            if other is not widget and other is not self.session_view:
                self.stack.removeWidget(other)
                other.deleteLater()
        self.page_name = name
        self.page_changed.emit(name)

    def shows(self, page: QWidget) -> bool:
        """Whether `page` is still one of the window's pages (not removed or deleted)."""
        return isValid(page) and self.stack.indexOf(page) >= 0

    def _for_page(self, page: QWidget, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a store answer's handler: it runs only while `page` is still shown.

        A page is removed (and deleted) when the app locks or staff move on; the store worker
        may answer later, and that answer no longer has anyone to show it to.
        """

        def run(value: Any) -> None:
            if self.shows(page):
                handler(value)
            else:
                log.info("answer for a page that is gone ignored (%s)", type(page).__name__)

        return run

    def error_text(self, exc: BaseException) -> str:
        """Turn an exception into a message for the staff (never with personal data)."""
        msgid = getattr(exc, "msgid", None)
        if msgid:
            params = left_to_right_params(getattr(exc, "params", {}) or {})
            return self.ctx.ui(msgid, **params)
        if isinstance(exc, UserFacingError):
            return str(exc)
        log.error("internal error in the app: %s", type(exc).__name__, exc_info=exc)
        return self.ctx.ui(
            "Something went wrong ({name}). Nothing was lost.", name=type(exc).__name__
        )

    # ----- start, set-up, unlock ------------------------------------------------------------

    def _start(self) -> None:
        if ops.store_exists(self.ctx.store_path):
            self.show_unlock()
        else:
            self.show_setup()

    def show_setup(self) -> None:
        """First run: passphrase and study."""
        from survey_app.ui.pages.setup import SetupPage

        page = SetupPage(self.ctx)
        page.submitted.connect(lambda pw, folder: self._create(page, pw, folder))
        self._show(page, "setup")

    def _create(self, page: SetupPage, passphrase: str, folder: Path | None) -> None:
        self.ctx.client.call(
            ops.create_store(self.ctx, passphrase, folder),
            self._store_ready,
            self._for_page(page, lambda exc: page.show_error(self.error_text(exc))),
            "create_store",
        )

    def show_unlock(self) -> None:
        """Unlock the store at start."""
        _ = self.ctx.ui
        page = UnlockPage(self.ctx, title=_("Unlock"), explanation=_("Enter the staff passphrase."))
        page.submitted.connect(lambda pw: self._unlock(page, pw))
        self._show(page, "unlock")
        page.passphrase.setFocus()

    def _unlock(self, page: UnlockPage, passphrase: str) -> None:
        self.ctx.client.call(
            ops.open_store(self.ctx, passphrase, self._unlock_guard()),
            self._store_ready,
            self._for_page(page, lambda exc: self._unlock_failed(page, exc)),
            "open_store",
        )

    def _unlock_failed(self, page: UnlockPage, exc: BaseException) -> None:
        page.failed(*self._passphrase_failure(exc))

    def _passphrase_failure(self, exc: BaseException) -> tuple[str, float]:
        """What to say after a refused passphrase, and how long to wait before the next try.

        The wait is counted down under the message, so a wrong passphrase says only that: the
        store's own message ("Wait 2 seconds, then try again") said the wait a second time.
        """
        from survey_app.store.errors import WrongPassphrase

        delay = float(getattr(exc, "delay_seconds", 0.0) or 0.0)
        if isinstance(exc, WrongPassphrase) and delay > 0:
            return self.ctx.ui("Wrong passphrase."), delay
        return self.error_text(exc), delay

    def _store_ready(self, study) -> None:
        self.ctx.study = study
        self.idle.set_seconds(self._idle_seconds())
        self.transfer.refresh()
        self._staff_home()

    # ----- dashboard ------------------------------------------------------------------------

    def show_dashboard(self) -> None:
        """The staff dashboard of the current meeting."""
        from survey_app.ui.pages.dashboard import DashboardPage

        self._drop_session()
        page = DashboardPage(self.ctx)
        page.new_session_requested.connect(self.show_new_session)
        page.resume_requested.connect(self.resume_session)
        page.close_requested.connect(lambda session_id: self.close_unfinished(page, session_id))
        page.lock_requested.connect(self.lock)
        page.meeting_requested.connect(lambda *args: self._create_meeting(page, *args))
        page.sync_requested.connect(self.sync_now)
        page.passphrase_change_requested.connect(lambda: self.change_passphrase(page))
        page.register_requested.connect(lambda: self.register.open(self))
        page.export_requested.connect(
            lambda folder, everything: self.transfer.export(Path(folder), everything)
        )
        page.auto_sync_due.connect(lambda: self.transfer.sync(automatic=True))
        self.transfer.changed.connect(page.show_transfer)
        self.transfer.session_status.connect(page.mark_session)
        page.show_transfer(self.transfer.state)
        self._show(page, "dashboard")
        self.idle.start()
        self.refresh_dashboard(page)

    def refresh_dashboard(self, page: DashboardPage) -> None:
        """Reload the meeting's sessions (status only) from the store."""
        self.ctx.client.call(
            ops.dashboard_data(self.ctx.meeting),
            self._for_page(page, lambda data: self._fill_dashboard(page, data)),
            self._for_page(page, lambda exc: page.show_meeting_error(self.error_text(exc))),
            "dashboard",
        )
        self.ctx.client.call(
            ops.unfinished_sessions(self.ctx),
            self._for_page(page, page.show_unfinished),
            self._for_page(page, lambda exc: page.show_action_error(self.error_text(exc))),
            "unfinished_sessions",
        )

    def close_unfinished(self, page: DashboardPage, session_id: str) -> None:
        """Ask why an unfinished session is closed; the store seals it as abandoned."""
        from survey_app.ui.pages.close_dialog import CloseUnfinishedDialog

        entry = next((e for e in page.unfinished if e.session.id == session_id), None)
        if entry is None:
            return
        session = entry.session
        protocol = self.ctx.study.library.protocol if self.ctx.study else None
        tp = protocol.timepoints.get(session.timepoint) if protocol else None
        tp_name = (tp.label.get(self.ctx.staff_language) if tp else None) or session.timepoint
        dialog = CloseUnfinishedDialog(self.ctx, session.participant_code, tp_name, self)
        dialog.submitted.connect(
            lambda reason, note: self._abandon(page, dialog, session_id, reason, note)
        )
        dialog.finished.connect(lambda _result: self._close_dialog_closed(dialog))
        self.close_dialog = dialog
        dialog.open()
        dialog.windowHandle().installEventFilter(self.idle)  # typing here is staff activity

    def _abandon(
        self, page: DashboardPage, dialog: CloseUnfinishedDialog, session_id, reason, note
    ) -> None:
        def dialog_open() -> bool:
            return self.close_dialog is dialog and isValid(dialog)

        def done(_copy) -> None:
            if dialog_open():
                dialog.accept()
            if self.shows(page):
                page.show_closed()
                self.refresh_dashboard(page)

        def failed(exc: BaseException) -> None:
            if dialog_open():
                dialog.failed(self.error_text(exc))

        self.ctx.client.call(
            ops.abandon_session(self.ctx, session_id, reason, note),
            done,
            failed,
            "abandon_session",
        )

    def _close_dialog_closed(self, dialog: CloseUnfinishedDialog) -> None:
        if self.close_dialog is dialog:
            self.close_dialog = None
        dialog.deleteLater()

    def _fill_dashboard(self, page: DashboardPage, data) -> None:
        meeting, sessions = data
        self.ctx.meeting = meeting
        page.show_sessions(meeting, sessions)

    def _create_meeting(self, page: DashboardPage, date: str, place: str, staff: str) -> None:
        self.ctx.client.call(
            lambda w: w.store.create_meeting(date, place, staff),
            lambda meeting: self._meeting_created(page, meeting),
            self._for_page(page, lambda exc: page.show_meeting_error(self.error_text(exc))),
            "create_meeting",
        )

    def _meeting_created(self, page: DashboardPage, meeting) -> None:
        self.ctx.meeting = meeting  # kept even when the page is gone: the next one shows it
        if self.shows(page):
            self.refresh_dashboard(page)

    # ----- sync and export (staff, dashboard only; never a dialog during a session) ---------

    def sync_now(self) -> None:
        """Sync at once; a laptop not enrolled yet first asks for the server and the code."""
        if self.transfer.state.enrolled:
            self.transfer.sync()
            return
        address = self.transfer.state.server
        if not address and self.ctx.study is not None:
            address = self.ctx.study.config.server_url or ""
        from survey_app.ui.pages.sync_dialog import EnrolDialog

        dialog = EnrolDialog(self.ctx, address, self)
        dialog.submitted.connect(lambda addr, code, ca: self._enrol(dialog, addr, code, ca))
        dialog.finished.connect(lambda _result: self._enrol_dialog_closed(dialog))
        self.enrol_dialog = dialog
        dialog.open()
        dialog.windowHandle().installEventFilter(self.idle)  # typing here is staff activity

    def _enrol(self, dialog: EnrolDialog, address: str, code: str, ca_file: str = "") -> None:
        from survey_app.ui.transfer_worker import check_server_address

        try:
            address = check_server_address(address)
        except UserFacingError as exc:
            dialog.show_error(self.error_text(exc))
            return

        def refused(exc: BaseException) -> None:
            if self.enrol_dialog is dialog and isValid(dialog):
                dialog.show_error(self.error_text(exc))

        self.transfer.enrol(address, code, refused, ca_file=ca_file)

    def _close_enrolled(self, state) -> None:
        if state.enrolled and self.enrol_dialog is not None:
            self.enrol_dialog.accept()

    def _enrol_dialog_closed(self, dialog: EnrolDialog) -> None:
        if self.enrol_dialog is dialog:
            self.enrol_dialog = None
        dialog.deleteLater()

    def _transfer_changed_sessions(self) -> None:
        from survey_app.ui.pages.dashboard import DashboardPage

        page = self.stack.currentWidget()
        if self.page_name == "dashboard" and isinstance(page, DashboardPage):
            self.refresh_dashboard(page)

    def change_passphrase(self, page: DashboardPage) -> None:
        """Ask for the old passphrase and the new one twice; the store re-keys on its worker."""
        from survey_app.ui.pages.passphrase_dialog import PassphraseDialog

        dialog = PassphraseDialog(self.ctx, self)
        dialog.submitted.connect(lambda old, new: self._rekey(page, dialog, old, new))
        dialog.finished.connect(lambda _result: self._passphrase_dialog_closed(dialog))
        self.passphrase_dialog = dialog
        dialog.open()
        dialog.windowHandle().installEventFilter(self.idle)  # typing here is staff activity

    def _rekey(self, page: DashboardPage, dialog: PassphraseDialog, old: str, new: str) -> None:
        def dialog_open() -> bool:
            return self.passphrase_dialog is dialog and isValid(dialog)

        def done(_ok) -> None:
            if dialog_open():
                dialog.accept()
            if self.shows(page):
                page.show_passphrase_changed()

        def failed(exc: BaseException) -> None:
            if dialog_open():
                dialog.failed(*self._passphrase_failure(exc))

        self.ctx.client.call(
            ops.change_passphrase(old, new),
            done,
            failed,
            "change_passphrase",
        )

    def _passphrase_dialog_closed(self, dialog: PassphraseDialog) -> None:
        if self.passphrase_dialog is dialog:
            self.passphrase_dialog = None
        dialog.deleteLater()

    def lock(self) -> None:
        """Lock the staff pages: the passphrase is needed to come back."""
        self._open_gate("dashboard", can_cancel=False)

    # ----- sessions -------------------------------------------------------------------------

    def show_new_session(self) -> None:
        """The staff form for a new session."""
        from survey_app.ui.pages.new_session import NewSessionPage

        page = NewSessionPage(self.ctx)
        page.start_requested.connect(lambda request: self._start_session(page, request))
        page.cancelled.connect(self.show_dashboard)
        self._show(page, "new_session")
        page.code.setFocus()

    def _start_session(self, page: NewSessionPage, request: NewSessionRequest) -> None:
        self.ctx.client.call(
            ops.start_session(self.ctx, request),
            self._open_session,
            self._for_page(page, lambda exc: self._start_refused(page, exc)),
            "start_session",
        )

    def _start_refused(self, page: NewSessionPage, exc: BaseException) -> None:
        from survey_app.store.errors import CodeAlreadyUsed

        if isinstance(exc, CodeAlreadyUsed):
            page.show_code_used(exc)  # at the code field, where the staff member looks
        else:
            page.show_error(self.error_text(exc))

    def resume_session(self, session_id: str) -> None:
        """Continue an interrupted session where it stopped (or say why it cannot)."""
        self.ctx.client.call(
            ops.resume_session(self.ctx, session_id),
            self._open_session,
            self._resume_failed,
            "resume_session",
        )

    def _resume_failed(self, exc: BaseException) -> None:
        from survey_app.ui.pages.dashboard import DashboardPage

        log.error("resume failed: %s", type(exc).__name__)
        page = self.stack.currentWidget()
        if isinstance(page, DashboardPage):
            page.show_action_error(self.error_text(exc))
        else:
            self.statusBar().showMessage(self.error_text(exc), 15000)

    def _open_session(self, loaded: LoadedSession) -> None:
        from survey_app.forms.model import Addressee
        from survey_app.ui.langs import SessionLanguages
        from survey_app.ui.session_view import SessionSetup, SessionView

        session = loaded.session
        addressee = Addressee(session.addressee) if session.addressee else None
        langs = SessionLanguages(session.language, session.interpreter_language, addressee)
        setup = SessionSetup(
            session=session,
            forms=loaded.forms,
            study=self.ctx.study,
            langs=langs,
            staff_language=self.ctx.staff_language,
            actor=self.ctx.actor,
            answers=loaded.answers,
            consent_done=loaded.consent_done,
            resume=loaded.resume,
            double_entry=loaded.double_entry,
            touched=loaded.touched,
            unconfirmed=self._kept_typing.pop(session.id, {}),
        )
        self._drop_session()
        view = SessionView(setup, self.ctx.client, self.ctx.theme)
        view.staff_requested.connect(lambda: self._open_gate("dashboard", can_cancel=True))
        view.pause_requested.connect(lambda: self._open_gate("pause", can_cancel=True))
        view.save_failed.connect(self._session_error)
        self.session_view = view
        self._show(view, "session")
        self.idle.start()

    def _session_error(self, exc: BaseException) -> None:
        log.error("saving failed: %s", type(exc).__name__)
        self.statusBar().showMessage(self.error_text(exc), 15000)

    def _drop_session(self) -> None:
        if self.session_view is not None:
            view, self.session_view = self.session_view, None
            # Typed text that was not accepted is never stored, and not dropped either: it
            # waits here (memory only) until the session is resumed in this run of the app.
            kept = view.kept_typing()  # empty once finished: Finish waits for such text
            if kept:
                self._kept_typing[view.session_id] = kept
            else:
                self._kept_typing.pop(view.session_id, None)
            self.stack.removeWidget(view)
            view.deleteLater()

    # ----- staff gate, idle, close ----------------------------------------------------------

    def _open_gate(self, intent: str, *, can_cancel: bool) -> None:
        _ = self.ctx.ui
        self._gate_intent = intent
        gate = UnlockPage(
            self.ctx,
            title=_("Staff only"),
            explanation=_("Enter the staff passphrase to continue."),
            can_cancel=can_cancel,
        )
        gate.submitted.connect(lambda pw: self._check_gate(gate, pw))
        gate.cancelled.connect(self._gate_cancelled)
        self.gate = gate
        if self.enrol_dialog is not None:
            self.enrol_dialog.reject()
        if self.passphrase_dialog is not None:
            self.passphrase_dialog.reject()
        if self.close_dialog is not None:
            self.close_dialog.reject()
        # The linking register locks with the app: its passphrase is needed again.
        if self._register is not None:
            self._register.close()
        self.idle.stop()
        self._show(gate, "gate")
        gate.passphrase.setFocus()

    def _check_gate(self, gate: UnlockPage, passphrase: str) -> None:
        self.ctx.client.call(
            ops.verify_passphrase(self.ctx, passphrase, self._unlock_guard()),
            self._for_page(gate, lambda _ok: self._gate_passed()),
            self._for_page(gate, lambda exc: self._unlock_failed(gate, exc)),
            "verify_passphrase",
        )

    def _gate_passed(self) -> None:
        self.gate = None
        if self._gate_intent == "quit":
            self._allow_close = True
            self.close()
            return
        if self._gate_intent == "pause" and self.session_view is not None:
            self._pause(self.session_view)
            return
        self._staff_home()

    def _staff_home(self) -> None:
        """After the staff passphrase: an unacknowledged safety signal, else the dashboard.

        The store's audit trail says which signals are still pending, so a signal survives the
        app being closed or crashing before staff saw it; the session's own code covers an audit
        entry that could not be written.
        """
        view = self.session_view
        fallback = self._safety_due
        if fallback is None and view is not None and view.safety_code:
            fallback = (view.session_id, view.safety_code)

        def pick(pending: list[tuple[str, str]]) -> None:
            if fallback is not None and fallback[0] not in {sid for sid, _code in pending}:
                pending = [fallback, *pending]
            if pending:
                self._show_safety_signal(*pending[0])
            else:
                self.show_dashboard()

        def unreadable(exc: BaseException) -> None:
            log.error("pending safety signals not read: %s", type(exc).__name__)
            pick([])

        self.ctx.client.call(ops.pending_safety_signals(), pick, unreadable, "pending_safety")

    def _show_safety_signal(self, session_id: str, code: str) -> None:
        """After a session that calls for the study's safety protocol: tell staff, and only them."""
        from survey_app.ui.pages.safety import SafetySignalPage

        self._drop_session()
        self._safety_due = (session_id, code)
        page = SafetySignalPage(self.ctx, code)
        page.done.connect(lambda: self._safety_acknowledged(page, session_id, code))
        self._show(page, "safety_signal")
        page.continue_button.setFocus()
        self.idle.start()

    def _safety_acknowledged(self, page: QWidget, session_id: str, code: str) -> None:
        """Audit that staff saw the signal; then the next pending one, or the dashboard."""
        page.continue_button.setEnabled(False)  # a double press must not skip the next signal

        def recorded(_ok) -> None:
            self._safety_due = None
            self._staff_home()

        def not_recorded(exc: BaseException) -> None:
            # Staff have seen it; the store will show it again after the next unlock.
            log.error("safety acknowledgement not written: %s", type(exc).__name__)
            self._safety_due = None
            self.show_dashboard()

        self.ctx.client.call(
            ops.acknowledge_safety_signal(self.ctx, session_id, code),
            self._for_page(page, recorded),
            self._for_page(page, not_recorded),
            "acknowledge_safety",
        )

    # ----- pause (staff, mid-session) -----------------------------------------------------

    def _pause(self, view: SessionView) -> None:
        """Audit the pause, then show the staff menu of the paused session."""
        self.ctx.client.call(
            ops.pause_session(self.ctx, view.session_id),
            lambda session: self._show_pause(view, session),
            self._pause_failed,
            "pause_session",
        )

    def _pause_failed(self, exc: BaseException) -> None:
        # The session can no longer be paused (e.g. it was sealed meanwhile): staff land on
        # the dashboard, where its status says what happened.
        log.error("pause failed: %s", type(exc).__name__)
        self.show_dashboard()
        self._resume_failed(exc)

    def _show_pause(self, view: SessionView, session) -> None:
        from survey_app.forms.languages import LANGUAGES
        from survey_app.ui.pages.pause import PausePage

        if self.session_view is not view:
            return
        page = PausePage(self.ctx, session, LANGUAGES)
        page.resume_requested.connect(lambda: self._continue_session(view))
        page.dashboard_requested.connect(self.show_dashboard)
        page.interpreter_chosen.connect(lambda lang: self._switch_interpreter(page, view, lang))
        self._show(page, "paused")
        self.idle.start()

    def _continue_session(self, view: SessionView) -> None:
        def back(_ok) -> None:
            if self.session_view is view:
                self._show(view, "session")
                self.idle.start()

        self.ctx.client.call(
            ops.continue_session(self.ctx, view.session_id),
            back,
            self._pause_failed,
            "continue_session",
        )

    def _switch_interpreter(self, page: PausePage, view: SessionView, language) -> None:
        def switched(lang) -> None:
            if self.session_view is view:
                view.set_interpreter(lang)
            if self.shows(page):
                page.show_interpreter(lang)

        def refused(exc: BaseException) -> None:
            if self.shows(page):
                page.show_interpreter(view.langs.interpreter)
                page.show_error(self.error_text(exc))

        self.ctx.client.call(
            ops.switch_interpreter(self.ctx, view.setup.session, language),
            switched,
            refused,
            "switch_interpreter",
        )

    def _gate_cancelled(self) -> None:
        self.gate = None
        if self.session_view is not None:
            self._show(self.session_view, "session")
            self.idle.start()

    def _on_idle(self) -> None:
        if self.page_name == "session" and self.session_view is not None:
            self.session_view.cover()
            self.idle.start()
        elif self.page_name in ("dashboard", "new_session", "paused", "safety_signal"):
            # The safety signal too: it is kept in the store and shown again after unlocking.
            self.lock()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A participant must never close their way out of a session: closing needs staff.
        if self.session_view is not None and not self._allow_close:
            event.ignore()
            # Typed text is saved now: the app may close before the typing pause has passed.
            self.session_view.save_typed()
            self._open_gate("quit", can_cancel=True)
            return
        self.idle.stop()
        if self._transfer is not None:
            self._transfer.shutdown()
        event.accept()
