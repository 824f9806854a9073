"""Suite-wide settings: Hypothesis profiles (bounded and reproducible in CI, long on request).

`ci` (the default) derandomises Hypothesis, so every run draws the same examples and CI is
never red by chance; each property keeps its example count small (see tests/properties.py).
`HYPOTHESIS_PROFILE=long` draws fresh random examples, many more per property, and remembers
failures in .hypothesis/ so that they are tried first next time (docs: README "Development").
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.smallfs import MountRefused, SmallDisk
from tests.smallfs import small_disk as mount_small_disk

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def small_disk() -> Iterator[SmallDisk]:
    """A real 8 MiB file system to fill up or make read-only (tests/smallfs.py)."""
    try:
        with mount_small_disk(8 * 1024) as disk:
            yield disk
    except (MountRefused, OSError) as exc:
        pytest.skip(f"cannot mount a small file system here ({exc}); run as root to test it")
