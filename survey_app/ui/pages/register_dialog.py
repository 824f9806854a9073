"""Staff dialog: the linking register (who a code is, consent records), randomisation, withdrawal.

Opened only from the staff dashboard, behind the staff passphrase, and closed whenever the app
locks; the register also needs its own passphrase. Participants' pages have no way here. The
dialog never shows an arm, except right after an emergency reveal, which is logged.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from survey_app.answers.digits import fold_digits, shown_number, strip_bidi
from survey_app.i18n import N_
from survey_app.register.model import LANGUAGES
from survey_app.ui.context import NATIVE_NAMES, AppContext
from survey_app.ui.dates import shown_date
from survey_app.ui.direction import (
    directed,
    embedded,
    left_to_right,
    left_to_right_params,
    set_direction,
)
from survey_app.ui.pages.common import button, label, scroll_area, wrapped
from survey_app.ui.pages.new_session import list_comma

READING_LABELS = {
    "self": N_("Read it themselves"),
    "read_aloud": N_("Read aloud by staff or an interpreter"),
    "audio": N_("Listened to a recording"),
}
SCOPE_LABELS = {
    "contact": N_("Stop further contact"),
    "collection": N_("Stop further data collection"),
    "erase": N_("Erase what was collected"),
}
REASON_LABELS = {
    "baseline_impossible": N_("The baseline cannot be completed"),
    "clinical": N_("Clinical or safety reason"),
    "other": N_("Other reason"),
}


class RegisterDialog(QDialog):
    """Emits requests; the main window runs them on the store worker and reports back."""

    unlock_requested = Signal(str, bool)  # passphrase, create
    look_up_requested = Signal(str)  # code
    save_requested = Signal(str, dict)  # code, fields
    consent_requested = Signal(str, dict)  # code, details
    receipt_requested = Signal(str)  # code
    randomise_requested = Signal(str, object)  # baseline session id, stratum or None
    emergency_requested = Signal(str, str, str)  # code, reason, stratum
    load_list_requested = Signal()
    save_key_requested = Signal()
    withdrawal_requested = Signal(str, list, str)  # code, scopes, date
    export_requested = Signal()

    def __init__(self, ctx: AppContext, *, exists: bool, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = None
        self.strata: tuple[str, ...] = ()
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        self.setWindowTitle(_("Linking register (staff only)"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                _(
                    "Names and contact details are kept here, apart from the answers, locked "
                    "with the register's own passphrase. Never tell a participant's answers."
                )
            )
        )
        self.lock_panel = scroll_area(self._lock_panel(exists))
        layout.addWidget(self.lock_panel, 1)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.code = QLineEdit()
        self.code.setObjectName("register_code")
        set_direction(self.code, "en")
        self.code.returnPressed.connect(self._look_up)
        look = button(_("Look up"), name="register_look_up")
        look.clicked.connect(self._look_up)
        row.addWidget(label(_("Participant code")))
        row.addWidget(self.code, 1)
        row.addWidget(look)
        body.addLayout(row)
        self.code_state = label("", "muted")
        self.code_state.setObjectName("register_code_state")
        body.addWidget(self.code_state)
        self.list_state = label("", "muted")
        self.list_state.setObjectName("list_state")
        body.addWidget(self.list_state)
        self.tabs = QTabWidget()
        # Each tab scrolls rather than squeezes its rows (large text, small screens).
        self.tabs.addTab(scroll_area(self._person_tab()), _("Person"))
        self.tabs.addTab(scroll_area(self._consent_tab()), _("Consent"))
        self.tabs.addTab(scroll_area(self._trial_tab()), _("Randomisation"))
        self.tabs.addTab(scroll_area(self._withdrawal_tab()), _("Withdrawal"))
        self.tabs.setEnabled(False)
        body.addWidget(self.tabs, 1)
        layout.addWidget(self.body, 1)
        self.message = label("", "error")
        self.message.setObjectName("register_message")
        layout.addWidget(self.message)
        footer = QHBoxLayout()
        self.export_button = button(_("Export register…"), name="register_export")
        self.export_button.clicked.connect(self.export_requested)
        self.load_button = button(_("Load allocation list…"), name="load_list")
        self.load_button.clicked.connect(self.load_list_requested)
        self.key_button = button(_("Save list key…"), name="save_list_key")
        self.key_button.clicked.connect(self.save_key_requested)
        close = button(_("Close"), name="register_close")
        close.clicked.connect(self.reject)
        footer.addWidget(self.export_button)
        footer.addWidget(self.key_button)
        footer.addWidget(self.load_button)
        footer.addStretch(1)
        footer.addWidget(close)
        layout.addLayout(footer)
        self.set_unlocked(False)
        scale = max(1.0, ctx.theme.scale)
        width, height = round(760 * scale), max(self.sizeHint().height(), round(720 * scale))
        # Never taller or wider than the screen: the tabs scroll instead.
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None and screen.width() > 0:
            width = min(width, round(screen.width() * 0.95))
            height = min(height, round(screen.height() * 0.95))
        self.resize(width, height)

    # -- building ---------------------------------------------------------------------------

    def _lock_panel(self, exists: bool) -> QWidget:
        _ = self.ctx.ui
        panel = QWidget()
        form = QFormLayout(panel)
        self.creating = not exists
        explanation = (
            _("Enter the register passphrase.")
            if exists
            else _(
                "This laptop has no linking register yet. Choose its own passphrase (not the "
                "staff passphrase) and tell it only to the staff who register participants."
            )
        )
        form.addRow(label(explanation))
        self.passphrase = self._secret("register_passphrase")
        form.addRow(label(_("Register passphrase")), self.passphrase)
        self.repeat = self._secret("register_repeat")
        if not exists:
            form.addRow(label(_("Register passphrase again")), self.repeat)
        self.unlock_button = button(_("Create register") if not exists else _("Unlock"),
                                    primary=True, name="register_unlock")  # fmt: skip
        self.unlock_button.clicked.connect(self._unlock)
        self.passphrase.returnPressed.connect(self._unlock)
        form.addRow(self.unlock_button)
        return panel

    @staticmethod
    def _secret(name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def _person_tab(self) -> QWidget:
        _ = self.ctx.ui
        tab = QWidget()
        form = QFormLayout(tab)
        self.name = QLineEdit()
        self.name.setObjectName("register_name")
        self.phone = QLineEdit()
        self.phone.setObjectName("register_phone")
        set_direction(self.phone, "en")
        self.email = QLineEdit()
        self.email.setObjectName("register_email")
        set_direction(self.email, "en")
        self.address = QPlainTextEdit()
        self.address.setObjectName("register_address")
        self.address.setFixedHeight(round(70 * max(1.0, self.ctx.theme.scale)))
        self.language = self._languages("register_language")
        form.addRow(label(_("Name")), self.name)
        form.addRow(label(_("Phone")), self.phone)
        form.addRow(label(_("E-mail")), self.email)
        form.addRow(label(_("Postal address")), self.address)
        form.addRow(label(_("Preferred language")), self.language)
        save = button(_("Save"), primary=True, name="register_save")
        save.clicked.connect(self._save)
        form.addRow(save)
        return tab

    def _languages(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for lang in LANGUAGES:
            combo.addItem(embedded(NATIVE_NAMES[lang], lang), lang)
        return combo

    def _consent_tab(self) -> QWidget:
        _ = self.ctx.ui
        tab = QWidget()
        form = QFormLayout(tab)
        self.timepoint = QComboBox()
        self.timepoint.setObjectName("consent_timepoint")
        protocol = self.ctx.study.library.protocol if self.ctx.study else None
        for tp in protocol.timepoints.values() if protocol else ():
            self.timepoint.addItem(tp.label.get(self.ctx.staff_language) or tp.id, tp.id)
        self.consent_language = self._languages("consent_language")
        form.addRow(label(_("Timepoint")), self.timepoint)
        form.addRow(label(_("Language of the consent form")), self.consent_language)
        self.reading = QButtonGroup(self)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for index, (key, text) in enumerate(READING_LABELS.items()):
            radio = QRadioButton()
            radio.setObjectName(f"reading_{key}")
            radio.setChecked(index == 0)
            self.reading.addButton(radio, index)
            column.addWidget(wrapped(radio, _(text)))
        form.addRow(label(_("How the information was given")), box)
        self.audio = QLineEdit()
        self.audio.setObjectName("consent_audio")
        form.addRow(label(_("Recording used (file name)")), self.audio)
        self.witness = QLineEdit()
        self.witness.setObjectName("consent_witness")
        trial = self.ctx.study.config.trial if self.ctx.study else None
        required = trial is not None and trial.consent_witness == "required"
        witness_label = _("Witness (required)") if required else _("Witness (if any)")
        form.addRow(label(witness_label), self.witness)
        self.outcome = QButtonGroup(self)
        outcome_box = QWidget()
        outcome_row = QHBoxLayout(outcome_box)
        outcome_row.setContentsMargins(0, 0, 0, 0)
        for index, (key, text) in enumerate(
            (("given", _("Consent given")), ("declined", _("Consent declined")))
        ):
            radio = QRadioButton()
            radio.setObjectName(f"outcome_{key}")
            radio.setChecked(index == 0)
            self.outcome.addButton(radio, index)
            outcome_row.addWidget(wrapped(radio, text))
        form.addRow(label(_("Outcome")), outcome_box)
        row = QHBoxLayout()
        record = button(_("Record consent"), primary=True, name="consent_record")
        record.clicked.connect(self._record_consent)
        receipt = button(_("Print receipt…"), name="consent_receipt")
        receipt.clicked.connect(lambda: self.receipt_requested.emit(self._code()))
        row.addWidget(record)
        row.addWidget(receipt)
        row.addStretch(1)
        form.addRow(row)
        self.consent_list = label("", "muted")
        self.consent_list.setObjectName("consent_list")
        form.addRow(self.consent_list)
        return tab

    def _trial_tab(self) -> QWidget:
        _ = self.ctx.ui
        tab = QWidget()
        form = QFormLayout(tab)
        self.allocation_state = label("")
        self.allocation_state.setObjectName("allocation_state")
        form.addRow(self.allocation_state)
        self.stratum = QComboBox()
        self.stratum.setObjectName("stratum")
        form.addRow(label(_("Stratum (only if the baseline does not say)")), self.stratum)
        self.randomise_button = button(_("Randomise now"), primary=True, name="randomise")
        self.randomise_button.clicked.connect(self._randomise)
        form.addRow(self.randomise_button)
        self.reason = QComboBox()
        self.reason.setObjectName("emergency_reason")
        for key, text in REASON_LABELS.items():
            self.reason.addItem(_(text), key)
        form.addRow(label(_("Emergency reveal: reason")), self.reason)
        self.emergency_button = button(_("Emergency reveal (logged)"), name="emergency")
        self.emergency_button.clicked.connect(self._emergency)
        form.addRow(self.emergency_button)
        return tab

    def _withdrawal_tab(self) -> QWidget:
        _ = self.ctx.ui
        tab = QWidget()
        form = QFormLayout(tab)
        form.addRow(
            label(
                _(
                    "A participant may withdraw at any time without giving a reason. Record "
                    "only what they ask for."
                )
            )
        )
        self.withdraw_date = QLineEdit(dt.date.today().isoformat())
        self.withdraw_date.setObjectName("withdraw_date")
        form.addRow(label(_("From date")), self.withdraw_date)
        self.scopes: dict[str, QCheckBox] = {}
        for key, text in SCOPE_LABELS.items():
            box = QCheckBox()
            box.setObjectName(f"scope_{key}")
            self.scopes[key] = box
            form.addRow(wrapped(box, _(text)))
        record = button(_("Record withdrawal"), primary=True, name="withdraw")
        record.clicked.connect(self._withdraw)
        form.addRow(record)
        return tab

    # -- actions ----------------------------------------------------------------------------

    def _code(self) -> str:
        return self.view.code if self.view is not None else self.code.text()

    def _unlock(self) -> None:
        _ = self.ctx.ui
        passphrase = self.passphrase.text()
        if self.creating and passphrase != self.repeat.text():
            self.show_error(_("The two passphrases are not the same."))
            return
        self.unlock_button.setEnabled(False)
        self.unlock_requested.emit(passphrase, self.creating)

    def _look_up(self) -> None:
        if self.code.text().strip():
            self.look_up_requested.emit(self.code.text())

    def _save(self) -> None:
        fields = {
            "name": self.name.text(),
            "phone": self.phone.text(),
            "email": self.email.text(),
            "address": self.address.toPlainText(),
            "language": self.language.currentData(),
        }
        self.save_requested.emit(self._code(), fields)

    def _record_consent(self) -> None:
        reading = list(READING_LABELS)[max(0, self.reading.checkedId())]
        details = {
            "timepoint": self.timepoint.currentData(),
            "language": self.consent_language.currentData(),
            "reading": reading,
            "audio": self.audio.text(),
            "witness": self.witness.text(),
            "outcome": "given" if self.outcome.checkedId() == 0 else "declined",
            "place": self.ctx.meeting.place if self.ctx.meeting is not None else "",
        }
        self.consent_requested.emit(self._code(), details)

    def _randomise(self) -> None:
        if self.view is not None and self.view.baseline_sealed:
            stratum = self.stratum.currentData() if self.stratum.currentIndex() > 0 else None
            self.randomise_requested.emit(self.view.baseline_sealed, stratum)

    def _emergency(self) -> None:
        _ = self.ctx.ui
        if self.stratum.currentIndex() <= 0:
            self.show_error(_("Choose the participant's stratum."))
            return
        self.emergency_requested.emit(
            self._code(), self.reason.currentData(), self.stratum.currentData()
        )

    def _withdraw(self) -> None:
        _ = self.ctx.ui
        scopes = [key for key, box in self.scopes.items() if box.isChecked()]
        if not scopes:
            self.show_error(_("Choose what the withdrawal covers."))
            return
        self.withdrawal_requested.emit(
            self._code(),
            scopes,
            strip_bidi(fold_digits(self.withdraw_date.text(), allow_mixed=True)).strip(),
        )

    # -- results ----------------------------------------------------------------------------

    def set_unlocked(self, unlocked: bool) -> None:
        """Show the unlock panel, or the register itself."""
        self.lock_panel.setVisible(not unlocked)
        self.body.setVisible(unlocked)
        self.export_button.setEnabled(unlocked)
        self.load_button.setEnabled(unlocked)
        self.key_button.setEnabled(unlocked)
        self.unlock_button.setEnabled(True)
        if unlocked:
            self.passphrase.clear()
            self.repeat.clear()
            self.code.setFocus()

    def show_error(self, text: str) -> None:
        """Say why something could not be done (nothing is lost)."""
        self.unlock_button.setEnabled(True)
        self.message.setProperty("role", "error")
        self._repolish()
        self.message.setText(text)

    def show_note(self, text: str) -> None:
        """Confirm what was done."""
        self.message.setProperty("role", "ok")
        self._repolish()
        self.message.setText(text)

    def _repolish(self) -> None:
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def show_list_status(self, status, strata: tuple[str, ...]) -> None:
        """Counts of the loaded allocation list (never an arm)."""
        _ = self.ctx.ui
        self.strata = strata
        self.stratum.clear()
        self.stratum.addItem(_("(from the baseline)"), None)
        for stratum in strata:
            # Marked as a line of the staff language too: an Arabic list keeps ids on its right.
            name = directed(self._stratum_name(stratum), self.ctx.staff_language)
            self.stratum.addItem(name, stratum)
        if status is None:
            self.list_state.setText(_("No allocation list is loaded on this laptop."))
            return
        staff = self.ctx.staff_language
        order = {stratum: index for index, stratum in enumerate(strata)}  # study.yaml's order
        counts = sorted(
            status.remaining.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])
        )
        # Each stratum marked on its own, so an Arabic list still runs right to left.
        free = list_comma(staff).join(
            f"{self._stratum_name(k)} {shown_number(v, staff)}" for k, v in counts
        )
        # A laptop label such as "3-b" would read "b-3" in an Arabic sentence unmarked.
        params = {**left_to_right_params({"laptop": status.laptop}), "free": free}
        self.list_state.setText(_("Allocation list for {laptop}: free slots {free}.", **params))

    def _stratum_name(self, stratum: str) -> str:
        """A stratum by the study's label in the staff language (its id, marked, if none)."""
        trial = self.ctx.study.config.trial if self.ctx.study is not None else None
        name = trial.stratum_label(stratum, self.ctx.staff_language) if trial else stratum
        return left_to_right(name)

    def _form_title(self, form_id: str) -> str:
        """A consent form by its title in the staff language (its id if the study lacks it)."""
        staff = self.ctx.staff_language
        forms = self.ctx.study.library.forms if self.ctx.study is not None else {}
        form = forms.get(form_id)
        title = form.title.get(staff) if form is not None and form.title else ""
        return embedded(title, staff) if title else embedded(form_id, "en")

    def show_code(self, view) -> None:
        """Fill the tabs for a looked-up code (no answers, and no arm but an emergency one)."""
        _ = self.ctx.ui
        self.view = view
        self.tabs.setEnabled(True)
        person = view.person
        self.code.setText(view.code)
        self.code_state.setText(
            _("Registered.") if person is not None else _("Not registered yet on this laptop.")
        )
        self.name.setText(person.name if person else "")
        self.phone.setText(person.phone if person else "")
        self.email.setText(person.email if person else "")
        self.address.setPlainText(person.address if person else "")
        if person is not None:
            self.language.setCurrentIndex(max(0, self.language.findData(person.language)))
        lang = self.ctx.staff_language
        lines = [
            _("{date}: consent {outcome} ({form} {version})", date=shown_date(c.at, lang),
              outcome=_("given") if c.outcome == "given" else _("declined"),
              form=self._form_title(c.form_id), version=embedded(c.form_version, "en"))
            for c in view.consents
        ]  # fmt: skip
        lines += [
            _("Withdrawal from {date}", date=shown_date(w.effective_date, lang))
            for w in view.withdrawals
        ]
        self.consent_list.setText("\n".join(lines) or _("No consent recorded yet."))
        if view.emergency_arm:
            text = _("Emergency reveal (logged): {arm}", arm=view.emergency_arm)
        elif view.randomised_at:
            text = _("Randomised on {date}. Letters come from the data manager.",
                     date=shown_date(view.randomised_at, lang))  # fmt: skip
        elif view.baseline_sealed:
            text = _("Baseline sealed; not randomised yet.")
        else:
            text = _("Not randomised: the baseline is not completed on this laptop.")
        self.allocation_state.setText(text)
        self.randomise_button.setEnabled(bool(view.baseline_sealed) and not view.randomised_at)
        self.emergency_button.setEnabled(not view.randomised_at)
