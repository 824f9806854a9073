"""A stratum label for a language the app does not have is refused when the study loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.assets import forms_dir
from survey_app.cli.main import main
from survey_app.study import StudyConfigError, demo_study_dir, load_study

GOOD = 'label: {nb: "Kvinner", en: "Women", ar: "النساء"}'
BAD = 'label: {nb: "Kvinner", en: "Women", de: "Frauen"}'


def demo_copy(folder: Path, old: str = "", new: str = "") -> Path:
    """The DEMO study.yaml in folder, forms from the package, one text replaced."""
    text = (demo_study_dir() / "study.yaml").read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new).replace('forms_dir: "../../forms"', f'forms_dir: "{forms_dir()}"')
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yaml").write_text(text, encoding="utf-8")
    return folder


def unlabelled_demo_copy(folder: Path) -> Path:
    """The DEMO study with its strata written the short way, without labels."""
    study = demo_copy(folder)
    text = (study / "study.yaml").read_text(encoding="utf-8")
    start, end = text.index("    strata:\n"), text.index("    block_multiples:")
    short = "    strata:\n      women: [1]\n      men: [2, 3]\n"
    (study / "study.yaml").write_text(text[:start] + short + text[end:], encoding="utf-8")
    return study


def test_a_label_for_an_unknown_language_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(StudyConfigError) as info:
        load_study(demo_copy(tmp_path, GOOD, BAD))
    (problem,) = info.value.problems
    lines = (tmp_path / "study.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "Frauen" in text)
    assert problem == (
        f"{tmp_path / 'study.yaml'}:{line}: trial.randomisation.strata.women.label.de: "
        "unknown language 'de'; use nb, en, ar"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["check-forms", "--study", "STUDY"],
        ["randomise", "lists", "--study", "STUDY", "--laptop", "laptop-1=age1x", "--out", "OUT"],
    ],
)
def test_the_command_line_names_the_bad_label_without_a_traceback(
    tmp_path: Path, capsys, command: list[str]
) -> None:
    study = demo_copy(tmp_path, GOOD, BAD)
    paths = {"STUDY": str(study), "OUT": str(tmp_path / "out")}
    assert main([paths.get(arg, arg) for arg in command]) == 1
    said = capsys.readouterr()
    assert "strata.women.label.de: unknown language 'de'; use nb, en, ar" in said.out + said.err
    assert "Traceback" not in said.out + said.err
    assert not (tmp_path / "out").exists()


def test_the_demo_labels_load(tmp_path: Path) -> None:
    trial = load_study(demo_copy(tmp_path)).config.trial
    assert trial.stratum_label("women", "ar") == "النساء"


def test_a_study_without_labels_loads_with_the_same_strata(tmp_path: Path) -> None:
    labelled = load_study(demo_copy(tmp_path / "a")).config.trial
    unlabelled = load_study(unlabelled_demo_copy(tmp_path / "b")).config.trial
    assert unlabelled.randomisation == labelled.randomisation
    assert not unlabelled.stratum_labels
    assert unlabelled.stratum_label("women", "ar") == "women"
