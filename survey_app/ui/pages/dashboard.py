"""The staff dashboard: the meeting's sessions with their status only, never any answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from survey_app.answers.digits import fold_digits, strip_bidi
from survey_app.i18n import N_, Counted, tr
from survey_app.ui.availability import NO_PROTOCOL, blocked_timepoints, unusable_forms
from survey_app.ui.context import NATIVE_NAMES, AppContext
from survey_app.ui.dates import parse_utc, shown_date, shown_datetime, shown_time
from survey_app.ui.direction import embedded, left_to_right_params, set_direction
from survey_app.ui.file_dialogs import choose_folder
from survey_app.ui.pages.common import (
    button,
    column,
    footer,
    label,
    reveal,
    scroll_area,
    wrapped,
)

STATUS_MESSAGES = {
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
    "declined": N_("Declined"),
    "sealed": N_("Sealed"),
    "synced": N_("Synced"),
    "exported": N_("Exported"),
    "erased": N_("Erased at the participant's request"),
    "abandoned": N_("Closed unfinished"),
}
# Sync outcome (survey_app.sync.client) -> the session status it leads to in the store.
LIVE_STATUS = {"synced": "synced", "already_on_server": "synced", "erased": "erased"}


def status_text(ctx: AppContext, session) -> str:
    """Return the translated status of a session (declined sessions say so once sealed)."""
    text = ctx.ui(STATUS_MESSAGES.get(session.status, session.status))
    if session.outcome == "declined" and session.status != "declined":
        declined = ctx.ui("Declined")
        text = f"{declined} · {text}"
    if session.outcome == "abandoned" and session.status != "abandoned":
        closed = ctx.ui("Closed unfinished")
        text = f"{closed} · {text}"
    if session.duplicate_flag:
        duplicate = ctx.ui("Duplicate code")
        text = f"{text} · {duplicate}"
    return text


def study_title(ctx: AppContext) -> str:
    """The study's title in the staff language (its protocol's), else the name in study.yaml."""
    protocol = ctx.study.library.protocol
    title = protocol.title.get(ctx.staff_language) if protocol is not None else ""
    return title or ctx.study.config.name


def forms_warning(ctx: AppContext) -> str:
    """Return the staff warning about forms that failed their checks ("" when all are fine)."""
    study = ctx.study
    if study is None:
        return ""
    library, lang = study.library, ctx.staff_language
    if library.protocol is None:
        return ctx.ui(NO_PROTOCOL, program=ctx.program)
    forms = unusable_forms(library)
    if not forms:
        return ""
    parts = []
    for blocked in blocked_timepoints(library):
        tp = library.protocol.timepoints[blocked.timepoint]
        name = tp.label.get(lang) or tp.id
        if blocked.arm is not None:
            name = tr(lang, "{timepoint} (only the {arm} arm)", timepoint=name, arm=blocked.arm)
        parts.append(name)
    if not parts:
        return ctx.ui(
            Counted(
                "This form failed its checks and cannot be used: {forms}. No timepoint of this "
                "study needs it. Run `{program} check-forms` to see the errors.",
                "These forms failed their checks and cannot be used: {forms}. No timepoint of "
                "this study needs them. Run `{program} check-forms` to see the errors.",
            ),
            forms=", ".join(forms),
            count=len(forms),
            program=ctx.program,
        )
    return ctx.ui(
        Counted(
            "This form failed its checks and cannot be used: {forms}. Sessions cannot be "
            "started for: {timepoints}. Run `{program} check-forms` to see the errors.",
            "These forms failed their checks and cannot be used: {forms}. Sessions cannot be "
            "started for: {timepoints}. Run `{program} check-forms` to see the errors.",
        ),
        forms=", ".join(forms),
        timepoints="; ".join(parts),
        count=len(forms),
        program=ctx.program,
    )


class DashboardPage(QWidget):
    """Meeting header, session table and the staff actions."""

    new_session_requested = Signal()
    resume_requested = Signal(str)  # session id
    close_requested = Signal(str)  # session id of an unfinished session to close (abandon)
    lock_requested = Signal()
    meeting_requested = Signal(str, str, str)  # date, place, staff initials
    sync_requested = Signal()
    export_requested = Signal(str, bool)  # folder, include everything
    passphrase_change_requested = Signal()
    register_requested = Signal()  # the linking register dialog (staff only)
    auto_sync_due = Signal()  # every ctx.sync_interval_seconds while the dashboard is shown

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        self.sessions: list = []
        content, body = column(1200)
        study = ctx.study
        body.addWidget(label(study_title(ctx) if study else _("No study"), "title"))
        if study is not None and study.config.demo:
            body.addWidget(
                label(_("DEMO study: use made-up answers only, never real participants."), "banner")
            )
        self.forms_warning = label(forms_warning(ctx), "alert")
        self.forms_warning.setObjectName("forms_warning")
        self.forms_warning.setVisible(bool(self.forms_warning.text()))
        body.addWidget(self.forms_warning)
        self.meeting_label = label("", "subtitle")
        body.addWidget(self.meeting_label)
        self.meeting_form = self._meeting_form()
        body.addWidget(self.meeting_form)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("sessions")
        self.table.setProperty("lang", ctx.staff_language)  # Arabic cells at the Arabic size
        self.table.setHorizontalHeaderLabels(
            [_("Participant code"), _("Timepoint"), _("Language"), _("Status"), _("Started")]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        # Rows grow with the text size (large text, 200 %), so no cell text is cut off.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(260)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda *_a: self._resume())
        body.addWidget(self.table, 1)
        self.empty_label = label(_("No sessions yet at this meeting."), "muted")
        body.addWidget(self.empty_label)
        self.action_message = label("", "error")
        self.action_message.setObjectName("action_message")
        body.addWidget(self.action_message)
        self._unfinished_panel(body)
        self._transfer_panel(body)
        self.passphrase_button = button(_("Change passphrase…"), name="change_passphrase")
        self.passphrase_button.clicked.connect(self.passphrase_change_requested)
        self.register_button = button(_("Register and trial…"), name="register")
        self.register_button.clicked.connect(self.register_requested)
        self.passphrase_note = label("", "ok")
        self.passphrase_note.setObjectName("passphrase_note")
        row = QHBoxLayout()
        row.addWidget(self.passphrase_button)
        row.addWidget(self.register_button)
        row.addWidget(self.passphrase_note, 1)
        body.addLayout(row)
        self.new_button = button(_("New session"), primary=True, name="new_session")
        self.resume_button = button(_("Resume"), name="resume")
        self.sync_button = button(_("Sync"), name="sync")
        self.export_button = button(_("Export"), name="export")
        self.lock_button = button(_("Lock"), name="lock")
        self.sync_button.clicked.connect(self.sync_requested)
        self.export_button.clicked.connect(self.choose_export_folder)
        self.new_button.clicked.connect(self.new_session_requested)
        self.resume_button.clicked.connect(self._resume)
        self.lock_button.clicked.connect(self.lock_requested)
        self.resume_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(
            footer(
                self.new_button,
                self.resume_button,
                self.sync_button,
                self.export_button,
                self.lock_button,
                stretch_at=4,
            )
        )

    def _unfinished_panel(self, body: QVBoxLayout) -> None:
        """Sessions left in progress at any meeting: resume them or close them with a reason."""
        _ = self.ctx.ui
        self.unfinished: list = []
        self.unfinished_title = label(_("Unfinished sessions (all meetings)"), "subtitle")
        self.unfinished_table = QTableWidget(0, 4)
        self.unfinished_table.setObjectName("unfinished")
        self.unfinished_table.setProperty("lang", self.ctx.staff_language)
        self.unfinished_table.setHorizontalHeaderLabels(
            [_("Participant code"), _("Timepoint"), _("Started"), _("Stopped at")]
        )
        table = self.unfinished_table
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setMinimumHeight(140)
        table.itemSelectionChanged.connect(self._unfinished_selection_changed)
        self.unfinished_hint = label(
            _(
                "A session closed unfinished is sealed with the answers given so far and sent "
                "like the others; it cannot be continued afterwards."
            ),
            "muted",
        )
        self.resume_unfinished_button = button(_("Resume"), name="resume_unfinished")
        self.close_unfinished_button = button(_("Close unfinished…"), name="close_unfinished")
        self.resume_unfinished_button.clicked.connect(self._resume_unfinished)
        self.close_unfinished_button.clicked.connect(self._close_unfinished)
        self.unfinished_note = label("", "ok")
        self.unfinished_note.setObjectName("unfinished_note")
        row = QHBoxLayout()
        row.addWidget(self.resume_unfinished_button)
        row.addWidget(self.close_unfinished_button)
        row.addStretch(1)
        self.unfinished_box = QWidget()
        box = QVBoxLayout(self.unfinished_box)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.unfinished_title, table, self.unfinished_hint):
            box.addWidget(widget)
        box.addLayout(row)
        body.addWidget(self.unfinished_box)
        # Outside the list: closing the last unfinished session hides the list, not the word
        # that it was closed and sealed.
        body.addWidget(self.unfinished_note)
        self.unfinished_box.setVisible(False)
        self._unfinished_selection_changed()

    def show_unfinished(self, rows: list) -> None:
        """List the sessions left in progress (UnfinishedSession): where they stopped only."""
        _ = self.ctx.ui
        staff = self.ctx.staff_language
        study = self.ctx.study
        timepoints = study.library.protocol.timepoints if study and study.library.protocol else {}
        self.unfinished = list(rows)
        self.unfinished_table.setRowCount(len(self.unfinished))
        for row, entry in enumerate(self.unfinished):
            session = entry.session
            tp = timepoints.get(session.timepoint)
            started = parse_utc(session.started_at)
            when = shown_datetime(started, staff) if started else ""
            cells = [
                embedded(session.participant_code, "en"),
                embedded(tp.label.get(staff) if tp else session.timepoint, staff),
                embedded(when, staff),
                self._stopped_at(entry),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.unfinished_table.setItem(row, col, item)
        self.unfinished_box.setVisible(bool(self.unfinished))
        self._unfinished_selection_changed()

    def _stopped_at(self, entry) -> str:
        _ = self.ctx.ui
        if entry.page is None:
            return _("Before consent")
        forms = self.ctx.study.library.forms if self.ctx.study else {}
        form = forms.get(entry.form_id)
        title = form.title.get(self.ctx.staff_language) if form and form.title else ""
        where = _("Page {page} of {pages}", page=entry.page, pages=entry.pages)
        return f"{where} · {embedded(title, self.ctx.staff_language)}" if title else where

    def select_unfinished(self, row: int) -> None:
        """Select a row of the unfinished list (QTableView.selectRow does nothing right to left
        before the table is laid out, so the selection model is asked directly)."""
        index = self.unfinished_table.model().index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.unfinished_table.selectionModel().select(index, flags)

    def selected_unfinished(self):
        """Return the selected unfinished session (UnfinishedSession), if any."""
        rows = self.unfinished_table.selectionModel().selectedRows()
        return self.unfinished[rows[0].row()] if rows else None

    def _unfinished_selection_changed(self) -> None:
        chosen = self.selected_unfinished() is not None
        self.resume_unfinished_button.setEnabled(chosen)
        self.close_unfinished_button.setEnabled(chosen)

    def _resume_unfinished(self) -> None:
        entry = self.selected_unfinished()
        if entry is not None:
            self.resume_requested.emit(entry.session.id)

    def _close_unfinished(self) -> None:
        entry = self.selected_unfinished()
        if entry is not None:
            self.close_requested.emit(entry.session.id)

    def show_closed(self) -> None:
        """Confirm that a session was closed unfinished and sealed."""
        self.unfinished_note.setText(
            self.ctx.ui("The session was closed and sealed with the answers given so far.")
        )
        reveal(self.unfinished_note)

    def _transfer_panel(self, body: QVBoxLayout) -> None:
        _ = self.ctx.ui
        self.transfer_status = label("", "muted")
        self.transfer_status.setObjectName("transfer_status")
        self.transfer_note = label("")
        self.transfer_note.setObjectName("transfer_note")
        self.progress = QProgressBar()
        self.progress.setObjectName("sync_progress")
        self.progress.setVisible(False)
        self.include_all = QCheckBox()
        self.include_all.setObjectName("include_all")
        include_row = wrapped(
            self.include_all, _("Include everything (also sessions exported or sent before)")
        )
        for widget in (self.transfer_status, self.progress, self.transfer_note, include_row):
            body.addWidget(widget)
        # Owned by the page: automatic sync runs only while the dashboard is shown.
        self.auto_sync_timer = QTimer(self)
        self.auto_sync_timer.setInterval(int(self.ctx.sync_interval_seconds * 1000))
        self.auto_sync_timer.timeout.connect(self.auto_sync_due)
        self.auto_sync_timer.start()

    def choose_export_folder(self) -> None:
        """Ask staff for the USB stick (or folder) and export there."""
        folder = choose_folder(
            self, self.ctx.staff_language, self.ctx.ui("Choose the USB stick or folder")
        )
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        """Export the sealed sessions into folder (new ones only unless everything is ticked)."""
        self.export_requested.emit(str(folder), self.include_all.isChecked())

    def show_transfer(self, state) -> None:
        """Show enrolment, progress and the last sync/export message (a TransferState)."""
        _ = self.ctx.ui
        if state.busy == "sync":
            status = _("Sending to the server…")
        elif state.busy == "export":
            status = _("Exporting…")
        elif state.busy == "enrol":
            status = _("Connecting to the server…")
        elif state.enrolled:
            status = _("Server: {server}", **left_to_right_params({"server": state.server}))
        elif state.enrolled is False:
            status = _("Not connected to a server yet. Sync asks for the enrolment code.")
        else:
            status = ""
        self.transfer_status.setText(status)
        self.progress.setVisible(state.busy == "sync" and state.total > 0)
        self.progress.setMaximum(max(state.total, 1))
        self.progress.setValue(state.done)
        self.progress.setFormat(_("{done} of {total}", done=state.done, total=state.total))
        note = state.note
        self.transfer_note.setText(
            _(note.msgid, **left_to_right_params(note.params)) if note else ""
        )
        self.transfer_note.setProperty("role", "error" if note and note.error else "ok")
        self.transfer_note.style().unpolish(self.transfer_note)
        self.transfer_note.style().polish(self.transfer_note)
        self.sync_button.setEnabled(not state.busy)
        self.export_button.setEnabled(not state.busy)

    def mark_session(self, session_id: str, outcome: str) -> None:
        """Show a session's new status as soon as the server's word was verified (in a round)."""
        status = LIVE_STATUS.get(outcome)
        if status is None:
            return
        for row, session in enumerate(self.sessions):
            if session.id == session_id:
                item = self.table.item(row, 3)
                if item is not None:
                    item.setText(self.ctx.ui(STATUS_MESSAGES[status]))

    def _meeting_form(self) -> QWidget:
        _ = self.ctx.ui
        box = QWidget()
        form = QFormLayout(box)
        self.meeting_date = QLineEdit(dt.date.today().isoformat())
        self.meeting_place = QLineEdit()
        self.meeting_place.setObjectName("meeting_place")
        self.meeting_staff = QLineEdit()
        self.meeting_staff.setObjectName("meeting_staff")
        self.meeting_staff.setMaxLength(6)
        form.addRow(label(_("Date")), self.meeting_date)
        form.addRow(label(_("Place")), self.meeting_place)
        form.addRow(label(_("Staff initials")), self.meeting_staff)
        row = QHBoxLayout()
        start = button(_("Start meeting"), primary=True, name="start_meeting")
        start.clicked.connect(self._start_meeting)
        row.addWidget(start)
        row.addStretch(1)
        self.meeting_message = label("", "error")
        form.addRow(self.meeting_message)
        form.addRow(row)
        return box

    def _start_meeting(self) -> None:
        # The date as typed on any keyboard: Arabic-Indic digits (٢٠٢٦-١٢-٠٥) are the same date.
        day = strip_bidi(fold_digits(self.meeting_date.text(), allow_mixed=True)).strip()
        self.meeting_requested.emit(
            day,
            self.meeting_place.text().strip(),
            self.meeting_staff.text().strip().upper(),
        )

    def show_action_error(self, text: str) -> None:
        """Say why an action (e.g. resuming a session) could not be done; nothing is lost."""
        self.action_message.setText(text)
        reveal(self.action_message)

    def show_passphrase_changed(self) -> None:
        """Confirm that the store now opens with the new passphrase."""
        self.passphrase_note.setText(self.ctx.ui("The passphrase was changed."))

    def show_meeting_error(self, text: str) -> None:
        """Show why the meeting could not be started."""
        self.meeting_message.setText(text)

    def show_sessions(self, meeting, sessions: list) -> None:
        """Fill the header and the table (status only)."""
        _ = self.ctx.ui
        self.meeting_form.setVisible(meeting is None)
        self.new_button.setEnabled(meeting is not None)
        if meeting is None:
            self.meeting_label.setText(_("Start a meeting to begin."))
        else:
            day = shown_date(meeting.date, self.ctx.staff_language)
            self.meeting_label.setText(
                _(
                    "Meeting {date}, {place}. Staff: {staff}",
                    date=day,
                    place=meeting.place,
                    staff=meeting.staff,
                )
            )
        self.sessions = list(sessions)
        self.table.setRowCount(len(self.sessions))
        timepoints = self.ctx.study.library.protocol.timepoints if self.ctx.study else {}
        for row, session in enumerate(self.sessions):
            tp = timepoints.get(session.timepoint)
            started = parse_utc(session.started_at)
            staff = self.ctx.staff_language
            cells = [
                embedded(session.participant_code, "en"),
                embedded(tp.label.get(staff) if tp else session.timepoint, staff),
                embedded(NATIVE_NAMES.get(session.language, session.language), session.language),
                status_text(self.ctx, session),
                embedded(shown_time(started, staff) if started else "", staff),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.empty_label.setVisible(not self.sessions and meeting is not None)
        self._selection_changed()

    def selected(self):
        """Return the selected session, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.sessions[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        session = self.selected()
        self.resume_button.setEnabled(session is not None and session.status == "in_progress")

    def _resume(self) -> None:
        session = self.selected()
        if session is not None and session.status == "in_progress":
            self.resume_requested.emit(session.id)
