"""Reading an XLSForm workbook into rows of text, keeping each cell's sheet and row.

Column headers are read the way pyxform reads them, with the usual spellings: any case,
spaces for underscores (`list name`), pyxform's aliases (`relevance`, `calculate`,
`constraint message`, `bind::relevant`...), and a language after `::` written as
`English (en)`, `en`, or a language name (`Arabic`, `Norsk`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"

# Spellings of survey and choices columns -> the name used here (pyxform's aliases, lowercased).
ALIASES: dict[str, str] = {
    "relevance": "relevant",
    "bind::relevant": "relevant",
    "bind::required": "required",
    "bind::constraint": "constraint",
    "bind::calculate": "calculation",
    "calculate": "calculation",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "bind::jr:constraintmsg": "constraint_message",
    "requiredmsg": "required_message",
    "jr:requiredmsg": "required_message",
    "caption": "label",
    "value": "name",
    "default_value": "default",
    "read_only": "readonly",
    "list name": "list_name",
    "form title": "form_title",
    "form id": "form_id",
    "set_form_title": "form_title",
    "set_form_id": "form_id",
}
LANGUAGE_NAMES: dict[str, str] = {
    "english": "en",
    "engelsk": "en",
    "norwegian": "nb",
    "norsk": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "norwegian bokmål": "nb",
    "norsk bokmål": "nb",
    "arabic": "ar",
    "العربية": "ar",
    "arabisk": "ar",
}
LANGUAGE_LABELS: dict[str, str] = {
    "nb": "Norsk bokmål (nb)",
    "en": "English (en)",
    "ar": "Arabic (ar)",
}
_CODE_IN_NAME = re.compile(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$")


def language_code(name: str) -> str | None:
    """The language code of a column suffix such as 'English (en)', 'ar' or 'Norsk'."""
    text = name.strip()
    match = _CODE_IN_NAME.search(text)
    if match:
        return match.group(1).lower()
    lowered = text.lower()
    if re.fullmatch(r"[a-z]{2,3}", lowered):
        return lowered
    return LANGUAGE_NAMES.get(lowered)


@dataclass(frozen=True)
class Column:
    """A header split into its base name and language (None: not translated)."""

    base: str
    language: str | None
    raw: str
    letter: str


def parse_header(raw: str, letter: str, default_language: str | None) -> Column:
    """Split `label::English (en)` into ('label', 'en'); plain `label` takes the default."""
    text = " ".join(str(raw).split())
    lowered = text.lower()
    if lowered in ALIASES:
        return Column(ALIASES[lowered], None, text, letter)
    if "::" in text and not lowered.startswith("bind::"):
        base, _, lang = text.rpartition("::")
        base = base.strip().lower().replace(" ", "_")
        base = ALIASES.get(base, base)
        return Column(base, language_code(lang) or f"?{lang.strip()}", text, letter)
    base = lowered.replace(" ", "_")
    base = ALIASES.get(base, base)
    return Column(base, None, text, letter)


@dataclass
class Row:
    """One spreadsheet row: cell text by column, with the sheet and 1-based row number."""

    sheet: str
    number: int
    cells: dict[Column, str] = field(default_factory=dict)

    def get(self, base: str, language: str | None = None) -> str:
        """The text of a column (with a language, its translated column)."""
        for column, value in self.cells.items():
            if column.base == base and column.language == language:
                return value
        return ""

    def translations(self, base: str) -> dict[str, str]:
        """Every language's text of a translatable column that is not empty."""
        return {
            c.language: v
            for c, v in self.cells.items()
            if c.base == base and c.language and not c.language.startswith("?") and v
        }

    @property
    def empty(self) -> bool:
        return not any(v for v in self.cells.values())


@dataclass
class Workbook:
    """The three XLSForm sheets as rows, plus every header (for reports on columns)."""

    path: str
    survey: list[Row]
    choices: list[Row]
    settings: list[Row]
    headers: dict[str, list[Column]]
    other_sheets: list[str]


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without '.0', dates as ISO, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


class WorkbookError(ValueError):
    """A file that cannot be read as an XLSForm at all."""


def read_workbook(path: Path) -> Workbook:
    """Read survey, choices and settings sheets (case-insensitive names) with openpyxl."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise WorkbookError(f"cannot read {path.name} as an .xlsx workbook ({exc})") from None
    try:
        sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
        if SURVEY not in sheets:
            raise WorkbookError("the workbook has no 'survey' sheet")
        raw = {
            name: [list(r) for r in ws.iter_rows(values_only=True)] for name, ws in sheets.items()
        }
    finally:
        book.close()
    default = _default_language(raw.get(SETTINGS, []))
    headers: dict[str, list[Column]] = {}
    rows: dict[str, list[Row]] = {}
    for name in (SURVEY, CHOICES, SETTINGS):
        headers[name], rows[name] = _rows(name, raw.get(name, []), default)
    others = [n for n in sheets if n not in (SURVEY, CHOICES, SETTINGS)]
    return Workbook(str(path), rows[SURVEY], rows[CHOICES], rows[SETTINGS], headers, others)


def _default_language(settings: list[list[object]]) -> str | None:
    if len(settings) < 2:
        return None
    header = [cell_text(h).lower() for h in settings[0]]
    if "default_language" not in header:
        return None
    value = cell_text(settings[1][header.index("default_language")])
    return language_code(value) if value else None


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _rows(
    sheet: str, table: list[list[object]], default: str | None
) -> tuple[list[Column], list[Row]]:
    if not table:
        return [], []
    columns = [
        parse_header(cell_text(h), _letter(i), default) if cell_text(h) else None
        for i, h in enumerate(table[0])
    ]
    resolved: list[Column | None] = []
    for column in columns:
        if (
            column is not None
            and column.base in ("label", "hint", "constraint_message")
            and (column.language is None and default)
        ):
            column = Column(column.base, default, column.raw, column.letter)
        resolved.append(column)
    rows: list[Row] = []
    for number, values in enumerate(table[1:], start=2):
        row = Row(sheet, number)
        for column, value in zip(resolved, values, strict=False):
            if column is not None:
                row.cells[column] = cell_text(value)
        if not row.empty:
            rows.append(row)
    return [c for c in resolved if c is not None], rows
