"""A participant addressed as a woman reads the feminine Arabic text on every page, also after
a resume; not stated, the usual (masculine) wording. The DEMO study's shipped forms: the Cantril
items and PCL-5 item 9 carry Arabic wordings for a woman and a man."""

from __future__ import annotations

import pytest

from survey_app.answers.codes import make_code
from survey_app.forms.model import Addressee
from survey_app.study import demo_study_dir, load_study
from survey_app.ui.direction import TextLabel, plain
from survey_app.ui.pages.new_session import NewSessionPage
from tests.ui.conftest import accept_consent, settle, store_call

WAIT = 20000


@pytest.fixture(scope="module")
def wording():
    """(form, item) -> {addressee: Arabic text} for the two items the tests read."""
    forms = load_study(demo_study_dir()).library.forms
    found = {}
    for form_id, item_id in (("cantril", "cantril_past"), ("pcl5", "pcl_09")):
        text = forms[form_id].item(item_id).text
        assert text.has_variants("ar"), f"{item_id} has no Arabic variants"
        found[item_id] = {
            None: text.get("ar"),
            "female": text.get("ar", Addressee.FEMALE),
            "male": text.get("ar", Addressee.MALE),
        }
        assert found[item_id]["female"] != found[item_id]["male"]
    return found


def start(qtbot, window, addressee: str | None, number: int = 41, interpreter: str | None = None):
    """Staff choose the language and how to address the participant, then start."""
    window.stack.currentWidget().new_button.click()
    page = window.stack.currentWidget()
    assert isinstance(page, NewSessionPage)
    qtbot.keyClicks(page.code, make_code(number, "RJ"))
    page.language.setCurrentIndex(page.language.findData("ar"))
    page.interpreter.setCurrentIndex(page.interpreter.findData(interpreter))
    page.addressee.setCurrentIndex(page.addressee.findData(addressee))
    page.start_button.click()
    qtbot.waitUntil(lambda: window.page_name == "session", timeout=WAIT)
    view = window.session_view
    accept_consent(qtbot, view)
    return view


def arabic_text_of(view, form_id: str, item_id: str) -> str:
    index = next(
        i
        for i, p in enumerate(view.plan)
        if p.form.id == form_id and any(it.id == item_id for it in p.items)
    )
    view.show_page(index)
    block = view.current.views[item_id].text_block
    return plain(block.findChild(TextLabel, "text_ar").text())


def test_a_woman_reads_the_feminine_arabic_cantril_and_pcl5_texts(qtbot, dashboard, wording):
    view = start(qtbot, dashboard, "female")
    assert arabic_text_of(view, "cantril", "cantril_past") == wording["cantril_past"]["female"]
    assert arabic_text_of(view, "pcl5", "pcl_09") == wording["pcl_09"]["female"]


def test_a_man_reads_the_masculine_texts(qtbot, dashboard, wording):
    view = start(qtbot, dashboard, "male", number=42)
    assert arabic_text_of(view, "pcl5", "pcl_09") == wording["pcl_09"]["male"]


def test_not_stated_reads_the_usual_wording(qtbot, dashboard, wording):
    view = start(qtbot, dashboard, None)
    assert arabic_text_of(view, "cantril", "cantril_past") == wording["cantril_past"][None]
    assert arabic_text_of(view, "pcl5", "pcl_09") == wording["pcl_09"][None]


def test_the_choice_is_stored_with_the_session(qtbot, dashboard, ctx):
    view = start(qtbot, dashboard, "female")
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id))
    assert session.addressee == "female"


def test_a_resumed_session_still_addresses_her_as_a_woman(qtbot, dashboard, wording):
    view = start(qtbot, dashboard, "female", interpreter="nb")
    arabic_text_of(view, "cantril", "cantril_past")
    settle(qtbot, dashboard.ctx.client)
    session_id = view.session_id
    dashboard.show_dashboard()
    settle(qtbot, dashboard.ctx.client)
    dashboard.resume_session(session_id)
    qtbot.waitUntil(
        lambda: dashboard.page_name == "session" and dashboard.session_view is not view,
        timeout=WAIT,
    )
    resumed = dashboard.session_view
    assert resumed.langs.interpreter == "nb"
    assert arabic_text_of(resumed, "pcl5", "pcl_09") == wording["pcl_09"]["female"]
    assert arabic_text_of(resumed, "cantril", "cantril_past") == wording["cantril_past"]["female"]
