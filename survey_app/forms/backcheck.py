"""Checks of back-translations against the source texts of the same form.

A back-translation must translate the text it was stamped for (else it is stale); its family
(all item texts, the options of one list, the anchors of one scale ...) must not read as if two
translations were swapped or one copied over another; and it must keep the source's negation.
Similarity comes from rapidfuzz (a maintained library); scale labels are also compared by the
level the lexicon gives them. Notes in square brackets ("[to a woman]") are not compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.process import cdist
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
from survey_app.forms.texts import SOURCE_LANGUAGE, TextRef, Version, form_texts
from survey_app.program_name import SOURCE

# A back-translation scoring below this against its own source is shown to the reviewer.
WEAK_MATCH = 50.0
# Two back-translations read as swapped when each matches the other's source better than its
# own, by this much together, and at least one of them matches the other's source this well.
SWAP_GAIN = 20.0
SWAP_MATCH = 55.0
# A back-translation reads as a copy of another text when it matches that text this well and
# this much better than its own source.
COPY_MATCH = 75.0
COPY_GAIN = 15.0
# Texts this alike once their negation words are set aside differ only in the negation.
SAME_BUT_NEGATION = 70.0

STAMP_COMMAND = "forms back-translation stamp"
_NOTE = re.compile(r"\[[^\]]*\]")


def comparable(text: str) -> str:
    """Return a back-translation without the back-translator's [notes]."""
    return " ".join(_NOTE.sub(" ", text).split())


def similarity(a: str, b: str) -> float:
    """Return how alike two English texts are, 0-100 (order-insensitive token similarity)."""
    return fuzz.token_sort_ratio(comparable(a), comparable(b), processor=default_process)


@dataclass(frozen=True)
class _Row:
    ref: TextRef
    entry: BackEntry
    where: str


def check_backtranslations(
    form: Form, backs: BackTranslations, lexicon: Lexicon, program: str = SOURCE
) -> list[Finding]:
    """Return the findings of a form's back-translation file (program: for the stamp hint)."""
    stamp = f"{program} {STAMP_COMMAND}"
    findings: list[Finding] = list(backs.findings)
    sink = FindingSink(str(backs.path), findings)
    if backs.form_id and backs.form_id != form.id:
        sink.error(1, f"form: '{backs.form_id}' but this file belongs to form '{form.id}'")
    refs = {ref.key: ref for ref in form_texts(form)}
    current = current_versions(form)
    comparable_rows: dict[tuple[str, Version], list[_Row]] = {}
    for (key, version), entry in backs.entries.items():
        where = f"{refs[key].where if key in refs else key} [{version.label}]"
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
            sink.error(entry.line, f"{where}: the back-translation is not stamped; run {stamp}")
            continue
        if entry.of != text_stamp(found[1]):
            sink.error(
                entry.line,
                f"{where}: the back-translation is stale: the translation changed since it was "
                f"back-translated. Have it back-translated again, then run {stamp} "
                f"{form.id} --key {key}",
            )
            continue
        if found[0].text.get(SOURCE_LANGUAGE):
            row = _Row(found[0], entry, where)
            comparable_rows.setdefault((found[0].family, version), []).append(row)
    for rows in comparable_rows.values():
        _check_family(sink, rows, lexicon)
    return findings


def _missing_reason(refs: dict[str, TextRef], key: str, version: Version) -> str:
    ref = refs.get(key)
    if ref is None:
        return "no such text in the form (removed or renamed?)"
    if version.addressee:
        return "the text has no female/male variants any more"
    return "the text now has female/male variants: back-translate each of them"


def _source(row: _Row) -> str:
    return row.ref.text.get(SOURCE_LANGUAGE)


def _check_family(sink: FindingSink, rows: list[_Row], lexicon: Lexicon) -> None:
    """Compare every back-translation of one family with every source text of that family."""
    backs = [comparable(r.entry.back) for r in rows]
    sources = [_source(r) for r in rows]
    score = cdist(backs, sources, scorer=fuzz.token_sort_ratio, processor=default_process)
    levels = _levels(rows, lexicon)
    flagged: set[int] = set()
    for i, row in enumerate(rows):
        for j, other in enumerate(rows):
            if i == j or sources[i] == sources[j]:
                continue
            if levels is not None and levels[i][0] is not None:
                if levels[i][0] != levels[i][1] and levels[i][0] == levels[j][1]:
                    _report_rival(sink, row, other, "names the level of", _LEVEL)
                    flagged.add(i)
                    break
                continue
            cross, own = score[i][j], score[i][i]
            back_cross, back_own = score[j][i], score[j][j]
            if (
                cross > own
                and back_cross > back_own
                and cross + back_cross >= own + back_own + SWAP_GAIN
                and max(cross, back_cross) >= SWAP_MATCH
            ):
                _report_rival(sink, row, other, "reads as swapped with", _SWAPPED)
                flagged.add(i)
                break
            if cross >= COPY_MATCH and cross >= own + COPY_GAIN:
                how = f"matches ({cross:.0f}% against {own:.0f}% for its own source)"
                _report_rival(sink, row, other, how, _COPIED)
                flagged.add(i)
                break
    for i, row in enumerate(rows):
        if i in flagged:
            continue
        same_level = (
            levels is not None and levels[i][0] is not None and levels[i][0] == levels[i][1]
        )
        _check_single(sink, lexicon, row, 100.0 if same_level else float(score[i][i]))


def _levels(rows: list[_Row], lexicon: Lexicon) -> list[tuple[str | None, str | None]] | None:
    """For an option list whose source labels are all scale words of one dimension: the level
    of each back-translation and of its source; None otherwise."""
    if not rows[0].ref.family.startswith("options:"):
        return None
    found = [lexicon.label_matches(_source(r), SOURCE_LANGUAGE) for r in rows]
    shared = set.intersection(*(set(f) for f in found)) if found else set()
    if not shared:
        return None
    dimension = sorted(shared)[0]
    result = []
    for row, source in zip(rows, found, strict=True):
        back = lexicon.label_matches(comparable(row.entry.back), SOURCE_LANGUAGE).get(dimension)
        result.append((back.level if back else None, source[dimension].level))
    return result


_SWAPPED = "the two translations were swapped"
_COPIED = "the translation was copied from that text"
_LEVEL = "the translation says another option's level (swapped or copied labels)"


def _report_rival(sink: FindingSink, row: _Row, other: _Row, how: str, verdict: str) -> None:
    sink.error(
        row.entry.line,
        f"{row.where}: the back-translation '{row.entry.back}' {how} {other.ref.where} "
        f"('{_source(other)}') rather than its own source '{_source(row)}': {verdict}",
    )


def _check_single(sink: FindingSink, lexicon: Lexicon, row: _Row, own: float) -> None:
    back, source = row.entry.back, _source(row)
    if _negation_differs(lexicon, back, source):
        if _without_negations(lexicon, back, source) >= SAME_BUT_NEGATION:
            sink.error(
                row.entry.line,
                f"{row.where}: the back-translation '{back}' differs from its source "
                f"'{source}' only in a negation: the translation reverses the meaning",
            )
        elif not row.entry.review:
            sink.warning(
                row.entry.line,
                f"{row.where}: the back-translation '{back}' and its source '{source}' differ "
                "in a negation: check that the meaning is not reversed, then record it with "
                "`review:`",
            )
        return
    if own < WEAK_MATCH and not row.entry.review:
        sink.warning(
            row.entry.line,
            f"{row.where}: the back-translation '{back}' matches its source '{source}' weakly "
            f"({own:.0f}%): compare their meaning and record the outcome with `review:`",
        )


def _negation_differs(lexicon: Lexicon, back: str, source: str) -> bool:
    """True when one text is negated and the other is not (an odd count of negations)."""
    back_negated = len(lexicon.negation_words(comparable(back), SOURCE_LANGUAGE)) % 2
    source_negated = len(lexicon.negation_words(source, SOURCE_LANGUAGE)) % 2
    return back_negated != source_negated


def _without_negations(lexicon: Lexicon, back: str, source: str) -> float:
    negations = lexicon.negations.get(SOURCE_LANGUAGE, set())

    def strip(text: str) -> str:
        padded = f" {default_process(comparable(text))} "
        for negation in sorted(negations, key=len, reverse=True):
            padded = padded.replace(f" {negation} ", " ")
        return padded

    return similarity(strip(back), strip(source))
