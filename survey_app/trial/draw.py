"""Which slot a reveal uses and which arm it gets (pure; the store and the auditor share it).

The slot is the next unused position of this laptop's range for the participant's stratum in
the current period. The arm is drawn from the arms of that position's block not yet used, with
an index computed from the list's draw key and the sealed baseline's hash. The baseline's hash
exists only once the baseline is sealed (its ciphertext is encrypted with fresh randomness), so
before that moment the arm is not merely hidden: it is not yet decided (docs/trial.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from survey_app.trial.config import Period
from survey_app.trial.drbg import keyed_index
from survey_app.trial.errors import ListError
from survey_app.trial.lists import LaptopList, SlotRange


@dataclass(frozen=True)
class UsedSlot:
    """A position already allocated from a list."""

    stratum: str
    period: int
    position: int
    arm: str


@dataclass(frozen=True)
class Slot:
    """Where the next allocation of a stratum goes."""

    stratum: str
    period: int
    position: int
    range: SlotRange


def current_period(lst: LaptopList, stratum: str, used: Sequence[UsedSlot], day: str) -> Period:
    """The period an allocation on `day` (ISO date) falls in, for this laptop and stratum."""
    periods = lst.settings.periods
    for period in periods:
        if period is periods[-1]:
            return period
        if period.until_date is not None and day >= period.until_date:
            continue
        if period.until_count is not None:
            r = lst.range_for(stratum, period.index)
            taken = sum(1 for u in used if u.stratum == stratum and u.period == period.index)
            if r is None or taken >= r.size:
                continue
        return period
    return periods[-1]


def next_slot(lst: LaptopList, stratum: str, used: Sequence[UsedSlot], day: str) -> Slot:
    """The next free slot of a stratum (ListError when the list is used up or has no stratum)."""
    if stratum not in lst.settings.strata:
        raise ListError("The allocation list has no stratum {stratum}.", stratum=stratum)
    period = current_period(lst, stratum, used, day)
    r = lst.range_for(stratum, period.index)
    if r is None:
        raise ListError("The allocation list has no slots for this stratum and period.")
    taken = sorted(u.position for u in used if u.stratum == stratum and u.period == period.index)
    position = r.first + len(taken)
    if taken != list(range(r.first, position)):
        raise ListError("The slots of this list were not used in order. Ask the data manager.")
    if position > r.last:
        raise ListError(
            "The allocation list of this laptop is used up for this stratum. "
            "Ask the data manager for a new list."
        )
    return Slot(stratum, period.index, position, r)


def draw_arm(lst: LaptopList, slot: Slot, used: Sequence[UsedSlot], entropy: str) -> str:
    """The arm of a slot: one of its block's arms not yet used, picked by the entropy."""
    block = slot.range.block_of(slot.position)
    remaining = list(block.arms)
    for u in used:
        if u.stratum == slot.stratum and block.first <= u.position < slot.position:
            if u.arm not in remaining:
                raise ListError("The allocation list is inconsistent. Ask the data manager.")
            remaining.remove(u.arm)
    if not remaining:
        raise ListError("The allocation list is inconsistent. Ask the data manager.")
    message = f"{lst.list_id}/{slot.stratum}/{slot.position}/{entropy}"
    return remaining[keyed_index(lst.draw_key, message, len(remaining))]
