"""A participant's session: consent, questionnaire pages, review, thanks; saves via the worker.

The whole view takes the layout direction of the participant's language. It never shows the
dashboard or other sessions; leaving goes through the staff gate owned by the main window.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from survey_app.forms.model import Form, ItemType
from survey_app.i18n import tr
from survey_app.store.errors import StoreError
from survey_app.study.safety import AUDIT_ACTION as SAFETY_AUDIT_ACTION
from survey_app.study.safety import triggered
from survey_app.ui.direction import embedded, set_direction
from survey_app.ui.flow import (
    PageSpec,
    Unanswered,
    page_of,
    plan_pages,
    progress,
    split_consent,
    unanswered,
)
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.consent import ConsentPage
from survey_app.ui.pages.pause import PAUSE_SHORTCUT
from survey_app.ui.pages.privacy import PrivacyScreen
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import ReviewPage
from survey_app.ui.pages.thanks import ThanksPage
from survey_app.ui.reading import Clip, Reader
from survey_app.ui.register_ops import complete_and_reveal
from survey_app.ui.session_logic import CONSTRAINT, SessionLogic
from survey_app.ui.store_worker import StoreClient
from survey_app.ui.theme import Theme
from survey_app.ui.validation import error_text, parse_typed
from survey_app.ui.widgets.base import ANSWERED, CLEARED, DECLINED

log = logging.getLogger(__name__)
Key = tuple[str, str]
Answer = tuple[object, str]
# Items whose widget offers "I don't want to answer" (typed answers have no such button).
DECLINABLE = frozenset(
    {ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.LADDER, ItemType.VAS}
)


@dataclass
class SessionSetup:
    """Everything a session view needs, gathered by the main window."""

    session: Any  # survey_app.store.SessionInfo
    forms: list[Form]
    study: Any  # survey_app.study.Study
    langs: SessionLanguages
    staff_language: str
    actor: str
    answers: dict[Key, Answer] = field(default_factory=dict)
    consent_done: bool = False
    resume: tuple[str | None, str | None] = (None, None)
    double_entry: bool = False
    # Items that hold or held an answer (store.touched_items): their default is never refilled.
    touched: set[Key] = field(default_factory=set)
    # Typed text not accepted when the session was last left (kept by the main window, in
    # memory only): shown again on its page, never stored.
    unconfirmed: dict[Key, str] = field(default_factory=dict)


class SessionView(QWidget):
    """Runs one session from consent to the thank-you page."""

    staff_requested = Signal()
    pause_requested = Signal()  # the staff gesture on a page of a session still in progress
    finished = Signal(str)  # "completed" or "declined", after the store has sealed it
    page_shown = Signal(str)  # page kind: consent, question, review, thanks
    save_failed = Signal(object)

    def __init__(self, setup: SessionSetup, client: StoreClient, theme: Theme, parent=None) -> None:
        super().__init__(parent)
        self.setup = setup
        self.client = client
        self.theme = theme
        self.langs = setup.langs
        set_direction(self, self.langs.participant)
        self.consent_form, instruments = split_consent(setup.forms)
        self.plan: list[PageSpec] = plan_pages(instruments)
        self.answers: dict[Key, Answer] = dict(setup.answers)
        # Saves the store refused (a full disk): sent again before the session is sealed, so
        # an answer shown as given is never missing from the submission.
        self._unsaved: dict[Key, Any] = {}
        self.logic = SessionLogic()
        # Answers on screen that break their constraint: not saved, and Next waits for them.
        self.invalid: set[Key] = set()
        # Typed text that could not be stored (unreadable, out of range, breaking a constraint),
        # kept in memory when its page is left with Back or "Back to review": it is shown again
        # on return, still blocks Next there, and the review page lists it. Never saved.
        self.unconfirmed: dict[Key, str] = dict(setup.unconfirmed)
        # Defaults are filled in once, when first shown: never again after a clear or a resume.
        self.defaulted: set[Key] = set(setup.touched)
        self.second_pass: dict[Key, Answer] | None = None
        # The study's safety protocol code once a completed session calls for it (staff only:
        # the main window shows it after the staff passphrase, never on a participant page).
        self.safety_code: str | None = None
        self.resolving = False
        # Set by the review's "Go to question": pages then offer "Back to review" until it is
        # shown again.
        self.returning = False
        self.page_index = 0
        self.current: QWidget | None = None
        self._prebuilt: tuple[int, tuple[bool, bool], QuestionPage] | None = None
        # Built ahead while the last page is read, and kept for returns to the review.
        self._review: ReviewPage | None = None
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.privacy = PrivacyScreen(self.langs, self)
        # One player for the session's recorded readings; paper entry by staff has none.
        self.reader = Reader(self) if not self.paper else None
        self._last_listen: tuple | None = None
        if self.reader is not None:
            study = setup.study
            self.reader.samples_allowed = bool(
                getattr(study, "demo", False) or getattr(study, "allow_draft_languages", False)
            )
            self.reader.clip_started.connect(self._listened)
        # Staff only: the gesture leads to the passphrase, never straight to a staff page.
        self.pause_shortcut = QShortcut(QKeySequence(PAUSE_SHORTCUT), self)
        self.pause_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.pause_shortcut.activated.connect(self.request_pause)
        if self.consent_form is not None and not setup.consent_done:
            self.show_consent()
        else:
            self.show_page(page_of(self.plan, *setup.resume))

    @property
    def session_id(self) -> str:
        return self.setup.session.id

    @property
    def paper(self) -> bool:
        return self.setup.session.source == "paper"

    def _answer_actor(self) -> str:
        return self.setup.actor if self.paper else "participant"

    def _replace(self, widget: QWidget, kind: str) -> None:
        if self.reader is not None:
            self.reader.stop()  # a reading never goes on over another page
        old = self.current
        self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        self.current = widget
        if old is not None and old is not self._review:
            self.stack.removeWidget(old)
            old.deleteLater()
        self.page_shown.emit(kind)

    def show_consent(self) -> None:
        """Show the consent form."""
        page = ConsentPage(self.consent_form, self.langs, self.theme, reader=self.reader)
        page.accepted.connect(self._consented)
        page.staff_corner.clicked.connect(self.request_pause)
        page.declined.connect(self._declined)
        self._replace(page, "consent")

    def _consented(self, decisions: dict) -> None:
        form, sid, actor = self.consent_form, self.session_id, self.setup.actor
        self.client.call(
            lambda w: w.store.record_consent(sid, form, decisions, actor=actor),
            lambda _record: self.show_page(0),
            self.save_failed.emit,
            "record_consent",
        )

    def _declined(self, decisions: dict) -> None:
        form, sid, actor, study = (
            self.consent_form,
            self.session_id,
            self.setup.actor,
            self.setup.study,
        )

        def decline(worker):
            worker.store.record_consent(sid, form, decisions, actor=actor)
            return worker.store.decline_session(sid, study, actor=actor)

        self.client.call(
            decline, lambda _copy: self._thanks(True), self.save_failed.emit, "decline"
        )

    def visible_answers(self) -> dict[Key, Answer]:
        """The answers shown on pages: the second entry pass has its own, empty at start."""
        if self.second_pass is not None and not self.resolving:
            return self.second_pass
        return self.answers

    def show_page(self, index: int, focus_item: str | None = None) -> None:
        """Show questionnaire page `index` (the review page after the last one)."""
        if not self.plan or index >= len(self.plan):
            self.show_review()
            return
        self._keep_unconfirmed()
        self.page_index = max(0, index)
        spec = self.plan[self.page_index]
        page = self._take_prebuilt(self.page_index) or self._build_page(self.page_index)
        # The page is built from the saved answers; text that was not stored comes back below
        # and is checked again (a constraint may hold now that another answer changed).
        self.invalid -= {(spec.form.id, item.id) for item in spec.items}
        page.offer_review(self.returning)
        self._replace(page, "question")
        self._fill_defaults(page)
        self._restore_unconfirmed(page)
        # Build the following page while the participant reads this one, so Next only switches.
        QTimer.singleShot(0, self._prebuild_next)
        first = spec.items[0].id if spec.items else None
        sid, form_id = self.session_id, spec.form.id
        if self.second_pass is None:
            self.client.call(lambda w: w.store.set_position(sid, form_id, first), label="position")
        if focus_item:
            page.focus_item(focus_item)
        else:
            page.focus_first()

    def _keep_unconfirmed(self) -> None:
        """Remember the typed text of the page being left that was not stored."""
        page = self.current
        if not isinstance(page, QuestionPage):
            return
        shown = set(page.shown_items())
        for item_id, answer in page.typed_answers().items():
            key = (page.form.id, item_id)
            refused = answer.has_error() or key in self.invalid
            if item_id in shown and refused and answer.text():
                self.unconfirmed[key] = answer.text()
            else:
                self.unconfirmed.pop(key, None)

    def kept_typing(self) -> dict[Key, str]:
        """Typed text not accepted, including the page on screen (for a later resume)."""
        self._keep_unconfirmed()
        return dict(self.unconfirmed)

    def _restore_unconfirmed(self, page: QuestionPage) -> None:
        """Put text typed earlier and not stored back into its field, with its message."""
        shown = set(page.shown_items())
        for item_id, answer in page.typed_answers().items():
            text = self.unconfirmed.get((page.form.id, item_id))
            if text is not None and item_id in shown:
                answer.set_typed(text)
                answer.commit()  # saved now if it has become valid, else its message shows

    def _fill_defaults(self, page: QuestionPage) -> None:
        """Pre-fill default answers the first time their items are shown (saved as answers)."""
        for item, value in self.logic.defaults(page.spec, self.visible_answers(), self.defaulted):
            self.defaulted.add((page.form.id, item.id))
            view = page.views[item.id]
            if view.answer is not None:
                view.answer.set_answer(value, ANSWERED)
            self._answer_given(page.form, item.id, value, ANSWERED)

    def _build_page(self, index: int) -> QuestionPage:
        page = QuestionPage(
            self.plan[index],
            index,
            len(self.plan),
            self.langs,
            self.theme,
            self.visible_answers(),
            reader=self.reader,
        )
        page.answer_given.connect(self._answer_given)
        page.next_requested.connect(self.next_page)
        page.back_requested.connect(self.previous_page)
        page.review_requested.connect(self.back_to_review)
        page.staff_corner.clicked.connect(self.request_pause)
        if page.form.has_logic:
            page.apply_logic(self.logic.state(page.form, self.visible_answers()))
        self._show_progress(page, index)
        return page

    def _show_progress(self, page: QuestionPage, index: int) -> None:
        """Count only the pages and parts asked with the current answers (skipped never count)."""
        if not any(spec.form.has_logic for spec in self.plan):
            return  # every page is asked: the page was built with the right counts
        asked = self.logic.pages_applying(self.plan, self.visible_answers())
        page.set_progress(progress(self.plan, asked, index))

    def _prebuild_next(self) -> None:
        if not isinstance(self.current, QuestionPage):
            return
        index = self._step(self.page_index, 1)  # the page Next leads to (skips pages not asked)
        if index >= len(self.plan):
            self._prebuild_review()
            return
        if self._prebuilt is not None and self._prebuilt[0] == index:
            return
        self._drop_prebuilt()
        page = self._build_page(index)
        self.stack.addWidget(page)
        page.resize(self.stack.size())
        page.prepare()
        self._prebuilt = (index, self._pass_key(), page)

    def _prebuild_review(self) -> None:
        # Its rows are made a few at a time between events (ReviewPage), never all at once.
        if self._review is None:
            # Staff typing in a paper form see the list; the question "are you sure?" is for
            # participants, who may not have noticed what they skipped.
            self._review = ReviewPage([], self.langs, confirm_unanswered=not self.paper)
            self._review.jump_requested.connect(self.jump_from_review)
            self._review.back_requested.connect(
                lambda: self.show_page(self._step(len(self.plan), -1))
            )
            self._review.finish_requested.connect(self.finish)
            self._review.staff_corner.clicked.connect(self.request_pause)
            self.stack.addWidget(self._review)
            self._review.resize(self.stack.size())
        self._review.set_missing(self.missing())

    def jump_from_review(self, index: int, item_id: str) -> None:
        """The review's "Go to question": show the item; its page offers "Back to review"."""
        self.returning = True
        self.show_page(index, item_id)

    def _pass_key(self) -> tuple[bool, bool]:
        return (self.second_pass is not None, self.resolving)

    def _take_prebuilt(self, index: int) -> QuestionPage | None:
        if self._prebuilt is None:
            return None
        built_index, key, page = self._prebuilt
        if built_index != index or key != self._pass_key():
            self._drop_prebuilt()
            return None
        self._prebuilt = None
        return page

    def _drop_prebuilt(self) -> None:
        if self._prebuilt is not None:
            page = self._prebuilt[2]
            self._prebuilt = None
            self.stack.removeWidget(page)
            page.deleteLater()

    @property
    def prebuilt_review(self) -> ReviewPage | None:
        """The review page built ahead (from the last questionnaire page on), if any."""
        return self._review

    @property
    def prebuilt_page(self) -> QuestionPage | None:
        """The questionnaire page built ahead for Next, if any."""
        return self._prebuilt[2] if self._prebuilt is not None else None

    @property
    def prebuilt_index(self) -> int | None:
        """Index of the page built ahead of time, if any (benchmarks wait for it)."""
        return self._prebuilt[0] if self._prebuilt is not None else None

    def next_page(self) -> None:
        """Go to the next page that has questions to ask (the review page after the last)."""
        if isinstance(self.current, QuestionPage) and self._blocked(self.current):
            return
        if self.resolving:
            self.show_review()
            return
        self.show_page(self._step(self.page_index, 1))

    def back_to_review(self) -> None:
        """ "Back to review" after "Go to question": the page's check, as for Next, first.

        A required item left empty or an answer breaking its constraint stops here with the
        same message as Next. Typed text that cannot be stored goes on: the review lists it
        with what was typed and Finish waits until it is corrected or cleared.
        """
        if isinstance(self.current, QuestionPage) and self._blocked(
            self.current, typed_stops=False
        ):
            return
        self.show_review()

    def previous_page(self) -> None:
        """Go back to the previous page with questions (from the first page nowhere)."""
        index = self._step(self.page_index, -1)
        if 0 <= index < self.page_index:
            self.show_page(index)

    def _step(self, index: int, step: int) -> int:
        """The next page index in a direction, skipping pages where nothing applies."""
        answers = self.visible_answers()
        index += step
        while 0 <= index < len(self.plan) and not self.logic.page_applies(
            self.plan[index], answers
        ):
            index += step
        if index < 0:
            return self.page_index
        return index

    def _blocked(self, page: QuestionPage, *, typed_stops: bool = True) -> bool:
        """Show why Next cannot go on (typed text that cannot be stored, the form's constraint
        message, or 'please answer'); the keyboard focus goes to the first such item.

        With typed_stops=False, typed text that was not accepted does not stop (the review
        lists it): only required items left empty and other broken constraints do.
        """
        typed = page.typed_errors()
        for item_id in typed:
            page.views[item_id].show_problem([])  # the field's own message says what is wrong
            page.views[item_id].answer.check()
        exempt = set(typed) if typed_stops else set(typed) | self._listed_on_review(page)
        blockers = [
            b
            for b in self.logic.blockers(page.spec, self.visible_answers(), self.invalid)
            if b.item_id not in exempt
        ]
        for blocker in blockers:
            view = page.views[blocker.item_id]
            if blocker.kind == CONSTRAINT:
                message = view.item.logic.constraint_message
                view.show_problem(self.langs.texts(message))
            elif view.item.allow_decline and view.item.type in DECLINABLE:
                view.show_problem(
                    self.langs.ui(
                        "Please answer this question, or choose «I don't want to answer»."
                    )
                )
            else:
                view.show_problem(self.langs.ui("Please answer this question."))
        stopped = (set(typed) if typed_stops else set()) | {b.item_id for b in blockers}
        first = next((item.id for item in page.spec.items if item.id in stopped), None)
        if first is not None:
            page.focus_item(first)
        return first is not None

    def _listed_on_review(self, page: QuestionPage) -> set[str]:
        """Items of the page whose typed text was not accepted: the review lists them."""
        shown = set(page.shown_items())
        return {
            item_id
            for item_id, answer in page.typed_answers().items()
            if item_id in shown
            and answer.text()
            and (answer.has_error() or (page.form.id, item_id) in self.invalid)
        }

    def _answer_given(self, form: Form, item_id: str, value: object, status: str) -> None:
        if not self._passes_constraint(form, item_id, value, status):
            return
        self._record(form, item_id, value, status)
        if form.has_logic:
            self._follow_logic(form)

    def _passes_constraint(self, form: Form, item_id: str, value: object, status: str) -> bool:
        """Check a new answer against its constraint; on failure show the form's message."""
        key = (form.id, item_id)
        item = form.item(item_id)
        page = self.current if isinstance(self.current, QuestionPage) else None
        view = page.views.get(item_id) if page is not None else None
        message = None
        if status == ANSWERED:
            message = self.logic.broken_constraint(form, item, value, self.visible_answers())
        if message is not None:
            self.invalid.add(key)
            if view is not None:
                view.show_problem(self.langs.texts(message))
            return False
        self.invalid.discard(key)
        if view is not None:
            view.show_problem([])
        return True

    def _follow_logic(self, form: Form) -> None:
        """Hide what stopped applying and clear its answers (the store clears and audits its
        copy in the same save); show what starts applying. The page built ahead is stale."""
        visible = self.visible_answers()
        dropped = self.logic.dropped(form, visible)
        for item_id in dropped:
            visible.pop((form.id, item_id), None)
            self.invalid.discard((form.id, item_id))
            self.unconfirmed.pop((form.id, item_id), None)
            self._unsaved.pop((form.id, item_id), None)  # no longer asked: never saved again
            if self.second_pass is not None and self.resolving:
                self.answers.pop((form.id, item_id), None)
        # A multiple choice keeps the options still offered; the store narrows its copy in
        # the same save, but an answer it never got (a refused save) is saved narrowed now.
        narrowed = self.logic.narrowed(form, visible)
        for item_id, kept in narrowed.items():
            key = (form.id, item_id)
            visible[key] = (kept, ANSWERED)
            if self.second_pass is not None and self.resolving:
                self.answers[key] = (kept, ANSWERED)
            if self._unsaved.pop(key, None) is not None:
                self._record(form, item_id, kept, ANSWERED)
        page = self.current
        if isinstance(page, QuestionPage) and page.form.id == form.id:
            for item_id in dropped:
                page.reset_item(item_id)
            for item_id, kept in narrowed.items():
                page.reset_item(item_id, (kept, ANSWERED))
            page.apply_logic(self.logic.state(form, visible))
        if isinstance(page, QuestionPage):
            self._show_progress(page, self.page_index)
        self._drop_prebuilt()
        QTimer.singleShot(0, self._prebuild_next)  # build it again, as it is now, before Next

    def _record(self, form: Form, item_id: str, value: object, status: str) -> None:
        key = (form.id, item_id)
        if self.second_pass is not None:
            self._store_local(self.second_pass, key, value, status)
            if not self.resolving:
                return
        self._store_local(self.answers, key, value, status)
        sid, actor = self.session_id, self._answer_actor()
        if status == CLEARED:
            op = lambda w: w.store.clear_answer(  # noqa: E731
                sid, form.id, item_id, actor=actor, form=form
            )
        else:
            stored = None if status == DECLINED else value
            op = lambda w: w.store.save_answer(  # noqa: E731
                sid, form, item_id, stored, status=status, actor=actor
            )
        self.client.call(
            op,
            lambda _saved: self._unsaved.pop(key, None),
            lambda exc: self._save_refused(key, op, exc),
            "save_answer",
        )

    def _save_refused(self, key: Key, op: Any, exc: BaseException) -> None:
        self._unsaved[key] = op
        self.save_failed.emit(exc)

    @staticmethod
    def _store_local(target: dict[Key, Answer], key: Key, value: object, status: str) -> None:
        if status == CLEARED:
            target.pop(key, None)
        else:
            target[key] = (value, status)

    def missing(self) -> list[Unanswered]:
        """Answerable items with no answer and no decline in the visible pass (typed text that
        was not accepted is listed by `refused` instead)."""
        answers = self.visible_answers()
        return unanswered(
            self.plan,
            set(answers) | set(self.unconfirmed),
            lambda form, item: self.logic.applies(form, item, answers),
        )

    def refused(self) -> list[tuple[Unanswered, list[tuple[str, str]]]]:
        """Items holding typed text that was not accepted (kept, not saved), each with what was
        typed and why it was refused, in the session languages."""
        answers = self.visible_answers()
        found = []
        for entry in unanswered(
            self.plan, set(), lambda form, item: self.logic.applies(form, item, answers)
        ):
            text = self.unconfirmed.get((entry.form.id, entry.item.id))
            if text is not None:
                found.append((entry, self._refusal(entry, text)))
        return found

    def _refusal(self, entry: Unanswered, text: str) -> list[tuple[str, str]]:
        parsed = parse_typed(entry.item, text)
        if parsed.error is not None:
            reasons = dict(error_text(parsed.error, self.langs.all))
        else:
            broken = self.logic.broken_constraint(
                entry.form, entry.item, parsed.value, self.visible_answers()
            )
            reasons = dict(self.langs.texts(broken))
        # Numbers and dates read left to right inside Arabic text; free text is the participant's.
        typed_in = self.langs.participant if entry.item.type is ItemType.TEXT else "en"
        shown = embedded(text, typed_in)
        pairs = []
        for lang in self.langs.all:
            wrote = tr(lang, "You wrote: {text}.", text=shown)
            pairs.append((lang, f"{wrote} {reasons.get(lang, '')}".strip()))
        return pairs

    def mismatches(self) -> list[tuple[Unanswered, str]]:
        """Items where the second entry pass differs from the first."""
        if self.second_pass is None:
            return []
        found = []
        for entry in unanswered(self.plan, set()):
            key = (entry.form.id, entry.item.id)
            first, second = self.answers.get(key), self.second_pass.get(key)
            if first != second:
                detail = tr(
                    self.setup.staff_language,
                    "First entry: {first}. Second entry: {second}.",
                    first=self._shown(first),
                    second=self._shown(second),
                )
                found.append((entry, detail))
        return found

    def _shown(self, answer: Answer | None) -> str:
        lang = self.setup.staff_language
        if answer is None:
            return tr(lang, "no answer")
        if answer[1] == DECLINED:
            return tr(lang, "declined")
        return str(answer[0])

    def show_review(self) -> None:
        """Show the review page: unanswered items (and double-entry differences)."""
        self._keep_unconfirmed()
        self.resolving = False
        mismatches = self.mismatches()
        if mismatches:
            self.resolving = True
            page = ReviewPage(
                [],
                self.langs,
                mismatches=mismatches,
                detail_language=self.setup.staff_language,
            )
            page.jump_requested.connect(self.jump_from_review)
            page.back_requested.connect(lambda: self.show_page(self._step(len(self.plan), -1)))
            page.finish_requested.connect(self.finish)
            page.staff_corner.clicked.connect(self.request_pause)
        elif self._review is not None:
            page = self._review
            page.set_missing(self.missing())  # rows not made yet follow, in order
        else:
            self._prebuild_review()
            page = self._review
            page.set_missing(self.missing(), build_now=True)
        page.set_refused(self.refused())
        page.reset_confirmation()
        self.returning = False
        self._replace(page, "review")
        page.finish_button.setFocus()

    def finish(self) -> None:
        """Complete and seal the session (or start the second entry pass first)."""
        if self.setup.double_entry and self.paper and self.second_pass is None:
            self.second_pass = {}
            self.unconfirmed.clear()
            self._drop_prebuilt()
            self.show_page(0)
            return
        sid, study, actor = self.session_id, self.setup.study, self.setup.actor
        retry = list(self._unsaved.values())
        # A completed baseline of a randomising study is also randomised (never shown here).
        complete_op = complete_and_reveal(sid, study, actor)
        safety = getattr(getattr(study, "config", None), "safety", None)
        given = {key: value for key, (value, status) in self.answers.items() if status == ANSWERED}
        signal = safety.protocol if triggered(safety, given) else None

        def complete(worker):
            for save in retry:  # if the disk still refuses, nothing is sealed
                save(worker)
            copy = complete_op(worker)
            if signal is not None:
                # After sealing: the audit says the protocol was signalled, never which answer.
                try:
                    worker.store.append_audit(
                        SAFETY_AUDIT_ACTION,
                        actor=actor,
                        session_id=sid,
                        detail={"protocol": signal},
                    )
                except StoreError as exc:  # the session is sealed; staff still see the signal
                    log.error("safety audit not written: %s", type(exc).__name__)
            return copy

        def completed(copy: object) -> None:
            self.safety_code = signal
            self._completed(copy)

        self.client.call(complete, completed, self.save_failed.emit, "complete_session")

    def _completed(self, _copy: object) -> None:
        self._unsaved.clear()
        self._thanks(False)

    def _thanks(self, declined: bool) -> None:
        staff_text = tr(self.setup.staff_language, "Staff")
        page = ThanksPage(self.langs, staff_text, declined=declined)
        page.staff_requested.connect(self.staff_requested)
        self._replace(page, "thanks")
        self.finished.emit("declined" if declined else "completed")

    def request_pause(self) -> None:
        """The staff gesture: typed text is saved first; a finished session just asks for staff."""
        if self.reader is not None:
            self.reader.stop()  # the staff gate covers the page: the reading stops with it
        if isinstance(self.current, ThanksPage):
            self.staff_requested.emit()
            return
        self.save_typed()
        self.pause_requested.emit()

    def save_typed(self) -> None:
        """Save what is typed on the page now, not after the typing pause (staff are leaving)."""
        if isinstance(self.current, QuestionPage):
            self.current.commit_typed()

    def set_interpreter(self, language: str | None) -> None:
        """Show the pages with the interpreter's language (None: the participant's only).

        Answers live in the view, not in the pages, so redrawing the page on screen keeps them.
        """
        self.langs = SessionLanguages(self.langs.participant, language, self.langs.addressee)
        self.setup.langs = self.langs
        self.privacy.deleteLater()
        self.privacy = PrivacyScreen(self.langs, self)
        self._drop_prebuilt()
        if self._review is not None:
            review, self._review = self._review, None
            if review is not self.current:
                self.stack.removeWidget(review)
                review.deleteLater()
        if isinstance(self.current, QuestionPage):
            self.show_page(self.page_index)
        elif isinstance(self.current, ConsentPage):
            decisions = dict(self.current.decisions)  # not saved until Continue: carried over
            self.show_consent()
            self.current.restore(decisions)
        elif isinstance(self.current, ReviewPage):
            self.show_review()  # the old review page is no longer kept, so it is dropped

    def cover(self) -> None:
        """Hide the participant's page behind the privacy screen."""
        if self.reader is not None:
            self.reader.stop()
        self.privacy.cover()

    def _listened(self, clip: Clip, request: int) -> None:
        """Record a played reading (item, part, language; never an answer) in the store.

        Within one play request an item's option labels played one after another count once.
        """
        key = (request, clip.form_id, clip.item_id, clip.part, clip.language)
        if key == self._last_listen:
            return
        self._last_listen = key
        sid = self.session_id

        def record(worker) -> None:
            worker.store.record_listen(sid, clip.form_id, clip.item_id, clip.language, clip.part)

        # A listen that cannot be stored (a full disk) is not worth interrupting the participant.
        self.client.call(record, None, lambda _exc: None, "record_listen")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.privacy.isVisible():
            self.privacy.setGeometry(self.rect())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(
            self.current, QuestionPage
        ):
            self.current.commit_typed()
            self.next_page()
            return
        super().keyPressEvent(event)
