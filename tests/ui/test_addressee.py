"""A participant addressed as a woman reads the feminine Arabic text on every page, also after
a resume; not stated, the usual (masculine) wording. A copy of the DEMO study whose Cantril
and PCL-5 item 9 carry Arabic variants for a woman and a man."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.study import demo_study_dir
from survey_app.ui.context import AppContext
from survey_app.ui.direction import TextLabel, plain
from survey_app.ui.pages.new_session import NewSessionPage
from tests.ui.conftest import FAST_KDF, accept_consent, settle, store_call

FORMS = Path(__file__).resolve().parents[2] / "forms"
WAIT = 20000
CANTRIL_MALE = "على أي درجة من السُّلّم كنت تقف قبل سنة؟"
CANTRIL_FEMALE = "على أي درجة من السُّلّم كنتِ تقفين قبل سنة؟"
PCL_MALE = (
    "معتقدات سلبية قوية عن نفسك أو عن الآخرين أو عن العالم (مثل أفكار من نوع: أنا سيئ، "
    "هناك خلل خطير فيّ، لا يمكن الوثوق بأحد، العالم خطير تمامًا)؟"
)
PCL_FEMALE = (
    "معتقدات سلبية قوية عن نفسكِ أو عن الآخرين أو عن العالم (مثل أفكار من نوع: أنا سيئة، "
    "هناك خلل خطير فيّ، لا يمكن الوثوق بأحد، العالم خطير تمامًا)؟"
)


def _variant(male: str, female: str) -> str:
    return f'ar: {{female: "{female}", male: "{male}"}}'


def study_with_variants(root: Path) -> Path:
    """Copy the DEMO study; give two Arabic item texts a woman's and a man's variant."""
    study = root / "study"
    shutil.copytree(demo_study_dir(), study)
    shutil.copytree(FORMS, root / "forms")
    yaml = study / "study.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("../../forms", "../forms"), "utf-8")
    for name, male, female in (
        ("cantril", CANTRIL_MALE, CANTRIL_FEMALE),
        ("pcl5", PCL_MALE, PCL_FEMALE),
    ):
        path = root / "forms" / f"{name}.yaml"
        text = path.read_text("utf-8")
        plain_text = f'ar: "{male}"'
        assert plain_text in text, name
        path.write_text(text.replace(plain_text, _variant(male, female), 1), "utf-8")
    return study


@pytest.fixture
def ctx(client, tmp_path):
    return AppContext(
        client=client,
        data_dir=tmp_path / "data",
        study_dir=study_with_variants(tmp_path),
        staff_language="en",
        kdf=FAST_KDF,
    )


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


def test_the_variants_are_usable_forms(ctx):
    from survey_app.study import load_study

    library = load_study(ctx.study_dir).library
    assert {"cantril", "pcl5"} <= set(library.forms)
    assert library.forms["pcl5"].item("pcl_09").text.has_variants("ar")


def test_a_woman_reads_the_feminine_arabic_cantril_and_pcl5_texts(qtbot, dashboard):
    view = start(qtbot, dashboard, "female")
    assert arabic_text_of(view, "cantril", "cantril_past") == CANTRIL_FEMALE
    assert arabic_text_of(view, "pcl5", "pcl_09") == PCL_FEMALE


def test_not_stated_reads_the_usual_wording(qtbot, dashboard):
    view = start(qtbot, dashboard, None)
    assert arabic_text_of(view, "cantril", "cantril_past") == CANTRIL_MALE
    assert arabic_text_of(view, "pcl5", "pcl_09") == PCL_MALE


def test_the_choice_is_stored_with_the_session(qtbot, dashboard, ctx):
    view = start(qtbot, dashboard, "female")
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id))
    assert session.addressee == "female"


def test_a_resumed_session_still_addresses_her_as_a_woman(qtbot, dashboard):
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
    assert arabic_text_of(resumed, "pcl5", "pcl_09") == PCL_FEMALE
    assert arabic_text_of(resumed, "cantril", "cantril_past") == CANTRIL_FEMALE
