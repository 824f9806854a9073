"""The order of a session's pages: consent, then each instrument cut into short pages (no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from survey_app.forms.model import Form, Item, ItemType

# Large drawn scales get a page of their own; other items are grouped a few at a time.
ALONE = frozenset({ItemType.LADDER, ItemType.VAS})
DEFAULT_ITEMS_PER_PAGE = 4


@dataclass(frozen=True)
class PageSpec:
    """One questionnaire page: some items of one form."""

    form: Form
    items: tuple[Item, ...]
    number_in_form: int
    pages_in_form: int
    form_index: int
    form_count: int


@dataclass(frozen=True)
class Progress:
    """Where a page stands among the pages asked, and its part among the parts asked."""

    page: int
    pages: int
    part: int
    parts: int
    page_in_part: int
    pages_in_part: int


def progress(plan: list[PageSpec], asked: list[bool], index: int) -> Progress:
    """Count only asked pages, and only parts (forms) with at least one page asked.

    The page on screen always counts, even while nothing on it applies.
    """
    asked = list(asked)
    asked[index] = True
    form_id = plan[index].form.id
    in_part = [i for i, spec in enumerate(plan) if spec.form.id == form_id and asked[i]]
    parts: list[str] = []
    for spec, is_asked in zip(plan, asked, strict=True):
        if is_asked and spec.form.id not in parts:
            parts.append(spec.form.id)
    return Progress(
        sum(asked[: index + 1]),
        sum(asked),
        parts.index(form_id) + 1,
        len(parts),
        in_part.index(index) + 1,
        len(in_part),
    )


def split_consent(forms: list[Form]) -> tuple[Form | None, list[Form]]:
    """Return the consent form (first step, if a consent form) and the instruments after it."""
    if forms and forms[0].kind == "consent":
        return forms[0], list(forms[1:])
    return None, list(forms)


def _chunks(items: tuple[Item, ...], per_page: int) -> list[tuple[Item, ...]]:
    pages: list[list[Item]] = []
    current: list[Item] = []
    for item in items:
        if item.calculated:  # computed, never shown
            continue
        if current and item.section != current[-1].section:
            pages.append(current)  # a section starts (and ends) a page
            current = []
        if item.type in ALONE:
            if current:
                pages.append(current)
            pages.append([item])
            current = []
            continue
        current.append(item)
        if len([i for i in current if i.answerable]) >= per_page:
            pages.append(current)
            current = []
    if current:
        pages.append(current)
    return [tuple(p) for p in pages]


def plan_pages(instruments: list[Form], per_page: int = DEFAULT_ITEMS_PER_PAGE) -> list[PageSpec]:
    """Cut every instrument into pages, keeping form order and item order."""
    plan: list[PageSpec] = []
    for form_index, form in enumerate(instruments):
        chunks = _chunks(form.items, per_page)
        for number, chunk in enumerate(chunks, 1):
            plan.append(PageSpec(form, chunk, number, len(chunks), form_index, len(instruments)))
    return plan


def page_of(plan: list[PageSpec], form_id: str | None, item_id: str | None) -> int:
    """Return the index of the page showing an item (0 when unknown)."""
    for index, page in enumerate(plan):
        if page.form.id == form_id and any(i.id == item_id for i in page.items):
            return index
    for index, page in enumerate(plan):
        if page.form.id == form_id:
            return index
    return 0


@dataclass(frozen=True)
class Unanswered:
    """An item without an answer (not given and not declined), for the review page."""

    page_index: int
    form: Form
    item: Item


Applies = Callable[[Form, Item], bool]


def unanswered(
    plan: list[PageSpec], answered: set[tuple[str, str]], applies: Applies | None = None
) -> list[Unanswered]:
    """List answerable items that apply and have neither an answer nor a decline, in order."""
    missing: list[Unanswered] = []
    for index, page in enumerate(plan):
        for item in page.items:
            if applies is not None and not applies(page.form, item):
                continue
            if item.answerable and (page.form.id, item.id) not in answered:
                missing.append(Unanswered(index, page.form, item))
    return missing
