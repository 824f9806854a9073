"""Build step: copy forms/, translations/ and resources/ into the wheel as survey_app/_data/.

Everything else is declared in pyproject.toml. The repository keeps those folders at its top
level (studies, translators and tests use them there); an installed app finds them through
`survey_app.assets`, which looks in `survey_app/_data/` first. Interface catalogs are compiled
to .mo here (fuzzy entries left out, as the app does when it compiles a .po in memory).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA = "_data"


def _copy_data(target: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "forms", target / "forms", ignore=shutil.ignore_patterns("*~"))
    shutil.copytree(ROOT / "resources", target / "resources")
    for po in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
        language = po.parent.parent.name
        mo = target / "translations" / language / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as src:
            catalog = read_po(src, locale=language)
        with mo.open("wb") as out:
            write_mo(out, catalog)


class BuildWithData(build_py):
    """The normal build, plus the app's data inside the package (not for editable installs)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        _copy_data(Path(self.build_lib) / "survey_app" / DATA)


setup(cmdclass={"build_py": BuildWithData})
