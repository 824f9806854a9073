"""Cross-language checks of a loaded form: they keep a broken translation off screen."""

from __future__ import annotations

from collections import defaultdict

from survey_app.forms.findings import Finding, FindingSink
from survey_app.forms.model import DEFAULT_ADDRESSEE, LANGUAGES
from survey_app.forms.sources import FormSource, TextEntry
from survey_app.forms.textrules import (
    TextProblem,
    bidi_problems,
    edge_number,
    invisible_problems,
    numbers_in,
    placeholders,
    script_problems,
    whitespace_problems,
)


def check_source(source: FormSource, path: str) -> list[Finding]:
    """Return every finding of the text, option and cross-language rules for one file."""
    findings: list[Finding] = []
    sink = FindingSink(path, findings)
    for entry in source.texts:
        _check_single_text(sink, entry)
    _check_translations(sink, source.texts)
    _check_option_blocks(sink, source)
    _check_label_numbers(sink, source.texts)
    return findings


def _report(sink: FindingSink, entry: TextEntry, problems: list[TextProblem]) -> None:
    for problem in problems:
        message = f"{entry.label}: {problem.message}"
        if problem.error:
            sink.error(entry.line, message)
        else:
            sink.warning(entry.line, message)


def _check_single_text(sink: FindingSink, entry: TextEntry) -> None:
    _report(sink, entry, bidi_problems(entry.text))
    _report(sink, entry, invisible_problems(entry.text, entry.language))
    _report(sink, entry, script_problems(entry.text, entry.language))
    _report(sink, entry, whitespace_problems(entry.text))


def _group(texts: list[TextEntry]) -> dict[str, list[TextEntry]]:
    """Group texts by where they stand, each group in language order (variants kept)."""
    grouped: dict[str, list[TextEntry]] = defaultdict(list)
    for entry in texts:
        grouped[entry.where].append(entry)
    order = {language: index for index, language in enumerate(LANGUAGES)}
    return {
        where: sorted(entries, key=lambda e: order.get(e.language, len(order)))
        for where, entries in grouped.items()
    }


def _check_translations(sink: FindingSink, texts: list[TextEntry]) -> None:
    for present in _group(texts).values():
        if len(present) < 2:
            continue
        # Every text and every variant is held to the first language's default text.
        reference = next(
            (e for e in present if e.addressee in (None, DEFAULT_ADDRESSEE.value)), present[0]
        )
        ref_placeholders = placeholders(reference.text)
        ref_numbers = sorted(numbers_in(reference.text))
        for entry in present:
            if entry is reference:
                continue
            other = placeholders(entry.text)
            if other != ref_placeholders:
                sink.error(
                    entry.line,
                    f"{entry.label}: placeholders {_fmt(other)} differ from "
                    f"[{reference.language}] {_fmt(ref_placeholders)}",
                )
            numbers = sorted(numbers_in(entry.text))
            if numbers != ref_numbers:
                sink.error(
                    entry.line,
                    f"{entry.label}: numbers {numbers} differ from "
                    f"[{reference.language}] {ref_numbers}",
                )
        _check_untranslated(sink, present)


def _fmt(names: set[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}" if names else "(none)"


def _check_untranslated(sink: FindingSink, present: list[TextEntry]) -> None:
    for i, entry in enumerate(present):
        for earlier in present[:i]:
            if earlier.language == entry.language:
                continue
            same = entry.text.strip() == earlier.text.strip()
            has_letters = any(c.isalpha() for c in entry.text)
            several_words = len(entry.text.split()) >= 2
            if (
                same
                and has_letters
                and (several_words or "ar" in (entry.language, earlier.language))
            ):
                sink.error(
                    entry.line,
                    f"{entry.label}: left untranslated (same text as [{earlier.language}])",
                )


def _check_option_blocks(sink: FindingSink, source: FormSource) -> None:
    by_where: dict[str, list] = defaultdict(list)
    for block in source.option_blocks:
        by_where[block.where].append(block)
    for where, blocks in by_where.items():
        reference = blocks[0]
        if reference.declared_min is not None and reference.declared_max is not None:
            expected = tuple(range(reference.declared_min, reference.declared_max + 1))
            for block in blocks:
                if sorted(block.codes) != list(expected):
                    sink.error(
                        block.line,
                        f"{where} [{block.language}]: options {list(block.codes)} do not match the "
                        f"declared scale {reference.declared_min}-{reference.declared_max} "
                        f"({len(expected)} points)",
                    )
        for block in blocks[1:]:
            if len(block.codes) != len(reference.codes):
                sink.error(
                    block.line,
                    f"{where} [{block.language}]: {len(block.codes)} options, but "
                    f"[{reference.language}] has {len(reference.codes)}",
                )
            elif set(block.codes) != set(reference.codes):
                extra = sorted(set(block.codes) - set(reference.codes))
                missing = sorted(set(reference.codes) - set(block.codes))
                sink.error(
                    block.line,
                    f"{where} [{block.language}]: option codes differ from "
                    f"[{reference.language}] (extra {extra}, missing {missing})",
                )
            elif block.codes != reference.codes:
                reversed_scale = tuple(reversed(block.codes)) == reference.codes
                sink.error(
                    block.line,
                    f"{where} [{block.language}]: options listed in a different order "
                    f"{list(block.codes)} than [{reference.language}] {list(reference.codes)}"
                    + (" (reversed scale)" if reversed_scale else ""),
                )


def _check_label_numbers(sink: FindingSink, texts: list[TextEntry]) -> None:
    for entry in texts:
        if not entry.is_option_label or entry.code is None:
            continue
        shown = edge_number(entry.text)
        if shown is not None and shown != entry.code:
            sink.error(
                entry.line,
                f"{entry.label}: the label shows {shown} but the option stores {entry.code}",
            )
