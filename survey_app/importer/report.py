"""The import report: counts only (never answers or codes), as text and as JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from survey_app.program_name import SOURCE


@dataclass(frozen=True)
class Rejection:
    """Something that was not imported, and why (ids are random submission/bundle ids).

    `submissions`: how many submissions it covers (1 for one submission; a whole bundle's
    count; 0 when a bundle was too damaged to say).
    """

    source: str
    reason: str
    submission_id: str = ""
    submissions: int = 1


@dataclass
class ImportReport:
    """What one import run found and did."""

    study_id: str
    run_at: str
    sources: list[str] = field(default_factory=list)
    bundles_accepted: int = 0
    bundles_rejected: int = 0
    new: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    conflicts: list[Rejection] = field(default_factory=list)
    first_use_devices: list[str] = field(default_factory=list)
    totals: list[tuple[str, str, str, int]] = field(default_factory=list)
    # Session status (completed, declined, abandoned) -> submissions: new in this run, in all.
    new_by_status: Counter[str] = field(default_factory=Counter)
    status_totals: dict[str, int] = field(default_factory=dict)
    outputs_written: list[str] = field(default_factory=list)
    outputs_unchanged: list[str] = field(default_factory=list)
    outputs_removed: list[str] = field(default_factory=list)
    erased_refused_ids: list[str] = field(default_factory=list)
    # survey_app.importer.dataset.CodeTimepointDuplicate: one code at one timepoint in more than
    # one submission; its own count, since each is a valid submission, not a conflict.
    code_duplicates: list[Any] = field(default_factory=list)
    # Submissions (all imported so far) whose participant code is not a valid code.
    invalid_code_ids: list[str] = field(default_factory=list)
    # Allocations, withdrawals and the allocation-sequence check (survey_app.importer.trial_import).
    trial: dict[str, Any] = field(default_factory=dict)

    @property
    def new_count(self) -> int:
        return sum(self.new.values())

    @property
    def rejected_count(self) -> int:
        """Submissions not imported (every one in a refused bundle counts)."""
        return sum(r.submissions for r in self.rejections)

    @property
    def uncounted_bundles(self) -> int:
        """Refused bundles too damaged to say how many submissions they held."""
        return sum(1 for r in self.rejections if not r.submission_id and r.submissions == 0)

    @property
    def duplicates_across_laptops(self) -> int:
        """Codes used at one timepoint on more than one laptop."""
        return sum(1 for d in self.code_duplicates if d.devices > 1)

    @property
    def duplicates_on_one_laptop(self) -> int:
        """Codes used twice at one timepoint on the same laptop (flagged there too)."""
        return sum(1 for d in self.code_duplicates if d.devices == 1)

    @property
    def total_count(self) -> int:
        return sum(t[3] for t in self.totals)

    def to_json(self) -> dict[str, Any]:
        """JSON-serialisable form of the report."""
        return {
            "format": "survey-app/import-report/v1",
            "study_id": self.study_id,
            "run_at": self.run_at,
            "sources": self.sources,
            "bundles": {"accepted": self.bundles_accepted, "rejected": self.bundles_rejected},
            "submissions": {
                "new": self.new_count,
                "duplicates": self.duplicates,
                "rejected": self.rejected_count,
                "rejected_bundles_not_counted": self.uncounted_bundles,
                "conflicts": len(self.conflicts),
                "duplicate_code_timepoint_across_laptops": self.duplicates_across_laptops,
                "duplicate_code_timepoint_on_one_laptop": self.duplicates_on_one_laptop,
                "refused_as_erased": len(self.erased_refused_ids),
                "invalid_code": len(self.invalid_code_ids),
                "total_imported": self.total_count,
                "new_abandoned": self.new_by_status.get("abandoned", 0),
                "total_abandoned": self.status_totals.get("abandoned", 0),
            },
            "new_by_status": dict(sorted(self.new_by_status.items())),
            "total_by_status": dict(sorted(self.status_totals.items())),
            "new_by_device_timepoint_language": _counts(sorted(self.new.items())),
            "total_by_device_timepoint_language": _counts(
                ((d, t, lang), n) for d, t, lang, n in self.totals
            ),
            "rejections": [vars(r) for r in self.rejections],
            "conflicts": [vars(r) for r in self.conflicts],
            "duplicate_code_timepoint": [
                {
                    "timepoint": d.timepoint,
                    "devices": d.devices,
                    "submission_ids": list(d.submission_ids),
                }
                for d in self.code_duplicates
            ],
            "invalid_code_submission_ids": self.invalid_code_ids,
            "trusted_on_first_use": self.first_use_devices,
            "outputs_written": self.outputs_written,
            "outputs_unchanged": self.outputs_unchanged,
            "outputs_removed": self.outputs_removed,
            "refused_as_erased_submission_ids": self.erased_refused_ids,
            "trial": self.trial,
        }

    def to_text(self, program: str = SOURCE) -> str:
        """A short plain-text summary for the data manager (program: how commands are run)."""
        lines = [
            f"Import for study {self.study_id} at {self.run_at}",
            f"Bundles: {self.bundles_accepted} accepted, {self.bundles_rejected} rejected",
            f"Submissions: {self.new_count} new, {self.duplicates} already imported "
            f"(counted once), {self.rejected_count} rejected, {len(self.conflicts)} conflicts"
            + (
                f" (and {self.uncounted_bundles} bundle(s) too damaged to count)"
                if self.uncounted_bundles
                else ""
            ),
            f"Same code at the same timepoint: {self.duplicates_across_laptops} across laptops, "
            f"{self.duplicates_on_one_laptop} on one laptop (every such row has "
            f"duplicate_code_timepoint = 1 in the data sets)",
            f"Total imported so far: {self.total_count}",
            f"Sessions closed unfinished (abandoned, answers given so far): "
            f"{self.new_by_status.get('abandoned', 0)} new, "
            f"{self.status_totals.get('abandoned', 0)} in total",
        ]
        if self.erased_refused_ids:
            ids = " ".join(f"--submission {sid}" for sid in self.erased_refused_ids)
            lines += [
                "Refused because erased at a participant's request: "
                f"{len(self.erased_refused_ids)}. If they came from the research server or a "
                "laptop that still syncs, erase them there too:",
                f"  {program} erase-on-server --server URL {ids}",
            ]
        lines += trial_text(self.trial)
        if self.totals:
            lines.append("")
            lines.append("Totals by device / timepoint / language:")
            lines += [f"  {d}  {t}  {lang}: {n}" for d, t, lang, n in self.totals]
        if self.first_use_devices:
            lines.append("")
            lines.append(
                "Devices trusted on first use (no --known-devices entry; check their ids "
                "against the enrolled laptops):"
            )
            lines += [f"  {d}" for d in self.first_use_devices]
        if self.code_duplicates:
            lines.append("")
            lines.append(
                "Same code at the same timepoint (their rows have duplicate_code_timepoint = 1 in "
                "the data sets; check the cards and the linking keys of these laptops):"
            )
            for d in self.code_duplicates:
                where = f"{d.devices} laptops" if d.devices > 1 else "one laptop"
                lines.append(f"  {d.timepoint}, {where}: submissions {', '.join(d.submission_ids)}")
        if self.invalid_code_ids:
            lines.append("")
            lines.append(
                f"Participant code not valid: {len(self.invalid_code_ids)} submission(s), kept "
                "with invalid_code = 1 in the data sets (find or erase them with "
                f"`{program} participant find|erase --submission ID`):"
            )
            lines += [f"  {sid}" for sid in self.invalid_code_ids]
        for title, items in (("Rejected", self.rejections), ("Conflicts", self.conflicts)):
            if items:
                lines.append("")
                lines.append(f"{title}:")
                for r in items:
                    which = f" submission {r.submission_id}" if r.submission_id else ""
                    lines.append(f"  {r.source}{which}: {r.reason}")
        return "\n".join(lines) + "\n"

    def to_json_bytes(self) -> bytes:
        """Indented UTF-8 JSON."""
        return (json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def trial_text(trial: dict[str, Any]) -> list[str]:
    """The trial part of the text report: counts, problems and the balance table."""
    if not trial:
        return []
    lines = [""]
    notices = trial.get("notices")
    if notices:
        lines.append(
            f"Trial: {notices['allocations_new']} new allocation(s), "
            f"{notices['withdrawals_new']} new withdrawal(s), {notices['duplicates']} already "
            f"imported; {notices['refused_withdrawn']} submission(s) refused (withdrawn from "
            "data collection)"
        )
    if trial.get("withdrawals_applied"):
        lines.append("Withdrawals applied (scopes): " + "; ".join(trial["withdrawals_applied"]))
    if trial.get("withdrawals_not_applied"):
        lines.append(
            f"Withdrawals NOT applied (the code holds nothing and is not a valid code; they stay "
            f"pending): {trial['withdrawals_not_applied']}"
        )
    if trial.get("held_back_withdrawn"):
        lines.append(
            f"Kept out of the data sets (started after a withdrawal from data collection that "
            f"arrived later): {trial['held_back_withdrawn']}"
        )
    sequence = trial.get("sequence")
    if sequence:
        verified = (
            "verified against the lists"
            if sequence["verified_against_lists"]
            else ("NOT verified against the lists (give --allocation-seed once)")
        )
        lines.append(
            f"Allocation sequence: {sequence['allocations']} allocation(s), "
            f"{sequence['emergency_reveals']} emergency reveal(s), {verified}; "
            f"{len(sequence['problems'])} problem(s)"
        )
        lines += [f"  PROBLEM: {p}" for p in sequence["problems"]]
        lines += [f"  note: {n}" for n in sequence["notes"]]
        for row in sequence["balance"]:
            ratio = ":".join(str(v) for v in row["ratio"].values())
            counts = ", ".join(f"{arm} {n}" for arm, n in row["counts"].items())
            lines.append(f"  stratum {row['stratum']}, period {row['period']} ({ratio}): {counts}")
    return lines


def _counts(items: Any) -> list[dict[str, Any]]:
    return [
        {"device_id": d, "timepoint": t, "language": lang, "count": n} for (d, t, lang), n in items
    ]
