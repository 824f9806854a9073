"""Form files a careless or hostile author might write: clear findings, never a crash."""

from __future__ import annotations

import pytest

from tests.forms.test_checker import errors_of, line_of, only_error


def test_item_without_a_type_is_an_error_not_a_crash(write_form):
    path = write_form("    type: integer\n", "")
    finding = only_error(path, "missing required key 'type'")
    assert finding.line == line_of(path, "- id: mini_age")


def test_deeply_nested_file_is_an_error_not_a_crash(write_form):
    path = write_form('licence: "Test only"\n', "licence: " + "[" * 5000 + "]" * 5000 + "\n")
    only_error(path, "nested")


def test_oversized_file_is_refused_before_it_is_parsed(write_form):
    padding = "# " + "x" * 1000 + "\n"
    path = write_form('licence: "Test only"\n', 'licence: "Test only"\n' + padding * 16_000)
    only_error(path, "larger than")


@pytest.mark.parametrize(
    "character",
    ["\\u202e", "\\u2067", "\\u200b", "\\0", "\\u200f"],
    ids=["RLO", "RLI", "ZWSP", "NUL", "RLM"],
)
def test_label_is_held_to_the_text_rules(write_form, character: str):
    path = write_form('label: "Headache"', f'label: "Head{character}ache"')
    errors = errors_of(path)
    assert any(e.line == line_of(path, 'label: "Head') for e in errors), [str(e) for e in errors]
