"""Write a form as an XLSForm that pyxform converts to an XForm, and that imports back exactly.

What XLSForm has words for goes into its own columns (type, name, label::Language (code), hint,
relevant, required, constraint, constraint_message, calculation, default, parameters, groups,
choices, settings); the rest into `app_*` columns, which pyxform ignores (docs/xlsform.md).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from survey_app.forms.audio import AudioText
from survey_app.forms.model import (
    LANGUAGES,
    SCALED_TYPES,
    Form,
    Item,
    ItemType,
    LocalText,
    Scale,
    Section,
)
from survey_app.forms.xlsform.importer import ADDRESSEES, media_folder, range_expression
from survey_app.forms.xlsform.sheets import LANGUAGE_LABELS

DEFAULT_LANGUAGE = "en"
CONSENT_LIST = "app_consent"
CONSENT_LABELS = {
    "nb": {1: "Ja", 0: "Nei"},
    "en": {1: "Yes", 0: "No"},
    "ar": {1: "نعم", 0: "لا"},
}
_TYPES = {
    ItemType.INTEGER: "integer",
    ItemType.DECIMAL: "decimal",
    ItemType.TEXT: "text",
    ItemType.DATE: "date",
    ItemType.NOTE: "note",
    ItemType.CALCULATE: "calculate",
    ItemType.LADDER: "range",
    ItemType.VAS: "range",
}

Row = dict[str, str]


def _lang(column: str, language: str) -> str:
    return f"{column}::{LANGUAGE_LABELS[language]}"


def _text_cells(row: Row, column: str, text: LocalText | None, plain: bool = False) -> None:
    """label::Language (code) per language, and app_<column>_female/_male for variants.

    `plain`: extension columns named `app_<column>_<addressee>_<lang>` (the choices sheet,
    where pyxform accepts `::Language` only on its own columns).
    """
    if text is None:
        return
    extension = column.startswith("app_")
    for lang in LANGUAGES:
        if text.texts.get(lang):
            name = f"{column}_{lang}" if plain and extension else _lang(column, lang)
            row[name] = text.texts[lang]
        for addressee, value in (text.variants.get(lang) or {}).items():
            base = f"app_{column}_{addressee}"
            row[f"{base}_{lang}" if plain else _lang(base, lang)] = value


def _audio_cells(row: Row, audio: AudioText | None, plain: bool = False) -> None:
    """audio::Language (code) per language (file names), app_audio_<addressee> for variants."""
    if audio is None:
        return
    for lang in LANGUAGES:
        found = audio.recordings.get(lang)
        if found is not None:
            row[_lang("audio", lang)] = Path(found.path).name
        for addressee, recording in (audio.variants.get(lang) or {}).items():
            base = f"app_audio_{addressee}"
            row[f"{base}_{lang}" if plain else _lang(base, lang)] = Path(recording.path).name


def _setting_texts(row: Row, key: str, text: LocalText | None) -> None:
    if text is None:
        return
    for lang in LANGUAGES:
        if text.texts.get(lang):
            row[f"app_{key}_{lang}"] = text.texts[lang]
        for addressee, value in (text.variants.get(lang) or {}).items():
            row[f"app_{key}_{lang}_{addressee}"] = value


def _list_name(item: Item) -> str:
    assert item.scale is not None
    return item.scale.id


def _item_row(form: Form, item: Item) -> Row:
    row: Row = {"name": item.id}
    if item.type is ItemType.SINGLE_CHOICE:
        row["type"] = f"select_one {_list_name(item)}"
    elif item.type is ItemType.MULTIPLE_CHOICE:
        row["type"] = f"select_multiple {_list_name(item)}"
    elif item.type is ItemType.CONSENT:
        row["type"] = f"select_one {CONSENT_LIST}"
        row["app_type"] = "consent"
    else:
        row["type"] = _TYPES[item.type]
    if item.type in SCALED_TYPES and item.scale is not None:
        row["app_type"] = str(item.type)
        row["app_scale"] = item.scale.id
        row["parameters"] = f"start={item.scale.min} end={item.scale.max} step=1"
    _text_cells(row, "label", item.text if item.text.texts or item.text.variants else None)
    _text_cells(row, "hint", item.help)
    if form.audio is not None:
        _audio_cells(row, form.audio.items.get(item.id))
    if item.label:
        row["app_label"] = item.label
    if item.group:
        row["app_group"] = item.group
    if item.answerable and item.type is not ItemType.CONSENT:
        row["app_allow_decline"] = "yes" if item.allow_decline else "no"
    if item.free_text:
        row["app_free_text"] = "yes"
    if item.max_length is not None:
        row["app_max_length"] = str(item.max_length)
    if item.decimals is not None:
        row["app_decimals"] = str(item.decimals)
    logic = item.logic
    if item.required:
        row["required"] = "yes"
    elif logic.required is not None:
        row["required"] = logic.required.canonical
    if logic.relevant is not None:
        row["relevant"] = logic.relevant.canonical
    if logic.choice_filter and item.scale is not None:
        row["choice_filter"] = choice_filter_cell(item)
    _constraint(row, item)
    if logic.calculate is not None:
        row["calculation"] = logic.calculate.canonical
        row["app_result"] = str(logic.result) if logic.result else "number"
    if logic.default is not None:
        row["default"] = logic.default
    return row


def choice_filter_cell(item: Item) -> str:
    """One XLSForm choice_filter for per-option conditions, over the choice's `name` (its code):
    `(name = '1' and (${country} = 1)) or name = '4'`. The importer reads it back per option."""
    parts = []
    for code in item.scale.codes if item.scale is not None else ():
        condition = item.logic.option_condition(code)
        test = f"name = '{code}'"
        parts.append(f"({test} and ({condition.canonical}))" if condition else test)
    return " or ".join(parts)


def _constraint(row: Row, item: Item) -> None:
    """Integer limits become a constraint ODK enforces too, kept apart in app_min/app_max."""
    own = item.logic.constraint.canonical if item.logic.constraint else ""
    lo = "" if item.minimum is None else str(item.minimum)
    hi = "" if item.maximum is None else str(item.maximum)
    if lo:
        row["app_min"] = lo
    if hi:
        row["app_max"] = hi
    limits = range_expression(lo, hi)
    if limits and own:
        row["constraint"] = f"{limits} and ({own})"
    elif limits or own:
        row["constraint"] = limits or own
    _text_cells(row, "constraint_message", item.logic.constraint_message)


def _section_rows(form: Form, section: Section) -> Row:
    row: Row = {"type": "begin_group", "name": section.id, "appearance": "field-list"}
    _text_cells(row, "label", section.title)
    if section.relevant is not None:
        row["relevant"] = section.relevant.canonical
    return row


def survey_rows(form: Form) -> list[Row]:
    """The survey sheet: items in order, sections as begin_group/end_group around theirs."""
    by_id = {s.id: s for s in form.sections}
    rows: list[Row] = []
    open_sections: list[str] = []
    for item in form.items:
        path = _path(item.section, by_id)
        while open_sections and open_sections[-1] not in path:
            open_sections.pop()
            rows.append({"type": "end_group"})
        for section_id in path[len(open_sections) :]:
            rows.append(_section_rows(form, by_id[section_id]))
            open_sections.append(section_id)
        rows.append(_item_row(form, item))
    rows += [{"type": "end_group"} for _ in open_sections]
    return rows


def _path(section_id: str | None, by_id: dict[str, Section]) -> list[str]:
    path: list[str] = []
    while section_id is not None and section_id in by_id and section_id not in path:
        path.insert(0, section_id)
        section_id = by_id[section_id].parent
    return path


def _scales(form: Form) -> list[Scale]:
    """Every scale: the form's named ones in order, then the inline option lists of items."""
    scales: list[Scale] = list(form.scales.values())
    seen = {s.id for s in scales}
    for item in form.items:
        if item.scale is not None and item.scale.id not in seen:
            scales.append(item.scale)
            seen.add(item.scale.id)
    return scales


def choice_rows(form: Form) -> list[Row]:
    """The choices sheet: one list per scale; ladder/VAS anchors as app_anchor low/high."""
    rows: list[Row] = []
    owners = {i.scale.id: i.id for i in form.items if i.scale and i.scale.id == f"{i.id}_options"}
    for scale in _scales(form):
        if scale.options:
            recorded = {}
            if form.audio is not None:
                owner = owners.get(scale.id)
                recorded = form.audio.options.get(owner, {}) if owner else {}
                recorded = recorded or form.audio.scales.get(scale.id, {})
            for option in scale.options:
                row: Row = {"list_name": scale.id, "name": str(option.code)}
                _text_cells(row, "label", option.label, plain=True)
                _audio_cells(row, recorded.get(option.code), plain=True)
                # Anchors beside option labels (a ladder with numbered rungs) ride on the end rows.
                for anchor, code, text in (
                    ("low", scale.min, scale.anchor_low),
                    ("high", scale.max, scale.anchor_high),
                ):
                    if text is not None and option.code == code:
                        row["app_anchor"] = anchor
                        _text_cells(row, "app_anchor_label", text, plain=True)
                rows.append(row)
            continue
        for anchor, code, text in (
            ("low", scale.min, scale.anchor_low),
            ("high", scale.max, scale.anchor_high),
        ):
            row = {"list_name": scale.id, "name": str(code), "app_anchor": anchor}
            _text_cells(row, "label", text, plain=True)
            rows.append(row)
    if any(i.type is ItemType.CONSENT for i in form.items):
        for code in (1, 0):
            row = {"list_name": CONSENT_LIST, "name": str(code)}
            for lang in LANGUAGES:
                row[_lang("label", lang)] = CONSENT_LABELS[lang][code]
            rows.append(row)
    return rows


def settings_row(form: Form) -> Row:
    """The settings sheet's one row; texts pyxform cannot translate go into app_* columns."""
    row: Row = {
        "form_id": form.id,
        "version": form.version,
        "form_title": form.title.get(DEFAULT_LANGUAGE),
        "default_language": LANGUAGE_LABELS[DEFAULT_LANGUAGE],
        "app_kind": form.kind,
    }
    for key, value in (("prefix", form.prefix), ("source", form.source), ("licence", form.licence)):
        if value:
            row[f"app_{key}"] = value
    for lang, info in form.languages.items():
        row[f"app_status_{lang}"] = str(info.status)
        if info.note:
            row[f"app_note_{lang}"] = info.note
    _setting_texts(row, "title", form.title)
    _setting_texts(row, "instructions", form.instructions)
    _setting_texts(row, "recall_period", form.recall_period)
    if form.audio is not None:
        for lang, info in form.audio.languages.items():
            row[f"app_audio_status_{lang}"] = info.status
            if info.recorded_by:
                row[f"app_audio_recorded_by_{lang}"] = info.recorded_by
            if info.note:
                row[f"app_audio_note_{lang}"] = info.note
        instructions = form.audio.instructions
        for lang in LANGUAGES:
            found = instructions.recordings.get(lang) if instructions else None
            if found is not None:
                row[f"app_audio_instructions_{lang}"] = Path(found.path).name
            for addressee, rec in (
                (instructions.variants.get(lang) if instructions else {}) or {}
            ).items():
                row[f"app_audio_instructions_{lang}_{addressee}"] = Path(rec.path).name
    return row


def _copy_recordings(form: Form, out: Path) -> None:
    """Copy every recording the form names into the workbook's media folder."""
    if form.audio is None:
        return
    paths = {r.path for r in _recordings(form)}
    if not paths:
        return
    folder = media_folder(out)
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(paths):
        shutil.copyfile(path, folder / Path(path).name)


def _recordings(form: Form):
    audio = form.audio
    texts = [audio.instructions] if audio.instructions is not None else []
    texts += list(audio.items.values())
    texts += [
        t for coded in (*audio.options.values(), *audio.scales.values()) for t in coded.values()
    ]
    for text in texts:
        yield from text.recordings.values()
        for by_addressee in text.variants.values():
            yield from by_addressee.values()


def _columns(rows: Iterable[Row], first: tuple[str, ...]) -> list[str]:
    columns = list(first)
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def export_form(form: Form, out: Path) -> None:
    """Write the form as an .xlsx XLSForm (survey, choices, settings) at `out`."""
    import openpyxl

    book = openpyxl.Workbook()
    sheets = (
        ("survey", survey_rows(form), ("type", "name", *(_lang("label", x) for x in LANGUAGES))),
        ("choices", choice_rows(form), ("list_name", "name")),
        ("settings", [settings_row(form)], ("form_id", "version", "form_title")),
    )
    for index, (title, rows, first) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet(title)
        sheet.title = title
        columns = _columns(rows, first)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c, "") or None for c in columns])
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    _copy_recordings(form, out)


__all__ = ["ADDRESSEES", "export_form", "media_folder"]
