"""docs/walkthrough.md's participants' rights commands, run exactly as written on real data.

The data manager copies the lines from section 7 into a terminal (erase asks to type the code
again) or into a script (no terminal: the documented `--yes` line).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from survey_app.cli.main import main
from survey_app.study import demo_study_dir

ROOT = Path(__file__).resolve().parents[2]
WALKTHROUGH = ROOT / "docs" / "walkthrough.md"
CODE = "P-0007-W"


def rights_commands() -> list[list[str]]:
    """Every `python main.py participant ...` line of section 7, split like a shell would."""
    section = WALKTHROUGH.read_text(encoding="utf-8").split("### 7.")[1].split("\n## ")[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line.startswith("python main.py participant")]


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data manager's folder as the walkthrough has it: keys/, study/ and an imported data/."""
    demo = demo_study_dir()
    shutil.copytree(demo, tmp_path / "study")
    yaml = tmp_path / "study" / "study.yaml"
    forms = (demo / "../../forms").resolve()
    yaml.write_text(
        re.sub(r'forms_dir: ".*"', f'forms_dir: "{forms}"', yaml.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    (tmp_path / "keys").mkdir()
    shutil.copy(demo / "DEMO-study-private-key.age", tmp_path / "keys" / "study-private-key.age")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", "laptop passphrase 1")
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", "demo")
    laptop = ["--data-dir", "laptop"]
    assert main(["simulate", "--participants", "1", "--first-code", "7", *laptop]) == 0
    Path("usb").mkdir()
    assert main(["export", "--out", "usb", *laptop]) == 0
    argv = ["import", "usb", "--key", "keys/study-private-key.age", "--study", "study"]
    assert main([*argv, "--out", "data/"]) == 0
    return tmp_path


def run_as_written(argv: list[str], desk: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    assert argv[:2] == ["python", "main.py"]
    env = {**os.environ, "SURVEY_KEY_PASSPHRASE": "demo"}
    command = [sys.executable, str(ROOT / "main.py"), *argv[2:]]
    return subprocess.run(
        command, cwd=desk, env=env, capture_output=True, text=True, timeout=300, **kwargs
    )


def test_the_walkthrough_lists_find_export_erase_and_the_scripted_erase() -> None:
    actions = [argv[3] for argv in rights_commands()]
    assert actions == ["find", "export", "erase", "erase"]
    assert "--yes" in rights_commands()[3]


def test_the_scripted_lines_work_as_written_without_a_terminal(desk: Path) -> None:
    find, export, erase, scripted = rights_commands()
    done = run_as_written(find, desk, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "1 submission(s) of this code" in done.stdout
    done = run_as_written(export, desk, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert any((desk / "copy-for-request-17").iterdir())
    # The terminal line in a script: refused, with the way out the walkthrough gives.
    done = run_as_written(erase, desk, stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert "give --yes when running a script" in done.stderr
    done = run_as_written(scripted, desk, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "erased 1 submission(s)" in done.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="a terminal here is a POSIX pseudo-terminal")
def test_the_terminal_line_asks_for_the_code_and_erases(desk: Path) -> None:
    import pty

    erase = rights_commands()[2]
    leader, follower = pty.openpty()
    try:
        # The data manager types the code again at the prompt (the terminal buffers it).
        os.write(leader, f"{CODE}\n".encode())
        done = run_as_written(erase, desk, stdin=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 0, done.stderr
    assert "This erases 1 submission(s) of this code" in done.stdout
    assert "erased 1 submission(s)" in done.stdout


def test_an_erasure_whose_server_part_fails_repeats_with_the_program_run(
    desk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted = rights_commands()[3]
    monkeypatch.setenv("SURVEY_APP_TOKEN", "dm_not-used")
    capsys.readouterr()
    # Installed, the data manager types `survey-app participant erase ... --server URL`.
    code = main([*scripted[2:], "--server", "http://127.0.0.1:9"], prog="survey-app")
    err = capsys.readouterr().err
    assert code == 3
    assert "  survey-app erase-on-server --server http://127.0.0.1:9 --submission " in err
    assert "  survey-app server erase --db DATABASE --submission " in err
    assert "python main.py" not in err
