"""A throwaway copy of the shipped forms (with their back-translations) that a test can break."""

from __future__ import annotations

import shutil
from pathlib import Path

from survey_app.forms.backtranslation import (
    backtranslation_path,
    read_backtranslations,
    render,
    stamp_entries,
)
from survey_app.forms.loader import read_form
from survey_app.forms.texts import Version

SHIPPED_FORMS = Path(__file__).resolve().parents[2] / "forms"


class FormsCopy:
    """The shipped forms directory copied to a temporary folder, with editing helpers."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(SHIPPED_FORMS, root)

    def path(self, form_id: str) -> Path:
        return self.root / f"{form_id}.yaml"

    def replace(self, form_id: str, old: str, new: str, count: int = 1) -> None:
        """Replace text in a form file; the old text must be there."""
        path = self.path(form_id)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= count, f"{form_id}.yaml does not contain {old!r}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def swap(self, form_id: str, first: str, second: str) -> None:
        """Swap two exact texts of a form file (each must occur once)."""
        path = self.path(form_id)
        text = path.read_text(encoding="utf-8")
        assert text.count(first) == 1 and text.count(second) == 1, (first, second)
        marker = "\x00"
        text = text.replace(first, marker).replace(second, first).replace(marker, second)
        path.write_text(text, encoding="utf-8")

    def redo_back(
        self, form_id: str, key: str, language: str, back: str, addressee: str | None = None
    ) -> None:
        """Play a back-translator redoing one back-translation, then restamp it."""
        path = self.path(form_id)
        form, _, _ = read_form(path)
        assert form is not None
        backs = read_backtranslations(backtranslation_path(path))
        assert backs is not None
        entry = backs.entries[(key, Version(language, addressee))]
        entry.back = back
        stamp_entries(form, backs, {key}, False, language)
        backs.path.write_text(render(form, backs), encoding="utf-8")

    def restamp(self, form_id: str, *keys: str) -> None:
        """Restamp back-translations without changing them (declares them redone)."""
        path = self.path(form_id)
        form, _, _ = read_form(path)
        assert form is not None
        backs = read_backtranslations(backtranslation_path(path))
        assert backs is not None
        stamp_entries(form, backs, set(keys), False, None)
        backs.path.write_text(render(form, backs), encoding="utf-8")
