"""Real form-model objects for answer validation tests."""

from __future__ import annotations

import pytest

from survey_app.forms.model import Item, ItemType, LocalText, Option, Scale


def text(en: str) -> LocalText:
    return LocalText({"nb": en, "en": en, "ar": en})


def scale(scale_id: str, low: int, high: int, labelled: bool = True) -> Scale:
    options = tuple(Option(code, text(f"option {code}")) for code in range(low, high + 1))
    return Scale(id=scale_id, min=low, max=high, options=options if labelled else ())


@pytest.fixture
def freq4() -> Item:
    return Item("hscl_01", ItemType.SINGLE_CHOICE, text("Scared"), scale=scale("freq4", 1, 4))


@pytest.fixture
def gender() -> Item:
    # Inline options with a gap in the codes: 3 is not an option.
    options = (Option(1, text("Woman")), Option(2, text("Man")), Option(9, text("Other")))
    return Item(
        "bg_gender",
        ItemType.SINGLE_CHOICE,
        text("Gender"),
        scale=Scale("bg_gender_options", 1, 9, options),
    )


@pytest.fixture
def factors() -> Item:
    return Item("proc_factors", ItemType.MULTIPLE_CHOICE, text("Factors"), scale=scale("f", 1, 6))


@pytest.fixture
def ladder() -> Item:
    return Item(
        "cantril_now", ItemType.LADDER, text("Today"), scale=scale("ladder10", 1, 10, False)
    )


@pytest.fixture
def vas() -> Item:
    return Item("eqvas", ItemType.VAS, text("Health"), scale=scale("vas100", 0, 100, False))


@pytest.fixture
def age() -> Item:
    return Item("bg_age", ItemType.INTEGER, text("Age"), minimum=18, maximum=99)


@pytest.fixture
def comment() -> Item:
    return Item("proc_comment", ItemType.TEXT, text("Comment"), max_length=20, free_text=True)


@pytest.fixture
def arrival() -> Item:
    return Item("bg_arrival", ItemType.DATE, text("Arrival date"))


@pytest.fixture
def consent() -> Item:
    return Item("consent_store", ItemType.CONSENT, text("I agree"))


@pytest.fixture
def note() -> Item:
    return Item("note_1", ItemType.NOTE, text("Thank you"))
