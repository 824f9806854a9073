"""Checks that every language says the same thing: no label twice, no copied item, and every
ordered scale rising the same way as the source language's (via the scale-word lexicon)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from survey_app.forms.findings import Finding, FindingSink
from survey_app.forms.lexicon import Lexicon, Match
from survey_app.forms.model import LANGUAGES, Form
from survey_app.forms.normalize import fold
from survey_app.forms.sources import FormSource
from survey_app.forms.textrules import edge_number
from survey_app.forms.texts import SOURCE_LANGUAGE, TextRef, Version, form_texts, versions

LEXICON_HINT = "add it to the study's forms/lexicon.yaml if it is a scale word"


@dataclass(frozen=True)
class Written:
    """One version of one text as written: where, which code, the text and its line."""

    ref: TextRef
    version: Version
    text: str
    line: int

    @property
    def label(self) -> str:
        return f"{self.ref.where} [{self.version.label}]"


class Lines:
    """The line of every text version in the file, for located messages."""

    def __init__(self, source: FormSource) -> None:
        self._lines = {(e.where, e.language, e.addressee): e.line for e in source.texts}

    def of(self, ref: TextRef, version: Version) -> int:
        return self._lines.get((ref.where, version.language, version.addressee), 0)


def written(refs: list[TextRef], language: str, lines: Lines) -> dict[str | None, list[Written]]:
    """Return the texts of one language per addressee; plain texts stand in every variant list.

    A language without variants gives one list under None.
    """
    addressees: set[str | None] = set()
    for ref in refs:
        addressees |= {v.addressee for v, _ in versions(ref.text, language)}
    if addressees != {None}:
        addressees.discard(None)
    result: dict[str | None, list[Written]] = {}
    for addressee in sorted(addressees, key=lambda a: a or ""):
        chosen: list[Written] = []
        for ref in refs:
            available = dict(versions(ref.text, language))
            version = Version(language, addressee)
            if version not in available:
                version = Version(language)
            if version in available:
                chosen.append(Written(ref, version, available[version], lines.of(ref, version)))
        result[addressee] = chosen
    return result


def check_meaning(form: Form, source: FormSource, path: str, lexicon: Lexicon) -> list[Finding]:
    """Return the meaning findings of one loaded form."""
    findings: list[Finding] = []
    sink = FindingSink(path, findings)
    lines = Lines(source)
    families: dict[str, list[TextRef]] = defaultdict(list)
    for ref in form_texts(form):
        families[ref.family].append(ref)
    users = _scale_users(form)
    for family, refs in families.items():
        if family.startswith("options:"):
            name = _list_name(refs[0], users)
            _check_duplicate_labels(sink, name, refs, lines)
            _check_option_order(sink, name, refs, lines, lexicon)
        elif family.startswith("anchors:"):
            _check_anchor_order(sink, _list_name(refs[0], users), refs, lines, lexicon)
    _check_copied_items(sink, families.get("items", []), lines)
    return findings


def _scale_users(form: Form) -> dict[str, list[str]]:
    users: dict[str, list[str]] = defaultdict(list)
    for item in form.items:
        if item.scale is not None:
            users[item.scale.id].append(item.id)
    return users


def _list_name(ref: TextRef, users: dict[str, list[str]]) -> str:
    """Name an option list for messages: the scale and the items that use it, or the item."""
    owner = ref.where.rsplit(" ", 2 if " option " in ref.where else 1)[0]
    if not ref.key.startswith("scale."):
        return owner
    items = users.get(ref.key.split(".")[1], [])
    if not items:
        return owner
    shown = ", ".join(items) if len(items) <= 3 else f"{items[0]} … {items[-1]}"
    return f"{owner} (items {shown})"


def _check_duplicate_labels(sink: FindingSink, name: str, refs: list[TextRef], lines: Lines):
    for language in LANGUAGES:
        for texts in written(refs, language, lines).values():
            seen: dict[str, Written] = {}
            for entry in texts:
                key = fold(entry.text)
                if not key:
                    continue
                first = seen.setdefault(key, entry)
                if first is not entry:
                    sink.error(
                        entry.line,
                        f"{name} [{entry.version.label}]: options {first.ref.code} and "
                        f"{entry.ref.code} have the same label '{entry.text}': the answers "
                        "cannot be told apart",
                    )


@dataclass(frozen=True)
class _Ranked:
    entry: Written
    match: Match


def _rank_list(
    texts: list[Written], language: str, lexicon: Lexicon, prefer: str | None
) -> tuple[str | None, list[_Ranked], list[Written]]:
    """Pick the dimension naming most labels; return it, the ranked labels and the unknown ones."""
    word_labels = [w for w in texts if not _is_number(w.text)]
    matches = [lexicon.label_matches(w.text, language) for w in word_labels]
    counts: dict[str, int] = defaultdict(int)
    for found in matches:
        for dimension in found:
            counts[dimension] += 1
    if not counts:
        return None, [], word_labels
    best = max(counts.values())
    candidates = [d for d, c in counts.items() if c == best]
    dimension = prefer if prefer in candidates else candidates[0]
    ranked = [
        _Ranked(w, found[dimension])
        for w, found in zip(word_labels, matches, strict=True)
        if dimension in found
    ]
    unknown = [w for w, found in zip(word_labels, matches, strict=True) if dimension not in found]
    return dimension, ranked, unknown


def _is_number(text: str) -> bool:
    return edge_number(text) is not None and not any(c.isalpha() for c in text)


def _direction(ranked: list[_Ranked]) -> int:
    """+1 when the ranks rise with the codes, -1 when they fall, 0 when unknown or mixed."""
    steps = [
        (b.match.rank > a.match.rank) - (b.match.rank < a.match.rank)
        for a, b in itertools.pairwise(ranked)
    ]
    steps = [s for s in steps if s]
    if not steps:
        return 0
    if all(s > 0 for s in steps):
        return 1
    if all(s < 0 for s in steps):
        return -1
    return 0


def _check_option_order(
    sink: FindingSink, name: str, refs: list[TextRef], lines: Lines, lexicon: Lexicon
) -> None:
    per_language = {language: written(refs, language, lines) for language in LANGUAGES}
    ranked_lists: dict[tuple[str, str | None], tuple[str | None, list[_Ranked], list[Written]]] = {}
    source_dimension = None
    for language in [SOURCE_LANGUAGE, *[lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]]:
        for addressee, texts in per_language[language].items():
            result = _rank_list(texts, language, lexicon, source_dimension)
            ranked_lists[(language, addressee)] = result
            if language == SOURCE_LANGUAGE and source_dimension is None:
                source_dimension = result[0]
    if not any(len(ranked) >= 2 for _, ranked, _ in ranked_lists.values()):
        return  # not an ordered scale: no two labels of one language are scale words
    expected, references = _expected_direction(ranked_lists)
    for (language, _), (dimension, ranked, unknown) in ranked_lists.items():
        for entry in unknown:
            sink.warning(
                entry.line,
                f"{name} [{entry.version.label}]: option {entry.ref.code} '{entry.text}' is not in "
                f"the scale lexicon, so its place in the order cannot be checked; "
                f"{LEXICON_HINT}",
            )
        if dimension is not None:
            against = "against the codes" + references.get(language, "")
            _report_order(sink, name, dimension, ranked, expected, against)


def _expected_direction(
    ranked_lists: dict[tuple[str, str | None], tuple[str | None, list[_Ranked], list[Written]]],
) -> tuple[int, dict[str, str]]:
    """Return the direction every language must rise in, and whom each language is held to.

    The source language sets the direction, unless every other language that can be ranked
    agrees on the opposite one: then the source language is the one in error.
    """
    directions = {key: _direction(ranked) for key, (dim, ranked, _) in ranked_lists.items() if dim}
    source = directions.get((SOURCE_LANGUAGE, None), 0)
    others = {lang: d for (lang, _), d in directions.items() if lang != SOURCE_LANGUAGE and d}
    if source and len(others) >= 2 and all(d == -source for d in others.values()):
        named = " and ".join(f"[{lang}]" for lang in sorted(others))
        return -source, {SOURCE_LANGUAGE: f" and {named}"}
    if not source:
        return 0, {}
    return source, {
        lang: f" and [{SOURCE_LANGUAGE}]" for lang in LANGUAGES if lang != SOURCE_LANGUAGE
    }


def _report_order(
    sink: FindingSink,
    name: str,
    dimension: str,
    ranked: list[_Ranked],
    expected: int,
    against: str,
) -> None:
    if len(ranked) < 2:
        return
    own = _direction(ranked)
    direction = expected or own or 1
    if own == -direction:
        first, last = ranked[0].entry, ranked[-1].entry
        sink.error(
            first.line,
            f"{name} [{first.version.label}]: the labels run the wrong way: option "
            f"{first.ref.code} '{first.text}' ranks {'below' if direction < 0 else 'above'} option "
            f"{last.ref.code} '{last.text}' ({dimension}), {against} (reversed scale)",
        )
        return
    for low, high in itertools.pairwise(ranked):
        step = (high.match.rank > low.match.rank) - (high.match.rank < low.match.rank)
        a, b = low.entry, high.entry
        if step == 0:
            if fold(a.text) != fold(b.text):
                sink.warning(
                    b.line,
                    f"{name} [{b.version.label}]: options {a.ref.code} '{a.text}' and "
                    f"{b.ref.code} '{b.text}' mean the same level ({dimension} "
                    f"'{low.match.level}'): check that they differ as in [{SOURCE_LANGUAGE}]",
                )
        elif step != direction:
            sink.error(
                b.line,
                f"{name} [{b.version.label}]: option {b.ref.code} '{b.text}' ranks "
                f"{'below' if direction > 0 else 'above'} option {a.ref.code} '{a.text}' "
                f"({dimension}): the labels are out of order, {against}",
            )


def _check_anchor_order(
    sink: FindingSink, owner: str, refs: list[TextRef], lines: Lines, lexicon: Lexicon
) -> None:
    low = next((r for r in refs if r.key.endswith("anchor_low")), None)
    high = next((r for r in refs if r.key.endswith("anchor_high")), None)
    if low is None or high is None:
        return
    # The scale rises as the source language's anchors do (low to high if they say nothing).
    expected = 1
    found_low = lexicon.phrase_matches(low.text.get(SOURCE_LANGUAGE), SOURCE_LANGUAGE)
    found_high = lexicon.phrase_matches(high.text.get(SOURCE_LANGUAGE), SOURCE_LANGUAGE)
    for dimension in found_low:
        if dimension in found_high and found_low[dimension].rank != found_high[dimension].rank:
            expected = 1 if found_low[dimension].rank < found_high[dimension].rank else -1
            break
    for language in LANGUAGES:
        for texts in written([low, high], language, lines).values():
            if len(texts) != 2:
                continue
            a, b = texts
            if fold(a.text) == fold(b.text):
                sink.error(
                    b.line,
                    f"{owner} [{b.version.label}]: anchor_low and anchor_high read the same "
                    f"'{b.text}': the ends of the scale cannot be told apart",
                )
                continue
            found_a = lexicon.phrase_matches(a.text, language)
            found_b = lexicon.phrase_matches(b.text, language)
            shared = [d for d in found_a if d in found_b]
            if not shared:
                for entry, found in ((a, found_a), (b, found_b)):
                    what = "no scale word of the lexicon" if not found else "no scale word shared"
                    sink.warning(
                        entry.line,
                        f"{entry.label}: {what} in '{entry.text}', so the direction of the "
                        f"scale cannot be checked; {LEXICON_HINT}",
                    )
                continue
            dimension = shared[0]
            rise = found_b[dimension].rank - found_a[dimension].rank
            if rise * expected <= 0:
                sink.error(
                    a.line,
                    f"{owner} [{a.version.label}]: the anchors are swapped ({dimension}): "
                    f"the low end reads '{a.text}' and the high end '{b.text}', "
                    f"the other way from [{SOURCE_LANGUAGE}]",
                )


def _check_copied_items(sink: FindingSink, refs: list[TextRef], lines: Lines) -> None:
    """Two items with one text in a language, while another language tells them apart."""
    plain = {
        language: {ref.key: fold(ref.text.get(language)) for ref in refs} for language in LANGUAGES
    }
    for language in LANGUAGES:
        for texts in written(refs, language, lines).values():
            seen: dict[str, Written] = {}
            for entry in texts:
                key = fold(entry.text)
                first = seen.setdefault(key, entry)
                if first is entry or not key:
                    continue
                differs = [
                    other
                    for other in LANGUAGES
                    if other != language
                    and plain[other].get(first.ref.key) != plain[other].get(entry.ref.key)
                ]
                if differs:
                    reference = SOURCE_LANGUAGE if SOURCE_LANGUAGE in differs else differs[0]
                    sink.error(
                        entry.line,
                        f"{entry.label}: the same text as {first.ref.where}, although their "
                        f"[{reference}] texts differ (an item copied over another?)",
                    )
