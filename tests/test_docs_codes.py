"""The README and docs show only valid participant codes, so a reader learns the real format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_app.answers.codes import validate_code
from survey_app.answers.errors import AnswerError

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
# Something shaped like a code: letters, a number of four or more digits, one check character.
CODE_LIKE = re.compile(r"(?<![\w-])[A-Z]{1,4}-[0-9]{4,}-[0-9A-Z](?![\w-])")
# The code argument of a command in an example, e.g. `participant find CODE`.
CODE_ARGUMENT = re.compile(
    r"(?:participant +(?:find|export|erase|withdraw)|register +(?:receipt|correct|erase)"
    r"|followup +attempt|randomise +emergency|--code) +([^\s`]+)"
)
# Lines that show what is NOT a code, or a printing pattern rather than a code.
COUNTER_EXAMPLE = re.compile(r"[Nn]ot (?:a )?codes?|--code-pattern|typing error")


def _lines() -> list[tuple[str, str]]:
    return [
        (f"{path.name}:{number}", line)
        for path in DOCS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if not COUNTER_EXAMPLE.search(line)
    ]


def _is_valid(code: str) -> bool:
    try:
        validate_code(code)
    except AnswerError:
        return False
    return True


def test_every_code_shaped_example_in_the_docs_is_a_valid_code():
    bad = [(where, m) for where, line in _lines() for m in CODE_LIKE.findall(line)]

    assert bad, "the docs should show at least one code"
    assert [(where, m) for where, m in bad if not _is_valid(m)] == []


def test_every_code_given_to_a_command_in_the_docs_is_a_valid_code():
    given = [
        (where, m)
        for where, line in _lines()
        for m in CODE_ARGUMENT.findall(line)
        if any(c.isdigit() for c in m) and "sync enrol" not in line
    ]

    assert given, "the docs should show commands with a code"
    assert [(where, m) for where, m in given if not _is_valid(m)] == []


@pytest.mark.parametrize("invalid", ["K7Q4-X", "P-0007-K"])
def test_known_invalid_examples_appear_only_as_counter_examples(invalid):
    assert [where for where, line in _lines() if invalid in line] == []


def test_the_readme_shows_a_valid_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert any(_is_valid(m) for m in CODE_LIKE.findall(readme))
