"""A form that fails the checker never reaches a participant: a copy of the DEMO study with one
deliberately broken form, through the real window, worker and encrypted store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.study import demo_study_dir, load_study
from survey_app.ui.context import AppContext
from survey_app.ui.direction import plain
from survey_app.ui.pages.dashboard import DashboardPage
from survey_app.ui.pages.new_session import NewSessionPage, NewSessionRequest
from tests.ui.conftest import FAST_KDF, settle, store_call

FORMS = Path(__file__).resolve().parents[2] / "forms"
# The failure of the original study: one Arabic answer label missing from HSCL-25.
HSCL_AR = (
    'ar: {1: "لا على الإطلاق", 2: "قليلًا", 3: "كثيرًا", 4: "كثيرًا جدًا"}',
    'ar: {1: "لا على الإطلاق", 2: "قليلًا", 3: "كثيرًا"}',
)
BACKGROUND_AR = ('ar: {1: "امرأة", 2: "رجل", 3: "غير ذلك"}', 'ar: {1: "امرأة", 2: "رجل"}')
BREAKS = {"hscl25": HSCL_AR, "background": BACKGROUND_AR}


CHANGED_SINCE_VALIDATION = "hscl25-changed"


def sign_off_then_change_one_letter(forms: Path) -> None:
    """Validate the Arabic HSCL-25, then change one letter of one item (nobody signs again)."""
    from survey_app.cli.main import main

    code = main(
        [
            *("forms", "sign-off", "hscl25", "--forms", str(forms), "--language", "ar"),
            *("--role", "certified translator", "--initials", "KH", "--steps", "all"),
        ]
    )
    assert code == 0
    path = forms / "hscl25.yaml"
    text = path.read_text("utf-8")
    assert 'ar: "الصداع"' in text
    path.write_text(text.replace('ar: "الصداع"', 'ar: "الصداح"'), "utf-8")


def broken_study(root: Path, form_id: str) -> Path:
    """Copy the DEMO study and its forms; remove one Arabic option from `form_id`."""
    study = root / "study"
    shutil.copytree(demo_study_dir(), study)
    shutil.copytree(FORMS, root / "forms")
    yaml = study / "study.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("../../forms", "../forms"), "utf-8")
    if form_id == CHANGED_SINCE_VALIDATION:
        sign_off_then_change_one_letter(root / "forms")
    elif form_id:
        path = root / "forms" / f"{form_id}.yaml"
        good, bad = BREAKS[form_id]
        text = path.read_text("utf-8")
        assert good in text
        path.write_text(text.replace(good, bad), "utf-8")
    return study


@pytest.fixture
def broken(request):
    return request.param


@pytest.fixture
def ctx(client, tmp_path, broken):
    return AppContext(
        client=client,
        data_dir=tmp_path / "data",
        study_dir=broken_study(tmp_path, broken),
        staff_language="en",
        kdf=FAST_KDF,
    )


def new_session_page(window) -> NewSessionPage:
    window.show_new_session()
    page = window.stack.currentWidget()
    assert isinstance(page, NewSessionPage)
    return page


def timepoint_choices(page: NewSessionPage) -> dict[str, bool]:
    model = page.timepoint.model()
    return {
        page.timepoint.itemData(i): model.item(i).isEnabled() for i in range(page.timepoint.count())
    }


@pytest.mark.parametrize("broken", ["hscl25"], indirect=True)
def test_dashboard_names_the_unusable_form_and_every_timepoint_it_blocks(dashboard):
    page = dashboard.stack.currentWidget()
    assert isinstance(page, DashboardPage)
    text = plain(page.forms_warning.text())
    assert page.forms_warning.isVisible()
    assert "hscl25" in text
    assert "Baseline" in text and "Follow-up after 12 months" in text
    assert "python main.py check-forms" in text


@pytest.mark.parametrize("broken", ["background"], indirect=True)
def test_every_check_forms_hint_names_the_program_the_app_was_started_by(qtbot, dashboard, ctx):
    # `survey-app` (installed) has no main.py to run: the staff must be told the command they have.
    ctx.program = "survey-app"
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    warning = plain(dashboard.stack.currentWidget().forms_warning.text())
    assert "Run `survey-app check-forms` to see the errors." in warning
    page = new_session_page(dashboard)
    page.timepoint.setCurrentIndex(page.timepoint.findData("baseline"))
    assert "Run `survey-app check-forms`" in plain(page.unavailable.text())
    request = NewSessionRequest(make_code(3, "RJ"), "baseline", "ar", None, None, False, False)
    dashboard._start_session(page, request)
    settle(qtbot, ctx.client)
    assert "Run `survey-app check-forms`" in plain(page.message.text())
    ctx.staff_language = "nb"
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    warning = plain(dashboard.stack.currentWidget().forms_warning.text())
    assert "`survey-app check-forms`" in warning
    assert "python main.py" not in warning


@pytest.mark.parametrize("broken", ["hscl25"], indirect=True)
def test_dashboard_speaks_of_one_unusable_form_in_the_singular(dashboard):
    text = plain(dashboard.stack.currentWidget().forms_warning.text())
    assert text.startswith("This form failed its checks and cannot be used: hscl25.")


@pytest.mark.parametrize("broken", [""], indirect=True)
def test_dashboard_shows_no_warning_when_every_form_passes(dashboard):
    page = dashboard.stack.currentWidget()
    assert not page.forms_warning.isVisible()


@pytest.mark.parametrize("broken", ["hscl25"], indirect=True)
def test_no_timepoint_can_be_started_when_a_form_every_timepoint_needs_is_broken(qtbot, dashboard):
    page = new_session_page(dashboard)
    page.code.setText(make_code(1, "RJ"))
    assert timepoint_choices(page) == {"baseline": False, "followup-12m": False}
    assert not page.start_button.isEnabled()
    assert "hscl25" in plain(page.unavailable.text())


@pytest.mark.parametrize("broken", ["background"], indirect=True)
def test_a_timepoint_without_the_broken_form_still_runs(qtbot, dashboard):
    page = new_session_page(dashboard)
    assert timepoint_choices(page) == {"baseline": False, "followup-12m": True}
    assert page.timepoint.currentData() == "followup-12m"
    page.code.setText(make_code(2, "RJ"))
    page.start_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "session", timeout=20000)
    forms = [spec.form.id for spec in dashboard.session_view.plan]
    assert "background" not in forms and "hscl25" in forms


@pytest.mark.parametrize("broken", ["background"], indirect=True)
def test_forcing_a_blocked_timepoint_gives_a_message_and_stores_nothing(qtbot, dashboard, ctx):
    page = new_session_page(dashboard)
    request = NewSessionRequest(make_code(3, "RJ"), "baseline", "ar", None, None, False, False)
    dashboard._start_session(page, request)
    settle(qtbot, ctx.client)
    assert dashboard.page_name == "new_session"
    assert "background" in plain(page.message.text())
    assert "Traceback" not in page.message.text()
    assert store_call(qtbot, ctx.client, lambda w: w.store.sessions()) == []


@pytest.mark.parametrize("broken", [""], indirect=True)
def test_resuming_a_session_whose_form_broke_says_why_and_keeps_its_answers(
    qtbot, dashboard, ctx, tmp_path
):
    study, meeting = ctx.study, ctx.meeting

    def begin(worker):
        session = worker.store.start_session(
            meeting.id, make_code(4, "RJ"), "baseline", "ar", actor="AB"
        )
        worker.store.save_answer(session.id, study.library.forms["hscl25"], "hscl_01", 2)
        return session.id

    session_id = store_call(qtbot, ctx.client, begin)
    # The forms on this laptop are replaced by a broken version between two sessions.
    ctx.study = load_study(broken_study(tmp_path / "later", "hscl25"))
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    dashboard.resume_session(session_id)
    settle(qtbot, ctx.client)
    page = dashboard.stack.currentWidget()
    assert dashboard.page_name == "dashboard"
    assert "hscl25" in plain(page.action_message.text())
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(session_id))
    answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(session_id))
    assert session.status == "in_progress"
    assert [(a.item_id, a.value) for a in answers] == [("hscl_01", 2)]


@pytest.mark.parametrize("broken", [CHANGED_SINCE_VALIDATION], indirect=True)
def test_a_language_changed_since_validation_blocks_its_form(qtbot, dashboard):
    page = dashboard.stack.currentWidget()
    assert isinstance(page, DashboardPage)
    assert page.forms_warning.isVisible()
    assert "hscl25" in plain(page.forms_warning.text())
    page = new_session_page(dashboard)
    page.code.setText(make_code(5, "RJ"))
    assert timepoint_choices(page) == {"baseline": False, "followup-12m": False}
    assert not page.start_button.isEnabled()
