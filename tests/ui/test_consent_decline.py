"""Declining consent asks "are you sure?" in the session languages; going back records nothing,
confirming records the decline. Real window, worker thread and encrypted store."""

from __future__ import annotations

import pytest

from survey_app.ui.pages.consent import ConsentPage
from survey_app.ui.pages.thanks import ThanksPage
from tests.ui.conftest import settle, start_session, store_call

QUESTION = {
    "nb": "Er du sikker på at du ikke vil være med?",
    "ar": "هل قررت بالتأكيد عدم المشاركة؟",
}


def decline(view) -> ConsentPage:
    consent = view.current
    assert isinstance(consent, ConsentPage)
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(0).click()
    consent.continue_button.click()
    return consent


def recorded(qtbot, ctx, view):
    settle(qtbot, ctx.client)
    sid = view.session_id
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(sid))
    consent = store_call(qtbot, ctx.client, lambda w: w.store.consent(sid))
    return session, consent


@pytest.mark.parametrize(("language", "interpreter"), [("nb", None), ("ar", None), ("ar", "nb")])
def test_declining_asks_are_you_sure_in_the_session_languages(
    qtbot, dashboard, ctx, language, interpreter
):
    view = start_session(qtbot, dashboard, language, interpreter)
    consent = decline(view)
    assert view.current is consent and consent.asking
    question = consent.confirm_bar.findChildren(type(consent.hint))[0]
    assert question.text().split("\n") == [QUESTION[lang] for lang in view.langs.all]
    assert consent.continue_button.isHidden()


def test_going_back_returns_to_consent_with_nothing_recorded(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "ar")
    consent = decline(view)
    consent.cancel_decline_button.click()
    assert view.current is consent and not consent.asking
    assert not consent.continue_button.isHidden()
    session, record = recorded(qtbot, ctx, view)
    assert session.status == "in_progress"
    assert record is None
    # The statements can be answered again, and consent given.
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(1).click()
    consent.continue_button.click()
    qtbot.waitUntil(lambda: view.current is not consent, timeout=20000)
    assert recorded(qtbot, ctx, view)[0].outcome is None


def test_confirming_records_the_decline(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "nb")
    consent = decline(view)
    consent.confirm_decline_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)
    session, _record = recorded(qtbot, ctx, view)
    assert session.outcome == "declined"


def test_changing_an_answer_withdraws_the_question(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "nb")
    consent = decline(view)
    consent.views[consent.statements[0]].answer.button_for(1).click()
    assert not consent.asking
    assert not consent.continue_button.isHidden()
