"""Render every page type of a session to PNG files, offscreen (temporary store, DEMO study)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QScrollArea

from survey_app.ui.context import AppContext
from survey_app.ui.direction import qt_direction
from survey_app.ui.layout_check import clipped_texts
from survey_app.ui.main_window import MainWindow
from survey_app.ui.pages.new_session import NewSessionRequest
from survey_app.ui.store_worker import StoreClient
from survey_app.ui.theme import Theme

SIZE = (1366, 768)
PASSPHRASE = "screenshots only"


@dataclass(frozen=True)
class Variant:
    """One rendering: the participant's language, optional interpreter language, staff language."""

    name: str
    language: str
    interpreter: str | None = None
    addressee: str | None = None  # how the texts address the participant (None: not stated)

    @property
    def staff(self) -> str:
        return self.language


VARIANTS = (
    Variant("nb", "nb"),
    Variant("en", "en"),
    Variant("ar", "ar"),
    Variant("ar+nb", "ar", "nb", "female"),
)


def wait_until(condition: Callable[[], bool], timeout_ms: int = 20000) -> None:
    """Run the event loop until condition() holds (a harness helper, not used by the app)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)

    def check() -> None:
        if condition():
            loop.quit()

    timer.timeout.connect(check)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    timer.start()
    deadline.start(timeout_ms)
    if not condition():
        loop.exec()
    timer.stop()
    if not condition():
        raise TimeoutError("the app did not reach the expected state")


class Shooter:
    """Drives a real MainWindow and saves what it shows."""

    def __init__(self, out_dir: Path, data_dir: Path, theme: Theme) -> None:
        from survey_app.store import KdfParams

        self.out_dir = out_dir
        self.client = StoreClient()
        self.ctx = AppContext(
            client=self.client,
            data_dir=data_dir,
            study_dir=None,
            staff_language="nb",
            theme=theme,
            kdf=KdfParams(time_cost=1, memory_kib=8192, parallelism=1),
        )
        self.window = MainWindow(self.ctx)
        self.window.resize(*SIZE)
        self.window.show()
        self.files: list[Path] = []
        self.problems: list[str] = []  # cut-off texts found (survey_app.ui.layout_check)

    def settle(self) -> None:
        wait_until(lambda: self.client.pending == 0)
        # Harness only: a height-for-width change (a hint hidden, a scroll bar gone) ripples
        # through nested layouts one posted event at a time; let them all finish before grabbing.
        for _ in range(4):
            QApplication.processEvents()

    def shot(self, name: str) -> None:
        self.settle()
        path = self.out_dir / f"{name}.png"
        self.window.grab().save(str(path))
        self.files.append(path)
        self._full_shot(name)
        for problem in clipped_texts(self.window.stack.currentWidget()):
            self.problems.append(f"{name}: {problem}")

    def _full_shot(self, name: str) -> None:
        """Also save the whole scrolled content when it is taller than the window shows."""
        areas = [
            a
            for a in self.window.stack.currentWidget().findChildren(QScrollArea)
            if a.isVisible() and a.widget() is not None
        ]
        for area in areas:
            if area.widget().height() > area.viewport().height() + 4:
                path = self.out_dir / f"{name}-full.png"
                area.widget().grab().save(str(path))
                self.files.append(path)
                return

    def staff_language(self, language: str) -> None:
        self.ctx.staff_language = language
        QApplication.instance().setLayoutDirection(qt_direction(language))

    def setup(self) -> None:
        self.shot("nb-setup")
        # The first run in Arabic, refusing two passphrases that differ; then on in nb.
        self.staff_language("ar")
        self.window.show_setup()
        page = self.window.stack.currentWidget()
        page.passphrase.setText(PASSPHRASE)
        page.repeat.setText(PASSPHRASE + "!")
        page.create_button.click()
        self.shot("ar-setup-refused")
        self.staff_language("nb")
        self.window.show_setup()
        page = self.window.stack.currentWidget()
        page.passphrase.setText(PASSPHRASE)
        page.repeat.setText(PASSPHRASE)
        page.create_button.click()
        wait_until(lambda: self.window.page_name == "dashboard")
        self.settle()
        page = self.window.stack.currentWidget()
        page.meeting_place.setText("Allmøte, Skolen")
        page.meeting_staff.setText("AB")
        self.shot("nb-dashboard-new-meeting")
        page.findChild(type(page.new_button), "start_meeting").click()
        self.settle()

    def session(self, variant: Variant, number: int) -> None:
        from survey_app.answers.codes import make_code

        self.staff_language(variant.staff)
        prefix = variant.name
        # Dialogs of the session before took the activation; without it no focus is drawn.
        self.window.activateWindow()
        self.window.show_new_session()
        page = self.window.stack.currentWidget()
        page.code.setText(make_code(number, "RJ"))
        page.language.setCurrentIndex(page.language.findData(variant.language))
        page.interpreter.setCurrentIndex(page.interpreter.findData(variant.interpreter))
        page.addressee.setCurrentIndex(page.addressee.findData(variant.addressee))
        self.shot(f"{prefix}-new-session")  # with the notice: the DEMO texts are drafts
        request = NewSessionRequest(
            make_code(number, "RJ"),
            "baseline",
            variant.language,
            variant.interpreter,
            None,
            False,
            False,
            addressee=variant.addressee,
        )
        self.window._start_session(page, request)
        wait_until(lambda: self.window.page_name == "session")
        view = self.window.session_view
        self.shot(f"{prefix}-consent")
        consent = view.current
        for item_id, item_view in consent.views.items():
            if item_id in consent.statements:
                item_view.answer.button_for(0).click()
        consent.continue_button.click()
        self.shot(f"{prefix}-consent-decline-confirm")  # "are you sure?"; then go back
        consent.cancel_decline_button.click()
        for item_id, item_view in consent.views.items():
            if item_id in consent.statements:
                item_view.answer.button_for(1).click()
        self.shot(f"{prefix}-consent-answered")
        consent.continue_button.click()
        wait_until(lambda: view.current is not consent)
        seen: set[str] = set()
        for index, spec in enumerate(view.plan):
            if spec.form.id in seen and not _interesting(spec):
                continue
            seen.add(spec.form.id)
            view.show_page(index)
            _answer_some(view.current)
            self.shot(f"{prefix}-q{index:02d}-{spec.form.id}")
        self._typed_refused(view, prefix)
        self._pause_and_switch(view, variant)
        view.show_review()
        wait_until(lambda: view.current.complete)  # rows past the first screen come in turns
        self.shot(f"{prefix}-review")
        self._review_return(view, prefix)
        view.current.finish_button.click()
        self.shot(f"{prefix}-finish-confirm")  # unanswered items: asked once
        view.current.finish_button.click()
        wait_until(lambda: type(view.current).__name__ == "ThanksPage")
        self.shot(f"{prefix}-thanks")
        view.cover()
        self.shot(f"{prefix}-privacy")
        self.window.show_dashboard()
        self.shot(f"{prefix}-dashboard")
        self._code_used(prefix, make_code(number, "RJ"))
        self._code_refused(prefix, make_code(number, "RJ"))
        self._unfinished(variant, number + 100)
        self._passphrase_dialog(prefix)
        self._register_dialog(prefix, make_code(number, "RJ"))
        self._declined(variant, number + 200)
        self._safety_signal(prefix)
        self.window.lock()
        self.shot(f"{prefix}-lock")
        self._wrong_passphrase(prefix)
        self.window._gate_passed()
        # The dashboard comes after a store call: wait for it, or the next page shown is
        # replaced by it before its picture is taken.
        wait_until(lambda: self.window.page_name == "dashboard")
        self.settle()

    def _wrong_passphrase(self, prefix: str) -> None:
        """The lock screen after a wrong passphrase: the message and the wait before a retry."""
        gate = self.window.gate
        gate.passphrase.setText("not the passphrase")
        gate.unlock_button.click()
        checking = gate.message.text()
        wait_until(lambda: gate.message.text() != checking)
        self.shot(f"{prefix}-lock-wrong-passphrase")

    def _declined(self, variant: Variant, number: int) -> None:
        """A participant who does not consent: the closing page they see."""
        from survey_app.answers.codes import make_code

        request = NewSessionRequest(
            make_code(number, "RJ"), "baseline", variant.language, variant.interpreter,
            None, False, False, addressee=variant.addressee,
        )  # fmt: skip
        self.window.show_new_session()
        self.window._start_session(self.window.stack.currentWidget(), request)
        wait_until(lambda: self.window.page_name == "session")
        view = self.window.session_view
        consent = view.current
        for item_id in consent.statements:
            consent.views[item_id].answer.button_for(0).click()
        consent.continue_button.click()
        consent.confirm_decline_button.click()
        wait_until(lambda: view.current is not consent)
        self.shot(f"{variant.name}-consent-declined")
        self.window.show_dashboard()
        self.settle()

    def _safety_signal(self, prefix: str) -> None:
        """The staff-only page after a session that calls for the safety protocol."""
        self.window._show_safety_signal("screenshot", "S")
        self.shot(f"{prefix}-safety-signal")
        self.window._safety_due = None  # a picture only: nothing to acknowledge
        self.window.show_dashboard()
        self.settle()

    def _code_refused(self, prefix: str, code: str) -> None:
        """The new-session page refusing a mistyped code (one character changed)."""
        self.window.show_new_session()
        page = self.window.stack.currentWidget()
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        page.code.setText(wrong)
        self.shot(f"{prefix}-new-session-code-refused")
        self.window.show_dashboard()
        self.settle()

    def _code_used(self, prefix: str, code: str) -> None:
        """The new-session page refusing a code that has completed this timepoint already."""
        self.window.show_new_session()
        page = self.window.stack.currentWidget()
        page.code.setText(code)
        wait_until(lambda: bool(page.used_message))
        self.shot(f"{prefix}-new-session-code-used")
        self.window.show_dashboard()
        self.settle()

    def _pause_and_switch(self, view, variant: Variant) -> None:
        """The staff menu of a paused session, and the ladder with the interpreter switched."""
        ladder = next(i for i, spec in enumerate(view.plan) if spec.form.id == "cantril")
        view.show_page(ladder)
        _answer_some(view.current)
        view.request_pause()
        self.shot(f"{variant.name}-staff-gate")  # the participant's page asks for staff
        self.window._gate_passed()
        wait_until(lambda: self.window.page_name == "paused")
        self.shot(f"{variant.name}-paused")
        other = "nb" if variant.language == "ar" else "ar"
        switched = None if variant.interpreter else other
        for language in (switched, variant.interpreter):
            page = self.window.stack.currentWidget()
            page.interpreter.setCurrentIndex(page.interpreter.findData(language))
            page.interpreter.activated.emit(page.interpreter.currentIndex())
            self.settle()
            if language == switched:
                self.shot(f"{variant.name}-paused-interpreter-{language or 'off'}")
                page.resume_button.click()
                wait_until(lambda: self.window.page_name == "session")
                self.shot(f"{variant.name}-interpreter-{language or 'off'}-cantril")
                view.request_pause()
                self.window._gate_passed()
                wait_until(lambda: self.window.page_name == "paused")
        self.window.stack.currentWidget().resume_button.click()
        wait_until(lambda: self.window.page_name == "session")

    def _unfinished(self, variant: Variant, number: int) -> None:
        """A session left on its HSCL-25 page: the dashboard's list and the close dialog."""
        from survey_app.answers.codes import make_code

        request = NewSessionRequest(
            make_code(number, "RJ"), "baseline", variant.language, variant.interpreter,
            None, False, False, addressee=variant.addressee,
        )  # fmt: skip
        self.window._start_session(self.window.stack.currentWidget(), request)
        wait_until(lambda: self.window.page_name == "session")
        view = self.window.session_view
        consent = view.current
        for item_id in consent.statements:
            consent.views[item_id].answer.button_for(1).click()
        consent.continue_button.click()
        wait_until(lambda: view.current is not consent)
        view.show_page(next(i for i, spec in enumerate(view.plan) if spec.form.id == "hscl25"))
        _answer_some(view.current)
        self.settle()
        self.window.show_dashboard()
        self.settle()
        page = self.window.stack.currentWidget()
        wait_until(lambda: page.unfinished_table.rowCount() > 0)
        self.settle()
        page.select_unfinished(0)
        self.shot(f"{variant.name}-dashboard-unfinished")
        page.select_unfinished(0)  # a refresh after a sync round may clear it
        page.close_unfinished_button.click()
        dialog = self.window.close_dialog
        dialog.close_button.click()  # refused in the dialog: no reason chosen yet
        self._dialog_shot(dialog, f"{variant.name}-close-dialog")
        dialog.reason.setCurrentIndex(dialog.reason.findData("other"))
        dialog.note.setText("Brannalarm" if variant.staff == "nb" else "إنذار حريق")
        self._dialog_shot(dialog, f"{variant.name}-close-dialog-filled")
        dialog.close_button.click()
        wait_until(lambda: self.window.close_dialog is None)
        self.shot(f"{variant.name}-dashboard-closed")

    def _typed_refused(self, view, prefix: str) -> None:
        """An age out of range after Next: the message, the focus and the Clear button."""
        from survey_app.ui.flow import page_of

        view.show_page(page_of(view.plan, "background", "bg_age"))
        answer = view.current.views["bg_age"].answer
        answer.set_typed("150")
        view.current.next_button.click()
        self.shot(f"{prefix}-typed-refused")
        answer.clear_button.click()

    def _review_return(self, view, prefix: str) -> None:
        """ "Go to question", a refused age, "Back to review": the review lists it; then cleared."""
        from PySide6.QtWidgets import QPushButton

        view.current.findChild(QPushButton, "goto_bg_age").click()
        answer = view.current.views["bg_age"].answer
        answer.set_typed("150")
        self.shot(f"{prefix}-back-to-review")
        view.current.review_button.click()
        wait_until(lambda: view.current.complete)
        self.shot(f"{prefix}-review-refused")
        view.current.finish_button.click()
        self.shot(f"{prefix}-finish-refused")
        view.current.findChild(QPushButton, "goto_bg_age").click()
        view.current.views["bg_age"].answer.clear_button.click()
        view.current.review_button.click()
        wait_until(lambda: view.current.complete)

    def draft_refused(self) -> None:
        """The new-session page of a study with real data that forbids draft languages."""
        import dataclasses

        demo = self.ctx.study
        config = dataclasses.replace(demo.config, demo=False, allow_draft_languages=False)
        self.ctx.study = dataclasses.replace(demo, config=config)
        try:
            for staff in ("nb", "ar"):
                self.staff_language(staff)
                self.window.show_new_session()
                page = self.window.stack.currentWidget()
                page.language.setCurrentIndex(page.language.findData("ar"))
                self.shot(f"{staff}-new-session-draft-refused")
        finally:
            self.ctx.study = demo
            self.window.show_dashboard()

    def _passphrase_dialog(self, prefix: str) -> None:
        self.window.stack.currentWidget().passphrase_button.click()
        dialog = self.window.passphrase_dialog
        dialog.new.setText("short")
        dialog.repeat.setText("short")
        dialog.old.setText(PASSPHRASE)
        dialog.change_button.click()  # refused in the dialog: too short, nothing changes
        self.settle()
        path = self.out_dir / f"{prefix}-passphrase-dialog.png"
        dialog.grab().save(str(path))
        self.files.append(path)
        for problem in clipped_texts(dialog):
            self.problems.append(f"{prefix}-passphrase-dialog: {problem}")
        dialog.reject()

    def _register_dialog(self, prefix: str, code: str) -> None:
        """The linking register dialog, every tab, with a synthetic person (staff only)."""
        from survey_app.register.store import register_exists

        self.window.stack.currentWidget().register_button.click()
        wait_until(lambda: self.window.register.dialog is not None)
        dialog = self.window.register.dialog
        creating = not register_exists(self.ctx.data_dir / "linking-register.db")
        self._dialog_shot(dialog, f"{prefix}-register-unlock")
        dialog.passphrase.setText(PASSPHRASE + " register")
        dialog.repeat.setText(PASSPHRASE + " register")
        dialog.unlock_button.click()
        wait_until(lambda: dialog.body.isVisible())
        dialog.code.setText(code)
        dialog.code.returnPressed.emit()
        wait_until(lambda: dialog.view is not None)
        if creating:
            dialog.name.setText("سلمى تجريبية")
            dialog.phone.setText("+47 0000 0001")
            dialog.address.setPlainText("Prøvegata 1\n5000 Bergen")
            dialog.findChild(type(dialog.export_button), "register_save").click()
            self.settle()
            dialog.findChild(type(dialog.export_button), "consent_record").click()
            self.settle()
        for index, tab in enumerate(("person", "consent", "randomisation", "withdrawal")):
            dialog.tabs.setCurrentIndex(index)
            self._dialog_shot(dialog, f"{prefix}-register-{tab}")
        dialog.reject()

    def _dialog_shot(self, dialog, name: str) -> None:
        self.settle()
        path = self.out_dir / f"{name}.png"
        dialog.grab().save(str(path))
        self.files.append(path)
        for problem in clipped_texts(dialog):
            self.problems.append(f"{name}: {problem}")

    def transfer(self, work_dir: Path) -> None:
        """Export (nb) and enrol + sync (ar) against a real server on loopback."""
        from survey_app.server.config import ServerConfig
        from survey_app.server.runner import BackgroundServer
        from survey_app.server.service import ServerService

        self.staff_language("nb")
        self.window.show_dashboard()
        self.settle()
        usb = work_dir / "usb"
        usb.mkdir()
        self.window.stack.currentWidget().export_to(usb)
        wait_until(lambda: self.window.transfer.idle)
        self.shot("nb-dashboard-exported")
        self.staff_language("ar")
        self.window.show_dashboard()
        self.settle()
        service = ServerService.open(
            ServerConfig(database=str(work_dir / "server.sqlite3"), study_ids=("demo",))
        )
        try:
            with BackgroundServer(service) as server:
                self._enrol_refused(server.url)
                self.staff_language("ar")
                self.window.show_dashboard()
                self.settle()
                code, _ = service.create_enrol_code()
                self.window.stack.currentWidget().sync_button.click()
                dialog = self.window.enrol_dialog
                dialog.address.setText(server.url)
                dialog.code.setText(code)
                self.settle()
                path = self.out_dir / "ar-enrol-dialog.png"
                dialog.grab().save(str(path))
                self.files.append(path)
                dialog.enrol_button.click()
                wait_until(lambda: bool(self.window.transfer.state.enrolled))
                wait_until(lambda: self.window.transfer.idle)
                self.shot("ar-dashboard-synced")
                self.window.stack.currentWidget().export_to(work_dir / "usb")
                wait_until(lambda: self.window.transfer.idle)
                self.shot("ar-dashboard-exported")  # nothing new since the export in nb
                self.staff_language("nb")
                self.window.show_dashboard()
                self.shot("nb-dashboard-synced")
        finally:
            service.close()

    def _enrol_refused(self, url: str) -> None:
        """The enrolment dialog in nb, and in nb and ar the server refusing a wrong code."""
        for language in ("nb", "ar"):
            self.staff_language(language)
            self.window.show_dashboard()
            self.settle()
            self.window.stack.currentWidget().sync_button.click()
            dialog = self.window.enrol_dialog
            dialog.address.setText(url)
            if language == "nb":
                self._dialog_shot(dialog, "nb-enrol-dialog")
            dialog.code.setText("WRONG-CODE")
            dialog.enrol_button.click()
            wait_until(lambda d=dialog: bool(d.message.text()))
            wait_until(lambda: self.window.transfer.idle)
            self._dialog_shot(dialog, f"{language}-enrol-refused")
            dialog.reject()
            self.settle()

    def close(self) -> None:
        self.window._allow_close = True
        self.window.close()
        self.client.shutdown()


def _interesting(spec) -> bool:
    """Pages worth a picture of their own: drawn scales and free text."""
    return any(i.type.value in ("ladder", "vas", "text", "multiple_choice") for i in spec.items)


def _answer_some(page) -> None:
    """Answer the first item(s) so that selected states show in the pictures."""
    for view in list(page.views.values())[:2]:
        answer = view.answer
        if answer is None:
            continue
        buttons = getattr(answer, "buttons", None)
        canvas = getattr(answer, "canvas", None)
        if buttons:
            buttons[min(1, len(buttons) - 1)].click()
        elif canvas is not None:
            canvas.set_value((canvas.minimum + canvas.maximum * 2) // 3)


def render_all(
    out_dir: Path,
    *,
    large_text: bool = False,
    scale: float | None = None,
    only: tuple = (),
    problems: list[str] | None = None,
) -> list[Path]:
    """Render every page type in nb, en, ar and ar+nb (or `only` those); return the PNG files.

    Cut-off texts found on the way (survey_app.ui.layout_check) are appended to `problems`.
    """
    from survey_app.ui.app import chosen_scale, prepare_application

    out_dir.mkdir(parents=True, exist_ok=True)
    theme = Theme(chosen_scale(large_text, scale))
    prepare_application(["screenshots"], "nb", theme)
    with tempfile.TemporaryDirectory(prefix="survey-shots-") as tmp:
        shooter = Shooter(out_dir, Path(tmp), theme)
        try:
            shooter.setup()
            for number, variant in enumerate(VARIANTS, 1):
                if not only or variant.name in only:
                    shooter.session(variant, number)
            shooter.draft_refused()
            shooter.transfer(Path(tmp))
        finally:
            shooter.close()
    if problems is not None:
        problems.extend(shooter.problems)
    return shooter.files
