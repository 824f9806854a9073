"""What the application needs to run, passed in explicitly (no global state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey_app.i18n import tr
from survey_app.program_name import SOURCE
from survey_app.ui.direction import directed
from survey_app.ui.store_worker import StoreClient
from survey_app.ui.theme import Theme

NATIVE_NAMES = {"nb": "Norsk (bokmål)", "en": "English", "ar": "العربية"}


def language_name(language: str, staff: str) -> str:
    """A language's name in the staff language, for sentences ("arabisk" in nb, "النرويجية
    بوكمال" in ar); lists to choose from keep each language's own name (NATIVE_NAMES)."""
    from babel import Locale

    from survey_app.ui.dates import babel_locale

    name = Locale.parse(babel_locale(staff)).languages.get(language)
    return name or NATIVE_NAMES.get(language, language)


@dataclass
class AppContext:
    """Configuration and shared handles of one running app."""

    client: StoreClient
    data_dir: Path
    study_dir: Path | None
    staff_language: str = "nb"
    theme: Theme = field(default_factory=Theme)
    kdf: Any = None  # survey_app.store.KdfParams; None means the store's strong default
    study: Any = None  # survey_app.study.Study once loaded
    idle_seconds: int | None = None  # overrides the study's idle_timeout_seconds (tests)
    meeting: Any = None  # survey_app.store.Meeting chosen on the dashboard
    sync_interval_seconds: float = 60.0  # automatic sync check while the dashboard is shown
    program: str = SOURCE  # how the app was started (`survey-app`): hints name that command

    def ui(self, message: str, **params: object) -> str:
        """Translate an interface message into the staff language."""
        return directed(tr(self.staff_language, message, **params), self.staff_language)

    @property
    def store_path(self) -> Path:
        return self.data_dir / "device-store.db"

    @property
    def actor(self) -> str:
        return self.meeting.staff if self.meeting is not None else "staff"
