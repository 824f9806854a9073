"""The languages of a session: the participant's, and optionally the interpreter's."""

from __future__ import annotations

from dataclasses import dataclass

from survey_app.forms.model import Addressee, LocalText, is_rtl
from survey_app.i18n import tr
from survey_app.ui.direction import directed


@dataclass(frozen=True)
class SessionLanguages:
    """Participant language first; interpreter language shown beside it when set.

    `addressee` is how the participant chose to be addressed: every form text of the session is
    shown in that variant (Arabic inflects for the reader's gender); None: the default wording.
    """

    participant: str
    interpreter: str | None = None
    addressee: Addressee | None = None

    @property
    def all(self) -> tuple[str, ...]:
        if self.interpreter and self.interpreter != self.participant:
            return (self.participant, self.interpreter)
        return (self.participant,)

    @property
    def rtl(self) -> bool:
        return is_rtl(self.participant)

    def texts(self, text: LocalText | None) -> list[tuple[str, str]]:
        """Return (language, text) pairs of a form text, participant's language first."""
        if text is None:
            return []
        pairs = [(lang, text.get(lang, self.addressee)) for lang in self.all]
        return [(lang, words) for lang, words in pairs if words]

    def text(self, text: LocalText | None, language: str) -> str:
        """A form text in one language, in the session's addressee variant."""
        return text.get(language, self.addressee) if text is not None else ""

    def ui(self, message: str, **params: object) -> list[tuple[str, str]]:
        """Return (language, translation) pairs of an interface message."""
        return [(lang, tr(lang, message, **params)) for lang in self.all]

    def joined(self, pairs: list[tuple[str, str]]) -> str:
        """Join texts of several languages into one label, one line each, each directed."""
        seen: list[str] = []
        lines = []
        for lang, text in pairs:
            if text in seen:
                continue
            seen.append(text)
            lines.append(directed(text, lang))
        return "\n".join(lines)

    def ui_joined(self, message: str, **params: object) -> str:
        """Return an interface message in every session language, one line each."""
        return self.joined(self.ui(message, **params))

    def label_joined(self, text: LocalText | None) -> str:
        """Return a form text in every session language, one line each."""
        return self.joined(self.texts(text))
