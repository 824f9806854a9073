"""Interface messages: translated per language, numbers in the language's own digits."""

from __future__ import annotations

from survey_app.i18n import tr


def test_arabic_message_shows_numbers_in_arabic_indic_digits():
    text = tr(
        "ar", "Part {part} of {parts}, page {page} of {pages}", part=2, parts=6, page=1, pages=7
    )
    assert "٢" in text and "٦" in text and "٧" in text
    assert not any(c in text for c in "0123456789")


def test_norwegian_message_is_translated_with_western_digits():
    text = tr(
        "nb", "Part {part} of {parts}, page {page} of {pages}", part=2, parts=6, page=1, pages=7
    )
    assert text.startswith("Del 2 av 6")


def test_english_is_the_source_language():
    assert tr("en", "Next") == "Next"
