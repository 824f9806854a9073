"""Recorded readings on screen: one player per session, play buttons, "read the whole page".

The form files name a recording per text and language (survey_app/forms/audio.py). A session
has one `Reader` (a QMediaPlayer); pages get play buttons only when Qt Multimedia loads and
has a backend, so a laptop without it shows the pages as before. Every recording started is
reported (`clip_started`) so the session can record which items were listened to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSize, Qt, QUrl, Signal
from PySide6.QtWidgets import QStyle, QToolButton, QWidget

from survey_app.forms.model import Form, Item
from survey_app.i18n import tr
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.multimedia import load_multimedia

log = logging.getLogger(__name__)

TOUCH = 48  # px: a play button is a finger's width, like the option tiles' indicator row


@dataclass(frozen=True)
class Clip:
    """One recording to play, and what it reads (for the listened-to record)."""

    path: str
    form_id: str
    item_id: str | None
    part: str  # "text", "options" or "instructions" (store.sessions.LISTEN_PARTS)
    language: str


class Reader(QObject):
    """Plays clips one after another; `available` is False when nothing can be played."""

    clip_started = Signal(object, int)  # Clip, the number of the play request it belongs to
    playing_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: list[Clip] = []
        self.current: Clip | None = None
        # Synthetic sample recordings play only where draft texts may be shown (the DEMO study).
        self.samples_allowed = True
        self.request = 0
        self._player = None
        multimedia = load_multimedia()
        if multimedia is None:
            return
        player = multimedia.QMediaPlayer(self)
        if not player.isAvailable():
            log.warning("recorded readings are off: no Qt Multimedia backend")
            player.deleteLater()
            return
        self._output = multimedia.QAudioOutput(self)
        player.setAudioOutput(self._output)
        self._end = multimedia.QMediaPlayer.MediaStatus.EndOfMedia
        self._invalid = multimedia.QMediaPlayer.MediaStatus.InvalidMedia
        player.mediaStatusChanged.connect(self._status)
        player.errorOccurred.connect(self._error)
        self._player = player

    @property
    def available(self) -> bool:
        return self._player is not None

    @property
    def playing(self) -> bool:
        return self.current is not None

    @property
    def queued(self) -> list[Clip]:
        """The clips still to come after the current one."""
        return list(self._queue)

    def play(self, clips: list[Clip]) -> None:
        """Stop whatever plays and play these clips in order."""
        if self._player is None or not clips:
            return
        self._halt()
        self.request += 1
        self._queue = list(clips)
        self._next()
        self.playing_changed.emit(True)

    def stop(self) -> None:
        """Stop playing and forget the queue (leaving a page, covering the screen)."""
        if self.current is None and not self._queue:
            return
        self._halt()
        self.playing_changed.emit(False)

    def _halt(self) -> None:
        self._queue.clear()
        self.current = None
        if self._player is not None:
            self._player.stop()

    def _next(self) -> None:
        if not self._queue:
            self.current = None
            self.playing_changed.emit(False)
            return
        clip = self._queue.pop(0)
        self.current = clip
        self._player.setSource(QUrl.fromLocalFile(clip.path))
        self._player.play()
        self.clip_started.emit(clip, self.request)

    def _status(self, status) -> None:
        if self.current is not None and status in (self._end, self._invalid):
            self._next()

    def _error(self, _error, _message: str) -> None:
        # A recording that cannot be played is skipped; check-forms has checked every file.
        log.warning("a recorded reading could not be played")
        if self.current is not None:
            self._next()


class PageReading:
    """What a page can read aloud: a form's recordings in the participant's language."""

    def __init__(self, form: Form, langs: SessionLanguages, reader: Reader | None) -> None:
        self.form = form
        self.langs = langs
        self.reader = reader if reader is not None and reader.available else None
        self.audio = form.audio if self.reader is not None else None

    @property
    def language(self) -> str:
        return self.langs.participant

    def item_clip(self, item: Item) -> Clip | None:
        """The reading of an item's text, if recorded in the participant's language."""
        if self.audio is None:
            return None
        found = self.audio.item_text(item, self.language, self.langs.addressee)
        return self._clip(found, item.id, "text")

    def option_clip(self, item: Item, code: int) -> Clip | None:
        """The reading of one option label of an item, if recorded."""
        if self.audio is None:
            return None
        found = self.audio.option_label(item, code, self.language, self.langs.addressee)
        return self._clip(found, item.id, "options")

    def instructions_clip(self) -> Clip | None:
        """The reading of the form's instructions, if recorded."""
        if self.audio is None or self.audio.instructions is None:
            return None
        found = self.audio.instructions.get(self.language, self.langs.addressee)
        return self._clip(found, None, "instructions")

    def item_clips(self, item: Item) -> list[Clip]:
        """The item's text, then each option label, as "read the whole page" plays them."""
        clips = [self.item_clip(item)]
        if item.scale is not None:
            clips += [self.option_clip(item, o.code) for o in item.scale.options]
        return [c for c in clips if c is not None]

    def _clip(self, found, item_id: str | None, part: str) -> Clip | None:
        if found is None or not found.path or self.audio is None or self.reader is None:
            return None
        info = self.audio.languages.get(self.language)
        if info is not None and info.status == "sample" and not self.reader.samples_allowed:
            return None
        return Clip(found.path, self.form.id, item_id, part, self.language)

    def button(self, clips: Callable[[], list[Clip]] | Clip, name: str, what: str) -> PlayButton:
        """A play button that plays a clip (or the clips a callable returns when clicked)."""
        play = PlayButton(tr(self.language, what), name)
        reader = self.reader
        assert reader is not None  # only asked for when a clip exists
        if isinstance(clips, Clip):
            clip = clips
            play.clicked.connect(lambda: reader.play([clip]))
        else:
            play.clicked.connect(lambda: reader.play(clips()))
        return play


class PlayButton(QToolButton):
    """A square play button: keyboard-focusable, finger-sized, named in the participant's language.

    The play symbol is not mirrored in right-to-left pages (media controls keep their
    direction); the button's place is, with the layout it sits in.
    """

    def __init__(self, accessible: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.setIconSize(QSize(TOUCH // 2, TOUCH // 2))
        self.setFixedSize(TOUCH, TOUCH)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(accessible)
        self.setToolTip(accessible)
        self.setProperty("role", "play")
