"""Properties of the form loader and checker: any file gives findings or a form, never a crash.

Hypothesis plays the careless translator and the study team's editor: a file of random bytes,
a shipped form with a line deleted, a character replaced or the YAML tree rearranged. Whatever
comes in, `check_file` (what `check-forms` and the app run) returns located findings, and a form
only when there is no error. Generated valid forms load back exactly as written, and the
breakages the study this software comes from suffered (a reversed, shortened or mislabelled
scale in one language) are always caught.
"""

from __future__ import annotations

import copy
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.forms.findings import Finding, Severity
from survey_app.forms.library import check_file
from survey_app.forms.model import LANGUAGES, Form, ItemType
from tests.properties import examples

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
SHIPPED = sorted(p for p in FORMS_DIR.glob("*.yaml") if p.name != "protocol.yaml")
SHIPPED_TEXT = {p.stem: p.read_text(encoding="utf-8") for p in SHIPPED}
SHIPPED_TREES = {name: yaml.safe_load(text) for name, text in SHIPPED_TEXT.items()}
YAML_SIGNIFICANT = ":-{}[]#&*!|>'\"%@`,? \t\n0123456789"


def check_text(name: str, text: str | bytes) -> tuple[Form | None, list[Finding]]:
    """Write a form file in a fresh folder and run the full check on it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return check_file(path)


def assert_findings_or_form(form: Form | None, findings: list[Finding]) -> None:
    """The contract of check_file: located findings; a form only when nothing is an error."""
    assert all(isinstance(f, Finding) and f.line >= 0 and f.message for f in findings)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if form is None:
        assert errors, "a form was refused without saying why"
    else:
        assert not errors


# -- arbitrary and mutated files --------------------------------------------------------------


@settings(max_examples=examples(150))
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400)))
def test_any_file_content_gives_findings_or_a_form_never_an_exception(
    content: bytes | str,
) -> None:
    assert_findings_or_form(*check_text("anything", content))


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[str, str]:
    """A shipped form with one to three careless edits."""
    name = draw(st.sampled_from(sorted(SHIPPED_TEXT)))
    lines = SHIPPED_TEXT[name].split("\n")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(
            st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "char", "insert"])
        )
        line = lines[at]
        if edit == "delete" and len(lines) > 1:
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, line)
        elif edit == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], line
        elif edit == "indent":
            lines[at] = "  " + line
        elif edit == "dedent":
            lines[at] = line[2:] if line.startswith("  ") else line.lstrip()
        elif edit == "char" and line:
            pos = draw(st.integers(0, len(line) - 1))
            new = draw(st.one_of(st.sampled_from(YAML_SIGNIFICANT), st.characters()))
            lines[at] = line[:pos] + new + line[pos + 1 :]
        else:
            pos = draw(st.integers(0, len(line)))
            lines[at] = line[:pos] + draw(st.text(YAML_SIGNIFICANT, max_size=6)) + line[pos:]
    return name, "\n".join(lines)


@settings(max_examples=examples(100))
@given(mutated_text())
def test_a_carelessly_edited_shipped_form_gives_findings_or_a_form(case: tuple[str, str]) -> None:
    assert_findings_or_form(*check_text(*case))


REPLACEMENTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=12),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=3),
    # Fresh objects every time: a shared one would be mutated across examples.
    st.builds(lambda: {"nb": "x"}),
    st.builds(lambda: [{"id": "x"}]),
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


def _parent(tree: object, path: tuple) -> object:
    for step in path[:-1]:
        tree = tree[step]  # type: ignore[index]
    return tree


@st.composite
def rearranged_tree(draw: st.DrawFn) -> tuple[str, str]:
    """A shipped form whose YAML tree lost a key, got a wrong type or an unknown key."""
    name = draw(st.sampled_from(sorted(SHIPPED_TEXT)))
    tree = copy.deepcopy(SHIPPED_TREES[name])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in _paths(tree) if p]))
        parent = _parent(tree, path)
        action = draw(st.sampled_from(["delete", "replace", "add"]))
        if action == "delete":
            del parent[path[-1]]  # type: ignore[attr-defined]
        elif action == "replace":
            parent[path[-1]] = draw(REPLACEMENTS)  # type: ignore[index]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(REPLACEMENTS)
        else:
            parent.append(draw(REPLACEMENTS))  # type: ignore[attr-defined]
        if not _paths(tree)[1:]:
            break
    return name, yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)


@settings(max_examples=examples(100))
@given(rearranged_tree())
def test_a_form_with_a_missing_key_or_a_value_of_the_wrong_type_gives_findings(
    case: tuple[str, str],
) -> None:
    assert_findings_or_form(*check_text(*case))


# -- generated valid forms: round trip and the checks that protect the data -----------------

LATIN_WORDS = ("hode", "smerte", "søvn", "angst", "arbeid", "livet", "trygg", "glede", "tid")
ARABIC_WORDS = ("صداع", "نوم", "قلق", "عمل", "حياة", "أمان", "فرح", "وقت", "خوف")


def words(vocabulary: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(vocabulary), min_size=1, max_size=3).map(" ".join)


@st.composite
def local_texts(draw: st.DrawFn) -> dict[str, str]:
    # The language tag in front keeps nb and en apart: identical texts are "untranslated".
    return {
        "nb": "nb " + draw(words(LATIN_WORDS)),
        "en": "en " + draw(words(LATIN_WORDS)),
        "ar": draw(words(ARABIC_WORDS)),
    }


@dataclass
class ItemSpec:
    id: str
    type: ItemType
    text: dict[str, str]
    scale: str | None = None
    options: dict[int, dict[str, str]] | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    required: bool = False
    allow_decline: bool = False
    label: str = ""


@dataclass
class FormSpec:
    id: str
    title: dict[str, str]
    scales: dict[str, tuple[int, int, dict[int, dict[str, str]] | None]]
    items: list[ItemSpec] = field(default_factory=list)


@st.composite
def distinct_texts(draw: st.DrawFn, count: int) -> list[dict[str, str]]:
    """`count` texts in every language; within a language no two read the same (two options
    or two items with one text are errors of their own)."""
    columns: dict[str, list[str]] = {}
    for language, vocabulary in (("nb", LATIN_WORDS), ("en", LATIN_WORDS), ("ar", ARABIC_WORDS)):
        tag = f"{language} " if language != "ar" else ""
        unique = st.lists(words(vocabulary), min_size=count, max_size=count, unique=True)
        columns[language] = [tag + text for text in draw(unique)]
    return [{language: columns[language][i] for language in columns} for i in range(count)]


@st.composite
def option_labels(draw: st.DrawFn, codes: list[int]) -> dict[int, dict[str, str]]:
    """Labels for each code of one option list."""
    return dict(zip(codes, draw(distinct_texts(len(codes))), strict=True))


@st.composite
def form_specs(draw: st.DrawFn) -> FormSpec:
    """A valid form: scales with labels in every language, items of every type."""
    scales: dict[str, tuple[int, int, dict[int, dict[str, str]] | None]] = {}
    for index in range(draw(st.integers(1, 3))):
        low = draw(st.integers(-2, 5))
        high = low + draw(st.integers(1, 6))
        labels = draw(option_labels(list(range(low, high + 1))))
        scales[f"scale{index}"] = (low, high, labels)
    spec = FormSpec("genform", draw(local_texts()), scales)
    # Items a person sees (a calculate item has an expression instead of text: not generated).
    kinds = sorted(t for t in ItemType if t is not ItemType.CALCULATE)
    count = draw(st.integers(1, 8))
    for index, text in enumerate(draw(distinct_texts(count))):
        kind = draw(st.sampled_from(kinds))
        item = ItemSpec(f"gen_{index:02d}", kind, text, label=f"Item {index}")
        if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.LADDER):
            if draw(st.booleans()):
                item.scale = draw(st.sampled_from(sorted(scales)))
            else:
                codes = draw(st.lists(st.integers(0, 20), min_size=2, max_size=5, unique=True))
                item.options = draw(option_labels(codes))
        elif kind is ItemType.VAS:
            item.scale = draw(st.sampled_from(sorted(scales)))
        elif kind is ItemType.INTEGER:
            item.minimum = draw(st.integers(0, 50))
            item.maximum = item.minimum + draw(st.integers(0, 100))
        elif kind is ItemType.TEXT:
            item.max_length = draw(st.integers(1, 500))
        if kind is not ItemType.NOTE:
            item.required = draw(st.booleans())
            item.allow_decline = draw(st.booleans())
        spec.items.append(item)
    return spec


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _local(text: dict[str, str], indent: str) -> list[str]:
    return [f"{indent}{lang}: {_q(text[lang])}" for lang in LANGUAGES]


def _labels(labels: dict[int, dict[str, str]], indent: str, order: dict[str, list[int]]) -> list:
    out = []
    for lang in LANGUAGES:
        pairs = ", ".join(f"{code}: {_q(labels[code][lang])}" for code in order[lang])
        out.append(f"{indent}{lang}: {{{pairs}}}")
    return out


def dump(spec: FormSpec, order: dict[str, dict[str, list[int]]] | None = None) -> str:
    """Write a spec as a form file; `order` may list one block's codes differently per language."""
    order = order or {}

    def codes_of(where: str, labels: dict[int, dict[str, str]]) -> dict[str, list[int]]:
        return order.get(where) or {lang: list(labels) for lang in LANGUAGES}

    lines = [
        f"id: {spec.id}",
        "kind: instrument",
        'version: "1.0.0"',
        "prefix: gen",
        'source: "generated"',
        'licence: "test"',
        "languages:",
        *(f"  {lang}: {{status: draft}}" for lang in LANGUAGES),
        "title:",
        *_local(spec.title, "  "),
        "scales:",
    ]
    for name, (low, high, labels) in spec.scales.items():
        lines += [f"  {name}:", f"    min: {low}", f"    max: {high}"]
        if labels:
            lines += ["    labels:", *_labels(labels, "      ", codes_of(name, labels))]
    lines.append("items:")
    for item in spec.items:
        lines += [f"  - id: {item.id}", f"    type: {item.type}", f"    label: {_q(item.label)}"]
        if item.scale:
            lines.append(f"    scale: {item.scale}")
        if item.options:
            lines += [
                "    options:",
                *_labels(item.options, "      ", codes_of(item.id, item.options)),
            ]
        for key, value in (
            ("min", item.minimum),
            ("max", item.maximum),
            ("max_length", item.max_length),
        ):
            if value is not None:
                lines.append(f"    {key}: {value}")
        if item.required:
            lines.append("    required: true")
        if item.allow_decline:
            lines.append("    allow_decline: true")
        lines += ["    text:", *_local(item.text, "      ")]
    return "\n".join(lines) + "\n"


def _expected_options(spec: FormSpec, item: ItemSpec) -> dict[int, dict[str, str]] | None:
    if item.options is not None:
        return item.options
    return spec.scales[item.scale][2] if item.scale else None


@settings(max_examples=examples(60))
@given(form_specs())
def test_a_valid_generated_form_loads_back_exactly_as_written(spec: FormSpec) -> None:
    form, findings = check_text(spec.id, dump(spec))
    assert form is not None, [str(f) for f in findings]
    assert dict(form.title.texts) == spec.title
    assert [i.id for i in form.items] == [i.id for i in spec.items]
    for item, written in zip(form.items, spec.items, strict=True):
        assert item.type is written.type
        assert dict(item.text.texts) == written.text
        assert (item.required, item.allow_decline) == (written.required, written.allow_decline)
        assert (item.minimum, item.maximum) == (written.minimum, written.maximum)
        assert item.max_length == written.max_length
        assert item.label == written.label
        options = _expected_options(spec, written)
        if options is None:
            assert item.scale is None or not item.scale.options
            continue
        assert [o.code for o in item.scale.options] == list(options)
        assert {o.code: dict(o.label.texts) for o in item.scale.options} == options


@settings(max_examples=examples(20))
@given(form_specs())
def test_the_same_file_always_gives_the_same_content_hash(spec: FormSpec) -> None:
    text = dump(spec)
    first, _ = check_text(spec.id, text)
    again, _ = check_text(spec.id, text.replace("\n", "\r\n"))
    assert first is not None and again is not None
    assert first.content_hash == again.content_hash


def _labelled_blocks(spec: FormSpec) -> list[tuple[str, dict[int, dict[str, str]]]]:
    blocks = [(name, labels) for name, (_, _, labels) in spec.scales.items() if labels]
    return blocks + [(i.id, i.options) for i in spec.items if i.options]


@settings(max_examples=examples(50))
@given(form_specs(), st.data())
def test_one_language_listing_a_scale_in_another_order_is_always_an_error(
    spec: FormSpec, data: st.DataObject
) -> None:
    where, labels = data.draw(st.sampled_from(_labelled_blocks(spec)))
    language = data.draw(st.sampled_from(LANGUAGES[1:]))
    codes = list(labels)
    shuffled = data.draw(st.permutations(codes).filter(lambda p: list(p) != codes))
    order = {where: {lang: (list(shuffled) if lang == language else codes) for lang in LANGUAGES}}
    form, findings = check_text(spec.id, dump(spec, order))
    assert form is None
    assert any(f.is_error and language in f.message for f in findings)


@settings(max_examples=examples(50))
@given(form_specs(), st.data())
def test_one_language_missing_an_option_is_always_an_error(
    spec: FormSpec, data: st.DataObject
) -> None:
    where, labels = data.draw(st.sampled_from(_labelled_blocks(spec)))
    language = data.draw(st.sampled_from(LANGUAGES))
    codes = list(labels)
    dropped = data.draw(st.sampled_from(codes))
    fewer = [c for c in codes if c != dropped]
    order = {where: {lang: (fewer if lang == language else codes) for lang in LANGUAGES}}
    form, findings = check_text(spec.id, dump(spec, order))
    assert form is None
    assert any(f.is_error for f in findings)


@settings(max_examples=examples(50))
@given(form_specs(), st.data())
def test_a_label_whose_number_disagrees_with_its_stored_code_is_always_an_error(
    spec: FormSpec, data: st.DataObject
) -> None:
    _, labels = data.draw(st.sampled_from(_labelled_blocks(spec)))
    code = data.draw(st.sampled_from(list(labels)))
    shown = data.draw(st.integers(0, 99).filter(lambda n: n != code))
    # The same wrong number in every language: only the label/code check can catch it.
    labels[code] = {lang: f"{shown} = {text}" for lang, text in labels[code].items()}
    form, findings = check_text(spec.id, dump(spec))
    assert form is None
    assert any(f.is_error and f"shows {shown}" in f.message for f in findings)
