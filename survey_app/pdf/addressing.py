"""Which wording a printed text takes when it differs by the reader's gender (Arabic).

Paper does not know its reader: by default it prints both variants of such a text, the woman's
and then the man's, each as its own line; `--addressee female|male` prints one.
"""

from __future__ import annotations

from survey_app.forms.model import Addressee, LocalText

BOTH = "both"
CHOICES = (Addressee.FEMALE.value, Addressee.MALE.value, BOTH)


def printed(text: LocalText | None, language: str, addressee: str = BOTH) -> str:
    """The text in a language for the chosen addressee, or both variants one per line."""
    if text is None:
        return ""
    if addressee != BOTH:
        return text.get(language, Addressee(addressee))
    if not text.has_variants(language):
        return text.get(language)
    variants = [text.get(language, who) for who in (Addressee.FEMALE, Addressee.MALE)]
    return "\n".join(dict.fromkeys(v for v in variants if v))
