"""A study forms directory for codebook and importer tests: shipped forms plus a small form
covering every answer type, under a protocol of its own (so the tests do not follow edits of
the shipped protocol)."""

from __future__ import annotations

import shutil
from pathlib import Path

SHIPPED_FORMS = Path(__file__).resolve().parents[2] / "forms"
COPIED = ("consent", "consent_followup", "hscl25")

MINI_FORM = """\
id: minibg
kind: instrument
version: "2.1.0"
prefix: mbg
source: "Test form"
licence: "Test"
languages:
  nb: {status: draft}
  en: {status: draft}
  ar: {status: draft}
title:
  nb: "Bakgrunn"
  en: "Background"
  ar: "معلومات أساسية"
scales:
  agree3:
    min: 1
    max: 3
    labels:
      nb: {1: "Uenig", 2: "Nøytral", 3: "Enig"}
      en: {1: "Disagree", 2: "Neutral", 3: "Agree"}
      ar: {1: "غير موافق", 2: "محايد", 3: "موافق"}
  ladder10:
    min: 1
    max: 10
    anchor_low: {nb: "Verst", en: "Worst", ar: "الأسوأ"}
    anchor_high: {nb: "Best", en: "Best", ar: "الأفضل"}
items:
  - id: mbg_age
    type: integer
    min: 18
    max: 99
    label: "Age in years"
    allow_decline: true
    text: {nb: "Hvor gammel er du?", en: "How old are you?", ar: "كم عمرك؟"}
  - id: mbg_gender
    type: single_choice
    allow_decline: true
    options:
      nb: {1: "Kvinne", 2: "Mann", 3: "Annet"}
      en: {1: "Woman", 2: "Man", 3: "Other"}
      ar: {1: "امرأة", 2: "رجل", 3: "غير ذلك"}
    text: {nb: "Kjønn", en: "Gender", ar: "الجنس"}
  - id: mbg_help
    type: multiple_choice
    allow_decline: true
    options:
      nb: {1: "Familie", 2: "Venner", 3: "Kurs"}
      en: {1: "Family", 2: "Friends", 3: "Courses"}
      ar: {1: "العائلة", 2: "الأصدقاء", 3: "الدورات"}
    text: {nb: "Hva hjalp deg?", en: "What helped you?", ar: "ما الذي ساعدك؟"}
  - id: mbg_happy
    type: single_choice
    scale: agree3
    allow_decline: true
    text: {nb: "Jeg trives i Norge.", en: "I like living in Norway.", ar: "أحب العيش في النرويج."}
  - id: mbg_ladder
    type: ladder
    scale: ladder10
    text: {nb: "Livet i dag", en: "Life today", ar: "الحياة اليوم"}
  - id: mbg_arrived
    type: date
    text: {nb: "Når kom du?", en: "When did you arrive?", ar: "متى وصلت؟"}
  - id: mbg_comment
    type: text
    max_length: 500
    free_text: true
    allow_decline: true
    text: {nb: "Kommentar", en: "Comment", ar: "تعليق"}
"""

PROTOCOL = """\
study_id: fixture
version: "1.0.0"
title: {nb: "Teststudie", en: "Test study", ar: "دراسة تجريبية"}
pcl_cutoff: 33
timepoints:
  baseline:
    label: {nb: "Første", en: "Baseline", ar: "الأول"}
    steps: [consent, minibg, hscl25]
  followup-12m:
    label: {nb: "Oppfølging", en: "Follow-up", ar: "المتابعة"}
    steps:
      - consent_followup
      - hscl25
      - {form: minibg, only_arm: intervention}
"""


def make_forms_dir(root: Path) -> Path:
    """Write the fixture forms directory under root and return it."""
    forms = root / "forms"
    forms.mkdir(parents=True, exist_ok=True)
    for form_id in COPIED:
        shutil.copy(SHIPPED_FORMS / f"{form_id}.yaml", forms / f"{form_id}.yaml")
    (forms / "minibg.yaml").write_text(MINI_FORM, encoding="utf-8")
    (forms / "protocol.yaml").write_text(PROTOCOL, encoding="utf-8")
    return forms
