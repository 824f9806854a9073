"""Checks of back-translations against the source texts of the same form.

A back-translation must translate the text it was stamped for (else it is stale), must match its
own source text better than any other text of the same family (else the translation was swapped
with, or copied from, another item or option), and must keep the source's negation.
Similarity comes from rapidfuzz, a maintained library, not from a home-made metric.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from survey_app.forms.backtranslation import (
    BackEntry,
    BackTranslations,
    current_versions,
    text_stamp,
)
from survey_app.forms.findings import Finding, FindingSink
from survey_app.forms.lexicon import Lexicon
from survey_app.forms.model import Form
from survey_app.forms.texts import SOURCE_LANGUAGE, TextRef, form_texts

# A back-translation scoring below this against its own source is shown to the reviewer.
WEAK_MATCH = 45.0
# Another text must beat the own source by this much to count as a swap or copy (noise margin).
SWAP_MARGIN = 8.0
# Texts this close, once their negation words are set aside, differ only in the negation.
SAME_BUT_NEGATION = 85.0

STAMP_HINT = "python main.py forms back-translation stamp"


def similarity(a: str, b: str) -> float:
    """Return how alike two English texts are, 0-100 (order-insensitive token similarity)."""
    return fuzz.token_sort_ratio(a, b, processor=default_process)


@dataclass(frozen=True)
class _Context:
    form: Form
    refs: dict[str, TextRef]
    families: dict[str, list[TextRef]]
    lexicon: Lexicon


def check_backtranslations(
    form: Form, backs: BackTranslations, lexicon: Lexicon
) -> list[Finding]:
    """Return the findings of a form's back-translation file."""
    findings: list[Finding] = list(backs.findings)
    sink = FindingSink(str(backs.path), findings)
    if backs.form_id and backs.form_id != form.id:
        sink.error(1, f"form: '{backs.form_id}' but this file belongs to form '{form.id}'")
    refs = {ref.key: ref for ref in form_texts(form)}
    families: dict[str, list[TextRef]] = {}
    for ref in refs.values():
        families.setdefault(ref.family, []).append(ref)
    context = _Context(form, refs, families, lexicon)
    current = current_versions(form)
    for (key, version), entry in backs.entries.items():
        where = f"{_where(refs, key)} [{version.label}]"
        if version.language == SOURCE_LANGUAGE:
            sink.error(entry.line, f"{where}: '{SOURCE_LANGUAGE}' is the source language")
            continue
        found = current.get((key, version))
        if found is None:
            sink.warning(entry.line, f"{where}: {_missing_reason(refs, key, version)}; delete it")
            continue
        if not entry.back.strip():
            continue  # not written yet: counted as missing in the language status
        if not entry.of:
            sink.error(entry.line, f"{where}: the back-translation is not stamped; run {STAMP_HINT}")
            continue
        if entry.of != text_stamp(found[1]):
            sink.error(
                entry.line,
                f"{where}: the back-translation is stale: the translation changed since it was "
                f"back-translated. Have it back-translated again, then run {STAMP_HINT} "
                f"{form.id} --key {key}",
            )
            continue
        _check_match(sink, context, found[0], entry, where)
    return findings


def _where(refs: dict[str, TextRef], key: str) -> str:
    ref = refs.get(key)
    return ref.where if ref is not None else key


def _missing_reason(refs: dict[str, TextRef], key: str, version) -> str:
    ref = refs.get(key)
    if ref is None:
        return "no such text in the form (removed or renamed?)"
    if version.addressee:
        return "the text has no female/male variants any more"
    return "the text now has female/male variants: back-translate each of them"


def _check_match(
    sink: FindingSink, context: _Context, ref: TextRef, entry: BackEntry, where: str
) -> None:
    own_source = ref.text.get(SOURCE_LANGUAGE)
    if not own_source:
        return
    own = similarity(entry.back, own_source)
    rivals = [
        (similarity(entry.back, other.text.get(SOURCE_LANGUAGE)), other)
        for other in context.families.get(ref.family, [])
        if other.key != ref.key and other.text.get(SOURCE_LANGUAGE) != own_source
    ]
    best = max(rivals, key=lambda pair: pair[0], default=None)
    if best is not None and best[0] >= own + SWAP_MARGIN:
        score, other = best
        sink.error(
            entry.line,
            f"{where}: the back-translation '{entry.back}' matches {other.where} "
            f"('{other.text.get(SOURCE_LANGUAGE)}', {score:.0f}%) better than its own source "
            f"'{own_source}' ({own:.0f}%): the translation was swapped with, or copied from, "
            "another text",
        )
        return
    if _negation_differs(context.lexicon, entry.back, own_source):
        if _without_negations(context.lexicon, entry.back, own_source) >= SAME_BUT_NEGATION:
            sink.error(
                entry.line,
                f"{where}: the back-translation '{entry.back}' differs from its source "
                f"'{own_source}' in a negation: the translation reverses the meaning",
            )
        else:
            sink.warning(
                entry.line,
                f"{where}: the back-translation '{entry.back}' and its source '{own_source}' "
                "differ in a negation: check that the translation does not reverse the meaning",
            )
        return
    if own < WEAK_MATCH:
        sink.warning(
            entry.line,
            f"{where}: the back-translation '{entry.back}' matches its source '{own_source}' "
            f"weakly ({own:.0f}%): the reviewer should compare their meaning",
        )


def _negation_differs(lexicon: Lexicon, back: str, source: str) -> bool:
    """True when one text is negated and the other is not."""
    back_negated = len(lexicon.negation_words(back, SOURCE_LANGUAGE)) % 2
    source_negated = len(lexicon.negation_words(source, SOURCE_LANGUAGE)) % 2
    return back_negated != source_negated


def _without_negations(lexicon: Lexicon, back: str, source: str) -> float:
    negations = lexicon.negations.get(SOURCE_LANGUAGE, set())

    def strip(text: str) -> str:
        padded = f" {default_process(text)} "
        for negation in sorted(negations, key=len, reverse=True):
            padded = padded.replace(f" {negation} ", " ")
        return padded

    return similarity(strip(back), strip(source))
