"""The scale-word lexicon: which answer words rank above which, in every language.

The shipped lexicon (`resources/scale-lexicon.yaml`) is extended by a study's own
`lexicon.yaml` in its forms directory: words added to existing levels, new levels placed with
`after: <level>`, and new dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from survey_app.forms.findings import Finding, FindingSink
from survey_app.forms.model import LANGUAGES
from survey_app.forms.normalize import fold, words
from survey_app.forms.textrules import edge_number
from survey_app.forms.yamlsource import Node, SourceError, read_yaml

STUDY_LEXICON_FILE = "lexicon.yaml"


@dataclass(frozen=True)
class Match:
    """A text recognised as one level of a dimension (rank 0 is the lowest level)."""

    dimension: str
    level: str
    rank: int
    phrase: str


@dataclass
class _Dimension:
    levels: list[str] = field(default_factory=list)
    # (language, folded phrase) -> level
    phrases: dict[tuple[str, str], str] = field(default_factory=dict)

    def rank(self, level: str) -> int:
        return self.levels.index(level)


@dataclass
class Lexicon:
    """Ranked scale words per dimension and language, plus each language's negation words."""

    dimensions: dict[str, _Dimension] = field(default_factory=dict)
    negations: dict[str, set[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def label_matches(self, label: str, language: str) -> dict[str, Match]:
        """Return, per dimension, the level an option label names as a whole."""
        key = _strip_edge_number(label)
        found: dict[str, Match] = {}
        if not key:
            return found
        for name, dim in self.dimensions.items():
            level = dim.phrases.get((language, key))
            if level is not None:
                found[name] = Match(name, level, dim.rank(level), key)
        return found

    def phrase_matches(self, text: str, language: str) -> dict[str, Match]:
        """Return, per dimension, the longest level phrase found inside a text (for anchors).

        A negation outside the matched words makes the text unknown: "not the best" is not "best".
        """
        tokens = words(text)
        padded = f" {' '.join(tokens)} "
        if language == "ar":  # "الأفضل" (the best) names the same level as "أفضل" (best)
            padded += f" {' '.join(_without_article(t) for t in tokens)} "
        negations = self.negations.get(language, set())
        found: dict[str, Match] = {}
        for name, dim in self.dimensions.items():
            best: tuple[int, str, str] | None = None
            for (lang, phrase), level in dim.phrases.items():
                if lang != language or f" {phrase} " not in padded:
                    continue
                size = len(phrase.split())
                if best is None or size > best[0]:
                    best = (size, phrase, level)
            if best is None:
                continue
            _, phrase, level = best
            rest = padded.replace(f" {phrase} ", " ", 1)
            if any(f" {n} " in rest for n in negations):
                continue
            found[name] = Match(name, level, dim.rank(level), phrase)
        return found

    def negation_words(self, text: str, language: str) -> list[str]:
        """Return the negation words found in a text (each once per occurrence)."""
        tokens = words(text)
        negations = self.negations.get(language, set())
        found = [token for token in tokens if token in negations]
        padded = f" {' '.join(tokens)} "
        for negation in negations:
            if " " in negation:  # "don t": a negation written as two words
                found += [negation] * padded.count(f" {negation} ")
        return found


_ARTICLES = ("وال", "بال", "فال", "كال", "ال")


def _without_article(token: str) -> str:
    """Drop the Arabic definite article (with a joined conjunction or preposition)."""
    for article in _ARTICLES:
        if token.startswith(article) and len(token) - len(article) >= 2:
            return token[len(article) :]
    return token


def _strip_edge_number(label: str) -> str:
    """Fold a label and drop a number written at its start or end ('1 = Not at all')."""
    tokens = list(words(label))
    if edge_number(label) is not None:
        if tokens and tokens[0].isdigit():
            tokens = tokens[1:]
        if tokens and tokens[-1].isdigit():
            tokens = tokens[:-1]
    return " ".join(tokens)


def load_lexicon(forms_dir: Path | None = None) -> Lexicon:
    """Load the shipped lexicon and, if present, the study's `lexicon.yaml` in forms_dir."""
    from survey_app.assets import scale_lexicon_path

    lexicon = Lexicon()
    _merge_file(lexicon, scale_lexicon_path(), shipped=True)
    if forms_dir is not None and (forms_dir / STUDY_LEXICON_FILE).is_file():
        _merge_file(lexicon, forms_dir / STUDY_LEXICON_FILE, shipped=False)
    return lexicon


def _merge_file(lexicon: Lexicon, path: Path, shipped: bool) -> None:
    sink = FindingSink(str(path), lexicon.findings)
    try:
        root, _ = read_yaml(path)
    except SourceError as exc:
        sink.error(exc.line, exc.message)
        return
    if not root.is_map:
        sink.error(root.line, "expected `negations:` and `dimensions:`")
        return
    top: dict[str, Node] = root.value  # type: ignore[assignment]
    for key, node in top.items():
        if key not in ("negations", "dimensions"):
            sink.error(node.line, f"unknown key '{key}' (expected negations, dimensions)")
    if "negations" in top:
        for language, phrases in _per_language(sink, top["negations"], "negations").items():
            lexicon.negations.setdefault(language, set()).update(fold(p) for p, _ in phrases)
    dims = top.get("dimensions")
    if dims is None:
        return
    if not dims.is_map:
        sink.error(dims.line, "dimensions: expected a mapping of dimension -> levels")
        return
    for name, levels in dims.value.items():  # type: ignore[union-attr]
        _merge_dimension(sink, lexicon, name, levels, shipped)


def _merge_dimension(
    sink: FindingSink, lexicon: Lexicon, name: str, node: Node, shipped: bool
) -> None:
    if not node.is_map:
        sink.error(node.line, f"dimension '{name}': expected levels, low to high")
        return
    dim = lexicon.dimensions.setdefault(name, _Dimension())
    is_new = not dim.levels
    for level, level_node in node.value.items():  # type: ignore[union-attr]
        where = f"dimension '{name}' level '{level}'"
        if not level_node.is_map:
            sink.error(level_node.line, f"{where}: expected words per language")
            continue
        fields: dict[str, Node] = dict(level_node.value)  # type: ignore[arg-type]
        after = fields.pop("after", None)
        if level not in dim.levels:
            if is_new or shipped:
                dim.levels.append(level)
            elif after is None or not after.is_text or after.value not in dim.levels:
                sink.error(
                    level_node.line,
                    f"{where}: a new level of an existing dimension needs `after: <level>` "
                    f"naming one of {', '.join(dim.levels)}",
                )
                continue
            else:
                dim.levels.insert(dim.levels.index(str(after.value)) + 1, level)
        words_node = Node(fields, level_node.line)
        for language, phrases in _per_language(sink, words_node, where).items():
            for phrase, line in phrases:
                key = fold(phrase)
                other = dim.phrases.get((language, key))
                if other is not None and other != level:
                    sink.error(
                        line,
                        f"{where} [{language}]: '{phrase}' is already a word of level '{other}'",
                    )
                    continue
                dim.phrases[(language, key)] = level


def _per_language(sink: FindingSink, node: Node, where: str) -> dict[str, list[tuple[str, int]]]:
    """Read `{language: [phrase, ...]}`, reporting anything else."""
    result: dict[str, list[tuple[str, int]]] = {}
    if not node.is_map:
        sink.error(node.line, f"{where}: expected lists of words per language")
        return result
    for language, phrases in node.value.items():  # type: ignore[union-attr]
        if language not in LANGUAGES:
            sink.error(phrases.line, f"{where}: unknown language '{language}'")
            continue
        if not phrases.is_list:
            sink.error(phrases.line, f"{where} [{language}]: expected a list of words")
            continue
        for phrase in phrases.value:  # type: ignore[union-attr]
            if not phrase.is_text or not fold(str(phrase.value)):
                sink.error(phrase.line, f"{where} [{language}]: expected a word or phrase")
                continue
            result.setdefault(language, []).append((str(phrase.value), phrase.line))
    return result
