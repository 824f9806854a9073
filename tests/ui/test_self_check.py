"""The self-check line says whether recorded readings can play, without failing when not."""

from __future__ import annotations

from survey_app.ui.self_check import FAMILIES, SelfCheckReport


def test_the_self_check_line_reports_audio_without_failing_when_it_cannot_play():
    report = SelfCheckReport("unlock", tuple(FAMILIES), 500.0, audio=False)
    assert report.ok
    assert report.line().endswith(" audio=no")
    assert (
        SelfCheckReport("unlock", tuple(FAMILIES), 500.0, audio=True).line().endswith(" audio=yes")
    )
