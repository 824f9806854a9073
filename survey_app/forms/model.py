"""Typed, immutable model of instruments, consent forms and study protocols."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from survey_app.forms.expressions import Expression
from survey_app.forms.languages import LANGUAGES
from survey_app.forms.languages import RTL_LANGUAGES as RTL_LANGUAGES
from survey_app.forms.languages import is_rtl as is_rtl

if TYPE_CHECKING:
    from survey_app.forms.audio import FormAudio

TIMEPOINTS: tuple[str, ...] = ("baseline", "followup-6m", "followup-12m", "followup-24m")


class ItemType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    LADDER = "ladder"
    VAS = "vas"
    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    DATE = "date"
    CONSENT = "consent"
    NOTE = "note"
    CALCULATE = "calculate"


CHOICE_TYPES = frozenset({ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.LADDER})
SCALED_TYPES = frozenset({ItemType.LADDER, ItemType.VAS})
ANSWERABLE_TYPES = frozenset(t for t in ItemType if t not in (ItemType.NOTE, ItemType.CALCULATE))


class ResultType(StrEnum):
    """What a calculate item stores."""

    NUMBER = "number"
    TEXT = "text"
    DATE = "date"


class TextStatus(StrEnum):
    VALIDATED = "validated"
    DRAFT = "draft"


class Addressee(StrEnum):
    """Whom a text addresses, for languages that inflect for the reader's gender (Arabic)."""

    FEMALE = "female"
    MALE = "male"


# Without a chosen addressee a text with variants reads in the masculine, the traditional default.
DEFAULT_ADDRESSEE = Addressee.MALE


@dataclass(frozen=True)
class LocalText:
    """One text in every language, keyed by language code.

    `variants` holds, per language, the text addressed to a woman and to a man (language ->
    addressee value -> text); `texts` then holds the default (masculine) variant, so code that
    does not know about addressees still reads a complete text.
    """

    texts: Mapping[str, str]
    variants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def get(self, language: str, addressee: Addressee | None = None) -> str:
        """Return the text in a language for an addressee (empty string if absent)."""
        by_addressee = self.variants.get(language)
        if by_addressee:
            chosen = by_addressee.get(str(addressee or DEFAULT_ADDRESSEE))
            if chosen is not None:
                return chosen
        return self.texts.get(language, "")

    def has_variants(self, language: str) -> bool:
        """Return True when the text in this language differs by addressee."""
        return bool(self.variants.get(language))

    def __getitem__(self, language: str) -> str:
        return self.texts[language]


@dataclass(frozen=True)
class Option:
    """An answer option: the stored code belongs to the instrument, the label to a language."""

    code: int
    label: LocalText


@dataclass(frozen=True)
class Scale:
    """A set of answer options (or a numeric range with anchors) shared by items."""

    id: str
    min: int
    max: int
    options: tuple[Option, ...] = ()
    anchor_low: LocalText | None = None
    anchor_high: LocalText | None = None

    def option(self, code: int) -> Option | None:
        """Return the option with this stored code, if any."""
        return next((o for o in self.options if o.code == code), None)

    @cached_property  # asked for every answer an import checks; a Scale never changes
    def codes(self) -> tuple[int, ...]:
        return tuple(o.code for o in self.options)


@dataclass(frozen=True)
class ItemLogic:
    """When an item is asked, what it must satisfy and what it computes (docs/form-format.md).

    Logic belongs to the form, never to a language: expressions are written once.
    """

    relevant: Expression | None = None
    required: Expression | None = None
    constraint: Expression | None = None
    constraint_message: LocalText | None = None
    calculate: Expression | None = None
    result: ResultType | None = None
    default: str | None = None
    # Choice items: (option code, condition) pairs; an option is offered only while its
    # condition holds (XLSForm choice_filter, one condition per option). Others always are.
    choice_filter: tuple[tuple[int, Expression], ...] | None = None

    def option_condition(self, code: int) -> Expression | None:
        """The condition under which an option is offered (None: always)."""
        return dict(self.choice_filter or ()).get(code)

    @property
    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in _LOGIC_FIELDS)


_LOGIC_FIELDS = tuple(f.name for f in fields(ItemLogic))


@dataclass(frozen=True)
class Section:
    """A group of consecutive items (`section:` in a form file): a page break and a condition."""

    id: str
    title: LocalText | None = None
    relevant: Expression | None = None
    parent: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Item:
    """One question (or note) of a form; `id` is also its export variable name."""

    id: str
    type: ItemType
    text: LocalText
    line: int = 0
    required: bool = False
    allow_decline: bool = False
    scale: Scale | None = None
    minimum: int | float | None = None  # a float only for decimal items
    maximum: int | float | None = None
    max_length: int | None = None
    help: LocalText | None = None
    group: str | None = None
    label: str = ""
    free_text: bool = False
    logic: ItemLogic = field(default_factory=ItemLogic)
    section: str | None = None
    decimals: int | None = None  # decimal items: most digits after the decimal separator

    @property
    def answerable(self) -> bool:
        return self.type in ANSWERABLE_TYPES

    @property
    def calculated(self) -> bool:
        return self.type is ItemType.CALCULATE

    @property
    def stored(self) -> bool:
        """True when the item has a value of its own in the data (answers and calculations)."""
        return self.answerable or self.calculated


@dataclass(frozen=True)
class SignOff:
    """Who validated a language's texts, when, after which steps, and a hash of those texts."""

    role: str
    initials: str
    date: str  # YYYY-MM-DD
    steps: tuple[str, ...]
    texts: str  # "sha256:<hex>" of exactly the texts signed (see forms/signoff.py)
    source_texts: str = ""  # the same for the source-language texts they were checked against
    line: int = 0


@dataclass(frozen=True)
class LanguageInfo:
    """Per-language provenance of a form's text."""

    status: TextStatus
    note: str = ""
    signoff: SignOff | None = None
    line: int = 0


@dataclass(frozen=True)
class Form:
    """An instrument or consent form, as loaded from one definition file."""

    id: str
    kind: str  # "instrument" or "consent"
    version: str
    title: LocalText
    items: tuple[Item, ...]
    languages: Mapping[str, LanguageInfo]
    content_hash: str
    path: str = ""
    instructions: LocalText | None = None
    recall_period: LocalText | None = None
    source: str = ""
    licence: str = ""
    scales: Mapping[str, Scale] = field(default_factory=dict)
    prefix: str = ""
    sections: tuple[Section, ...] = ()
    file_hash: str = ""
    # Recorded readings of the texts (forms/audio.py); None when the form has none, so a form
    # without recordings keeps the content hash it had before recordings existed.
    audio: FormAudio | None = None

    def item(self, item_id: str) -> Item:
        """Return an item by id (KeyError if unknown)."""
        return self._items_by_id[item_id]

    @cached_property  # a Form never changes; imports look items up for every answer
    def _items_by_id(self) -> dict[str, Item]:
        by_id: dict[str, Item] = {}
        for it in self.items:
            by_id.setdefault(it.id, it)  # the first, as the search this replaces found
        return by_id

    @property
    def answerable_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.answerable)

    @property
    def stored_items(self) -> tuple[Item, ...]:
        """Items with a column in the data sets: answers and calculated values, in order."""
        return tuple(i for i in self.items if i.stored)

    @cached_property  # asked for every submission an import checks and every row it makes
    def has_logic(self) -> bool:
        return bool(self.sections) or any(not i.logic.empty for i in self.items)

    def section(self, section_id: str) -> Section:
        """Return a section by id (KeyError if unknown)."""
        for sec in self.sections:
            if sec.id == section_id:
                return sec
        raise KeyError(section_id)


@dataclass(frozen=True)
class Step:
    """One form in a timepoint's sequence, optionally limited to a study arm."""

    form_id: str
    only_arm: str | None = None


@dataclass(frozen=True)
class Timepoint:
    id: str
    label: LocalText
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Protocol:
    """Which forms are shown, in which order, at each timepoint of a study."""

    study_id: str
    title: LocalText
    version: str
    timepoints: Mapping[str, Timepoint]
    languages: tuple[str, ...] = LANGUAGES
    pcl_cutoff: int = 33
    content_hash: str = ""
    path: str = ""
