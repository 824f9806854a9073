"""A source path that does not exist stops the import before anything is written."""

from __future__ import annotations

from pathlib import Path

from survey_app.cli.main import main
from survey_app.study import demo_study_dir


def test_a_missing_source_folder_stops_the_import_before_the_output_folder_exists(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    # A mistyped path or an unmounted USB stick must not give empty data sets and exit 4.
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", "demo")
    study = demo_study_dir()
    key = study / "DEMO-study-private-key.age"
    out = tmp_path / "data"
    missing = tmp_path / "media" / "usb"
    args = ["import", str(missing), "--key", str(key), "--study", str(study), "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{missing}: no such file or folder; nothing was imported" in err
    assert not out.exists()
