"""Consent is recorded as the participant chose it, whatever side the tiles are drawn on: the
participant who taps the tile that reads "yes" (or "no") in Arabic, alone and beside
Norwegian, gets that decision in the store. Real window, worker thread and encrypted store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from survey_app.i18n import tr
from survey_app.ui.direction import plain
from tests.ui.conftest import settle, start_session, store_call


def _tile_reading(answer, text: str):
    """The tile whose participant line (the first) reads `text`, found by what is drawn."""
    [tile] = [
        b
        for b in answer.buttons
        if b is not answer.decline_button and plain(b.text()).splitlines()[0].strip() == text
    ]
    return tile


@pytest.mark.parametrize("interpreter", [None, "nb"], ids=["ar", "ar+nb"])
def test_the_tile_that_reads_yes_records_yes_and_the_one_that_reads_no_records_no(
    qtbot, dashboard, ctx, interpreter
):
    view = start_session(qtbot, dashboard, "ar", interpreter)
    consent = view.current
    statements = consent.statements
    assert len(statements) >= 2
    # The last statement is refused, every other one agreed to, each by the tile's own words.
    chosen = {item_id: 1 for item_id in statements[:-1]} | {statements[-1]: 0}
    for item_id, decision in chosen.items():
        words = tr("ar", "Yes, I agree" if decision else "No, I do not agree")
        tile = _tile_reading(consent.views[item_id].answer, words)
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.rect().center())
    consent.continue_button.click()
    if consent.asking:  # a refused required statement asks "are you sure?" first
        consent.findChild(type(consent.continue_button), "confirm_decline").click()
    settle(qtbot, ctx.client)
    record = store_call(qtbot, ctx.client, lambda w: w.store.consent(view.session_id))
    assert record is not None
    assert record.decisions == chosen
