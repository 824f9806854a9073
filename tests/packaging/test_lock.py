"""uv.lock is what every install uses: every declared dependency pinned, no known-bad release."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Releases known to break the app; pyproject.toml excludes them and the lock must not hold them.
KNOWN_BAD = {"pyside6-essentials": {"6.12.0"}, "pyside6-addons": {"6.12.0"}}


def _lock() -> dict:
    return tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_lock_pins_no_known_bad_release() -> None:
    pinned = {p["name"]: p["version"] for p in _lock()["package"]}
    for name, bad in KNOWN_BAD.items():
        assert pinned[name] not in bad, f"{name} {pinned[name]} is a known-bad release"


def test_lock_pins_qt_addons_and_essentials_to_one_version() -> None:
    pinned = {p["name"]: p["version"] for p in _lock()["package"]}
    assert pinned["pyside6-addons"] == pinned["pyside6-essentials"] == pinned["shiboken6"]


def test_pyproject_keeps_excluding_the_known_bad_releases() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r): r for r in project["dependencies"]}
    for name, bad in KNOWN_BAD.items():
        for version in bad:
            assert f"!={version}" in declared[name].replace(" ", "")


def test_lock_pins_every_dependency_pyproject_declares() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        declared.extend(extra)
    pinned = {p["name"] for p in _lock()["package"]}
    missing = sorted({_name(r) for r in declared} - pinned)
    assert not missing, f"not in uv.lock (run scripts/lock): {missing}"
