"""Real Form objects (built from the model dataclasses) and the shipped forms, for PDF tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from survey_app.forms.model import (
    Form,
    Item,
    ItemType,
    LanguageInfo,
    LocalText,
    Option,
    Scale,
    TextStatus,
)

REPO = Path(__file__).resolve().parents[2]


def lt(nb: str, en: str, ar: str) -> LocalText:
    return LocalText({"nb": nb, "en": en, "ar": ar})


FREQ = Scale(
    id="freq4",
    min=1,
    max=4,
    options=(
        Option(1, lt("Ikke i det hele tatt", "Not at all", "لا على الإطلاق")),
        Option(2, lt("Litt", "A little", "قليلًا")),
        Option(3, lt("Ganske mye", "Quite a bit", "كثيرًا")),
        Option(4, lt("Veldig mye", "Extremely", "كثيرًا جدًا")),
    ),
)
LADDER = Scale(
    id="ladder10",
    min=1,
    max=10,
    anchor_low=lt("Verst mulige liv", "Worst possible life", "أسوأ حياة ممكنة"),
    anchor_high=lt("Best mulige liv", "Best possible life", "أفضل حياة ممكنة"),
)
VAS = Scale(
    id="vas100",
    min=0,
    max=100,
    anchor_low=lt("Verst tenkelige helse", "Worst imaginable health", "أسوأ صحة يمكن تخيلها"),
    anchor_high=lt("Best tenkelige helse", "Best imaginable health", "أفضل صحة يمكن تخيلها"),
)
HELP = Scale(
    id="help",
    min=1,
    max=3,
    options=(
        Option(1, lt("Språkkurs", "Language course", "دورة اللغة")),
        Option(2, lt("Jobbspesialist", "Job specialist", "أخصائي العمل")),
        Option(3, lt("Familie (barn)", "Family (children)", "العائلة (الأطفال)")),
    ),
)


def sample_form(*, draft_ar: bool = True) -> Form:
    """A form with every item type, in three languages."""
    items = (
        Item(
            "t_01",
            ItemType.SINGLE_CHOICE,
            lt(
                "Plutselig redd uten grunn",
                "Suddenly scared for no reason",
                "الشعور بالخوف فجأة دون سبب",
            ),
            scale=FREQ,
            allow_decline=True,
        ),
        Item(
            "t_02",
            ItemType.SINGLE_CHOICE,
            lt(
                "Hodepine (de siste 14 dagene)",
                "Headaches (last 14 days)",
                "الصداع (خلال آخر 14 يومًا)",
            ),
            scale=FREQ,
        ),
        Item("t_age", ItemType.INTEGER, lt("Alder", "Age", "العمر"), minimum=18, maximum=99),
        Item("t_date", ItemType.DATE, lt("Dato i dag", "Today's date", "تاريخ اليوم")),
        Item(
            "t_help",
            ItemType.MULTIPLE_CHOICE,
            lt("Hva hjalp deg?", "What helped you?", "ما الذي ساعدك؟"),
            scale=HELP,
        ),
        Item("t_note", ItemType.NOTE, lt("Takk!", "Thank you!", "شكرًا لك!")),
        Item(
            "t_past",
            ItemType.LADDER,
            lt("For ett år siden", "One year ago", "قبل سنة"),
            scale=LADDER,
        ),
        Item("t_now", ItemType.LADDER, lt("I dag", "Today", "اليوم"), scale=LADDER),
        Item(
            "t_future",
            ItemType.LADDER,
            lt("Om ett år", "One year from now", "بعد سنة من الآن"),
            scale=LADDER,
        ),
        Item(
            "t_vas",
            ItemType.VAS,
            lt("Helsen din i dag", "Your health today", "صحتك اليوم"),
            scale=VAS,
        ),
        Item(
            "t_comment",
            ItemType.TEXT,
            lt("Kommentar", "Comment", "تعليق"),
            max_length=2000,
            free_text=True,
        ),
        Item("t_consent", ItemType.CONSENT, lt("Jeg samtykker", "I agree", "أوافق"), required=True),
    )
    return Form(
        id="sample",
        kind="instrument",
        version="1.2.0",
        title=lt("Prøveskjema", "Sample form", "استبيان تجريبي"),
        items=items,
        languages={
            "nb": LanguageInfo(TextStatus.VALIDATED),
            "en": LanguageInfo(TextStatus.VALIDATED),
            "ar": LanguageInfo(TextStatus.DRAFT if draft_ar else TextStatus.VALIDATED),
        },
        content_hash="0123456789abcdef" * 4,
        instructions=lt(
            "Kryss av for det svaret som passer best.",
            "Tick the answer that fits best.",
            "ضع علامة على الإجابة الأنسب.",
        ),
        scales={"freq4": FREQ, "ladder10": LADDER, "vas100": VAS, "help": HELP},
    )


@pytest.fixture
def form() -> Form:
    return sample_form()


def pdftotext(
    pdf: Path, *, first: int | None = None, last: int | None = None, layout: bool = False
) -> str:
    """Extracted text of a PDF (poppler's pdftotext), skipping the test if it is not installed."""
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed")
    args = [exe, "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    out = subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True)
    return out.stdout.decode("utf-8")
