"""One questionnaire page: instrument title, progress, a few items, Back and Next."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from survey_app.forms.logic import FormState, offered
from survey_app.forms.model import Form
from survey_app.i18n import N_
from survey_app.ui.direction import language_lines
from survey_app.ui.flow import PageSpec, Progress
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.common import button, column, footer, gap, scroll_area, staff_corner
from survey_app.ui.reading import Clip, PageReading, Reader
from survey_app.ui.theme import Theme
from survey_app.ui.widgets.item_view import LISTEN_TEXT, ItemView, texts_block, with_play
from survey_app.ui.widgets.scale_canvas import VerticalScale
from survey_app.ui.widgets.text_inputs import TypedAnswer

READ_PAGE = N_("Read the whole page aloud")
STOP_READING = N_("Stop reading")


class QuestionPage(QWidget):
    """Shows the items of one PageSpec; reports answers, Next and Back."""

    answer_given = Signal(object, str, object, str)  # form, item_id, value, status
    next_requested = Signal()
    back_requested = Signal()
    review_requested = Signal()  # "Back to review", offered after "Go to question"

    def __init__(
        self,
        spec: PageSpec,
        page_index: int,
        page_count: int,
        langs: SessionLanguages,
        theme: Theme,
        answers: dict[tuple[str, str], tuple[object, str]],
        parent=None,
        reader: Reader | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.langs = langs
        self.reading = PageReading(spec.form, langs, reader)
        self._read_request = -1  # the reader's request number of this page's "read the page"
        content, body = column()
        header = texts_block(spec.form.title, langs, "title")
        if header is not None:
            body.addWidget(header)
        self.progress_label = language_lines([], "muted")
        body.addWidget(self.progress_label)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        body.addWidget(self.progress)
        self.set_progress(
            Progress(
                page_index + 1,
                page_count,
                spec.form_index + 1,
                spec.form_count,
                spec.number_in_form,
                spec.pages_in_form,
            )
        )
        self.read_button = button(langs.ui_joined(READ_PAGE), name="read_page")
        self.read_button.setVisible(False)  # shown below when the page has recordings
        self.read_button.clicked.connect(self._read_page)
        read_row = QHBoxLayout()
        read_row.addWidget(self.read_button)
        read_row.addStretch(1)
        body.addLayout(read_row)
        shown = (spec.form.instructions, spec.form.recall_period)
        self._instructions_clip = (
            self.reading.instructions_clip() if spec.number_in_form == 1 else None
        )
        for text in shown if spec.number_in_form == 1 else shown[1:]:
            block = texts_block(text, langs, "subtitle")
            if block is not None:
                play = None
                if text is spec.form.instructions and self._instructions_clip is not None:
                    play = self.reading.button(
                        self._instructions_clip, "play_instructions", LISTEN_TEXT
                    )
                body.addWidget(with_play(play, block))
        self.views: dict[str, ItemView] = {}
        self.section_titles: dict[str, QWidget] = {}
        shown_sections: set[str] = set()
        for item in spec.items:
            if item.section and item.section not in shown_sections:
                shown_sections.add(item.section)
                title = texts_block(spec.form.section(item.section).title, langs, "subtitle")
                if title is not None:
                    self.section_titles[item.section] = title
                    body.addWidget(title)
            view = ItemView(item, langs, theme, reading=self.reading)
            self.views[item.id] = view
            body.addWidget(view)
            saved = answers.get((spec.form.id, item.id))
            if saved is not None and view.answer is not None:
                view.answer.set_answer(*saved)
            self._connect(view)
        body.addStretch(1)
        if self.reading.reader is not None and self.page_clips():
            self.read_button.setVisible(True)
            self.reading.reader.playing_changed.connect(self._reader_changed)
        self.back_button = button(langs.ui_joined("Back"), name="back")
        self.next_button = button(langs.ui_joined("Next"), primary=True, name="next")
        self.back_button.clicked.connect(self._back)
        self.next_button.clicked.connect(self._next)
        self.back_button.setEnabled(page_index > 0)
        self.review_button = button(langs.ui_joined("Back to review"), name="to_review")
        self.review_button.clicked.connect(self._to_review)
        self.review_button.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.scroll = scroll_area(content)
        layout.addWidget(self.scroll, 1)
        self.staff_corner = staff_corner(langs.participant)
        layout.addWidget(
            footer(
                self.staff_corner,
                gap(),
                self.back_button,
                self.review_button,
                self.next_button,
                stretch_at=3,
            )
        )

    def set_progress(self, where: Progress) -> None:
        """Show the page's place among the pages and parts that are asked (skipped never count)."""
        self.progress.setRange(0, where.pages)
        self.progress.setValue(where.page)
        self.progress_label.set_pairs(
            self.langs.ui(
                "Part {part} of {parts}, page {page} of {pages}",
                part=where.part,
                parts=where.parts,
                page=where.page_in_part,
                pages=where.pages_in_part,
            )
        )

    @property
    def form(self) -> Form:
        return self.spec.form

    def page_clips(self) -> list[Clip]:
        """Everything on the page that is recorded, in reading order (shown items only)."""
        clips = [self._instructions_clip] if self._instructions_clip is not None else []
        for item_id in self.shown_items():
            clips += self.reading.item_clips(self.views[item_id].item)
        return clips

    def _read_page(self) -> None:
        reader = self.reading.reader
        if reader is None:
            return
        if reader.playing and reader.request == self._read_request:
            reader.stop()
            return
        reader.play(self.page_clips())
        self._read_request = reader.request
        self._reader_changed(reader.playing)

    def _reader_changed(self, playing: bool) -> None:
        reader = self.reading.reader
        mine = playing and reader is not None and reader.request == self._read_request
        self.read_button.setText(self.langs.ui_joined(STOP_READING if mine else READ_PAGE))

    def _connect(self, view: ItemView) -> None:
        if view.answer is not None:
            view.answer.answered.connect(
                lambda value, status, item_id=view.item.id: self._answered(item_id, value, status)
            )

    def apply_logic(self, state: FormState) -> None:
        """Show the items (and section titles) that apply, hide the others."""
        for item_id, view in self.views.items():
            view.setVisible(state.applies(item_id))
            codes = offered(view.item, state)
            if codes is not None and view.answer is not None:
                show_options(view.answer, view.item.scale.codes, codes)
        for section_id, title in self.section_titles.items():
            title.setVisible(state.sections.get(section_id, True))

    def reset_item(self, item_id: str, kept: tuple[object, str] | None = None) -> None:
        """Empty an item's answer widget (its answer was cleared because it stopped applying),
        or show only what the logic kept of it (`kept`: value, status)."""
        view = self.views.get(item_id)
        if view is None:
            return
        fresh = view.reset_answer()
        if fresh is None:
            return
        if kept is not None:
            fresh.set_answer(*kept)
        self._connect(view)

    def shown_items(self) -> list[str]:
        """Ids of the items on this page that are shown (they apply)."""
        return [i for i, v in self.views.items() if not v.isHidden()]

    def typed_errors(self) -> list[str]:
        """Shown items whose typed text cannot be stored (out of range, malformed, too long)."""
        return [
            item_id
            for item_id in self.shown_items()
            if isinstance(answer := self.views[item_id].answer, TypedAnswer) and answer.has_error()
        ]

    def typed_answers(self) -> dict[str, TypedAnswer]:
        """The typed-answer widgets of the page, by item id."""
        return {
            item_id: view.answer
            for item_id, view in self.views.items()
            if isinstance(view.answer, TypedAnswer)
        }

    def _answered(self, item_id: str, value: object, status: str) -> None:
        self.answer_given.emit(self.spec.form, item_id, value, status)

    def commit_typed(self) -> None:
        """Save typed answers now instead of after the typing pause."""
        for view in self.views.values():
            if isinstance(view.answer, TypedAnswer):
                view.answer.commit()

    def _next(self) -> None:
        self.commit_typed()
        self.next_requested.emit()

    def _back(self) -> None:
        self.commit_typed()
        self.back_requested.emit()

    def _to_review(self) -> None:
        self.commit_typed()
        self.review_requested.emit()

    def offer_review(self, offered: bool) -> None:
        """Show or hide the "Back to review" button (shown after the review's "Go to question")."""
        self.review_button.setVisible(offered)

    def prepare(self) -> None:
        """Lay out and pre-draw what can be, while the page is built ahead (not yet shown)."""
        self.ensurePolished()
        self.layout().activate()
        for canvas in self.findChildren(VerticalScale):
            canvas.prepare()

    def focus_item(self, item_id: str) -> None:
        """Scroll to an item and give its answer widget the keyboard focus."""
        view = self.views.get(item_id)
        if view is None:
            return
        self.scroll.ensureWidgetVisible(view, 10, 40)
        target = view.answer.first_focus() if view.answer is not None else view
        target.setFocus()

    def focus_first(self) -> None:
        """Put the keyboard focus on the first answer of the page."""
        for view in self.views.values():
            if view.answer is not None and not view.isHidden():
                view.answer.first_focus().setFocus()
                return
        self.next_button.setFocus()


def show_options(answer: QWidget, codes: tuple[int, ...], shown: frozenset[int]) -> None:
    """Show only the options a choice_filter offers now (with their play buttons, if any)."""
    for code in codes:
        button = answer.button_for(code)  # type: ignore[attr-defined]
        holder = button.parentWidget()
        # A recorded option sits in a tile with its play button: the tile goes with it.
        target = holder if holder is not None and holder is not answer else button
        target.setVisible(code in shown)
    regrid = getattr(answer, "regrid", None)  # a grid keeps holes unless laid out again
    if regrid is not None:
        regrid()
