"""Which wording a printed text takes when it differs by the reader's gender (Arabic).

Like the screen's "not stated", paper prints the usual wording unless told otherwise:
`--addressee female` or `male` prints that one, `both` prints both, the woman's wording on the
line above the man's (a separator such as "/" would be read as part of labels that hold one).
"""

from __future__ import annotations

from survey_app.forms.model import Addressee, LocalText

BOTH = "both"
CHOICES = (Addressee.FEMALE.value, Addressee.MALE.value, BOTH)


def printed(text: LocalText | None, language: str, addressee: str | None = None) -> str:
    """The text in a language for the chosen addressee (None: the usual wording), or both."""
    if text is None:
        return ""
    if addressee is None:
        return text.get(language)
    if addressee != BOTH:
        return text.get(language, Addressee(addressee))
    if not text.has_variants(language):
        return text.get(language)
    variants = [text.get(language, who) for who in (Addressee.FEMALE, Addressee.MALE)]
    return "\n".join(dict.fromkeys(v for v in variants if v))
