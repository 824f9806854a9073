"""The data manager's check of the allocation sequence (pure): what an auditor would ask.

No slot used twice; no code randomised twice; one device per laptop list; slots used in order
within each laptop's range; each arm what the list and the sealed baseline give (when the seed
record is known); the right period for the date or count; each laptop's allocations one
unbroken chain (a fork means the laptop's store was restored and allocations redone); and the
balance of arms within each stratum and period.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from survey_app.trial.config import Randomisation
from survey_app.trial.draw import Slot, UsedSlot, current_period, draw_arm
from survey_app.trial.errors import ListError
from survey_app.trial.lists import LaptopList


@dataclass(frozen=True)
class AllocationRow:
    """One imported allocation, as the check needs it (code may be a keyed hash after erasure)."""

    submission_id: str
    device_id: str
    list_id: str
    laptop: str
    code_key: str
    stratum: str
    period: int
    position: int
    arm: str
    entropy: str
    meeting_date: str
    emergency_reason: str | None
    previous: str
    payload_sha256: str


@dataclass(frozen=True)
class BalanceRow:
    """Counts of arms in one stratum and period, with the ratio they should follow."""

    stratum: str
    period: int
    ratio: dict[str, int]
    counts: dict[str, int]
    allowed_deviation: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def deviation(self, arm: str) -> float:
        """How far an arm's count is from its share of the total."""
        share = self.ratio[arm] / sum(self.ratio.values())
        return abs(self.counts.get(arm, 0) - share * self.total)


@dataclass
class SequenceReport:
    """Problems (the sequence is broken), notes (not verifiable yet) and the balance table."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    balance: list[BalanceRow] = field(default_factory=list)
    allocations: int = 0
    emergency: int = 0
    verified_lists: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The report as JSON (counts and random ids only)."""
        return {
            "allocations": self.allocations,
            "emergency_reveals": self.emergency,
            "verified_against_lists": list(self.verified_lists),
            "problems": self.problems,
            "notes": self.notes,
            "balance": [
                {
                    "stratum": b.stratum,
                    "period": b.period,
                    "ratio": b.ratio,
                    "counts": b.counts,
                    "allowed_deviation": b.allowed_deviation,
                }
                for b in self.balance
            ],
        }


def check_sequence(
    rows: Sequence[AllocationRow],
    settings: Randomisation | None,
    lists: Mapping[tuple[str, str], LaptopList] | None = None,
) -> SequenceReport:
    """Check every allocation; lists maps (list id, laptop) to the list rebuilt from its seed."""
    report = SequenceReport(allocations=len(rows))
    report.emergency = sum(1 for r in rows if r.emergency_reason)
    _twice(rows, report)
    _devices(rows, report)
    _chains(rows, report)
    groups: dict[tuple[str, str, str], list[AllocationRow]] = defaultdict(list)
    for row in rows:
        groups[(row.list_id, row.laptop, row.stratum)].append(row)
    verified = set()
    for (list_id, laptop, stratum), group in sorted(groups.items()):
        lst = (lists or {}).get((list_id, laptop))
        if lst is None:
            _order_without_list(group, report)
        else:
            _replay(lst, stratum, group, report)
            verified.add(list_id)
    report.verified_lists = tuple(sorted(verified))
    if settings is not None:
        report.balance = _balance(rows, settings)
        for b in report.balance:
            for arm in b.ratio:
                if b.deviation(arm) > b.allowed_deviation:
                    report.problems.append(
                        f"stratum {b.stratum}, period {b.period}: {arm} has {b.counts.get(arm, 0)}"
                        f" of {b.total}, further from the ratio than blocks allow"
                    )
    return report


def _twice(rows: Sequence[AllocationRow], report: SequenceReport) -> None:
    slots = Counter((r.list_id, r.stratum, r.position) for r in rows)
    for (list_id, stratum, position), n in sorted(slots.items()):
        if n > 1:
            report.problems.append(
                f"slot {position} of stratum {stratum} (list {list_id[:8]}) used {n} times"
            )
    codes = Counter(r.code_key for r in rows)
    twice = sum(1 for n in codes.values() if n > 1)
    if twice:
        report.problems.append(f"{twice} participant code(s) randomised more than once")


def _devices(rows: Sequence[AllocationRow], report: SequenceReport) -> None:
    devices: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        devices[(r.list_id, r.laptop)].add(r.device_id)
    for (list_id, laptop), found in sorted(devices.items()):
        if len(found) > 1:
            report.problems.append(
                f"the list of laptop {laptop} (list {list_id[:8]}) was used on {len(found)} devices"
            )


def _chains(rows: Sequence[AllocationRow], report: SequenceReport) -> None:
    by_device: dict[str, list[AllocationRow]] = defaultdict(list)
    for r in rows:
        by_device[r.device_id].append(r)
    for device, group in sorted(by_device.items()):
        known = {r.payload_sha256 for r in group}
        links = Counter(r.previous for r in group if r.previous)
        for n in links.values():
            if n > 1:
                report.problems.append(
                    f"device {device}: {n} allocations follow the same earlier one (the "
                    "laptop's store was restored from a copy and allocations were redone)"
                )
        starts = [r for r in group if r.previous == ""]
        if len(starts) > 1:
            report.problems.append(f"device {device}: the allocation chain starts twice")
        missing = sum(1 for r in group if r.previous and r.previous not in known)
        if missing:
            report.notes.append(
                f"device {device}: {missing} allocation(s) follow one not imported yet"
            )


def _order_without_list(group: list[AllocationRow], report: SequenceReport) -> None:
    for period in sorted({r.period for r in group}):
        positions = sorted(r.position for r in group if r.period == period)
        gaps = (positions[-1] - positions[0] + 1) - len(positions)
        if gaps > 0:
            row = group[0]
            report.notes.append(
                f"laptop {row.laptop}, stratum {row.stratum}, period {period}: {gaps} slot(s) "
                "between used ones not imported (yet)"
            )


def _replay(lst: LaptopList, stratum: str, group: list[AllocationRow], report: SequenceReport):
    used: list[UsedSlot] = []
    expected_next: dict[int, int] = {}
    for row in sorted(group, key=lambda r: r.position):
        where = f"laptop {row.laptop}, stratum {stratum}, slot {row.position}"
        r = lst.range_for(stratum, row.period)
        if r is None or not r.first <= row.position <= r.last:
            report.problems.append(f"{where}: not a slot of this laptop's list in period "
                                   f"{row.period}")  # fmt: skip
            continue
        want = expected_next.get(row.period, r.first)
        if row.position != want:
            report.notes.append(
                f"{where}: {row.position - want} earlier slot(s) not imported (yet); "
                "the slots after them cannot be verified"
            )
            return
        period = current_period(lst, stratum, used, row.meeting_date).index
        if period != row.period:
            report.problems.append(f"{where}: period {row.period}, but the date or count "
                                   f"gives period {period}")  # fmt: skip
        try:
            arm = draw_arm(lst, Slot(stratum, row.period, row.position, r), used, row.entropy)
        except ListError:
            arm = ""
        if arm != row.arm:
            report.problems.append(f"{where}: the arm does not follow from the list and the "
                                   "sealed baseline")  # fmt: skip
        used.append(UsedSlot(stratum, row.period, row.position, row.arm))
        expected_next[row.period] = row.position + 1


def _balance(rows: Iterable[AllocationRow], settings: Randomisation) -> list[BalanceRow]:
    counts: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    laptops: dict[tuple[str, int], set[str]] = defaultdict(set)
    for r in rows:
        counts[(r.stratum, r.period)][r.arm] += 1
        laptops[(r.stratum, r.period)].add(f"{r.list_id}/{r.laptop}")
    out = []
    periods = {p.index: p for p in settings.periods}
    for (stratum, index), counter in sorted(counts.items()):
        period = periods.get(index)
        if period is None:
            continue
        biggest = max(settings.block_multiples) * period.base_block
        out.append(
            BalanceRow(
                stratum=stratum,
                period=index,
                ratio=dict(period.ratio),
                counts={arm: counter.get(arm, 0) for arm in settings.arms},
                # Each laptop may be inside one block; a block is off by less than its size.
                allowed_deviation=len(laptops[(stratum, index)]) * biggest,
            )
        )
    return out
