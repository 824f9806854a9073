"""A participant's answer never depends on where or in which direction an option was drawn
(study brief): the participant who taps the tile at a place on the screen, in an Arabic and in
an Arabic + Norwegian session, gets the code of the label drawn on that tile, and the tiles run
in the reading direction of the participant's language. Real window, worker and store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from survey_app.ui.direction import plain
from tests.ui.conftest import accept_consent, settle, start_session, store_call


def _hscl_first_item(qtbot, window, language, interpreter):
    view = start_session(qtbot, window, language, interpreter)
    accept_consent(qtbot, view)
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25"))
    item = view.current.spec.items[0]
    return view, item, view.current.views[item.id].answer


def _tiles_in_reading_order(answer, language):
    """The option tiles (not "I don't want to answer"), as the participant reads them."""
    tiles = [b for b in answer.buttons if b is not answer.decline_button]
    centres = {t: t.mapTo(answer.window(), t.rect().center()) for t in tiles}
    right_to_left = language == "ar"
    return sorted(
        tiles, key=lambda t: (centres[t].y(), -centres[t].x() if right_to_left else centres[t].x())
    )


def _arabic_line(tile) -> str:
    """The participant's line of a tile's label (the first; the interpreter's comes under it)."""
    return plain(tile.text()).splitlines()[0].strip()


@pytest.mark.parametrize("interpreter", [None, "nb"], ids=["ar", "ar+nb"])
def test_the_tile_tapped_stores_the_code_of_the_label_drawn_on_it(
    qtbot, dashboard, ctx, interpreter
):
    view, item, answer = _hscl_first_item(qtbot, dashboard, "ar", interpreter)
    labels = {o.code: o.label.get("ar") for o in item.scale.options}
    for tile in _tiles_in_reading_order(answer, "ar"):
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.rect().center())
        settle(qtbot, ctx.client)
        answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
        [stored] = [a.value for a in answers if a.item_id == item.id]
        assert _arabic_line(tile) == labels[stored]


@pytest.mark.parametrize("interpreter", [None, "nb"], ids=["ar", "ar+nb"])
def test_the_tiles_run_from_the_lowest_code_in_the_participants_reading_direction(
    qtbot, dashboard, ctx, interpreter
):
    _view, item, answer = _hscl_first_item(qtbot, dashboard, "ar", interpreter)
    labels = {o.code: o.label.get("ar") for o in item.scale.options}
    codes = {text: code for code, text in labels.items()}
    read = [codes[_arabic_line(t)] for t in _tiles_in_reading_order(answer, "ar")]
    assert read == sorted(labels)
