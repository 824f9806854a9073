"""Reading support on screen: play buttons per item and option, "read the whole page", the
listened-to record, and pages without buttons when Qt Multimedia cannot play (DEMO samples)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from survey_app.ui import reading
from survey_app.ui.direction import plain
from survey_app.ui.multimedia import load_multimedia
from survey_app.ui.reading import PlayButton
from tests.ui.conftest import accept_consent, settle, start_session, store_call

WAIT = 20000

# Where Qt Multimedia cannot load (e.g. no libpulse; scripts/test installs it where it may),
# pages have no play buttons by design (tested below); these tests then say why they skip.
plays = pytest.mark.skipif(
    load_multimedia() is None, reason="Qt Multimedia cannot load here (see scripts/test)"
)


def first_page(qtbot, window, language="nb", interpreter=None):
    view = start_session(qtbot, window, language, interpreter)
    accept_consent(qtbot, view)
    page = view.current
    assert page.form.id == "background"
    return view, page


def listens(qtbot, client, view) -> list[dict]:
    settle(qtbot, client)
    sid = view.session_id
    trail = store_call(qtbot, client, lambda w: w.store.audit_trail(sid))
    return [e.detail for e in trail if e.action == "item_listened"]


@plays
def test_items_and_options_with_recordings_have_play_buttons(qtbot, dashboard):
    _, page = first_page(qtbot, dashboard)
    names = {b.objectName() for b in page.findChildren(PlayButton)}
    assert {"play_instructions", "play_bg_age", "play_bg_gender", "play_bg_country"} <= names
    assert {f"play_bg_gender_{code}" for code in (1, 2, 3)} <= names
    assert page.read_button.isVisibleTo(page)


@plays
def test_a_play_button_is_touch_sized_focusable_and_named_in_the_participants_language(
    qtbot, dashboard
):
    _, page = first_page(qtbot, dashboard, "ar", "nb")
    play = page.findChild(PlayButton, "play_bg_gender")
    assert play.width() >= 44 and play.height() >= 44
    assert play.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert play.accessibleName() == "الاستماع إلى السؤال"
    assert page.findChild(PlayButton, "play_bg_gender_1").accessibleName() == (
        "الاستماع إلى هذه الإجابة"
    )


@plays
def test_the_play_button_sits_at_the_reading_start_in_arabic(qtbot, dashboard):
    _, page = first_page(qtbot, dashboard, "ar")
    view = page.views["bg_gender"]
    play = view.play_button
    text = view.text_block
    origin = QPoint(0, 0)
    assert play.mapTo(view, origin).x() > text.mapTo(view, origin).x()


@plays
def test_the_play_button_sits_at_the_reading_start_in_norwegian(qtbot, dashboard):
    _, page = first_page(qtbot, dashboard, "nb")
    view = page.views["bg_gender"]
    origin = QPoint(0, 0)
    assert view.play_button.mapTo(view, origin).x() < view.text_block.mapTo(view, origin).x()


@plays
def test_clicking_play_records_the_item_and_language_listened_to(qtbot, dashboard, ctx):
    view, page = first_page(qtbot, dashboard, "ar", "nb")
    qtbot.mouseClick(page.findChild(PlayButton, "play_bg_gender"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.findChild(PlayButton, "play_bg_gender_2"), Qt.MouseButton.LeftButton)
    assert listens(qtbot, ctx.client, view) == [
        {"form_id": "background", "item_id": "bg_gender", "part": "text", "language": "ar"},
        {"form_id": "background", "item_id": "bg_gender", "part": "options", "language": "ar"},
    ]


@plays
def test_the_keyboard_plays_a_recording(qtbot, dashboard, ctx):
    view, page = first_page(qtbot, dashboard)
    play = page.findChild(PlayButton, "play_bg_age")
    play.setFocus()
    qtbot.keyClick(play, Qt.Key.Key_Space)
    assert [d["item_id"] for d in listens(qtbot, ctx.client, view)] == ["bg_age"]


@plays
def test_the_reading_is_in_the_addressee_variant(qtbot, dashboard):
    # The ar+nb session of the conftest helper addresses nobody: the usual (masculine) wording.
    view, page = first_page(qtbot, dashboard, "ar")
    page.findChild(PlayButton, "play_bg_age").click()
    assert Path(view.reader.current.path).name == "bg_age-m.ar.wav"


@plays
def test_read_the_page_plays_each_item_then_its_options_in_order(qtbot, dashboard):
    view, page = first_page(qtbot, dashboard)
    page.read_button.click()
    reader = view.reader
    played = [reader.current, *reader.queued]
    steps = [(c.item_id, c.part) for c in played]
    assert steps[:6] == [
        (None, "instructions"),
        ("bg_age", "text"),
        ("bg_gender", "text"),
        ("bg_gender", "options"),
        ("bg_gender", "options"),
        ("bg_gender", "options"),
    ]
    assert [Path(c.path).name for c in played[3:6]] == [
        "bg_gender_1.nb.wav",
        "bg_gender_2.nb.wav",
        "bg_gender_3.nb.wav",
    ]
    assert plain(page.read_button.text()) == "Stopp opplesningen"


@plays
def test_read_the_page_again_stops_it(qtbot, dashboard):
    view, page = first_page(qtbot, dashboard)
    page.read_button.click()
    page.read_button.click()
    assert not view.reader.playing
    assert plain(page.read_button.text()) == "Les opp hele siden"


@plays
def test_leaving_the_page_stops_the_reading(qtbot, dashboard):
    view, page = first_page(qtbot, dashboard)
    page.read_button.click()
    view.show_page(1)
    assert not view.reader.playing and view.reader.queued == []


@plays
def test_options_played_one_after_another_count_as_one_listen(qtbot, dashboard, ctx):
    view, page = first_page(qtbot, dashboard)
    item = page.views["bg_gender"].item
    clips = [page.reading.option_clip(item, code) for code in (1, 2)]
    view.reader.play(clips)
    # The samples are under a second each; the null audio sink plays them in real time.
    qtbot.waitUntil(lambda: not view.reader.playing, timeout=WAIT)
    assert listens(qtbot, ctx.client, view) == [
        {"form_id": "background", "item_id": "bg_gender", "part": "options", "language": "nb"}
    ]


@pytest.fixture
def no_multimedia(monkeypatch):
    """Qt Multimedia cannot load (no module or no backend on this laptop)."""
    monkeypatch.setattr(reading, "load_multimedia", lambda: None)


def test_without_qt_multimedia_pages_have_no_play_buttons(qtbot, dashboard, no_multimedia):
    view, page = first_page(qtbot, dashboard)
    assert not view.reader.available
    assert page.findChildren(PlayButton) == []
    assert not page.read_button.isVisibleTo(page)


def test_without_qt_multimedia_answers_are_still_saved(qtbot, dashboard, ctx, no_multimedia):
    view, page = first_page(qtbot, dashboard)
    page.views["bg_gender"].answer.button_for(2).click()
    settle(qtbot, ctx.client)
    sid = view.session_id
    stored = store_call(qtbot, ctx.client, lambda w: w.store.answers(sid))
    assert [(a.item_id, a.value) for a in stored] == [("bg_gender", 2)]


@plays
def test_a_recorded_consent_statement_has_a_play_button(qtbot, client, tmp_path):
    from survey_app.forms.loader import load_form
    from survey_app.ui.langs import SessionLanguages
    from survey_app.ui.pages.consent import ConsentPage
    from survey_app.ui.theme import Theme
    from tests.forms.test_audio import write_wav

    shipped = Path(__file__).resolve().parents[2] / "forms" / "consent.yaml"
    audio = (
        "audio:\n  languages: {nb: {status: sample}, en: {status: sample}, ar: {status: sample}}\n"
        "  items:\n    consent_purpose:\n"
        "      text: {nb: p.nb.wav, en: p.en.wav, ar: p.ar.wav}\n"
    )
    path = tmp_path / "consent.yaml"
    path.write_text(shipped.read_text(encoding="utf-8") + audio, encoding="utf-8")
    for language in ("nb", "en", "ar"):
        write_wav(tmp_path / "audio" / "consent" / f"p.{language}.wav")
    form, findings = load_form(path)
    assert form is not None, [str(f) for f in findings]
    reader = reading.Reader()
    page = ConsentPage(form, SessionLanguages("nb"), Theme(), reader=reader)
    qtbot.addWidget(page)
    page.findChild(PlayButton, "play_consent_purpose").click()
    assert (reader.current.item_id, reader.current.language) == ("consent_purpose", "nb")
    reader.stop()


def test_sample_recordings_have_no_play_button_outside_a_demo_study(qtbot, client):
    from survey_app.study import demo_study_dir, load_study
    from survey_app.ui.langs import SessionLanguages

    form = load_study(demo_study_dir()).library.forms["background"]
    reader = reading.Reader()
    item = form.item("bg_gender")
    assert reading.PageReading(form, SessionLanguages("nb"), reader).item_clip(item) is not None
    reader.samples_allowed = False  # a study with real data (no DEMO, no draft languages)
    assert reading.PageReading(form, SessionLanguages("nb"), reader).item_clip(item) is None
