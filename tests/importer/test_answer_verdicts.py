"""The answer checks give the former reasons, in the former order, for any answer lists.

The reference below is _answer_problems as it was: it type-checked every answer's parts
before looking its verdict up, and never remembered a list's. The checks in use look a
verdict up first (type-checking only to remember one) and remember a multiple choice's codes
too. Both see the same stream of submissions, each with its own form index (its own memory of
verdicts), so a verdict remembered for one answer and found for another, different one would
show up as a difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.forms.library import FormLibrary
from survey_app.forms.model import ItemType
from survey_app.importer.validate import (
    FormIndex,
    _answer_problems,
    _answer_verdict,
    answers_by_form,
)
from survey_app.study import demo_study_dir, load_study


def _old_answer_problems(raw: object, forms: FormIndex) -> list[str]:
    if not isinstance(raw, list):
        return ["the submission has no answer list"]
    reasons = []
    seen: set[tuple[str, str]] = set()
    verdicts = forms.verdicts
    for answer in raw:
        if type(answer) is not dict and not isinstance(answer, Mapping):
            reasons.append("an answer is malformed")
            continue
        value = answer.get("value")
        form_hash, form_id = answer.get("form_hash"), answer.get("form_id")
        item_id, status = answer.get("item_id"), answer.get("status")
        key: tuple[Any, ...] | None = None
        if (
            (value is None or type(value) is int)
            and type(form_hash) is str
            and type(form_id) is str
            and type(item_id) is str
            and type(status) is str
        ):
            key = (form_hash, form_id, item_id, status, type(value), value)
        verdict = verdicts.get(key) if key is not None else None
        if verdict is None:
            verdict = _answer_verdict(answer, forms)
            if key is not None:
                verdicts[key] = verdict
        seen_key, reason = verdict
        if seen_key is not None:
            if seen_key in seen:
                reasons.append(f"item {seen_key[1][:40]!r} is answered twice")
            seen.add(seen_key)
        if reason:
            reasons.append(reason)
    return reasons


def _answers(library: FormLibrary) -> st.SearchStrategy:
    """Answers to the fixture forms: well formed, or broken in one of the ways JSON allows."""
    items = [
        (form, item) for form in library.forms.values() for item in form.items if item.answerable
    ]
    odd = st.sampled_from(
        [None, True, False, 0, 1, 2, 1.0, -1, 99, "1", "", "x", [], [1], [1, 2], [True, 2],
         [2, 1], [1, 1], [1.0], {"a": 1}, 10**20, "2016-05-01", "نص"]
    )  # fmt: skip

    @st.composite
    def answer(draw: st.DrawFn) -> object:
        form, item = draw(st.sampled_from(items))
        value: object
        codes = item.scale.codes if item.scale is not None else ()
        if item.type is ItemType.MULTIPLE_CHOICE and codes:
            value = sorted(draw(st.sets(st.sampled_from(codes), max_size=3)))
        elif codes:
            value = draw(st.sampled_from(codes))
        else:
            value = draw(odd)
        out = {
            "form_id": form.id,
            "form_hash": form.content_hash,
            "form_version": form.version,
            "item_id": item.id,
            "status": draw(st.sampled_from(["answered", "answered", "declined", "skipped"])),
            "value": value,
        }
        if draw(st.integers(0, 3)) == 0:  # one part broken: another type, or left out
            key = draw(st.sampled_from(sorted(out)))
            broken = draw(st.one_of(odd, st.just("missing")))
            if broken == "missing":
                del out[key]
            else:
                out[key] = broken
        if out.get("status") == "declined" and draw(st.booleans()):
            out["value"] = None
        return draw(st.sampled_from([out, out, out, out, "not an answer"]))

    return st.lists(answer(), max_size=12)


def test_answer_problems_equal_the_reference_over_a_stream(library: FormLibrary) -> None:
    new_index, old_index = FormIndex(library.forms.values()), FormIndex(library.forms.values())

    @settings(max_examples=300)
    @given(st.lists(_answers(library), min_size=1, max_size=6))
    def check(submissions: list[list[object]]) -> None:
        for raw in submissions:
            assert _answer_problems(raw, new_index) == _old_answer_problems(raw, old_index)

    check()


def test_a_remembered_multiple_choice_verdict_is_not_taken_for_true(
    library: FormLibrary,
) -> None:
    form, item = next(
        (f, i)
        for f in library.forms.values()
        for i in f.items
        if i.type is ItemType.MULTIPLE_CHOICE and i.scale is not None and 1 in i.scale.codes
    )
    answer = {
        "form_id": form.id,
        "form_hash": form.content_hash,
        "item_id": item.id,
        "status": "answered",
    }
    forms = FormIndex(library.forms.values())
    assert _answer_problems([answer | {"value": [1]}], forms) == []
    assert _answer_problems([answer | {"value": [True]}], forms) == [
        f"the answer to {item.id!r} does not fit the item"
    ]


def test_logic_answers_are_grouped_as_all_answers_were() -> None:
    library = load_study(demo_study_dir()).library
    forms = FormIndex(library.forms.values())
    answers = [
        {"form_hash": f.content_hash, "item_id": i.id, "value": 1, "status": "answered"}
        for f in library.forms.values()
        for i in f.items
    ]
    payload = {"answers": answers}
    expected = [(f, a) for f, a in answers_by_form(payload, forms) if f.has_logic]
    assert answers_by_form(payload, forms, forms.with_logic) == expected
    assert expected  # the demo study has a form with logic
