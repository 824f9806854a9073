"""The dashboard speaks the staff language from its first line: the study's title too."""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "دراسة تجريبية: دعم العمل للاجئين في برنامج التأهيل"),
        ("nb", "Demostudie: jobbstøtte for flyktninger i introduksjonsprogrammet"),
    ],
)
def test_the_study_title_is_in_the_staff_language(qtbot, dashboard, ctx, language, expected):
    ctx.staff_language = language
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    page = dashboard.stack.currentWidget()
    titles = [w.text() for w in page.findChildren(type(page.meeting_label)) if w.isVisibleTo(page)]
    assert expected in titles
    assert "DEMO study - not for real data" not in titles  # study.yaml's name: English only
