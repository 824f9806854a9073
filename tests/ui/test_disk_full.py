"""The app on a laptop whose disk runs full during a session, and export to a full stick.

The data folder and the stick are real small file systems (tests/smallfs.py). The staff see
what happened in their language; an answer the disk refused is saved again before the session
is sealed, so nothing the participant gave is missing from the submission.
"""

from __future__ import annotations

import errno

import pytest

from survey_app.bundle.from_store import ExportWriteError
from survey_app.store import StoreFull
from survey_app.ui.context import AppContext
from survey_app.ui.direction import plain
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import ReviewPage
from survey_app.ui.pages.thanks import ThanksPage
from tests.smallfs import FILLER, SmallDisk
from tests.smallfs import small_disk as mount_small_disk
from tests.ui.conftest import (
    FAST_KDF,
    accept_consent,
    press_finish,
    settle,
    start_session,
    store_call,
)
from tests.ui.test_transfer import finish_sessions, note, page_of, statuses, wait_idle

LANGUAGES = ("en", "nb", "ar")


@pytest.fixture(params=LANGUAGES)
def ctx(request, client, small_disk: SmallDisk):
    """The app's data folder on the small disk; staff language from the parameter."""
    return AppContext(
        client=client,
        data_dir=small_disk.path / "data",
        study_dir=None,
        staff_language=request.param,
        kdf=FAST_KDF,
    )


def status_text(window) -> str:
    return plain(window.statusBar().currentMessage())


def expected(window, msgid: str, **params) -> str:
    return plain(window.ctx.ui(msgid, **params))


def hscl_page(view) -> QuestionPage:
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25"))
    return view.current


def test_an_answer_the_full_disk_refused_is_in_the_sealed_submission_once_space_is_back(
    qtbot, dashboard, ctx, small_disk: SmallDisk
) -> None:
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    page = hscl_page(view)
    first, second = (item.id for item in page.spec.items[:2])
    page.views[first].answer.button_for(2).click()
    settle(qtbot, ctx.client)
    small_disk.fill(leave=0)
    page.views[second].answer.button_for(3).click()
    settle(qtbot, ctx.client)
    assert status_text(dashboard) == expected(dashboard, StoreFull.msgid)

    view.show_review()
    assert isinstance(view.current, ReviewPage)
    press_finish(view)
    settle(qtbot, ctx.client)
    assert isinstance(view.current, ReviewPage)  # nothing sealed while the disk is full
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id))
    assert session.status == "in_progress"

    small_disk.empty()
    view.current.finish_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)
    answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
    given = {a.item_id: a.value for a in answers if a.form_id == "hscl25"}
    assert given == {first: 2, second: 3}
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id))
    assert session.status == "sealed"


def test_export_to_a_full_stick_tells_the_staff_it_is_full_and_keeps_sessions_waiting(
    qtbot, dashboard, ctx
) -> None:
    finish_sessions(qtbot, dashboard, 2)
    with mount_small_disk(1024) as stick:
        stick.fill(leave=4 * 1024)
        page_of(dashboard).export_to(stick.path)
        wait_idle(qtbot, dashboard)
        assert [p.name for p in stick.path.iterdir()] == [FILLER]
        full = ExportWriteError(stick.path / "x.surveybundle", OSError(errno.ENOSPC, "full"))
        assert note(dashboard) == expected(dashboard, full.msgid, **full.params)
    assert statuses(dashboard) == ["sealed", "sealed"]
