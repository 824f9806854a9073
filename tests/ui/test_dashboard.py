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


def test_the_session_tables_are_set_larger_for_arabic_staff(qtbot, dashboard, ctx):
    sizes = {}
    for language in ("nb", "ar"):
        ctx.staff_language = language
        dashboard.show_dashboard()
        settle(qtbot, ctx.client)
        page = dashboard.stack.currentWidget()
        page.table.ensurePolished()
        page.unfinished_table.ensurePolished()
        sizes[language] = (
            page.table.font().pointSizeF(),
            page.unfinished_table.font().pointSizeF(),
        )
    assert sizes["ar"][0] > sizes["nb"][0] and sizes["ar"][1] > sizes["nb"][1]
