"""Runs the register dialog: its requests go to the store worker, results come back to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from survey_app.i18n import N_
from survey_app.ui import operations as ops
from survey_app.ui import register_ops as rops
from survey_app.ui.context import AppContext
from survey_app.ui.file_dialogs import choose_file, choose_folder
from survey_app.ui.pages.register_dialog import RegisterDialog


class RegisterController(QObject):
    """One register dialog at a time, only from the staff dashboard; closed when the app locks."""

    # The dialog closed: what it did (a withdrawal closes unfinished sessions) may change the
    # dashboard behind it.
    closed = Signal()

    def __init__(self, ctx: AppContext, error_text: Callable[[BaseException], str], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.error_text = error_text
        self.dialog: RegisterDialog | None = None
        self._guard = ops.new_guard()
        self.idle_filter = None  # the main window's idle watcher, for typing in the dialog
        # Where file dialogs would ask; tests and screenshots set a folder instead.
        self.choose_folder: Callable[[QWidget, str], str] = self._folder
        self.choose_file: Callable[[QWidget, str], str] = self._file

    def _folder(self, parent: QWidget, title: str) -> str:
        return choose_folder(parent, self.ctx.staff_language, title)

    def _file(self, parent: QWidget, title: str) -> str:
        return choose_file(parent, self.ctx.staff_language, title, "*.surveylist")

    def open(self, parent: QWidget) -> None:
        """Open the dialog (asks for the register passphrase unless it is unlocked)."""
        self.ctx.client.call(
            rops.exists(self.ctx), lambda state: self._show(parent, *state), None, "register"
        )

    def _show(self, parent: QWidget, exists: bool, unlocked: bool) -> None:
        if self.dialog is not None:
            return
        dialog = RegisterDialog(self.ctx, exists=exists, parent=parent)
        self.dialog = dialog
        dialog.unlock_requested.connect(self._unlock)
        dialog.look_up_requested.connect(self._look_up)
        dialog.save_requested.connect(
            lambda code, fields: self._run(
                rops.save_person(code, fields, self.ctx.actor), N_("The entry was saved."), code
            )
        )
        dialog.consent_requested.connect(
            lambda code, details: self._run(
                rops.record_consent(self.ctx.study, code, details, self.ctx.actor),
                N_("The consent record was saved."),
                code,
            )
        )
        dialog.receipt_requested.connect(self._receipt)
        dialog.randomise_requested.connect(
            lambda sid, stratum: self._run(
                rops.randomise(self.ctx.study, sid, self.ctx.actor, stratum),
                N_("Randomised. The allocation is sealed for the data manager."),
                dialog.view.code if dialog.view else None,
            )
        )
        dialog.emergency_requested.connect(
            lambda code, reason, stratum: self._run(
                rops.emergency(self.ctx.study, code, reason, stratum, _today(), self.ctx.actor),
                N_("The emergency reveal was logged."),
                code,
            )
        )
        dialog.withdrawal_requested.connect(
            lambda code, scopes, day: self._run(
                rops.record_withdrawal(self.ctx.study, code, scopes, day, self.ctx.actor),
                N_(
                    "The withdrawal was recorded and will reach the data manager with the next "
                    "export."
                ),
                code,
            )
        )
        dialog.load_list_requested.connect(self._load_list)
        dialog.save_key_requested.connect(self._save_key)
        dialog.export_requested.connect(self._export)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()
        if self.idle_filter is not None:
            dialog.windowHandle().installEventFilter(self.idle_filter)
        if unlocked:
            self._unlocked(dialog)

    def _closed(self, dialog: RegisterDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.closed.emit()

    def close(self) -> None:
        """Close the dialog and lock the register (the app is being locked)."""
        if self.dialog is not None:
            self.dialog.reject()
        self.ctx.client.call(rops.close, None, None, "register_close")

    def _unlock(self, passphrase: str, create: bool) -> None:
        dialog = self.dialog
        self.ctx.client.call(
            rops.unlock(self.ctx, passphrase, self._guard, create=create),
            lambda _ok: self._unlocked(dialog),
            lambda exc: self._failed(dialog, exc),
            "register_unlock",
        )

    def _failed(self, dialog: RegisterDialog | None, exc: BaseException) -> None:
        # The dialog may have closed (the app locked) before the store answered.
        if dialog is not None and dialog is self.dialog:
            dialog.show_error(self.error_text(exc))

    def _unlocked(self, dialog: RegisterDialog | None) -> None:
        if dialog is None or dialog is not self.dialog:
            return
        dialog.set_unlocked(True)
        self._refresh_list()

    def _refresh_list(self) -> None:
        dialog = self.dialog
        self.ctx.client.call(
            rops.list_status(self.ctx.study),
            lambda result: dialog.show_list_status(*result) if dialog is self.dialog else None,
            None,
            "list_status",
        )

    def _look_up(self, code: str) -> None:
        dialog = self.dialog
        self.ctx.client.call(
            rops.look_up(self.ctx.study, code),
            lambda view: dialog.show_code(view) if dialog is self.dialog else None,
            lambda exc: self._failed(dialog, exc),
            "register_look_up",
        )

    def _run(self, op, done: str, code: str | None) -> None:
        dialog = self.dialog

        def ok(_result) -> None:
            if dialog is not self.dialog or dialog is None:
                return
            dialog.show_note(self.ctx.ui(done))
            self._refresh_list()
            if code:
                self._look_up(code)

        self.ctx.client.call(op, ok, lambda exc: self._failed(dialog, exc))

    def _receipt(self, code: str) -> None:
        dialog = self.dialog
        folder = self.choose_folder(dialog, self.ctx.ui("Choose where to save the receipt"))
        if not folder:
            return
        # The file name holds no code and no name: a receipt lies on a shared printer.
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(folder) / f"consent-receipt-{stamp}.pdf"
        self._run(rops.receipt(self.ctx.study, code, path), N_("The receipt was saved."), None)

    def _load_list(self) -> None:
        path = self.choose_file(self.dialog, self.ctx.ui("Choose this laptop's allocation list"))
        if path:
            self._run(rops.load_list(self.ctx.study, Path(path), self.ctx.actor),
                      N_("The allocation list was loaded."), None)  # fmt: skip

    def _save_key(self) -> None:
        folder = self.choose_folder(self.dialog, self.ctx.ui("Choose the USB stick or folder"))
        if folder:
            done = N_("The list key was saved. Give the file to the data manager.")
            self._run(rops.save_list_key(Path(folder)), done, None)

    def _export(self) -> None:
        folder = self.choose_folder(self.dialog, self.ctx.ui("Choose the USB stick or folder"))
        if folder:
            done = N_("The register was exported, sealed to the register key.")
            self._run(rops.export(self.ctx.study, Path(folder)), done, None)


def _today() -> str:
    return dt.date.today().isoformat()
