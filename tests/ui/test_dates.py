"""Dates and times on staff screens are written in the staff language's digits: Arabic-Indic in
Arabic (the meeting's date, when sessions started), Western in Norwegian. Real window and store."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from survey_app.ui.dates import shown_date, shown_datetime, shown_time
from survey_app.ui.direction import plain
from tests.ui.conftest import accept_consent, settle, start_session

WESTERN = re.compile("[0-9]")
ARABIC_INDIC = re.compile("[٠-٩]")


def arabic_dashboard(qtbot, window, ctx):
    """A session left unfinished, then the dashboard with Arabic as the staff language."""
    view = start_session(qtbot, window, "ar")
    accept_consent(qtbot, view)
    settle(qtbot, ctx.client)
    ctx.staff_language = "ar"
    window.show_dashboard()
    settle(qtbot, ctx.client)
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.unfinished_table.rowCount() > 0, timeout=20000)
    return page


def test_arabic_meeting_date_uses_arabic_indic_digits(qtbot, dashboard, ctx):
    page = arabic_dashboard(qtbot, dashboard, ctx)
    year = str(dt.date.fromisoformat(ctx.meeting.date).year)
    text = page.meeting_label.text()
    assert year.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) in text
    assert not WESTERN.search(text.replace("AB", ""))


def test_arabic_session_start_times_use_arabic_indic_digits(qtbot, dashboard, ctx):
    page = arabic_dashboard(qtbot, dashboard, ctx)
    started = plain(page.table.item(0, 4).text())
    assert ARABIC_INDIC.search(started) and not WESTERN.search(started)


def test_arabic_unfinished_start_dates_use_arabic_indic_digits(qtbot, dashboard, ctx):
    page = arabic_dashboard(qtbot, dashboard, ctx)
    started = plain(page.unfinished_table.item(0, 2).text())
    assert ARABIC_INDIC.search(started) and not WESTERN.search(started)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "٥ ديسمبر ٢٠٢٦"), ("nb", "5. desember 2026"), ("en", "5 December 2026")],
)
def test_a_day_is_written_in_the_languages_digits(language, expected):
    assert shown_date("2026-12-05", language) == expected


def test_a_store_timestamp_is_shown_as_its_local_day():
    stamp = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
    local = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC).astimezone().date()
    assert shown_date(stamp, "nb") == shown_date(local, "nb")


def test_times_in_arabic_have_no_western_digits():
    moment = dt.datetime(2026, 12, 5, 14, 37)
    for text in (shown_time(moment, "ar"), shown_datetime(moment, "ar")):
        assert "٣٧" in text and not WESTERN.search(text)


def test_something_that_is_not_a_date_is_shown_as_written():
    assert shown_date("soon", "nb") == "soon"


def test_arabic_register_dialog_writes_consent_dates_in_arabic_indic_digits(qtbot, dashboard, ctx):
    from survey_app.answers.codes import make_code
    from tests.ui.test_register_dialog import look_up, open_register

    ctx.staff_language = "ar"
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    dialog = open_register(qtbot, dashboard, ctx)
    look_up(qtbot, ctx, dialog, make_code(44))
    dialog.name.setText("سلمى تجريبية")
    dialog.findChild(type(dialog.export_button), "register_save").click()
    settle(qtbot, ctx.client)
    dialog.findChild(type(dialog.export_button), "consent_record").click()
    settle(qtbot, ctx.client)
    qtbot.waitUntil(lambda: bool(ARABIC_INDIC.search(dialog.consent_list.text())), timeout=20000)
    first_line = dialog.consent_list.text().split("\n")[0]
    assert not WESTERN.search(first_line.split(":")[0])


def test_a_meeting_date_typed_in_arabic_indic_digits_is_the_same_date(qtbot, window, ctx):
    from tests.ui.conftest import PASSPHRASE

    page = window.stack.currentWidget()
    page.passphrase.setText(PASSPHRASE)
    page.repeat.setText(PASSPHRASE)
    page.create_button.click()
    qtbot.waitUntil(lambda: window.page_name == "dashboard", timeout=20000)
    settle(qtbot, ctx.client)
    ctx.staff_language = "ar"
    window.show_dashboard()
    settle(qtbot, ctx.client)
    page = window.stack.currentWidget()
    page.meeting_date.setText("\u200f٢٠٢٦-١٢-٠٥")  # an Arabic keyboard, with its mark
    page.meeting_place.setText("المدرسة")
    page.meeting_staff.setText("AB")
    page._start_meeting()
    qtbot.waitUntil(lambda: ctx.meeting is not None, timeout=20000)
    assert ctx.meeting.date == "2026-12-05"


def test_a_withdrawal_date_typed_in_arabic_indic_digits_is_the_same_date(qtbot, dashboard, ctx):
    from survey_app.answers.codes import make_code
    from tests.ui.conftest import store_call
    from tests.ui.test_register_dialog import look_up, open_register

    dialog = open_register(qtbot, dashboard, ctx)
    code = make_code(47)
    look_up(qtbot, ctx, dialog, code)
    dialog.scopes["contact"].setChecked(True)
    dialog.withdraw_date.setText("٢٠٢٦-١٢-٠٥")
    dialog.findChild(type(dialog.export_button), "withdraw").click()
    settle(qtbot, ctx.client)
    (entry,) = store_call(qtbot, ctx.client, lambda w: w.register.withdrawals(code))
    assert entry.effective_date == "2026-12-05"
