"""The meeting the end-to-end test enacts: who sits at which laptop and what each one answers.

Seeded and written down before any laptop starts, so the test knows every value that was
entered and can compare the data manager's data set with it, value by value.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from survey_app.answers.codes import make_code
from survey_app.answers.digits import to_arabic_indic
from survey_app.forms.logic import constraint_holds, form_state
from survey_app.forms.model import Form, Item, ItemType
from survey_app.study import Study

# laptop -> (first and last participant number, what the laptop does after the meeting)
LAPTOPS = {"A": (1, 14, "sync"), "B": (15, 27, "sync"), "C": (28, 40, "export")}
DECLINED_CONSENT = (6, 33)  # participant numbers who say no at the consent page
LOW_RESPONSE = (3, 18, 30)  # participants who skip many questions (missing-data rules)
LANGUAGES = (("ar", 0.5), ("nb", 0.3), ("en", 0.2))
DECLINED = -7
NOT_APPLICABLE = -8
NOT_ANSWERED = -9
FREE_TEXTS = {
    "nb": ("Eritrea og Etiopia", "Statsløs, født i Kuwait"),
    "en": ("Born in Kuwait, stateless", "Somalia"),
    "ar": ("عديم الجنسية، ولدت في الكويت", "اليمن"),
}


@dataclass(frozen=True)
class Person:
    number: int
    laptop: str
    code: str
    language: str
    interpreter: str | None
    consent: int
    answers: tuple[dict[str, Any], ...]
    not_applicable: frozenset[str] = frozenset()  # items the form's logic never showed

    def to_job(self) -> dict[str, Any]:
        """The participant as the laptop process reads it."""
        return {
            "code": self.code,
            "language": self.language,
            "interpreter": self.interpreter,
            "consent": self.consent,
            "answers": list(self.answers),
        }

    def stored(self) -> dict[str, Any]:
        """item id -> value as stored (declined: DECLINED); unanswered items are absent."""
        return {
            a["item"]: (a["value"] if a["status"] == "answered" else DECLINED) for a in self.answers
        }


def _language(rng: random.Random) -> str:
    roll = rng.random()
    for language, share in LANGUAGES:
        if roll < share:
            return language
        roll -= share
    return "ar"


def _interpreter(rng: random.Random, language: str) -> str | None:
    """Interpreters sit beside many Arabic readers (with Norwegian) and some others."""
    if language == "ar":
        return "nb" if rng.random() < 0.5 else None
    if rng.random() < 0.2:
        return "ar" if language == "nb" else "nb"
    return None


def _value(rng: random.Random, item: Item) -> Any:
    if item.type is ItemType.MULTIPLE_CHOICE:
        return sorted(rng.sample(list(item.scale.codes), rng.randint(1, 3)))
    if item.type is ItemType.VAS:
        return rng.randint(item.scale.min, item.scale.max)
    if item.type is ItemType.LADDER:
        return rng.randint(item.scale.min, item.scale.max)
    if item.type is ItemType.INTEGER:
        return rng.randint(item.minimum or 0, min(item.maximum or 60, 60))
    if item.type is ItemType.DATE:
        return (date(2015, 1, 1) + timedelta(days=rng.randrange(3000))).isoformat()
    return rng.choice(item.scale.codes)


def _answer(rng: random.Random, form_id: str, item: Item, language: str, skip: float) -> dict:
    answer: dict[str, Any] = {"form": form_id, "item": item.id}
    roll = rng.random()
    if roll < skip:
        return {}
    if item.allow_decline and roll < skip + 0.04:
        return {**answer, "status": "declined", "value": None}
    if item.type is ItemType.TEXT:
        text = rng.choice(FREE_TEXTS[language])
        return {**answer, "status": "answered", "value": text, "typed": f"  {text} "}
    value = _value(rng, item)
    answer.update(status="answered", value=value)
    if item.type is ItemType.INTEGER:
        # Typed in the participant's digits, as the number field accepts them.
        answer["typed"] = to_arabic_indic(str(value)) if language == "ar" else f" {value}"
    return answer


def _form_answers(
    rng: random.Random, form: Form, language: str, skip: float
) -> tuple[list[dict[str, Any]], set[str]]:
    """One form's answers in order, as the app asks them: an item shows only while it applies
    (form logic), and a value is given again until it meets the item's constraint."""
    given: dict[str, tuple[object, str]] = {}
    answers, hidden = [], set()
    for item in form.answerable_items:
        state = form_state(form, given, date.today())
        if not state.applies(item.id):
            hidden.add(item.id)
            continue
        for _ in range(50):
            answer = _answer(rng, form.id, item, language, skip)
            ok = not answer or answer["status"] != "answered"
            if ok or constraint_holds(form, item, answer["value"], state):
                break
        else:
            answer = {}  # no value met the constraint: the participant skips the question
        if answer:
            given[item.id] = (answer["value"], answer["status"])
            answers.append(answer)
    return answers, hidden


def make_plan(study: Study, seed: int = 2025) -> list[Person]:
    """Forty participants over three laptops, in the order they come to the tables."""
    rng = random.Random(seed)
    instruments = study.library.steps("baseline")[1:]
    people = []
    for laptop, (first, last, _) in LAPTOPS.items():
        for number in range(first, last + 1):
            language = _language(rng)
            skip = 0.35 if number in LOW_RESPONSE else 0.03
            answers: list[dict[str, Any]] = []
            hidden: set[str] = set()
            for form in instruments:
                form_answers, form_hidden = _form_answers(rng, form, language, skip)
                answers += form_answers
                hidden |= form_hidden
            consent = 0 if number in DECLINED_CONSENT else 1
            people.append(
                Person(
                    number,
                    laptop,
                    make_code(number),
                    language,
                    _interpreter(rng, language),
                    consent,
                    tuple(answers) if consent else (),
                    frozenset(hidden) if consent else frozenset(),
                )
            )
    return people
