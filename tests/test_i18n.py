"""Interface messages: translated per language, numbers in the language's own digits."""

from __future__ import annotations

import pickle

import pytest

from survey_app.i18n import Counted, tr, translator, trn


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


WAIT = Counted(
    "Wrong passphrase. Wait {seconds} second, then try again.",
    "Wrong passphrase. Wait {seconds} seconds, then try again.",
    "seconds",
)


def test_norwegian_one_second_is_singular():
    assert "Vent 1 sekund," in tr("nb", WAIT, seconds=1)


def test_norwegian_two_seconds_is_plural():
    assert "Vent 2 sekunder," in tr("nb", WAIT, seconds=2)


def test_english_source_picks_singular_or_plural_by_count():
    assert WAIT.format(seconds=1) == "Wrong passphrase. Wait 1 second, then try again."
    assert WAIT.format(seconds=5) == "Wrong passphrase. Wait 5 seconds, then try again."


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "انتظر ٠ ثانية ثم"),  # zero
        (1, "انتظر ثانية واحدة ثم"),  # one
        (2, "انتظر ثانيتين ثم"),  # two (dual)
        (3, "انتظر ٣ ثوانٍ ثم"),  # few: 3-10
        (11, "انتظر ١١ ثانية ثم"),  # many: 11-99
        (100, "انتظر ١٠٠ ثانية ثم"),  # other
    ],
)
def test_arabic_takes_the_cldr_plural_form_for_the_count(n, expected):
    assert expected in tr("ar", WAIT, seconds=n)


def test_arabic_catalog_declares_the_six_cldr_plural_forms():
    forms = translator("ar").plural
    assert [forms(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)] == [
        0,
        1,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
        3,
        4,
    ]


def test_trn_translates_the_form_for_the_count():
    singular = "{count} session exported. File: {file}"
    plural = "{count} sessions exported. File: {file}"
    assert trn("nb", singular, plural, 1, count=1, file="x") == "1 økt eksportert. Fil: x"
    assert trn("ar", singular, plural, 4, count=4, file="x") == "صُدِّرت ٤ جلسات. الملف: x"


def test_trn_fills_n_when_no_parameter_has_that_name():
    assert trn("en", "{n} file", "{n} files", 3) == "3 files"


def test_counted_message_survives_pickling():
    copy = pickle.loads(pickle.dumps(WAIT))
    assert isinstance(copy, Counted) and copy.plural == WAIT.plural and copy.count == "seconds"


def test_arabic_plural_rule_is_cldr_even_with_an_old_catalog_header(tmp_path):
    # Older Babel wrote "n%100>=0 && n%100<=2 ? 4" for ar: 11 seconds would take form 5.
    folder = tmp_path / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n'
        '"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
        'n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n',
        encoding="utf-8",
    )
    forms = translator("ar", tmp_path).plural
    assert (forms(11), forms(100)) == (4, 5)
