"""Where the shipped data lives (forms, translations, fonts, DEMO study): the one place to ask.

The repository keeps `forms/`, `translations/` and `resources/` at its top level. A wheel or a
frozen app carries copies of them inside the package as `survey_app/_data/` (setup.py's build
step and scripts/build-app put them there), with the same layout, so relative paths between them
(the DEMO study's `forms_dir: ../../forms`) hold everywhere. A checkout or an editable install
has no `_data` and reads the top-level folders directly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from survey_app.errors import UserFacingError

PACKAGED_DATA = "_data"
# The folders a data root must hold; the build step copies exactly these.
DATA_FOLDERS = ("forms", "translations", "resources")


class MissingAssets(UserFacingError):
    """The install is incomplete: the shipped forms/translations/resources are not there."""


@cache
def data_root() -> Path:
    """The folder holding forms/, translations/ and resources/ (installed copy first)."""
    # Wheels install unzipped and PyInstaller unpacks data files: always a real folder beside
    # this module, so a plain path does (importlib.resources would add ~3 ms to every start).
    package = Path(__file__).resolve().parent
    packaged = package / PACKAGED_DATA
    if packaged.is_dir():
        return packaged
    checkout = package.parent
    if all((checkout / name).is_dir() for name in DATA_FOLDERS):
        return checkout
    raise MissingAssets(
        "the app's forms, translations and fonts are missing; reinstall the app "
        f"(looked in {packaged} and {checkout})"
    )


def forms_dir() -> Path:
    """The shipped form definitions (YAML)."""
    return data_root() / "forms"


def translations_dir() -> Path:
    """The interface-string catalogs: <language>/LC_MESSAGES/messages.po or .mo."""
    return data_root() / "translations"


def fonts_dir() -> Path:
    """The bundled Noto fonts (OFL)."""
    return data_root() / "resources" / "fonts"


def scale_lexicon_path() -> Path:
    """The shipped scale-word lexicon that check-forms ranks answer labels with."""
    return data_root() / "resources" / "scale-lexicon.yaml"


def demo_study_dir() -> Path:
    """The DEMO study folder (study.yaml, DEMO keys, README.txt)."""
    return data_root() / "resources" / "demo-study"
