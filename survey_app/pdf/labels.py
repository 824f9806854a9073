"""Interface strings printed on paper (translated through the app's message catalogs)."""

from __future__ import annotations

from survey_app.i18n import tr

PARTICIPANT_CODE = "Participant code"
PAGE_OF = "Page {page} of {pages}"
DRAFT = "DRAFT translation"
DECLINE = "I don't want to answer"
YES = "Yes"
NO = "No"
TICK_ALL = "Tick all that apply"
TICK_ONE = "Tick one box"
WRITE_NUMBER = "Write the number you marked here"
DATE_HINT = "day . month . year"
VAS_INSTRUCTION = "Mark an X on the scale, then write the number in the box."


def text(language: str, msgid: str, **params: object) -> str:
    """Translate a printed interface string into a form language."""
    return tr(language, msgid, **params)
