"""form_state's fixed point equals the former pass-until-nothing-changes loop, answer for answer.

The reference below is form_state as it was (every pass repeated until relevance, sections and
calculations came out twice the same); the form_state in use stops one pass earlier when a
pass gives back the values it read. Both must give the same FormState for any answers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey_app.forms.expressions import EMPTY, Context, Value
from survey_app.forms.library import check_file
from survey_app.forms.logic import (
    FormState,
    _safe,
    _section_applies,
    _sections,
    answer_value,
    form_state,
    holds,
    stored_calculation,
)
from survey_app.forms.model import Form
from survey_app.study import demo_study_dir, load_study
from tests.forms.logic_fixture import FILTER_FORM, LOGIC_FORM, MULTI_FILTER_FORM, NEVER_FORM

TODAY = date(2026, 3, 14)


def _choice(item_id: str, relevant: str = "") -> str:
    condition = f'    relevant: "{relevant}"\n' if relevant else ""
    return (
        f"  - id: {item_id}\n    type: single_choice\n    allow_decline: true\n{condition}"
        '    text: {nb: "Spørsmål", en: "Question", ar: "سؤال"}\n'
        '    options:\n      nb: {1: "Ja", 2: "Nei"}\n      en: {1: "Yes", 2: "No"}\n'
        '      ar: {1: "نعم", 2: "لا"}\n'
    )


# A chain: ch_b is asked after ch_a = 1, ch_c after ch_b = 1, ch_d after ch_c = 1. An answer
# to ch_b that no longer applies reads as empty only from the second pass, ch_c's from the third.
CHAIN_FORM = (
    NEVER_FORM.split("items:")[0].replace("id: nv", "id: ch").replace("prefix: nv", "prefix: ch")
    + "items:\n"
    + _choice("ch_a")
    + _choice("ch_b", "${ch_a} = 1")
    + _choice("ch_c", "${ch_b} = 1")
    + _choice("ch_d", "${ch_c} = 1")
)


def _old_form_state(form: Form, answers, today: date) -> FormState:
    base = {i.id: answer_value(i, answers.get(i.id)) for i in form.items if i.answerable}
    values: dict[str, Value] = dict(base)
    relevant: dict[str, bool] = {}
    sections: dict[str, bool] = {}
    calculated: dict[str, object | None] = {}
    for _ in range(len(form.items) + 2):
        context = Context(values=values, today=today)
        new_sections = _sections(form, context)
        new_relevant: dict[str, bool] = {}
        new_values: dict[str, Value] = {}
        new_calculated: dict[str, object | None] = {}
        for item in form.items:
            applies = _section_applies(form, item.section, new_sections) and holds(
                item.logic.relevant, context
            )
            new_relevant[item.id] = applies
            if item.calculated and item.logic.calculate is not None:
                stored = stored_calculation(item, _safe(item.logic.calculate, context))
                stored = stored if applies else None
                new_calculated[item.id] = stored
                new_values[item.id] = answer_value(item, None if stored is None else (stored, ""))
            elif item.answerable:
                new_values[item.id] = base[item.id] if applies else EMPTY
        stable = (new_relevant, new_calculated, new_sections) == (relevant, calculated, sections)
        values, relevant, sections, calculated = (
            new_values,
            new_relevant,
            new_sections,
            new_calculated,
        )
        if stable:
            break
    return FormState(relevant, sections, values, calculated, today)


def _fixture_form(tmp_path: Path, name: str, text: str) -> Form:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> list[Form]:
    made = [
        _fixture_form(tmp_path_factory.mktemp("forms"), name, text)
        for name, text in (
            ("lg", LOGIC_FORM),
            ("cf", FILTER_FORM),
            ("nv", NEVER_FORM),
            ("ch", CHAIN_FORM),
            ("cf", MULTI_FILTER_FORM),
        )
    ]
    shipped = [f for f in load_study(demo_study_dir()).library.forms.values() if f.has_logic]
    return made + shipped


VALUES = st.one_of(
    st.integers(0, 3),  # the option codes the conditions ask for, most of the time
    st.integers(0, 3),
    st.none(),
    st.integers(-2, 30),
    st.sampled_from(["", "3", "11", "x", "2016-05-01", "2025-13-40"]),
    st.lists(st.integers(0, 12), max_size=3),
    st.booleans(),
    st.sampled_from([0.0, 1.5, 18.0]),
)
ANSWER = st.one_of(
    st.none(), st.tuples(VALUES, st.sampled_from(["answered", "declined", "skipped"]))
)


@given(data=st.data())
def test_form_state_equals_the_reference_for_any_answers(forms: list[Form], data) -> None:
    form = data.draw(st.sampled_from(forms))
    answers = {}
    for item in form.items:
        answer = data.draw(ANSWER)
        if answer is not None:
            answers[item.id] = answer
    assert form_state(form, answers, TODAY) == _old_form_state(form, answers, TODAY)


def test_a_calculation_feeding_a_condition_still_takes_its_passes(forms: list[Form]) -> None:
    never = next(f for f in forms if f.id == "nv")
    state = form_state(never, {"nv_moved": (1, "answered")}, TODAY)
    assert state == _old_form_state(never, {"nv_moved": (1, "answered")}, TODAY)
    assert not state.applies("nv_moved")


def test_an_answer_that_no_longer_applies_empties_the_chain_after_it(forms: list[Form]) -> None:
    chain = next(f for f in forms if f.id == "ch")
    answers = {i: (1, "answered") for i in ("ch_b", "ch_c", "ch_d")} | {"ch_a": (2, "answered")}
    state = form_state(chain, answers, TODAY)
    assert state == _old_form_state(chain, answers, TODAY)
    assert [state.applies(i) for i in ("ch_a", "ch_b", "ch_c", "ch_d")] == [1, 0, 0, 0]
