"""The study key passphrase: from the environment, or a clear refusal when no one can type it."""

from __future__ import annotations

from survey_app.cli.main import main
from survey_app.study.demo import demo_private_key_path, demo_study_dir


def test_import_without_terminal_or_passphrase_variable_refuses_clearly(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.delenv("SURVEY_KEY_PASSPHRASE", raising=False)
    code = main(
        [
            "import",
            str(tmp_path),
            "--key",
            str(demo_private_key_path()),
            "--study",
            str(demo_study_dir()),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 1
    assert "set $SURVEY_KEY_PASSPHRASE" in capsys.readouterr().err
