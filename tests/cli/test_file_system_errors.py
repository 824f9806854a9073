"""A command whose file cannot be written (an output path below a regular file) says which
path and why in a sentence, never "internal error": the hurried data manager who types a
wrong --out."""

from __future__ import annotations

from survey_app.cli.main import main


def test_an_output_below_a_regular_file_is_named_with_the_reason(tmp_path, capsys):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    target = not_a_folder / "cards.pdf"
    code = main(["codes", "--laptop", "1", "--count", "5", "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 1
    assert "internal error" not in err
    assert "notes.txt" in err and "Not a directory" in err


def test_an_output_in_a_missing_folder_names_the_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(["codes", "--laptop", "1", "--count", "5", "--out", "usb/cards.pdf"])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot use usb/cards.pdf: there is no folder usb" in err
    assert list(tmp_path.iterdir()) == []
