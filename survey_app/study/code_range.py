"""The study's participant-code range: which codes each laptop hands out (study.yaml `codes:`).

    codes:
      prefix: P          # 1-4 capital letters, the same for every code of the study
      first: 1           # the first participant number
      per_laptop: 1000   # laptop 1 gets first .. first+999, laptop 2 the next 1000, ...

Ranges of different laptops never overlap, so two laptops that cannot talk to each other
still never print the same code. Without the setting: prefix P, first 1, 1000 per laptop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from survey_app.answers.codes import make_code
from survey_app.errors import UserFacingError
from survey_app.forms.yamlsource import Node

MAX_NUMBER = 9_999_999
_KNOWN = frozenset({"prefix", "first", "per_laptop"})


@dataclass(frozen=True)
class CodeRange:
    """Participant numbers per laptop: laptop n has per_laptop numbers after those of n-1."""

    prefix: str = "P"
    first: int = 1
    per_laptop: int = 1000

    def laptop_numbers(self, laptop: int) -> range:
        """The numbers laptop `laptop` (1, 2, ...) may hand out."""
        if laptop < 1:
            raise UserFacingError("laptops are numbered from 1")
        start = self.first + (laptop - 1) * self.per_laptop
        stop = min(start + self.per_laptop, MAX_NUMBER + 1)
        if start > MAX_NUMBER:
            raise UserFacingError(f"the study's code range has no laptop {laptop}")
        return range(start, stop)

    def codes(self, laptop: int, start: int | None = None, count: int = 40) -> list[str]:
        """`count` codes of one laptop from number `start` (default: the laptop's first)."""
        numbers = self.laptop_numbers(laptop)
        begin = numbers.start if start is None else start
        if count < 1:
            raise UserFacingError("--count must be at least 1")
        if begin not in numbers or begin + count - 1 not in numbers:
            raise UserFacingError(
                f"laptop {laptop} hands out numbers {numbers.start} to {numbers.stop - 1}; "
                f"{begin} to {begin + count - 1} is outside that range"
            )
        return [make_code(n, self.prefix) for n in range(begin, begin + count)]


Problem = Callable[[int, str, str], None]


def read_code_range(node: Node, problem: Problem) -> CodeRange:
    """Read study.yaml's `codes:` mapping; report problems through problem(line, field, msg)."""
    if not node.is_map:
        problem(node.line, "codes", "expected a mapping with prefix, first, per_laptop")
        return CodeRange()
    fields: dict[str, Node] = node.value  # type: ignore[assignment]
    for key in sorted(set(fields) - _KNOWN):
        problem(fields[key].line, f"codes.{key}", "unknown setting")
    default = CodeRange()
    prefix = default.prefix
    if "prefix" in fields:
        value = fields["prefix"]
        if value.is_text and re.fullmatch(r"[A-Z]{1,4}", str(value.value)):
            prefix = str(value.value)
        else:
            problem(value.line, "codes.prefix", "must be 1-4 capital letters A-Z")
    first = _number(fields, "first", 0, MAX_NUMBER, default.first, problem)
    per_laptop = _number(fields, "per_laptop", 1, MAX_NUMBER, default.per_laptop, problem)
    return CodeRange(prefix=prefix, first=first, per_laptop=per_laptop)


def _number(
    fields: dict[str, Node], key: str, low: int, high: int, default: int, problem: Problem
) -> int:
    node = fields.get(key)
    if node is None:
        return default
    if node.is_text and re.fullmatch(r"\d+", str(node.value)) and low <= int(node.value) <= high:
        return int(str(node.value))
    problem(node.line, f"codes.{key}", f"must be a whole number from {low} to {high}")
    return default
