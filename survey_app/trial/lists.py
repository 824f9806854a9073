"""Allocation lists: permuted blocks per stratum, period and laptop, rebuilt from a seed.

Positions are numbered per stratum over the whole trial; every laptop gets its own contiguous
range of positions in each period, so two laptops can never use the same slot. A range is a
sequence of blocks whose size is a random multiple of the period's ratio (2:1 -> 3, 6 or 9) and
whose arms hold the ratio exactly. Which arm of a block each position gets is drawn only when
the slot is used, from the sealed baseline (survey_app.trial.draw): see docs/trial.md for why.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from survey_app.i18n import Counted
from survey_app.sealing.canonical import canonical_json
from survey_app.trial.config import Period, Randomisation
from survey_app.trial.drbg import Drbg, derive
from survey_app.trial.errors import ListError

LIST_FORMAT = "survey-app/allocation-list/v1"
GENERATOR = "survey-app/allocation-lists/v1"
LIST_SUFFIX = ".surveylist"
LAPTOP_LABEL = re.compile(r"[a-z0-9][a-z0-9-]{0,19}")
SEED_BYTES = 32


@dataclass(frozen=True)
class Block:
    """Consecutive positions whose arms, in some order drawn later, hold the ratio exactly."""

    first: int
    arms: tuple[str, ...]

    @property
    def last(self) -> int:
        return self.first + len(self.arms) - 1

    def __contains__(self, position: object) -> bool:
        return isinstance(position, int) and self.first <= position <= self.last


@dataclass(frozen=True)
class SlotRange:
    """The positions one laptop may use in one stratum and period."""

    stratum: str
    period: int
    laptop: str
    first: int
    last: int
    blocks: tuple[Block, ...]

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def block_of(self, position: int) -> Block:
        """The block holding a position."""
        for block in self.blocks:
            if position in block:
                return block
        raise ListError("Position {position} is not in this range.", position=position)


@dataclass(frozen=True)
class LaptopList:
    """What one laptop receives (sealed to its list key)."""

    study_id: str
    list_id: str
    laptop: str
    settings: Randomisation
    ranges: tuple[SlotRange, ...]
    draw_key: bytes

    def range_for(self, stratum: str, period: int) -> SlotRange | None:
        """This laptop's range in a stratum and period."""
        for r in self.ranges:
            if r.stratum == stratum and r.period == period:
                return r
        return None

    def to_json(self) -> dict[str, Any]:
        """The list as JSON (what is sealed)."""
        return {
            "format": LIST_FORMAT,
            "generator": GENERATOR,
            "study_id": self.study_id,
            "list_id": self.list_id,
            "laptop": self.laptop,
            "settings": self.settings.to_json(),
            "draw_key": self.draw_key.hex(),
            "ranges": [
                {
                    "stratum": r.stratum,
                    "period": r.period,
                    "first": r.first,
                    "last": r.last,
                    "blocks": [{"first": b.first, "arms": list(b.arms)} for b in r.blocks],
                }
                for r in self.ranges
            ],
        }

    @property
    def sha256(self) -> str:
        """Identity of the list's content (recorded in the seed record)."""
        return hashlib.sha256(canonical_json(self.to_json())).hexdigest()


@dataclass(frozen=True)
class ListSet:
    """All laptops' lists of one generation, with the seed that rebuilds them."""

    study_id: str
    list_id: str
    seed: bytes
    settings: Randomisation
    lists: tuple[LaptopList, ...]

    def for_laptop(self, laptop: str) -> LaptopList:
        """The list of one laptop label."""
        for lst in self.lists:
            if lst.laptop == laptop:
                return lst
        raise ListError("There is no list for laptop {laptop}.", laptop=laptop)


def check_laptops(laptops: Sequence[str]) -> tuple[str, ...]:
    """Laptop labels: 1-20 lower-case letters, digits or '-', each once."""
    labels = tuple(laptops)
    if not labels:
        raise ListError("Name at least one laptop.")
    for label in labels:
        if not LAPTOP_LABEL.fullmatch(label):
            raise ListError(
                "Laptop label {label}: use 1-20 lower-case letters, digits or '-'.",
                label=label[:30],
            )
    if len(set(labels)) != len(labels):
        raise ListError("A laptop label is given twice.")
    return labels


def generate_lists(
    settings: Randomisation, laptops: Sequence[str], seed: bytes, *, study_id: str, list_id: str
) -> ListSet:
    """Build every laptop's list from the seed (the same inputs always give the same lists)."""
    labels = check_laptops(laptops)
    if len(seed) != SEED_BYTES:
        raise ListError(
            Counted("The seed must have {count} byte.", "The seed must have {count} bytes."),
            count=SEED_BYTES,
        )
    ranges: dict[str, list[SlotRange]] = {label: [] for label in labels}
    # Sorted: the seed record's JSON has its keys sorted, and the rebuild must match exactly.
    for stratum in sorted(settings.strata):
        position = 1
        for period in settings.periods:
            for label, share in zip(labels, _shares(settings, period, len(labels)), strict=True):
                rng = Drbg(seed, f"blocks/{stratum}/{period.index}/{label}")
                blocks = _blocks(rng, settings, period, share, position)
                last = blocks[-1].last
                ranges[label].append(
                    SlotRange(stratum, period.index, label, position, last, tuple(blocks))
                )
                position = last + 1
    lists = tuple(
        LaptopList(
            study_id=study_id,
            list_id=list_id,
            laptop=label,
            settings=settings,
            ranges=tuple(ranges[label]),
            draw_key=derive(seed, f"draw/{list_id}/{label}"),
        )
        for label in labels
    )
    return ListSet(study_id, list_id, seed, settings, lists)


def _shares(settings: Randomisation, period: Period, laptops: int) -> list[int]:
    """Slots per laptop in a period, whole blocks of the ratio (a count is split evenly)."""
    base = period.base_block
    if period.until_count is not None:
        whole, extra = divmod(period.until_count, laptops)
        raw = [whole + (1 if i < extra else 0) for i in range(laptops)]
    else:
        raw = [settings.slots_per_laptop] * laptops
    return [max(base, -(-n // base) * base) for n in raw]


def _blocks(
    rng: Drbg, settings: Randomisation, period: Period, slots: int, first: int
) -> list[Block]:
    base = period.base_block
    composition = tuple(arm for arm in settings.arms for _ in range(period.ratio[arm]))
    blocks: list[Block] = []
    left = slots
    while left > 0:
        fitting = [m for m in settings.block_multiples if m * base <= left] or [left // base]
        multiple = rng.choice(fitting)
        blocks.append(Block(first, composition * multiple))
        first += multiple * base
        left -= multiple * base
    return blocks


def list_from_json(doc: Any) -> LaptopList:
    """Rebuild a LaptopList from its JSON (ListError when it is not one)."""
    try:
        if doc["format"] != LIST_FORMAT or doc["generator"] != GENERATOR:
            raise ListError("This is not an allocation list of a known format.")
        settings = randomisation_from_json(doc["settings"])
        ranges = tuple(
            SlotRange(
                stratum=str(r["stratum"]),
                period=int(r["period"]),
                laptop=str(doc["laptop"]),
                first=int(r["first"]),
                last=int(r["last"]),
                blocks=tuple(
                    Block(int(b["first"]), tuple(str(a) for a in b["arms"])) for b in r["blocks"]
                ),
            )
            for r in doc["ranges"]
        )
        return LaptopList(
            study_id=str(doc["study_id"]),
            list_id=str(doc["list_id"]),
            laptop=str(doc["laptop"]),
            settings=settings,
            ranges=ranges,
            draw_key=bytes.fromhex(doc["draw_key"]),
        )
    except (KeyError, TypeError, ValueError):
        raise ListError("The allocation list is damaged.") from None


def randomisation_from_json(doc: Any) -> Randomisation:
    """Rebuild randomisation settings from their recorded JSON."""
    periods = tuple(
        Period(
            index=int(p["index"]),
            ratio=MappingProxyType({str(k): int(v) for k, v in p["ratio"].items()}),
            until_date=p.get("until_date"),
            until_count=p.get("until_count"),
        )
        for p in doc["periods"]
    )
    return Randomisation(
        arms=tuple(str(a) for a in doc["arms"]),
        stratify_by=doc.get("stratify_by"),
        strata=MappingProxyType(
            {str(k): tuple(int(c) for c in v) for k, v in doc["strata"].items()}
        ),
        block_multiples=tuple(int(m) for m in doc["block_multiples"]),
        slots_per_laptop=int(doc["slots_per_laptop"]),
        periods=periods,
    )
