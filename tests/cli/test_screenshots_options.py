"""`screenshots --text-scale` takes the same factors as the app (it failed with an ImportError)."""

from __future__ import annotations

import pytest

from survey_app.cli.main import build_parser


def test_screenshots_take_a_text_scale():
    args = build_parser().parse_args(["screenshots", "out", "--text-scale", "2.0"])
    assert args.text_scale == 2.0


def test_a_text_scale_out_of_range_is_refused_with_a_message(capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["screenshots", "out", "--text-scale", "9"])
    assert stop.value.code == 2
    assert "use a factor from 1.0 to 2.5" in capsys.readouterr().err
