"""Strict loading of one form definition file into the model, with located findings."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from survey_app.forms.audio import read_audio
from survey_app.forms.findings import Finding, FindingSink
from survey_app.forms.fingerprint import semantic_hash
from survey_app.forms.logic_loader import (
    LOGIC_KEYS,
    ExpressionEntry,
    read_expression,
    read_item_logic,
)
from survey_app.forms.model import (
    CHOICE_TYPES,
    LANGUAGES,
    SCALED_TYPES,
    Form,
    Item,
    ItemType,
    LanguageInfo,
    LocalText,
    Option,
    Scale,
    Section,
    TextStatus,
)
from survey_app.forms.signoff import read_signoff
from survey_app.forms.sources import (
    FormSource,
    NodeReader,
    OptionBlock,
    TextEntry,
    content_hash,
    open_source,
)
from survey_app.forms.textrules import bidi_problems, invisible_problems
from survey_app.forms.yamlsource import Node

__all__ = ["FormSource", "OptionBlock", "TextEntry", "content_hash", "load_form", "read_form"]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _read_options(
    reader: NodeReader, node: Node, where: str, lo: int | None, hi: int | None
) -> tuple[Option, ...]:
    """Read per-language `code: label` blocks; canonical order is the first language's."""
    if not node.is_map:
        reader.sink.error(node.line, f"{where}: expected option labels per language")
        return ()
    blocks: dict[str, Node] = node.value  # type: ignore[assignment]
    labels: dict[int, dict[str, str]] = {}
    variants: dict[int, dict[str, Mapping[str, str]]] = {}
    canonical: list[int] = []
    for language, block in blocks.items():
        if language not in LANGUAGES:
            reader.sink.error(block.line, f"{where}: unknown language '{language}'")
            continue
        if not block.is_map:
            reader.sink.error(block.line, f"{where} [{language}]: expected 'code: label' lines")
            continue
        codes: list[int] = []
        for code_text, label_node in block.value.items():  # type: ignore[union-attr]
            if not re.fullmatch(r"-?[0-9]+", code_text):
                reader.sink.error(
                    label_node.line,
                    f"{where} [{language}]: option code '{code_text}' is not a number",
                )
                continue
            code = int(code_text)
            if code in codes:
                reader.sink.error(label_node.line, f"{where} [{language}]: duplicate code {code}")
                continue
            codes.append(code)
            label, by_addressee = reader.addressed_text(
                label_node, f"{where} option {code}", language, code
            )
            labels.setdefault(code, {})[language] = label
            if by_addressee:
                variants.setdefault(code, {})[language] = by_addressee
        reader.source.option_blocks.append(
            OptionBlock(where, language, tuple(codes), block.line, lo, hi)
        )
        if not canonical:
            canonical = codes
    for language in LANGUAGES:
        if language not in blocks:
            reader.sink.error(node.line, f"{where}: no option labels for '{language}'")
    return tuple(
        Option(
            code,
            LocalText(MappingProxyType(labels[code]), MappingProxyType(variants.get(code, {}))),
        )
        for code in canonical
    )


def _read_scale(reader: NodeReader, scale_id: str, node: Node) -> Scale | None:
    where = f"scale '{scale_id}'"
    allowed = {"min", "max", "labels", "anchor_low", "anchor_high"}
    if not reader.keys(node, allowed, {"min", "max"}, where):
        return None
    m: dict[str, Node] = node.value  # type: ignore[assignment]
    lo = reader.integer(m.get("min"), f"{where} min")
    hi = reader.integer(m.get("max"), f"{where} max")
    if lo is None or hi is None:
        return None
    if lo >= hi:
        reader.sink.error(node.line, f"{where}: min {lo} must be below max {hi}")
        return None
    options = _read_options(reader, m["labels"], where, lo, hi) if "labels" in m else ()
    return Scale(
        id=scale_id,
        min=lo,
        max=hi,
        options=options,
        anchor_low=reader.local_text(m.get("anchor_low"), f"{where} anchor_low"),
        anchor_high=reader.local_text(m.get("anchor_high"), f"{where} anchor_high"),
    )


_ITEM_KEYS = {
    "id",
    "type",
    "scale",
    "options",
    "text",
    "help",
    "required",
    "allow_decline",
    "min",
    "max",
    "max_length",
    "decimals",
    "group",
    "label",
    "free_text",
    *LOGIC_KEYS,
}


def _read_item(
    reader: NodeReader,
    node: Node,
    index: int,
    scales: dict[str, Scale],
    section: str | None = None,
) -> Item | None:
    where = f"item {index + 1}"
    if not reader.keys(node, _ITEM_KEYS, {"id", "type"}, where):
        return None
    m: dict[str, Node] = node.value  # type: ignore[assignment]
    item_id = reader.text(m.get("id"), f"{where} id")
    if item_id:
        where = f"item '{item_id}'"
        if not ID_PATTERN.fullmatch(item_id):
            reader.sink.error(
                m["id"].line,
                f"{where}: id must be lowercase letters, digits and _ (max 32), "
                "starting with a letter",
            )
    if "type" not in m:
        return None  # reported by keys() as a missing required key
    type_text = reader.text(m.get("type"), f"{where} type")
    try:
        item_type = ItemType(type_text)
    except ValueError:
        known = ", ".join(t.value for t in ItemType)
        reader.sink.error(m["type"].line, f"{where}: unknown type '{type_text}' (known: {known})")
        return None
    if "text" not in m and item_type is not ItemType.CALCULATE:
        reader.sink.error(node.line, f"{where}: missing required key 'text'")
    if "text" in m and item_type is ItemType.CALCULATE:
        reader.sink.error(m["text"].line, f"{where}: a calculate item is never shown: no 'text'")
    scale: Scale | None = None
    if "scale" in m and "options" in m:
        reader.sink.error(node.line, f"{where}: give either 'scale' or 'options', not both")
    if "scale" in m:
        scale_id = reader.text(m["scale"], f"{where} scale")
        scale = scales.get(scale_id)
        if scale is None:
            reader.sink.error(m["scale"].line, f"{where}: unknown scale '{scale_id}'")
    elif "options" in m:
        options = _read_options(reader, m["options"], where, None, None)
        if options:
            codes = [o.code for o in options]
            scale = Scale(id=f"{item_id}_options", min=min(codes), max=max(codes), options=options)
    needs_scale = item_type in CHOICE_TYPES or item_type in SCALED_TYPES
    if needs_scale and scale is None and "scale" not in m and "options" not in m:
        reader.sink.error(node.line, f"{where}: a {item_type} item needs 'scale' or 'options'")
    if not needs_scale and ("scale" in m or "options" in m):
        reader.sink.error(node.line, f"{where}: a {item_type} item takes no options")
    if (
        item_type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE)
        and scale
        and not scale.options
    ):
        reader.sink.error(node.line, f"{where}: scale '{scale.id}' has no option labels")
    decimals = _decimals(reader, m, where, item_type)
    if item_type is ItemType.DECIMAL:
        minimum = _decimal_bound(reader, m.get("min"), f"{where} min")
        maximum = _decimal_bound(reader, m.get("max"), f"{where} max")
    else:
        minimum = reader.integer(m.get("min"), f"{where} min")
        maximum = reader.integer(m.get("max"), f"{where} max")
    numeric = (ItemType.INTEGER, ItemType.DECIMAL)
    if (minimum is not None or maximum is not None) and item_type not in numeric:
        reader.sink.error(node.line, f"{where}: min/max apply only to integer and decimal items")
    if minimum is not None and maximum is not None and minimum > maximum:
        reader.sink.error(node.line, f"{where}: min {minimum} is above max {maximum}")
    if decimals is not None:
        for name, limit in (("min", minimum), ("max", maximum)):
            if limit is not None and _places(limit) > decimals:
                reader.sink.error(
                    node.line, f"{where}: {name} {limit} has more than {decimals} decimals"
                )
    required, logic = read_item_logic(
        reader, m, where, item_id, item_type, reader.source.expressions, node.line
    )
    allow_decline = reader.boolean(m.get("allow_decline"), f"{where} allow_decline", False)
    if item_type is ItemType.NOTE and (required or allow_decline):
        reader.sink.error(node.line, f"{where}: a note cannot be required or declined")
    return Item(
        id=item_id,
        type=item_type,
        text=reader.local_text(m.get("text"), f"{where} text") or LocalText({}),
        line=node.line,
        required=required,
        allow_decline=allow_decline,
        scale=scale,
        minimum=minimum,
        maximum=maximum,
        max_length=reader.integer(m.get("max_length"), f"{where} max_length"),
        help=reader.local_text(m.get("help"), f"{where} help"),
        group=reader.text(m.get("group"), f"{where} group") or None,
        label=_label(reader, m.get("label"), f"{where} label"),
        free_text=reader.boolean(m.get("free_text"), f"{where} free_text", False),
        logic=logic,
        section=section,
        decimals=decimals,
    )


MAX_DECIMALS = 6


def _decimals(
    reader: NodeReader, m: dict[str, Node], where: str, item_type: ItemType
) -> int | None:
    """The `decimals` key of a decimal item: 1 to MAX_DECIMALS digits after the separator."""
    decimals = reader.integer(m.get("decimals"), f"{where} decimals")
    if decimals is None:
        return None
    if item_type is not ItemType.DECIMAL:
        reader.sink.error(m["decimals"].line, f"{where}: decimals apply only to decimal items")
        return None
    if not 1 <= decimals <= MAX_DECIMALS:
        reader.sink.error(m["decimals"].line, f"{where}: decimals must be from 1 to {MAX_DECIMALS}")
        return None
    return decimals


def _decimal_bound(reader: NodeReader, node: Node | None, where: str) -> int | float | None:
    """A min/max of a decimal item, written with a point ("0.5"); whole bounds stay ints."""
    if node is None:
        return None
    value = reader.text(node, where).strip()
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        reader.sink.error(node.line, f"{where}: '{value}' is not a number (write 2.5)")
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _places(value: int | float) -> int:
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _label(reader: NodeReader, node: Node | None, where: str) -> str:
    """An item's data label: it reaches the codebook and the .sav/.dta labels, so the same
    character rules as form texts hold (no direction controls, invisible or control characters).
    """
    label = reader.text(node, where)
    if node is not None:
        for problem in bidi_problems(label) + invisible_problems(label, "en"):
            if problem.error:
                reader.sink.error(node.line, f"{where}: {problem.message}")
    return label


_SECTION_KEYS = {"section", "title", "relevant", "items"}


def _read_entries(
    reader: NodeReader,
    node: Node | None,
    where: str,
    scales: dict[str, Scale],
    sections: list[Section],
    items: list[Item],
    parent: str | None = None,
) -> None:
    """Read an `items:` list into items (flat, in order) and sections (nested by parent)."""
    if node is None:
        return
    if not node.is_list:
        reader.sink.error(node.line, f"{where}: expected a list")
        return
    for child in node.value:  # type: ignore[union-attr]
        if child.is_map and "section" in child.value:  # type: ignore[operator]
            _read_section(reader, child, scales, sections, items, parent)
            continue
        item = _read_item(reader, child, len(items), scales, parent)
        if item is not None:
            items.append(item)


def _read_section(
    reader: NodeReader,
    node: Node,
    scales: dict[str, Scale],
    sections: list[Section],
    items: list[Item],
    parent: str | None,
) -> None:
    if not reader.keys(node, _SECTION_KEYS, {"section", "items"}, "section"):
        return
    m: dict[str, Node] = node.value  # type: ignore[assignment]
    section_id = reader.text(m.get("section"), "section")
    where = f"section '{section_id}'"
    if not ID_PATTERN.fullmatch(section_id):
        reader.sink.error(m["section"].line, f"{where}: id must be lowercase letters, digits and _")
    relevant = read_expression(reader, m.get("relevant"), where, "relevant")
    if relevant is not None:
        reader.source.expressions.append(
            ExpressionEntry(section_id, "relevant", relevant, m["relevant"].line, True)
        )
    sections.append(
        Section(
            id=section_id,
            title=reader.local_text(m.get("title"), f"{where} title"),
            relevant=relevant,
            parent=parent,
            line=node.line,
        )
    )
    before = len(items)
    _read_entries(reader, m.get("items"), f"{where} items", scales, sections, items, section_id)
    if len(items) == before:
        reader.sink.error(node.line, f"{where}: the section has no items")


_FORM_KEYS = {
    "id",
    "kind",
    "version",
    "prefix",
    "source",
    "licence",
    "languages",
    "title",
    "instructions",
    "recall_period",
    "scales",
    "items",
    "audio",
}


def _read_languages(reader: NodeReader, node: Node | None) -> dict[str, LanguageInfo]:
    result: dict[str, LanguageInfo] = {}
    if node is None or not node.is_map:
        if node is not None:
            reader.sink.error(node.line, "languages: expected a mapping per language")
        return result
    for language, child in node.value.items():  # type: ignore[union-attr]
        where = f"languages [{language}]"
        if language not in LANGUAGES:
            reader.sink.error(child.line, f"languages: unknown language '{language}'")
            continue
        if not reader.keys(child, {"status", "note", "signoff"}, {"status"}, where):
            continue
        fields: dict[str, Node] = child.value  # type: ignore[assignment]
        status_text = reader.text(fields.get("status"), f"{where} status")
        try:
            status = TextStatus(status_text)
        except ValueError:
            reader.sink.error(child.line, f"{where}: status must be 'validated' or 'draft'")
            continue
        result[language] = LanguageInfo(
            status,
            reader.text(fields.get("note"), where),
            read_signoff(reader, fields.get("signoff"), where),
            child.line,
        )
    for language in LANGUAGES:
        if language not in result and language not in node.value:  # type: ignore[operator]
            reader.sink.error(node.line, f"languages: no status for '{language}'")
    return result


def load_form(path: Path) -> tuple[Form | None, list[Finding]]:
    """Load one form file (structure only); the form is None when it cannot be read at all."""
    form, findings, _ = read_form(path)
    return form, findings


def read_form(path: Path) -> tuple[Form | None, list[Finding], FormSource]:
    """Load one form file and also return its located texts and option lists for the checker."""
    reader, root, raw = open_source(path)
    findings, sink, source = reader.sink.findings, reader.sink, reader.source
    if root is None:
        return None, findings, source
    if not reader.keys(
        root, _FORM_KEYS, {"id", "kind", "version", "title", "items", "languages"}, "form"
    ):
        return None, findings, source
    m: dict[str, Node] = root.value  # type: ignore[assignment]
    form_id = reader.text(m.get("id"), "id")
    if form_id and form_id != path.stem:
        sink.error(m["id"].line, f"form id '{form_id}' does not match the file name '{path.name}'")
    kind = reader.text(m.get("kind"), "kind")
    if kind not in ("instrument", "consent"):
        sink.error(m["kind"].line if "kind" in m else 1, "kind must be 'instrument' or 'consent'")
    scales: dict[str, Scale] = {}
    scales_node = m.get("scales")
    if scales_node is not None:
        if not scales_node.is_map:
            sink.error(scales_node.line, "scales: expected a mapping")
        else:
            for scale_id, scale_node in scales_node.value.items():  # type: ignore[union-attr]
                scale = _read_scale(reader, scale_id, scale_node)
                if scale is not None:
                    scales[scale_id] = scale
    items: list[Item] = []
    sections: list[Section] = []
    _read_entries(reader, m.get("items"), "items", scales, sections, items)
    if "items" in m and not items and not sink.has_errors:
        sink.error(m["items"].line, "items: the form has no items")
    prefix = reader.text(m.get("prefix"), "prefix")
    _check_item_ids(sink, items, prefix, sections)
    instructions = reader.local_text(m.get("instructions"), "instructions")
    audio = read_audio(reader, m.get("audio"), path, form_id, items, scales, instructions)
    form = Form(
        id=form_id,
        kind=kind,
        version=reader.text(m.get("version"), "version"),
        title=reader.local_text(m.get("title"), "title") or LocalText({}),
        items=tuple(items),
        languages=MappingProxyType(_read_languages(reader, m.get("languages"))),
        content_hash="",
        file_hash=content_hash(raw),
        path=str(path),
        instructions=instructions,
        recall_period=reader.local_text(m.get("recall_period"), "recall_period"),
        source=reader.text(m.get("source"), "source"),
        licence=reader.text(m.get("licence"), "licence"),
        scales=MappingProxyType(scales),
        prefix=prefix,
        sections=tuple(sections),
        audio=audio,
    )
    form = dataclasses.replace(form, content_hash=semantic_hash(form))
    if not form.source:
        sink.warning(1, "no 'source' reference given")
    if not form.licence:
        sink.warning(1, "no 'licence' note given")
    return form, findings, source


def _check_item_ids(
    sink: FindingSink, items: list[Item], prefix: str, sections: list[Section]
) -> None:
    seen: dict[str, int] = {}
    for section in sections:
        if section.id in seen:
            sink.error(section.line, f"duplicate section id '{section.id}'")
        seen[section.id] = section.line
    for item in items:
        if not item.id:
            continue
        if item.id in seen:
            sink.error(item.line, f"duplicate item id '{item.id}' (first on line {seen[item.id]})")
        else:
            seen[item.id] = item.line
        if prefix and not item.id.startswith(prefix + "_"):
            sink.error(item.line, f"item '{item.id}' does not start with the prefix '{prefix}_'")
