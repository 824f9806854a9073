"""Staff switch the interpreter's language on and off mid-session; scales show both digits."""

from __future__ import annotations

import pytest

from survey_app.ui.flow import page_of
from survey_app.ui.pages.pause import PausePage
from survey_app.ui.pages.questionnaire import QuestionPage
from tests.ui.conftest import PASSPHRASE, accept_consent, settle, start_session, store_call
from tests.ui.test_typed_answers import typed


def _paused_on(qtbot, window, ctx, form_id, language, interpreter=None):
    """A session paused on the first page of form_id; return (view, pause page)."""
    view = start_session(qtbot, window, language, interpreter)
    accept_consent(qtbot, view)
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == form_id))
    settle(qtbot, ctx.client)
    view.request_pause()
    window.gate.passphrase.setText(PASSPHRASE)
    window.gate.unlock_button.click()
    qtbot.waitUntil(lambda: window.page_name == "paused", timeout=20000)
    return view, window.stack.currentWidget()


def _choose(qtbot, ctx, page: PausePage, language) -> None:
    index = page.interpreter.findData(language)
    page.interpreter.setCurrentIndex(index)
    page.interpreter.activated.emit(index)
    settle(qtbot, ctx.client)


def _back(qtbot, window, page: PausePage) -> None:
    page.resume_button.click()
    qtbot.waitUntil(lambda: window.page_name == "session", timeout=20000)


def _switches(qtbot, ctx, session_id):
    trail = store_call(qtbot, ctx.client, lambda w: w.store.audit_trail(session_id))
    return [e.detail for e in trail if e.action == "interpreter_changed"]


def test_switching_the_interpreter_on_redraws_the_page_in_both_languages(qtbot, dashboard, ctx):
    view, page = _paused_on(qtbot, dashboard, ctx, "hscl25", "ar")
    _choose(qtbot, ctx, page, "nb")
    _back(qtbot, dashboard, page)
    assert view.langs.all == ("ar", "nb")
    assert view.current.langs.all == ("ar", "nb")


def test_switching_the_interpreter_on_keeps_the_answers_on_the_page(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25"))
    item = view.current.spec.items[0]
    view.current.views[item.id].answer.button_for(3).click()
    settle(qtbot, ctx.client)
    index = view.page_index
    view.request_pause()
    dashboard.gate.passphrase.setText(PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "paused", timeout=20000)
    page = dashboard.stack.currentWidget()
    _choose(qtbot, ctx, page, "nb")
    _back(qtbot, dashboard, page)
    assert isinstance(view.current, QuestionPage)
    assert view.page_index == index
    assert view.current.views[item.id].answer.button_for(3).isChecked()


def test_switching_the_interpreter_off_shows_the_participants_language_only(qtbot, dashboard, ctx):
    view, page = _paused_on(qtbot, dashboard, ctx, "hscl25", "ar", "nb")
    _choose(qtbot, ctx, page, None)
    _back(qtbot, dashboard, page)
    assert view.current.langs.all == ("ar",)


def test_interpreter_switches_are_audited_on_and_off_with_the_language(qtbot, dashboard, ctx):
    view, page = _paused_on(qtbot, dashboard, ctx, "hscl25", "ar")
    _choose(qtbot, ctx, page, "nb")
    _choose(qtbot, ctx, page, None)
    on, off = _switches(qtbot, ctx, view.session_id)
    assert (on["switched"], on["new"][0]) == ("on", "nb")
    assert (off["switched"], off["old"][0]) == ("off", "nb")


def test_a_switched_on_interpreter_stays_when_the_session_is_resumed(qtbot, dashboard, ctx):
    view, page = _paused_on(qtbot, dashboard, ctx, "hscl25", "ar")
    session_id = view.session_id
    _choose(qtbot, ctx, page, "nb")
    page.dashboard_button.click()
    settle(qtbot, ctx.client)
    dashboard.resume_session(session_id)
    qtbot.waitUntil(lambda: dashboard.page_name == "session", timeout=20000)
    assert dashboard.session_view.langs.all == ("ar", "nb")


def test_ladder_rungs_show_both_digit_systems_in_interpreter_view(qtbot, dashboard, ctx):
    view, page = _paused_on(qtbot, dashboard, ctx, "cantril", "ar")
    _choose(qtbot, ctx, page, "nb")
    _back(qtbot, dashboard, page)
    canvas = next(iter(view.current.views.values())).answer.canvas
    assert canvas.digits(7) == "٧ · 7"


def test_vas_numbers_show_both_digit_systems_in_interpreter_view(qtbot, dashboard, ctx):
    view, _page = _paused_on(qtbot, dashboard, ctx, "eqvas", "nb", "ar")
    canvas = next(iter(view.current.views.values())).answer.canvas
    assert canvas.digits(100) == "100 · ١٠٠"


def test_scale_numbers_of_a_single_language_session_use_its_digits_only(qtbot, dashboard, ctx):
    view, page = _paused_on(qtbot, dashboard, ctx, "cantril", "ar", "nb")
    _choose(qtbot, ctx, page, None)
    _back(qtbot, dashboard, page)
    canvas = next(iter(view.current.views.values())).answer.canvas
    assert canvas.digits(7) == "٧"


def test_switching_on_the_consent_page_keeps_the_decisions_made(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "ar")
    consent = view.current
    first = consent.statements[0]
    consent.views[first].answer.button_for(1).click()
    view.request_pause()
    dashboard.gate.passphrase.setText(PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "paused", timeout=20000)
    page = dashboard.stack.currentWidget()
    _choose(qtbot, ctx, page, "nb")
    _back(qtbot, dashboard, page)
    assert view.current is not consent
    assert view.current.decisions == {first: 1}
    assert view.current.views[first].answer.button_for(1).isChecked()


def test_a_typed_number_keeps_the_participants_digits_when_the_interpreter_is_switched(
    qtbot, dashboard, ctx
):
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    view.show_page(page_of(view.plan, "background", "bg_age"))
    typed(qtbot, view, "bg_age", "٤٥")
    view.current.views["bg_age"].answer.commit()
    settle(qtbot, ctx.client)
    view.request_pause()
    dashboard.gate.passphrase.setText(PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "paused", timeout=20000)
    page = dashboard.stack.currentWidget()
    _choose(qtbot, ctx, page, "nb")
    _back(qtbot, dashboard, page)
    assert view.current.langs.all == ("ar", "nb")
    assert view.current.views["bg_age"].answer.text() == "٤٥"


@pytest.mark.parametrize(
    ("staff", "language", "interpreter", "expected"),
    [
        ("nb", "nb", "ar", "Tolkens språk er slått på: arabisk."),
        ("ar", "ar", "nb", "لغة المترجم مفعّلة: النرويجية بوكمال."),
    ],
)
def test_the_switch_is_confirmed_with_the_language_named_in_the_staff_language(
    qtbot, dashboard, ctx, staff, language, interpreter, expected
):
    from survey_app.ui.direction import plain

    ctx.staff_language = staff
    _view, page = _paused_on(qtbot, dashboard, ctx, "hscl25", language)
    _choose(qtbot, ctx, page, interpreter)
    qtbot.waitUntil(lambda: bool(page.message.text()), timeout=5000)
    assert plain(page.message.text()) == expected
