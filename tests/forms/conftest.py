"""A small valid form, written as text, that tests break one defect at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

VALID_FORM = """\
id: mini
kind: instrument
version: "1.0.0"
prefix: mini
source: "Synthetic test instrument"
licence: "Test only"
languages:
  nb: {status: draft, note: "test"}
  en: {status: draft}
  ar: {status: draft}
title:
  nb: "Lite skjema"
  en: "Small form"
  ar: "استبيان قصير"
recall_period:
  nb: "De siste 14 dagene"
  en: "The last 14 days"
  ar: "آخر ١٤ يومًا"
scales:
  freq4:
    min: 1
    max: 4
    labels:
      nb: {1: "Ikke i det hele tatt", 2: "Litt", 3: "Ganske mye", 4: "Veldig mye"}
      en: {1: "Not at all", 2: "A little", 3: "Quite a bit", 4: "Extremely"}
      ar: {1: "أبدًا", 2: "قليلًا", 3: "كثيرًا", 4: "كثيرًا جدًا"}
items:
  - id: mini_01
    type: single_choice
    scale: freq4
    label: "Headache"
    allow_decline: true
    text:
      nb: "Hodepine"
      en: "Headaches"
      ar: "صداع"
  - id: mini_age
    type: integer
    min: 18
    max: 99
    label: "Age"
    text:
      nb: "Hvor gammel er du?"
      en: "How old are you?"
      ar: "كم عمرك؟"
"""


@pytest.fixture
def write_form(tmp_path: Path) -> Callable[..., Path]:
    """Write the valid form, optionally with one text replacement, and return its path."""

    def write(old: str = "", new: str = "", text: str = VALID_FORM, name: str = "mini") -> Path:
        if old:
            assert old in text, f"fixture does not contain {old!r}"
            text = text.replace(old, new, 1)
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write
