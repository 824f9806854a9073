"""Staff starts a session: participant code (checked live), timepoint, languages, arm, source."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget
from shiboken6 import isValid

from survey_app.answers.codes import CodeState, code_state, validate_code
from survey_app.answers.errors import AnswerError
from survey_app.answers.messages import message as answer_message
from survey_app.forms.model import LANGUAGES, Addressee
from survey_app.i18n import N_, tr
from survey_app.store.errors import CodeAlreadyUsed
from survey_app.study.drafts import DRAFT_NOTICE, DRAFT_REFUSED, DraftTexts, session_drafts
from survey_app.ui import operations as ops
from survey_app.ui.availability import NO_PROTOCOL, TIMEPOINT_BLOCKED, missing_forms
from survey_app.ui.context import NATIVE_NAMES, AppContext, language_name
from survey_app.ui.direction import embedded, set_direction
from survey_app.ui.pages.common import (
    button,
    column,
    footer,
    label,
    reveal,
    scroll_area,
    wrapped,
)

KEEP_TYPING = N_(
    "Keep typing: the code is not complete. A code has letters, at least four digits and one "
    "check character at the end, as printed on the participant's card."
)


def list_comma(language: str) -> str:
    """What separates the entries of a list in the language's texts (Arabic: "، ")."""
    return "، " if language == "ar" else ", "


@dataclass(frozen=True)
class NewSessionRequest:
    """What the staff chose for a new session."""

    code: str
    timepoint: str
    language: str
    interpreter_language: str | None
    arm: str | None
    paper: bool
    double_entry: bool
    addressee: str | None = None  # "female" / "male": how texts address the participant


def study_arms(protocol) -> list[str]:
    """Return the study arms named in the protocol (plus the comparison arm)."""
    named = {s.only_arm for tp in protocol.timepoints.values() for s in tp.steps if s.only_arm}
    return sorted(named | {"control"}) if named else []


class NewSessionPage(QWidget):
    """A form for the staff; Start is possible only with a valid participant code."""

    start_requested = Signal(object)  # NewSessionRequest
    cancelled = Signal()

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        _ = ctx.ui
        # A code already used at the chosen timepoint on this laptop: why Start is refused.
        self.used_message = ""
        self._used_check: tuple[str, str] | None = None
        set_direction(self, ctx.staff_language)
        content, body = column(760, ctx.theme.scale)
        body.addWidget(label(_("New session"), "title"))
        # Draft translations: a notice (yellow), or a refusal (red) where the study forbids them;
        # at the top, so it is seen without scrolling whatever the text size.
        self.drafts = label("", "banner")
        self.drafts.setObjectName("drafts")
        body.addWidget(self.drafts)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setObjectName("code")
        set_direction(self.code, "en")
        self.code.textChanged.connect(self._code_changed)
        self.code_message = label("", "muted")
        self.code_message.setObjectName("code_message")
        form.addRow(label(_("Participant code")), self.code)
        form.addRow("", self.code_message)
        library = ctx.study.library
        protocol = library.protocol
        self.timepoint = QComboBox()
        self.timepoint.setObjectName("timepoint")
        model = self.timepoint.model()
        first_usable = -1
        for index, tp in enumerate(protocol.timepoints.values() if protocol else ()):
            name = tp.label.get(ctx.staff_language) or tp.id
            blocked = bool(missing_forms(library, tp.id, None))
            if blocked:
                # Shown, so staff see it exists, but it cannot be chosen.
                name = tr(ctx.staff_language, "{timepoint} (cannot be used)", timepoint=name)
            elif first_usable < 0:
                first_usable = index
            self.timepoint.addItem(name, tp.id)
            if blocked:
                model.item(index).setEnabled(False)
        self.timepoint.setCurrentIndex(max(first_usable, 0))
        self.timepoint.currentIndexChanged.connect(self._timepoint_changed)
        form.addRow(label(_("Timepoint")), self.timepoint)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for lang in LANGUAGES:
            self.language.addItem(embedded(NATIVE_NAMES[lang], lang), lang)
        form.addRow(label(_("Participant's language")), self.language)
        self.interpreter = QComboBox()
        self.interpreter.setObjectName("interpreter")
        self.interpreter.addItem(_("No interpreter"), None)
        for lang in LANGUAGES:
            self.interpreter.addItem(embedded(NATIVE_NAMES[lang], lang), lang)
        form.addRow(label(_("Interpreter's language")), self.interpreter)
        self.addressee = QComboBox()
        self.addressee.setObjectName("addressee")
        for text, value in (
            (_("Not stated (the usual wording)"), None),
            (_("A woman"), Addressee.FEMALE.value),
            (_("A man"), Addressee.MALE.value),
        ):
            self.addressee.addItem(text, value)
        form.addRow(label(_("Address the participant as")), self.addressee)
        addressee_hint = label(
            _("Ask the participant. Arabic texts then speak to her or him in the right form."),
            "muted",
        )
        form.addRow("", addressee_hint)
        self.arm = QComboBox()
        self.arm.addItem(_("Not randomised yet"), None)
        for arm in study_arms(protocol) if protocol else ():
            self.arm.addItem(arm, arm)
        self.arm.currentIndexChanged.connect(self._update_start)
        self.language.currentIndexChanged.connect(self._update_start)
        self.interpreter.currentIndexChanged.connect(self._update_start)
        form.addRow(label(_("Study arm")), self.arm)
        self.paper = QCheckBox()
        self.paper.setObjectName("paper")
        self.double = QCheckBox()
        self.double.setObjectName("double")
        paper_row = wrapped(self.paper, _("Entered from a paper form (staff types the answers)"))
        double_row = wrapped(self.double, _("Double entry: type the paper form twice and compare"))
        double_row.setEnabled(False)
        self.paper.toggled.connect(double_row.setEnabled)
        form.addRow("", paper_row)
        form.addRow("", double_row)
        body.addLayout(form)
        self.unavailable = label("", "alert")
        self.unavailable.setObjectName("unavailable")
        body.addWidget(self.unavailable)

        self.message = label("", "error")
        body.addWidget(self.message)
        body.addStretch(1)
        cancel = button(_("Cancel"), name="cancel")
        cancel.clicked.connect(self.cancelled)
        self.start_button = button(_("Start"), primary=True, name="start")
        self.start_button.setEnabled(False)
        self.start_button.clicked.connect(self._start)
        self.code.returnPressed.connect(self._start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(footer(cancel, self.start_button))
        self._timepoint_changed()

    def _timepoint_changed(self) -> None:
        protocol = self.ctx.study.library.protocol
        tp = protocol.timepoints.get(self.timepoint.currentData()) if protocol else None
        needs_arm = tp is not None and any(s.only_arm for s in tp.steps)
        self.arm.setEnabled(needs_arm)
        if not needs_arm:
            self.arm.setCurrentIndex(0)
        self._update_start()
        self._check_used(self.code.text())

    def blocked_forms(self) -> list[str]:
        """Forms of the chosen timepoint and arm that failed their checks (empty: it can run)."""
        library = self.ctx.study.library
        timepoint = self.timepoint.currentData()
        if library.protocol is None or timepoint is None:
            return ["protocol"]
        arm = self.arm.currentData() if self.arm.isEnabled() else None
        return missing_forms(library, timepoint, arm)

    def _update_start(self) -> None:
        blocked = self.blocked_forms()
        if self.ctx.study.library.protocol is None:
            text = self.ctx.ui(NO_PROTOCOL, program=self.ctx.program)
        else:
            text = (
                self.ctx.ui(
                    TIMEPOINT_BLOCKED,
                    forms=", ".join(blocked),
                    count=len(blocked),
                    program=self.ctx.program,
                )
                if blocked
                else ""
            )
        self.unavailable.setText(text)
        self.unavailable.setVisible(bool(blocked))
        refused = self._show_drafts(blocked)
        self.start_button.setEnabled(
            not blocked
            and not refused
            and not self.used_message
            and code_state(self.code.text()) is CodeState.VALID
        )

    def _languages(self) -> list[str]:
        return [
            lang for lang in (self.language.currentData(), self.interpreter.currentData()) if lang
        ]

    def _show_drafts(self, blocked: list[str]) -> bool:
        """Say which texts of this session are drafts; return True when the study refuses them."""
        drafts = DraftTexts((), ())
        if not blocked and self.timepoint.currentData() is not None:
            arm = self.arm.currentData() if self.arm.isEnabled() else None
            drafts = session_drafts(
                self.ctx.study, self.timepoint.currentData(), arm, self._languages()
            )
        refused = bool(drafts) and not self.ctx.study.allow_draft_languages
        if drafts:
            self.drafts.setText(
                self.ctx.ui(
                    DRAFT_REFUSED if refused else DRAFT_NOTICE, **self._draft_params(drafts)
                )
            )
            role = "alert" if refused else "banner"
            if self.drafts.property("role") != role:
                self.drafts.setProperty("role", role)
                self.drafts.style().unpolish(self.drafts)
                self.drafts.style().polish(self.drafts)
        else:
            self.drafts.setText("")
        self.drafts.setVisible(bool(drafts))
        return refused

    def _draft_params(self, drafts: DraftTexts) -> dict[str, str]:
        """The forms by their titles and the languages by their names, in the staff language
        (not "hscl25" and "ar"), listed with the language's own comma."""
        staff = self.ctx.staff_language
        forms = self.ctx.study.library.forms
        titles = []
        for form_id in drafts.forms:
            form = forms.get(form_id)
            title = form.title.get(staff) if form is not None and form.title else ""
            # Quoted: titles hold commas of their own ("Kultur og tilhørighet", "Om deg").
            titles.append(embedded(f"«{title or form_id}»", staff if title else "en"))
        names = [embedded(language_name(lang, staff), staff) for lang in drafts.languages]
        comma = list_comma(staff)
        # program: the refusal's check-forms hint names how this app was started.
        forms_list, languages_list = comma.join(titles), comma.join(names)
        return {"forms": forms_list, "languages": languages_list, "program": self.ctx.program}

    def _code_changed(self, text: str) -> None:
        _ = self.ctx.ui
        state = code_state(text)
        self.used_message = ""
        self._update_start()
        role, message = "muted", ""
        if state is CodeState.INCOMPLETE:
            message = _(KEEP_TYPING)
        elif state is CodeState.VALID:
            role, message = "ok", _("The code is valid.")
        elif state is CodeState.INVALID:
            try:
                validate_code(text)
            except AnswerError as error:
                role, message = "error", answer_message(error, self.ctx.staff_language)
        self._show_code_message(role, message)
        self._check_used(text)

    def _show_code_message(self, role: str, message: str) -> None:
        self.code_message.setProperty("role", role)
        self.code_message.style().unpolish(self.code_message)
        self.code_message.style().polish(self.code_message)
        self.code_message.setText(message)

    def _check_used(self, text: str) -> None:
        """Ask the store whether this code has a session at the chosen timepoint already.

        Asked as soon as the code is complete, so the refusal is seen at entry; starting checks
        again in the same transaction (a scanner's Enter may come before this answer).
        """
        timepoint = self.timepoint.currentData()
        if code_state(text) is not CodeState.VALID or timepoint is None:
            self._used_check = None
            return
        key = (validate_code(text), timepoint)
        self._used_check = key
        self.ctx.client.call(
            ops.sessions_of(*key),
            lambda found: self._used_answer(key, found),
            lambda exc: None,  # no store open (yet): starting checks again
            "sessions_of",
        )

    def _used_answer(self, key: tuple[str, str], found: list) -> None:
        if not isValid(self) or key != self._used_check:
            return  # the page is gone, or the code or timepoint changed meanwhile
        if found:
            unfinished = any(s.status == "in_progress" for s in found)
            self.show_code_used(CodeAlreadyUsed(unfinished))
        else:
            self.used_message = ""
            self._update_start()

    def show_code_used(self, error: CodeAlreadyUsed) -> None:
        """Refuse the code: say at the code field what to do instead, and keep Start off."""
        self.used_message = self.ctx.ui(error.msgid)
        self._show_code_message("error", self.used_message)
        self._update_start()

    def show_error(self, text: str) -> None:
        """Show why the session could not start."""
        self.message.setText(text)
        self._update_start()
        reveal(self.message)

    def _start(self) -> None:
        if not self.start_button.isEnabled():
            return
        code = validate_code(self.code.text())
        self.start_button.setEnabled(False)
        self.start_requested.emit(
            NewSessionRequest(
                code=code,
                timepoint=self.timepoint.currentData(),
                language=self.language.currentData(),
                interpreter_language=self.interpreter.currentData(),
                arm=self.arm.currentData() if self.arm.isEnabled() else None,
                paper=self.paper.isChecked(),
                double_entry=self.paper.isChecked() and self.double.isChecked(),
                addressee=self.addressee.currentData(),
            )
        )
