"""Example counts for property-based tests: small in CI, many times more with the long profile."""

from __future__ import annotations

import os

LONG_FACTOR = 25


def examples(count: int) -> int:
    """Examples for one property: `count` in CI, LONG_FACTOR times as many in the long profile."""
    return count * LONG_FACTOR if os.environ.get("HYPOTHESIS_PROFILE") == "long" else count
