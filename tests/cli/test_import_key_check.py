"""`import` compares the key with study.yaml's public key before it creates or locks anything."""

from __future__ import annotations

from pathlib import Path

from survey_app.cli.main import main
from survey_app.sealing.study_keys import generate_study_keypair, write_private_key
from survey_app.study import demo_study_dir


def test_import_with_another_studys_key_is_refused_before_the_output_folder_exists(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    other = tmp_path / "other-study-private-key.age"
    write_private_key(other, generate_study_keypair().identity, "another long passphrase")
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", "another long passphrase")
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "laptop.surveybundle").write_bytes(b"PK\x05\x06" + bytes(18))
    out = tmp_path / "out"
    code = main(
        [
            "import",
            str(usb),
            "--key",
            str(other),
            "--study",
            str(demo_study_dir()),
            "--out",
            str(out),
        ]
    )
    assert code == 1
    assert "not the private key of study demo" in capsys.readouterr().err
    assert not out.exists()
