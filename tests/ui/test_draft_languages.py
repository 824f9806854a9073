"""Staff see draft translations before a session starts; a real study refuses them.

The DEMO study allows draft languages (its texts are all drafts) and the new-session page says so;
a copy of it with real data (demo: false, a real key) refuses them with a message that names the
forms and what to do, and nothing is stored even if a start is forced past the page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.sealing.study_keys import generate_study_keypair
from survey_app.study import demo_study_dir
from survey_app.ui.context import AppContext
from survey_app.ui.direction import plain
from survey_app.ui.pages.new_session import NewSessionPage, NewSessionRequest
from tests.ui.conftest import FAST_KDF, settle, store_call

FORMS = Path(__file__).resolve().parents[2] / "forms"


def real_study(root: Path, allow: str | None) -> Path:
    """The DEMO study's forms in a study with real data (own key, demo: false)."""
    study = root / "study"
    study.mkdir(parents=True)
    shutil.copytree(FORMS, root / "forms")
    lines = [
        "study_id: real-study",
        "name: A study with real data",
        "demo: false",
        f"public_key: {generate_study_keypair().public}",
        "forms_dir: ../forms",
    ]
    if allow is not None:
        lines.append(f"allow_draft_languages: {allow}")
    (study / "study.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return study


def sign_off_english(forms: Path) -> None:
    """Validate the English text of every form (the source language): only English is usable."""
    from survey_app.cli.main import main

    for path in sorted(forms.glob("*.yaml")):
        if path.name == "protocol.yaml" or ".backtranslation" in path.name:
            continue
        args = ["forms", "sign-off", path.stem, "--forms", str(forms), "--language", "en"]
        assert (
            main([*args, "--role", "certified translator", "--initials", "KH", "--steps", "all"])
            == 0
        )


@pytest.fixture
def study_dir(request, tmp_path):
    kind = request.param
    if kind == "demo":
        return demo_study_dir()
    study = real_study(tmp_path, "true" if kind == "real-allowing" else None)
    if kind == "real-en-validated":
        sign_off_english(tmp_path / "forms")
    return study


@pytest.fixture
def ctx(client, tmp_path, study_dir):
    return AppContext(
        client=client,
        data_dir=tmp_path / "data",
        study_dir=study_dir,
        staff_language="en",
        kdf=FAST_KDF,
    )


def new_session(window, language: str, interpreter: str | None = None) -> NewSessionPage:
    window.show_new_session()
    page = window.stack.currentWidget()
    page.code.setText(make_code(7, "RJ"))
    page.language.setCurrentIndex(page.language.findData(language))
    page.interpreter.setCurrentIndex(page.interpreter.findData(interpreter))
    return page


@pytest.mark.parametrize("study_dir", ["demo"], indirect=True)
def test_demo_study_shows_staff_which_forms_are_drafts_and_lets_them_start(dashboard):
    page = new_session(dashboard, "ar", "nb")
    text = plain(page.drafts.text())
    assert page.drafts.isVisible()
    assert text.startswith("Draft translation")
    assert "«Hopkins Symptom Checklist (HSCL-25)»" in text
    assert "Arabic, Norwegian Bokmål" in text
    assert page.start_button.isEnabled()


@pytest.mark.parametrize("study_dir", ["demo"], indirect=True)
def test_draft_notice_is_in_the_staff_language(dashboard, ctx):
    ctx.staff_language = "ar"
    page = new_session(dashboard, "ar")
    assert plain(page.drafts.text()).startswith("ترجمة مسودة")


@pytest.mark.parametrize("study_dir", ["demo"], indirect=True)
def test_arabic_draft_notice_names_forms_and_languages_in_arabic(dashboard, ctx):
    ctx.staff_language = "ar"
    page = new_session(dashboard, "ar", "nb")
    text = plain(page.drafts.text())
    assert "«قائمة هوبكنز لفحص الأعراض (٢٥ بندًا)»، " in text
    assert "العربية، النرويجية بوكمال" in text
    assert not any("a" <= ch <= "z" for ch in text.lower())  # no "hscl25", no "ar, nb"


@pytest.mark.parametrize("study_dir", ["real"], indirect=True)
def test_real_study_refuses_a_draft_language_and_says_what_to_do(dashboard):
    page = new_session(dashboard, "ar")
    text = plain(page.drafts.text())
    assert page.drafts.isVisible()
    assert page.drafts.property("role") == "alert"
    assert "does not allow draft translations" in text
    assert "Hopkins Symptom Checklist (HSCL-25)" in text and "Choose another language" in text
    assert not page.start_button.isEnabled()


@pytest.mark.parametrize("study_dir", ["real"], indirect=True)
def test_forcing_a_draft_language_in_a_real_study_stores_nothing(qtbot, dashboard, ctx):
    page = new_session(dashboard, "nb")
    request = NewSessionRequest(make_code(8, "RJ"), "baseline", "ar", None, None, False, False)
    dashboard._start_session(page, request)
    settle(qtbot, ctx.client)
    assert dashboard.page_name == "new_session"
    assert "does not allow draft translations" in plain(page.message.text())
    assert store_call(qtbot, ctx.client, lambda w: w.store.sessions()) == []


@pytest.mark.parametrize("study_dir", ["real"], indirect=True)
def test_the_refusal_names_check_forms_as_the_app_was_started(qtbot, dashboard, ctx):
    ctx.program = "survey-app"  # the installed app: there is no main.py to run
    page = new_session(dashboard, "ar")
    assert "(survey-app check-forms shows each form's status)" in plain(page.drafts.text())
    request = NewSessionRequest(make_code(8, "RJ"), "baseline", "ar", None, None, False, False)
    dashboard._start_session(page, request)
    settle(qtbot, ctx.client)
    assert "(survey-app check-forms shows" in plain(page.message.text())
    ctx.staff_language = "nb"
    page = new_session(dashboard, "ar")
    assert "(survey-app check-forms viser statusen" in plain(page.drafts.text())


@pytest.mark.parametrize("study_dir", ["real-allowing"], indirect=True)
def test_real_study_that_allows_drafts_starts_with_the_notice(qtbot, dashboard):
    page = new_session(dashboard, "ar")
    assert page.drafts.property("role") == "banner"
    assert page.start_button.isEnabled()
    page.start_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "session", timeout=20000)


@pytest.mark.parametrize("study_dir", ["real"], indirect=True)
def test_a_refused_start_is_scrolled_into_sight(qtbot, dashboard, ctx):
    # The page's message is under the whole form: below the fold at 1366x768.
    page = new_session(dashboard, "nb")
    request = NewSessionRequest(make_code(8, "RJ"), "baseline", "ar", None, None, False, False)
    dashboard._start_session(page, request)
    settle(qtbot, ctx.client)
    assert page.message.text()
    qtbot.waitUntil(lambda: not page.message.visibleRegion().isEmpty(), timeout=3000)


@pytest.mark.parametrize("study_dir", ["real-en-validated"], indirect=True)
def test_a_draft_interpreter_language_switched_on_during_a_session_is_refused(
    qtbot, dashboard, ctx
):
    # The session started in validated English; staff then try to add the Arabic draft beside
    # it from the pause menu: the participant must not be shown the draft.
    from PySide6.QtCore import Qt

    from tests.ui.conftest import PASSPHRASE, start_session

    view = start_session(qtbot, dashboard, "en")
    view.current.setFocus()
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view.current, Qt.Key.Key_P, modifiers)
    qtbot.waitUntil(lambda: dashboard.page_name == "gate", timeout=5000)
    dashboard.gate.passphrase.setText(PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "paused", timeout=20000)
    pause = dashboard.stack.currentWidget()
    pause.interpreter_chosen.emit("ar")
    settle(qtbot, ctx.client)
    qtbot.waitUntil(lambda: bool(pause.message.text()), timeout=5000)
    assert plain(pause.message.text()).startswith("This study does not allow draft translations")
    assert view.langs.interpreter is None
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id))
    assert session.interpreter_language is None
    actions = store_call(
        qtbot, ctx.client, lambda w: [e.action for e in w.store.audit_trail(view.session_id)]
    )
    assert "interpreter_changed" not in actions
