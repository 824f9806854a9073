"""Bound a JSON body's nesting depth and number length BEFORE a parser recurses into it.

Python's json module recurses per nesting level (100,000 levels: RecursionError) and refuses
integers of more than 4,300 digits with ValueError; both would surface as 500s. No legitimate
request to this server nests deeper than a few levels or carries a long number.
"""

from __future__ import annotations

import re

MAX_DEPTH = 32
MAX_NUMBER_CHARS = 40
# Strings are removed first, so brackets and digits inside text do not count.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_BRACKET = re.compile(rb"[\[\]{}]")
_LONG_NUMBER = re.compile(rb"[0-9][0-9.eE+-]{%d,}" % MAX_NUMBER_CHARS)


def json_shape_problem(body: bytes) -> str | None:
    """What makes this body unsafe to parse, or None."""
    stripped = _STRING.sub(b'""', body)
    depth = 0
    for match in _BRACKET.finditer(stripped):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                return f"the JSON is nested deeper than {MAX_DEPTH} levels"
        else:
            depth -= 1
    if _LONG_NUMBER.search(stripped):
        return f"the JSON has a number longer than {MAX_NUMBER_CHARS} characters"
    return None
