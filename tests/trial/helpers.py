"""Allocate from a list the way a laptop does, without a store (pure)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from survey_app.trial.draw import UsedSlot, draw_arm, next_slot
from survey_app.trial.lists import LaptopList
from survey_app.trial.sequence import AllocationRow


def allocate(
    lst: LaptopList, people: Sequence[tuple[str, str, str]], device: str = "dev1"
) -> list[AllocationRow]:
    """Allocate (code, stratum, date) in order; entropy stands in for the sealed baseline hash."""
    used: list[UsedSlot] = []
    rows: list[AllocationRow] = []
    previous = ""
    for code, stratum, day in people:
        slot = next_slot(lst, stratum, used, day)
        entropy = hashlib.sha256(f"baseline of {code}".encode()).hexdigest()
        arm = draw_arm(lst, slot, used, entropy)
        used.append(UsedSlot(stratum, slot.period, slot.position, arm))
        digest = hashlib.sha256(f"{code}/{slot.position}/{previous}".encode()).hexdigest()
        rows.append(
            AllocationRow(
                submission_id=f"a-{code}",
                device_id=device,
                list_id=lst.list_id,
                laptop=lst.laptop,
                code_key=code,
                stratum=stratum,
                period=slot.period,
                position=slot.position,
                arm=arm,
                entropy=entropy,
                meeting_date=day,
                emergency_reason=None,
                previous=previous,
                payload_sha256=digest,
            )
        )
        previous = digest
    return rows
