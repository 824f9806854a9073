"""Convert an XLSForm workbook into this app's form file (YAML), row by row.

Every row that cannot be converted (repeats, media, metadata, ...) is reported with
its sheet and row instead of being dropped silently; every line of the written form remembers
the row it came from, so `check-forms` on an .xlsx reports findings by sheet and row.
Columns this app needs and XLSForm has no word for are `app_*` columns, which pyxform ignores
(docs/xlsform.md).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from survey_app.forms.expressions import ExpressionError, parse
from survey_app.forms.expressions.functions import FUNCTIONS
from survey_app.forms.expressions.tree import (
    Binary,
    Call,
    Negate,
    Node,
    Number,
    Ref,
    String,
    refs,
    unparse,
    walk,
)
from survey_app.forms.expressions.values import to_number
from survey_app.forms.model import LANGUAGES
from survey_app.forms.xlsform.emit import Emitter, Origin
from survey_app.forms.xlsform.sheets import (
    CHOICES,
    SETTINGS,
    SURVEY,
    Row,
    Workbook,
    read_workbook,
)

ADDRESSEES = ("female", "male")
DECLINABLE = {"single_choice", "multiple_choice", "ladder", "vas"}
SUPPORTED = {"integer", "decimal", "text", "date", "note", "range", "calculate"}
METADATA = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "background-audio", "instanceid",
}  # fmt: skip
NOT_SUPPORTED = {
    "geopoint": "locations are not collected by this app",
    "geotrace": "locations are not collected by this app",
    "geoshape": "locations are not collected by this app",
    "image": "photos and media are not collected by this app",
    "photo": "photos and media are not collected by this app",
    "audio": "photos and media are not collected by this app",
    "video": "photos and media are not collected by this app",
    "file": "files are not collected by this app",
    "barcode": "barcodes are not supported",
    "time": "times of day are not supported (dates are)",
    "datetime": "date and time answers are not supported (dates are)",
    "acknowledge": "acknowledge is not supported; use a note or a consent item",
    "rank": "ranking is not supported",
    "hidden": "hidden fields are not supported; use calculate",
    "trigger": "acknowledge is not supported; use a note or a consent item",
}
IGNORED_COLUMNS = {"type", "name", "label", "hint", "relevant", "required", "constraint",
                   "constraint_message", "calculation", "default", "appearance", "parameters",
                   "list_name", "choice_filter", "required_message", "readonly"}  # fmt: skip
LOGIC_COLUMNS = {"relevant", "required", "constraint", "calculation", "default", "choice_filter"}
MEDIA_COLUMNS = ("image", "big-image", "audio", "video", "media::image", "media::audio")


@dataclass(frozen=True)
class Note:
    """Something in the workbook that was not converted (or converted with a change)."""

    sheet: str
    row: int
    message: str
    error: bool = True

    def __str__(self) -> str:
        kind = "error" if self.error else "warning"
        return f"{self.sheet}:{self.row}: {kind}: {self.message}"


@dataclass
class Converted:
    """The form file text, where each of its lines came from, and what was not converted."""

    form_id: str
    text: str
    origins: list[Origin]
    notes: list[Note] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  # recordings the form names (audio::)

    def origin(self, line: int) -> Origin:
        """The (sheet, row) of a 1-based line of the form file (settings row 2 if unknown)."""
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        return (SETTINGS, 2)


@dataclass
class _Choice:
    name: str
    code: int
    texts: dict[str, str]
    variants: dict[str, dict[str, str]]
    anchor: str
    row: Row


@dataclass
class _List:
    name: str
    choices: list[_Choice] = field(default_factory=list)
    mapped: bool = False  # names were not numbers: codes 1..n were given

    def code(self, name: str) -> int | None:
        return next((c.code for c in self.choices if c.name == name), None)


def media_folder(workbook: Path) -> Path:
    """Where an XLSForm's recordings are kept: `<name>-media/` beside it (the ODK habit)."""
    return workbook.with_name(f"{workbook.stem}-media")


def place_media(workbook: Path, converted: Converted, forms_dir: Path, folder: str = "") -> None:
    """Copy the recordings a converted workbook names from its media folder to where the form
    file looks for them (`audio/<form id>/` beside it); a missing one is then reported by the
    form's own check. Only plain file names are copied: a workbook never chooses a path."""
    from survey_app.forms.audio import FILE_PATTERN, audio_folder

    source = media_folder(workbook)
    target = audio_folder(
        forms_dir / f"{folder or converted.form_id}.yaml", folder or converted.form_id
    )
    for name in converted.media:
        found = source / name
        if FILE_PATTERN.fullmatch(name) and found.is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, target / name)


def convert_file(path: Path) -> Converted:
    """Read and convert one .xlsx XLSForm (WorkbookError when it is not a workbook)."""
    return convert(read_workbook(path))


def convert(book: Workbook) -> Converted:
    """Convert a read workbook (see module docstring)."""
    return _Converter(book).run()


def _texts(row: Row, base: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """A text per language from `base::Language (code)` (or `base_<lang>` for app_ columns),
    with female/male variants from `app_<base>_<addressee>::...` or `..._<lang>`."""
    texts = {k: v for k, v in row.translations(base).items() if k in LANGUAGES}
    variants: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        if base.startswith("app_") and row.get(f"{base}_{lang}"):
            texts[lang] = row.get(f"{base}_{lang}")
        for addressee in ADDRESSEES:
            name = f"app_{base}_{addressee}"
            value = row.translations(name).get(lang) or row.get(f"{name}_{lang}")
            if value:
                variants.setdefault(lang, {})[addressee] = value
    return texts, variants


class _Converter:
    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.out = Emitter()
        self.notes: list[Note] = []
        self.lists: dict[str, _List] = {}
        self.item_lists: dict[str, str] = {}  # item name -> list name (for expression codes)

    def note(self, sheet: str, row: int, message: str, error: bool = True) -> None:
        self.notes.append(Note(sheet, row, message, error))

    # -- workbook level -------------------------------------------------------------------

    def run(self) -> Converted:
        self._check_columns()
        self._read_choices()
        settings = self.book.settings[0] if self.book.settings else Row(SETTINGS, 2)
        form_id = settings.get("form_id") or Path(self.book.path).stem.lower()
        self._settings(settings, form_id)
        rows = self._survey_rows()
        used = self._used_lists(rows)
        self._scales(used, rows)
        self._items(rows, used)
        media = self._audio(settings, rows, used)
        return Converted(form_id, self.out.text, self.out.origins, self.notes, media)

    # -- recorded readings ----------------------------------------------------------------

    def _audio(self, settings: Row, rows: list[tuple[str, str, Row]], used: dict) -> list[str]:
        """The `audio:` section from audio::Language (code) cells and app_audio_* settings."""
        origin = (SETTINGS, settings.number)
        lines: list[tuple[str, Origin]] = []
        names: list[str] = []

        def add(indent: int, key: str, texts: dict, variants: dict, where: Origin) -> None:
            parts = []
            for lang in LANGUAGES:
                if variants.get(lang):
                    inner = ", ".join(f"{k}: {_q(v)}" for k, v in sorted(variants[lang].items()))
                    parts.append(f"{lang}: {{{inner}}}")
                    names.extend(variants[lang].values())
                elif texts.get(lang):
                    parts.append(f"{lang}: {_q(texts[lang])}")
                    names.append(texts[lang])
            if parts:
                lines.append((f"{' ' * indent}{key}: {{{', '.join(parts)}}}", where))

        texts, variants = self._setting_texts(settings, "audio_instructions")
        add(2, "instructions", texts, variants, origin)
        items: list[tuple[str, Origin]] = []
        for kind, argument, row in rows:
            if kind in ("begin_group", "end_group"):
                continue
            where = (SURVEY, row.number)
            before = len(lines)
            add(6, "text", *_texts(row, "audio"), where)
            entry = self.lists.get(argument) if kind.startswith("select_") else None
            if entry is not None and self._inline(argument, used):
                start = len(lines)
                for choice in entry.choices:
                    add(8, str(choice.code), *_texts(choice.row, "audio"),
                        (CHOICES, choice.row.number))  # fmt: skip
                if len(lines) > start:
                    lines.insert(start, ("      options:", where))
            if len(lines) > before:
                lines.insert(before, (f"    {_yaml_key(row.get('name'))}:", where))
                items.append(lines[before])
        if items:
            first = next(i for i, line in enumerate(lines) if line is items[0])
            lines.insert(first, ("  items:", origin))
        scale_lines: list[tuple[str, Origin]] = []
        for name, entry in self.lists.items():
            if not used.get(name) or self._inline(name, used):
                continue
            start = len(lines)
            for choice in entry.choices:
                add(6, str(choice.code), *_texts(choice.row, "audio"), (CHOICES, choice.row.number))
            if len(lines) > start:
                scale_lines.append((f"    {_yaml_key(name)}:", origin))
                scale_lines.extend(lines[start:])
                del lines[start:]
        if scale_lines:
            lines.append(("  scales:", origin))
            lines.extend(scale_lines)
        statuses = []
        for lang in LANGUAGES:
            status = settings.get(f"app_audio_status_{lang}")
            if not status:
                continue
            fields = [f"status: {_q(status)}"]
            for key in ("recorded_by", "note"):
                if settings.get(f"app_audio_{key}_{lang}"):
                    fields.append(f"{key}: {_q(settings.get(f'app_audio_{key}_{lang}'))}")
            statuses.append((f"    {lang}: {{{', '.join(fields)}}}", origin))
        if not lines and not statuses:
            return []
        self.out.line("audio:", origin)
        if statuses:
            self.out.line("  languages:", origin)
        for text, where in statuses + lines:
            self.out.line(text, where)
        return sorted(set(names))

    def _check_columns(self) -> None:
        for sheet, columns in self.book.headers.items():
            for column in columns:
                if column.language and column.language.startswith("?"):
                    self.note(sheet, 1, f"column '{column.raw}': unknown language", True)
                elif column.language and column.language not in LANGUAGES:
                    self.note(
                        sheet,
                        1,
                        f"column '{column.raw}': language '{column.language}' is not one of "
                        f"{', '.join(LANGUAGES)}; its texts are not imported",
                    )
                if column.language and column.base in LOGIC_COLUMNS:
                    self.note(
                        sheet,
                        1,
                        f"column '{column.raw}': logic belongs to the form, not to a language; "
                        f"write one '{column.base}' column (this one is not imported)",
                    )
                recording = column.base == "audio" and column.language in LANGUAGES
                if recording:
                    continue  # recorded readings per language (docs/xlsform.md)
                if column.base in MEDIA_COLUMNS or column.base.startswith("media::"):
                    self.note(sheet, 1, f"column '{column.raw}': media are not imported")
        for name in self.book.other_sheets:
            if name not in ("external_choices", "entities"):
                continue
            self.note(name, 1, f"sheet '{name}' is not supported and was not imported")

    def _read_choices(self) -> None:
        for row in self.book.choices:
            list_name = row.get("list_name")
            name = row.get("name")
            if not list_name or not name:
                self.note(CHOICES, row.number, "a choice needs list_name and name")
                continue
            texts, variants = _texts(row, "label")
            entry = self.lists.setdefault(list_name, _List(list_name))
            code = int(name) if re.fullmatch(r"-?[0-9]+", name) else None
            entry.choices.append(
                _Choice(name, code if code is not None else 0, texts, variants,
                        row.get("app_anchor"), row)
            )  # fmt: skip
            if row.get("image") or row.get("audio") or row.get("video"):
                self.note(CHOICES, row.number, "choice media are not imported")
        for entry in self.lists.values():
            if any(not re.fullmatch(r"-?[0-9]+", c.name) for c in entry.choices):
                entry.mapped = True
                for index, choice in enumerate(entry.choices, start=1):
                    choice.code = index
                pairs = ", ".join(f"{c.code}={c.name}" for c in entry.choices)
                self.note(
                    CHOICES,
                    entry.choices[0].row.number,
                    f"list '{entry.name}': choice names are not numbers; stored codes are "
                    f"{pairs} (expressions comparing with these names are rewritten)",
                    error=False,
                )

    def _settings(self, row: Row, form_id: str) -> None:
        origin = (SETTINGS, row.number)
        out = self.out
        out.scalar(0, "id", form_id, origin)
        out.scalar(0, "kind", row.get("app_kind") or "instrument", origin)
        out.scalar(0, "version", row.get("version") or "1", origin)
        for key in ("prefix", "source", "licence"):
            if row.get(f"app_{key}"):
                out.scalar(0, key, row.get(f"app_{key}"), origin)
        out.line("languages:", origin)
        for lang in LANGUAGES:
            status = row.get(f"app_status_{lang}") or "draft"
            note = row.get(f"app_note_{lang}")
            text = f"{{status: {status}" + (f", note: {_q(note)}" if note else "") + "}"
            out.line(f"  {lang}: {text}", origin)
        default = next(iter(_default(row)), None)
        for key in ("title", "instructions", "recall_period"):
            texts, variants = self._setting_texts(row, key)
            if key == "title" and row.get("form_title"):
                texts.setdefault(default or "en", row.get("form_title"))
            out.local_text(0, key, texts, variants, origin)

    @staticmethod
    def _setting_texts(row: Row, key: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        texts = {lang: row.get(f"app_{key}_{lang}") for lang in LANGUAGES}
        variants: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            for addressee in ADDRESSEES:
                value = row.get(f"app_{key}_{lang}_{addressee}")
                if value:
                    variants.setdefault(lang, {})[addressee] = value
        return {k: v for k, v in texts.items() if v}, variants

    # -- survey rows ----------------------------------------------------------------------

    def _survey_rows(self) -> list[tuple[str, str, Row]]:
        """(kind, argument, row) for every convertible row; the rest is reported."""
        out: list[tuple[str, str, Row]] = []
        repeat_depth = 0
        for row in self.book.survey:
            kind, argument = _type(row.get("type"))
            if kind in ("begin_repeat", "end_repeat"):
                if kind == "begin_repeat":
                    if repeat_depth == 0:
                        self.note(SURVEY, row.number, "repeats are not supported: this repeat "
                                  "and every row in it are not converted")  # fmt: skip
                    repeat_depth += 1
                else:
                    repeat_depth = max(0, repeat_depth - 1)
                continue
            if repeat_depth:
                continue
            if not kind:
                self.note(SURVEY, row.number, "a row without a type is not converted")
                continue
            if kind in ("select_one", "select_multiple"):
                if argument.endswith(" or_other"):
                    self.note(SURVEY, row.number, "'or_other' is not supported: add an "
                              "'Other' option and a text question with relevant")  # fmt: skip
                    argument = argument[: -len(" or_other")]
                if argument not in self.lists:
                    self.note(SURVEY, row.number, f"no choice list '{argument}' in choices")
                    continue
                self.item_lists[row.get("name")] = argument
            elif kind in METADATA:
                self.note(SURVEY, row.number, f"metadata '{kind}' is not converted (the app "
                          "records its own session times and device)", error=False)  # fmt: skip
                continue
            elif kind in NOT_SUPPORTED:
                self.note(SURVEY, row.number, f"type '{kind}': {NOT_SUPPORTED[kind]}; "
                          "the row is not converted")  # fmt: skip
                continue
            elif kind not in SUPPORTED and kind not in ("begin_group", "end_group"):
                self.note(SURVEY, row.number, f"unknown type '{row.get('type')}': not converted")
                continue
            if row.get("choice_filter") and kind not in ("select_one", "select_multiple"):
                self.note(SURVEY, row.number, "choice_filter applies only to select_one and "
                          "select_multiple rows; not converted")  # fmt: skip
            for column in ("required_message", "readonly"):
                if row.get(column) and kind not in ("begin_group", "end_group"):
                    self.note(SURVEY, row.number, f"column '{column}' is not supported and "
                              "was not converted")  # fmt: skip
            if row.get("image") or row.get("audio") or row.get("video"):
                self.note(SURVEY, row.number, "media are not imported")
            out.append((kind, argument, row))
        return out

    def _used_lists(self, rows: list[tuple[str, str, Row]]) -> dict[str, list[str]]:
        used: dict[str, list[str]] = {}
        for kind, argument, row in rows:
            if kind in ("select_one", "select_multiple") and row.get("app_type") != "consent":
                used.setdefault(argument, []).append(row.get("name"))
            elif kind == "range" and row.get("app_scale"):
                used.setdefault(row.get("app_scale"), []).append(row.get("name"))
        return used

    def _inline(self, list_name: str, used: dict[str, list[str]]) -> bool:
        """An item's own option list: named `<item>_options`, or codes with gaps (a named
        scale must cover min..max, so a list like 1, 2, 9 stays with its items)."""
        users = used.get(list_name, [])
        if len(users) == 1 and list_name == f"{users[0]}_options":
            return True
        entry = self.lists.get(list_name)
        if entry is None or not users or any(c.anchor for c in entry.choices):
            return False
        codes = sorted(c.code for c in entry.choices)
        return codes != list(range(codes[0], codes[0] + len(codes)))

    def _scales(self, used: dict[str, list[str]], rows: list[tuple[str, str, Row]]) -> None:
        named = [
            entry
            for name, entry in self.lists.items()
            if not self._inline(name, used) and name != "app_consent"
        ]
        ranges = [r for kind, _, r in rows if kind == "range" and not r.get("app_scale")]
        if not named and not ranges:
            return
        self.out.line("scales:", (CHOICES, 1))
        for row in ranges:
            # A plain ODK range: a scale of its own from its parameters, drawn as a VAS.
            params = dict(re.findall(r"(\w+)\s*=\s*(-?[0-9.]+)", row.get("parameters")))
            if params.get("step", "1") not in ("1", "1.0"):
                self.note(SURVEY, row.number, "range step other than 1 is not supported")
            origin = (SURVEY, row.number)
            start, end = params.get("start", "0"), params.get("end", "10")
            self.out.line(f"  {_yaml_key(row.get('name') + '_range')}:", origin)
            self.out.line(f"    min: {_q(start)}", origin)
            self.out.line(f"    max: {_q(end)}", origin)
        for entry in named:
            origin = (CHOICES, entry.choices[0].row.number)
            codes = [c.code for c in entry.choices]
            self.out.line(f"  {_yaml_key(entry.name)}:", origin)
            anchors = {c.anchor: c for c in entry.choices if c.anchor in ("low", "high")}
            labelled = [
                c for c in anchors.values() if _texts(c.row, "app_anchor_label") != ({}, {})
            ]
            if labelled:
                self.out.line(f"    min: {min(codes)}", origin)
                self.out.line(f"    max: {max(codes)}", origin)
                for key, choice in (
                    ("anchor_low", anchors.get("low")),
                    ("anchor_high", anchors.get("high")),
                ):
                    if choice is not None:
                        texts, variants = _texts(choice.row, "app_anchor_label")
                        self.out.local_text(4, key, texts, variants, (CHOICES, choice.row.number))
                self._option_blocks(4, "labels", entry)
                continue
            if anchors:
                low, high = anchors.get("low"), anchors.get("high")
                self.out.line(f"    min: {low.code if low else min(codes)}", origin)
                self.out.line(f"    max: {high.code if high else max(codes)}", origin)
                for key, choice in (("anchor_low", low), ("anchor_high", high)):
                    if choice is not None:
                        self.out.local_text(
                            4, key, choice.texts, choice.variants, (CHOICES, choice.row.number)
                        )
                continue
            self.out.line(f"    min: {min(codes)}", origin)
            self.out.line(f"    max: {max(codes)}", origin)
            self._option_blocks(4, "labels", entry)

    def _option_blocks(self, indent: int, key: str, entry: _List) -> None:
        origin = (CHOICES, entry.choices[0].row.number)
        self.out.line(f"{' ' * indent}{key}:", origin)
        for lang in LANGUAGES:
            present = [c for c in entry.choices if lang in c.texts or lang in c.variants]
            if not present:
                continue
            self.out.line(f"{' ' * (indent + 2)}{lang}:", origin)
            for choice in present:
                where = (CHOICES, choice.row.number)
                pad = " " * (indent + 4)
                if lang in choice.variants:
                    inner = ", ".join(
                        f"{k}: {_q(v)}" for k, v in sorted(choice.variants[lang].items())
                    )
                    self.out.line(f"{pad}{choice.code}: {{{inner}}}", where)
                else:
                    self.out.line(f"{pad}{choice.code}: {_q(choice.texts[lang])}", where)

    # -- items ----------------------------------------------------------------------------

    def _items(self, rows: list[tuple[str, str, Row]], used: dict[str, list[str]]) -> None:
        self.out.line("items:", (SURVEY, 1))
        depth = 0
        for kind, argument, row in rows:
            indent = 2 + 4 * depth
            origin = (SURVEY, row.number)
            if kind == "begin_group":
                self._section(row, indent)
                depth += 1
                continue
            if kind == "end_group":
                if depth == 0:
                    self.note(SURVEY, row.number, "end_group without begin_group")
                depth = max(0, depth - 1)
                continue
            self._item(kind, argument, row, indent, used, origin)
        if depth:
            self.note(SURVEY, len(self.book.survey) + 1, "a group is not closed (end_group)")

    def _section(self, row: Row, indent: int) -> None:
        origin = (SURVEY, row.number)
        pad = " " * indent
        self.out.line(f"{pad}- section: {_q(row.get('name'))}", origin)
        texts, variants = _texts(row, "label")
        self.out.local_text(indent + 2, "title", texts, variants, origin)
        self._expression(indent + 2, "relevant", row)
        self.out.line(f"{pad}  items:", origin)

    def _item(
        self, kind: str, argument: str, row: Row, indent: int, used: dict, origin: Origin
    ) -> None:
        pad = " " * (indent + 2)
        out = self.out
        out.line(f"{' ' * indent}- id: {_q(row.get('name'))}", origin)
        item_type = _item_type(kind, row)
        out.line(f"{pad}type: {item_type}", origin)
        if kind in ("select_one", "select_multiple") and item_type != "consent":
            if self._inline(argument, used):
                self._option_blocks(indent + 2, "options", self.lists[argument])
            else:
                out.line(f"{pad}scale: {_q(argument)}", origin)
        if kind == "range":
            self._range(row, pad, origin, argument)
        for key in ("label", "group"):
            if row.get(f"app_{key}"):
                out.scalar(indent + 2, key, row.get(f"app_{key}"), origin)
        for key in ("allow_decline", "free_text"):
            value = row.get(f"app_{key}")
            if key == "allow_decline" and not value and item_type in DECLINABLE:
                value = "yes"  # declining must always be possible; XLSForm has no word for it
            if value:
                out.line(f"{pad}{key}: {_boolean(value)}", origin)
        for key in ("min", "max", "max_length", "decimals"):
            if row.get(f"app_{key}"):
                out.line(f"{pad}{key}: {_q(row.get(f'app_{key}'))}", origin)
        self._required(row, pad, origin)
        if kind in ("select_one", "select_multiple") and row.get("choice_filter"):
            self._choice_filter(row, argument, indent + 2)
        self._expression(indent + 2, "relevant", row)
        self._constraint(row, indent + 2)
        if item_type == "calculate":
            self._expression(indent + 2, "calculation", row, key="calculate")
            if row.get("app_result"):
                out.line(f"{pad}result: {row.get('app_result')}", origin)
        if row.get("default"):
            out.scalar(indent + 2, "default", row.get("default"), origin)
        texts, variants = _texts(row, "label")
        out.local_text(indent + 2, "text", texts, variants, origin)
        texts, variants = _texts(row, "hint")
        out.local_text(indent + 2, "help", texts, variants, origin)

    def _choice_filter(self, row: Row, argument: str, indent: int) -> None:
        """An XLSForm choice_filter becomes one condition per option: the choices columns it
        names (bare names: `country`, `name`, `filter`) are replaced by each choice's cell and
        what is then known is worked out, so `country = ${country}` gives, for a choice whose
        `country` is 'syria', the condition `'syria' = ${country}` (codes rewritten)."""
        origin = (SURVEY, row.number)
        text = row.get("choice_filter")
        try:
            tree = parse(mark_columns(text)).tree
        except ExpressionError as exc:
            self.note(SURVEY, row.number, f"choice_filter: {exc}; not converted")
            return
        columns = {c.base for c in self.book.headers.get(CHOICES, [])} | {"name"}
        unknown = sorted(
            {n.name for n in walk(tree) if isinstance(n, Call) and n.name not in FUNCTIONS}
        )
        if unknown:
            names = ", ".join(f"{name}()" for name in unknown)
            self.note(SURVEY, row.number, f"choice_filter uses {names}, which this app does "
                      "not have; not converted (every option is offered)")  # fmt: skip
            return
        named = [r.removeprefix(COLUMN_REF) for r in refs(tree) if r.startswith(COLUMN_REF)]
        missing = sorted(name for name in named if name not in columns)
        if missing:
            self.note(SURVEY, row.number, f"choice_filter uses {', '.join(missing)}, which "
                      "the choices sheet has no column for; not converted")  # fmt: skip
            return
        lines: list[tuple[str, Origin]] = []
        for choice in self.lists[argument].choices:
            if choice.anchor:
                continue
            node = fold(_with_choice(tree, choice))
            if _constant(node) is True:
                continue  # always offered
            condition = unparse(self._codes(node, row))
            lines.append((f"{choice.code}: {_q(condition)}", (CHOICES, choice.row.number)))
        if not lines:
            return
        self.out.line(f"{' ' * indent}choice_filter:", origin)
        for line, where in lines:
            self.out.line(f"{' ' * (indent + 2)}{line}", where)

    def _range(self, row: Row, pad: str, origin: Origin, argument: str) -> None:
        scale = row.get("app_scale") or f"{row.get('name')}_range"
        self.out.line(f"{pad}scale: {_q(scale)}", origin)

    def _required(self, row: Row, pad: str, origin: Origin) -> None:
        value = row.get("required")
        if not value:
            return
        lowered = value.strip().lower()
        if lowered in ("yes", "true", "true()", "1"):
            self.out.line(f"{pad}required: true", origin)
        elif lowered in ("no", "false", "false()", "0"):
            return
        else:
            self.out.scalar(len(pad), "required", self._rewrite(value, row), origin)

    def _expression(self, indent: int, column: str, row: Row, key: str | None = None) -> None:
        value = row.get(column)
        if value:
            self.out.scalar(indent, key or column, self._rewrite(value, row), (SURVEY, row.number))

    def _constraint(self, row: Row, indent: int) -> None:
        value = row.get("constraint")
        origin = (SURVEY, row.number)
        if not value:
            return
        text = self._rewrite(value, row)
        lo, hi = row.get("app_min"), row.get("app_max")
        if lo or hi:
            text = _without_range(text, lo, hi)
        if text:
            self.out.scalar(indent, "constraint", text, origin)
            texts, variants = _texts(row, "constraint_message")
            self.out.local_text(indent, "constraint_message", texts, variants, origin)

    def _rewrite(self, text: str, row: Row) -> str:
        """Replace choice names compared with choice items by their codes (mapped lists)."""
        if not any(self.lists[name].mapped for name in self.item_lists.values()):
            return text
        try:
            expression = parse(text)
        except ExpressionError:
            return text  # check-forms reports the syntax error at this row
        return unparse(self._codes(expression.tree, row))

    def _codes(self, node: Node, row: Row) -> Node:
        if isinstance(node, Binary):
            left, right = self._codes(node.left, row), self._codes(node.right, row)
            if node.op in ("=", "!="):
                left, right = self._code_pair(left, right, row), self._code_pair(right, left, row)
            return Binary(node.op, left, right, node.pos)
        if isinstance(node, Negate):
            return Negate(self._codes(node.operand, row), node.pos)
        if isinstance(node, Call):
            args = tuple(self._codes(a, row) for a in node.args)
            if node.name == "selected" and len(args) == 2:
                coded = self._code_pair(args[1], args[0], row)
                if isinstance(coded, Number):
                    coded = String(str(int(coded.value)), coded.pos)
                args = (args[0], coded)
            return Call(node.name, args, node.pos)
        return node

    def _code_pair(self, literal: Node, ref: Node, row: Row) -> Node:
        if not isinstance(literal, String) or not isinstance(ref, Ref):
            return literal
        entry = self.lists.get(self.item_lists.get(ref.name, ""))
        if entry is None or not entry.mapped:
            return literal
        code = entry.code(literal.value)
        if code is None:
            self.note(SURVEY, row.number, f"'{literal.value}' is not a choice of "
                      f"${{{ref.name}}} (list '{entry.name}')")  # fmt: skip
            return literal
        return Number(float(code), literal.pos)


def _type(text: str) -> tuple[str, str]:
    words = " ".join(text.split()).lower()
    for prefix, kind in (
        ("select_one ", "select_one"),
        ("select one ", "select_one"),
        ("select_multiple ", "select_multiple"),
        ("select multiple ", "select_multiple"),
        ("select all that apply ", "select_multiple"),
    ):
        if words.startswith(prefix):
            return kind, " ".join(text.split())[len(prefix) :]
    aliases = {
        "begin group": "begin_group",
        "end group": "end_group",
        "begin repeat": "begin_repeat",
        "end repeat": "end_repeat",
        "int": "integer",
        "string": "text",
        "select_one_from_file": "select_one_from_file",
    }
    if words.startswith(("select_one_from_file", "select_multiple_from_file")):
        return "select_from_file", ""
    return aliases.get(words, words), ""


def _item_type(kind: str, row: Row) -> str:
    app_type = row.get("app_type")
    if kind == "select_one":
        return "consent" if app_type == "consent" else "single_choice"
    if kind == "select_multiple":
        return "multiple_choice"
    if kind == "range":
        return app_type if app_type in ("ladder", "vas") else "vas"
    return kind


def _without_range(text: str, lo: str, hi: str) -> str:
    """Drop the range the exporter put in front of a constraint (app_min/app_max keep it)."""
    try:
        tree = parse(text).tree
    except ExpressionError:
        return text
    expected = range_expression(lo, hi)
    if unparse(tree) == expected:
        return ""
    if isinstance(tree, Binary) and tree.op == "and" and unparse(tree.left) == expected:
        return unparse(tree.right)
    return text


def range_expression(lo: str, hi: str) -> str:
    """The constraint an integer's min/max reads as in XLSForm (`. >= 18 and . <= 99`)."""
    parts = []
    if lo:
        parts.append(f". >= {lo}")
    if hi:
        parts.append(f". <= {hi}")
    return " and ".join(parts)


def _default(row: Row) -> list[str]:
    from survey_app.forms.xlsform.sheets import language_code

    value = row.get("default_language")
    code = language_code(value) if value else None
    return [code] if code else []


def _boolean(value: str) -> str:
    return "true" if value.strip().lower() in ("yes", "true", "true()", "1") else "false"


def _q(text: str) -> str:
    from survey_app.forms.xlsform.emit import quoted

    return quoted(text)


def _yaml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else _q(name)


# -- choice_filter --------------------------------------------------------------------------

# Names as in XPath: a hyphen between letters belongs to the name (`starts-with`, `sub-region`).
_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*"
_TOKEN = re.compile(rf"""'[^']*'|"[^"]*"|\$\{{[^}}]*\}}|{_NAME}|.""", re.S)
_KEYWORDS = frozenset({"and", "or", "div", "mod"})
COLUMN_REF = "__col__"
TRUE, FALSE = Call("true", (), 0), Call("false", (), 0)


def mark_columns(text: str) -> str:
    """Write the bare names of a choice_filter (choices columns) as `${__col__name}` references
    (no item id starts with '_', so they never meet an item)."""
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        is_name = re.fullmatch(_NAME, token) is not None
        if is_name and token not in _KEYWORDS and not re.match(r"\s*\(", text[match.end() :]):
            out.append(f"${{{COLUMN_REF}{token}}}")
        else:
            out.append(token)
    return "".join(out)


def _with_choice(node: Node, choice: _Choice) -> Node:
    """The filter with a choice's cells in place of its column references."""
    if isinstance(node, Ref) and node.name.startswith(COLUMN_REF):
        column = node.name.removeprefix(COLUMN_REF)
        value = choice.name if column == "name" else choice.row.get(column)
        return String(value, node.pos)
    if isinstance(node, Binary):
        return Binary(node.op, _with_choice(node.left, choice), _with_choice(node.right, choice),
                      node.pos)  # fmt: skip
    if isinstance(node, Negate):
        return Negate(_with_choice(node.operand, choice), node.pos)
    if isinstance(node, Call):
        return Call(node.name, tuple(_with_choice(a, choice) for a in node.args), node.pos)
    return node


def _constant(node: Node) -> bool | None:
    if isinstance(node, Call) and node.name == "true" and not node.args:
        return True
    if isinstance(node, Call) and node.name == "false" and not node.args:
        return False
    return None


def _literal_value(node: Node) -> str | float | None:
    if isinstance(node, String):
        return node.value
    if isinstance(node, Number):
        return node.value
    return None


def fold(node: Node) -> Node:
    """Work out what a filter with its choice's cells filled in already decides (XPath rules:
    compared as numbers when either side is a number, else as text)."""
    if isinstance(node, Binary):
        left, right = fold(node.left), fold(node.right)
        if node.op in ("and", "or"):
            first, second = _constant(left), _constant(right)
            decisive = node.op == "or"
            if first is decisive or second is decisive:
                return TRUE if decisive else FALSE
            if first is not None:
                return right
            if second is not None:
                return left
        elif node.op in ("=", "!="):
            a, b = _literal_value(left), _literal_value(right)
            if a is not None and b is not None:
                if isinstance(a, float) or isinstance(b, float):
                    same = to_number(a) == to_number(b)
                else:
                    same = a == b
                return TRUE if same == (node.op == "=") else FALSE
        return Binary(node.op, left, right, node.pos)
    if isinstance(node, Call):
        args = tuple(fold(a) for a in node.args)
        if node.name == "not" and len(args) == 1 and _constant(args[0]) is not None:
            return FALSE if _constant(args[0]) else TRUE
        return Call(node.name, args, node.pos)
    if isinstance(node, Negate):
        return Negate(fold(node.operand), node.pos)
    return node
