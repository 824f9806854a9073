"""XLSForms written the way ODK and Kobo users write them (nb, en, ar), built with openpyxl.

Several `label::Language (code)` columns, hints, a choice list shared by two questions, choice
names that are words (`yes`, `other`), a group with a condition, ODK's default metadata rows,
a settings sheet, and (in the `spelling` variant) the other spellings pyxform accepts.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

EN, NB, AR = "English (en)", "Norsk (nb)", "Arabic (ar)"

SURVEY_HEADER = [
    "type",
    "name",
    f"label::{EN}",
    f"label::{NB}",
    f"label::{AR}",
    f"hint::{EN}",
    f"hint::{NB}",
    f"hint::{AR}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{EN}",
    f"constraint_message::{NB}",
    f"constraint_message::{AR}",
    "calculation",
    "appearance",
]


def _row(**cells: str) -> dict[str, str]:
    return cells


SURVEY = [
    _row(type="start", name="start"),
    _row(type="end", name="end"),
    _row(
        type="integer",
        name="age",
        label=("How old are you?", "Hvor gammel er du?", "كم عمرك؟"),
        hint=("Write your age in years.", "Skriv alderen i år.", "اكتب عمرك بالسنوات."),
        required="yes",
        constraint=". >= 18 and . <= 99",
        message=(
            "The age must be between 18 and 99.",
            "Alderen må være mellom 18 og 99.",
            "يجب أن يكون العمر بين ١٨ و٩٩.",
        ),
    ),
    _row(
        type="select_one countries",
        name="country",
        label=("Which country do you come from?", "Hvilket land kommer du fra?", "من أي بلد أنت؟"),
    ),
    _row(
        type="text",
        name="country_other",
        label=("Which other country?", "Hvilket annet land?", "ما هو البلد الآخر؟"),
        relevant="${country} = '9'",
    ),
    _row(
        type="begin_group",
        name="work",
        label=("Work", "Arbeid", "العمل"),
        relevant="${age} >= 18",
        appearance="field-list",
    ),
    _row(
        type="select_one yesno",
        name="working",
        label=("Do you have a paid job?", "Har du betalt arbeid?", "هل لديك عمل مدفوع الأجر؟"),
    ),
    _row(
        type="integer",
        name="hours",
        label=(
            "How many hours a week do you work?",
            "Hvor mange timer i uka jobber du?",
            "كم ساعة تعمل في الأسبوع؟",
        ),
        relevant="${working} = 'yes'",
        constraint=". > 0 and . <= 80",
        message=(
            "Write a number of hours from 1 to 80.",
            "Skriv et antall timer fra 1 til 80.",
            "اكتب عدد ساعات من ١ إلى ٨٠.",
        ),
    ),
    _row(type="end_group"),
    _row(
        type="select_multiple languages",
        name="langs",
        label=(
            "Which languages do you speak?",
            "Hvilke språk snakker du?",
            "ما اللغات التي تتحدثها؟",
        ),
        hint=("You can choose more than one.", "Du kan velge flere.", "يمكنك اختيار أكثر من لغة."),
    ),
    _row(
        type="text",
        name="langs_other",
        label=("Which other language?", "Hvilket annet språk?", "ما هي اللغة الأخرى؟"),
        relevant="selected(${langs}, 'other')",
    ),
    _row(
        type="select_one yesno",
        name="children",
        label=("Do you have children?", "Har du barn?", "هل لديك أطفال؟"),
    ),
    _row(type="calculate", name="lang_count", calculation="count-selected(${langs})"),
    _row(
        type="note",
        name="thanks",
        label=("Thank you for your answers.", "Takk for svarene dine.", "شكرًا على إجاباتك."),
    ),
]

CHOICES = [
    ("yesno", "yes", "Yes", "Ja", "نعم"),
    ("yesno", "no", "No", "Nei", "لا"),
    ("countries", "1", "Syria", "Syria", "سوريا"),
    ("countries", "2", "Eritrea", "Eritrea", "إريتريا"),
    ("countries", "9", "Other country", "Annet land", "بلد آخر"),
    ("languages", "ar", "Arabic", "Arabisk", "العربية"),
    ("languages", "nb", "Norwegian", "Norsk", "النرويجية"),
    ("languages", "other", "Other language", "Annet språk", "لغة أخرى"),
]

SETTINGS = {
    "form_title": "Background",
    "form_id": "odkbg",
    "version": "2025031401",
    "default_language": EN,
    # What XLSForm cannot say: the title in every language (pyxform keeps one form_title).
    "app_title_nb": "Bakgrunn",
    "app_title_ar": "الخلفية",
}

# Spellings pyxform accepts for the same form (Kobo and older ODK templates).
SPELLING = {
    "begin_group": "begin group",
    "end_group": "end group",
    "select_one countries": "select one countries",
    "select_multiple languages": "select all that apply languages",
    "relevant": "relevance",
    "calculation": "calculate",
    "list_name": "list name",
}


def _survey_cells(row: dict[str, object]) -> dict[str, str]:
    cells = {"type": row["type"], "name": row.get("name", "")}
    for key, column in (("label", "label"), ("hint", "hint"), ("message", "constraint_message")):
        if key in row:
            for lang, text in zip((EN, NB, AR), row[key], strict=True):
                cells[f"{column}::{lang}"] = text
    for key in ("required", "relevant", "constraint", "calculation", "appearance"):
        if key in row:
            cells[key] = row[key]
    return cells


def write_workbook(
    path: Path,
    *,
    spelling: bool = False,
    survey: list[dict] | None = None,
    settings: dict[str, str] | None = None,
    choices: list[tuple] | None = None,
) -> Path:
    """Write the test XLSForm (optionally in pyxform's other spellings) and return its path."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    rename = SPELLING if spelling else {}
    sheet.append([rename.get(h, h) for h in SURVEY_HEADER])
    for row in survey if survey is not None else SURVEY:
        cells = _survey_cells(row)
        cells["type"] = rename.get(cells["type"], cells["type"])
        sheet.append([cells.get(h) or None for h in SURVEY_HEADER])
    choice_sheet = book.create_sheet("choices")
    choice_sheet.append(
        [
            rename.get("list_name", "list_name"),
            "name",
            f"label::{EN}",
            f"label::{NB}",
            f"label::{AR}",
        ]
    )
    for row in choices if choices is not None else CHOICES:
        choice_sheet.append(list(row))
    settings_sheet = book.create_sheet("settings")
    values = settings if settings is not None else SETTINGS
    settings_sheet.append(list(values))
    settings_sheet.append(list(values.values()))
    book.save(path)
    return path
