"""`python main.py keys ...` run as a real subprocess, passphrase from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from survey_app.sealing.study_keys import public_key_for, read_private_key, read_public_key_file

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "a long enough passphrase"


def _keys(*args: str, passphrase: str | None = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SURVEY_KEY_PASSPHRASE"}
    if passphrase is not None:
        env["SURVEY_KEY_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "keys", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_keys_new_writes_a_matching_key_pair(tmp_path: Path) -> None:
    result = _keys("new", "--out", str(tmp_path / "k"), "--study-id", "ips2")
    assert result.returncode == 0, result.stderr
    public = read_public_key_file(tmp_path / "k" / "study-public-key.txt")
    identity = read_private_key(tmp_path / "k" / "study-private-key.age", PASSPHRASE)
    assert public_key_for(identity) == public
    assert public in result.stdout
    assert "study.yaml" in result.stdout
    assert "offline" in result.stdout
    assert identity not in result.stdout + result.stderr


def test_keys_new_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "study-private-key.age").write_bytes(b"precious")
    result = _keys("new", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "already exist" in result.stderr
    assert (tmp_path / "study-private-key.age").read_bytes() == b"precious"
    assert not (tmp_path / "study-public-key.txt").exists()


def test_keys_new_refuses_a_short_passphrase(tmp_path: Path) -> None:
    result = _keys("new", "--out", str(tmp_path / "k"), passphrase="short")
    assert result.returncode == 1
    assert "at least 12 characters" in result.stderr
    assert not (tmp_path / "k").exists()


def test_keys_new_without_terminal_or_env_asks_for_the_env_var(tmp_path: Path) -> None:
    result = _keys("new", "--out", str(tmp_path / "k"), passphrase=None)
    assert result.returncode == 1
    assert "SURVEY_KEY_PASSPHRASE" in result.stderr


def test_show_public_checks_the_key_against_a_study() -> None:
    demo = ROOT / "resources" / "demo-study"
    result = _keys(
        "show-public",
        "--key",
        str(demo / "DEMO-study-private-key.age"),
        "--study",
        str(demo),
        passphrase="demo",
    )
    assert result.returncode == 0, result.stderr
    assert "matches study 'demo'" in result.stdout


def test_show_public_with_wrong_passphrase_fails_cleanly() -> None:
    demo_key = ROOT / "resources" / "demo-study" / "DEMO-study-private-key.age"
    result = _keys("show-public", "--key", str(demo_key), passphrase="not demo")
    assert result.returncode == 1
    assert "wrong passphrase" in result.stderr
    assert "Traceback" not in result.stderr


def test_keys_new_with_a_file_as_output_dir_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    result = _keys("new", "--out", str(tmp_path / "taken"))
    assert result.returncode == 1
    assert "cannot create" in result.stderr
