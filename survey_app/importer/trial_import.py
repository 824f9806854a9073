"""The import's trial part: take notices, apply withdrawals, check the allocation sequence.

Called from survey_app.importer.run: notices are recognised by their payload format and never
become rows of the data sets; withdrawals are applied after every bundle of the run is in (an
erasure goes through the participants'-rights path, so it is logged and refused later); the
sequence check runs over everything imported so far and its result goes into the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from survey_app.errors import UserFacingError
from survey_app.importer.dataset import TableRow
from survey_app.importer.record import ImportRecord
from survey_app.importer.report import ImportReport, Rejection
from survey_app.importer.trial_record import (
    add_notice,
    add_seed_record,
    allocation_rows,
    allocations_by_code,
    baseline_links,
    collection_stops,
    collection_withdrawn_since,
    mark_applied,
    seed_records,
    withdrawals,
)
from survey_app.trial.config import Randomisation
from survey_app.trial.errors import ListError
from survey_app.trial.lists import LaptopList
from survey_app.trial.notices import (
    ALLOCATION_FORMAT,
    allocation_problems,
    withdrawal_problems,
)
from survey_app.trial.sealed_lists import open_seed_record
from survey_app.trial.sequence import check_sequence


def counters(report: ImportReport) -> dict[str, Any]:
    """The report's trial section, created on first use."""
    return report.trial.setdefault(
        "notices",
        {"allocations_new": 0, "withdrawals_new": 0, "duplicates": 0, "refused_withdrawn": 0},
    )


def take_notice(
    record: ImportRecord,
    report: ImportReport,
    payload: Mapping[str, Any],
    envelope: Mapping[str, Any],
    *,
    digests: tuple[str, str],
    bundle_sha256: str,
    name: str,
    at: str,
) -> None:
    """Validate and record one allocation or withdrawal notice."""
    sid = str(envelope.get("submission_id"))
    allocation = payload.get("format") == ALLOCATION_FORMAT
    reasons = (allocation_problems if allocation else withdrawal_problems)(payload, envelope)
    if reasons:
        report.rejections.append(Rejection(name, "; ".join(reasons), sid))
        return
    outcome = add_notice(
        record,
        payload,
        payload_sha256=digests[0],
        envelope_sha256=digests[1],
        device_id=str(envelope["device_id"]),
        bundle_sha256=bundle_sha256,
        at=at,
    )
    counts = counters(report)
    if outcome == "conflict":
        report.conflicts.append(Rejection("record", "same notice id, different content", sid))
    elif outcome == "duplicate":
        counts["duplicates"] += 1
    else:
        counts["allocations_new" if allocation else "withdrawals_new"] += 1


def refusal(record: ImportRecord, session: Mapping[str, Any]) -> bool:
    """True when a submission was started on or after its code withdrew from data collection."""
    code = str(session.get("participant_code") or "")
    since = collection_withdrawn_since(record, code) if code else None
    return since is not None and str(session.get("started_at") or "")[:10] >= since


def after_withdrawal(session: Mapping[str, Any], stops: Mapping[str, str]) -> bool:
    """True when a session started on or after its code's withdrawal from data collection."""
    since = stops.get(str(session.get("participant_code") or ""))
    return since is not None and str(session.get("started_at") or "")[:10] >= since


def held_back(record: ImportRecord) -> int:
    """Submissions in the record that a withdrawal keeps out of the data sets.

    A submission can arrive before the withdrawal that covers it (another laptop, an earlier
    bundle in the same run, a server pull): it stays in the encrypted record, but no data set
    shows it.
    """
    stops = collection_stops(record)
    if not stops:
        return 0
    return sum(1 for p in record.payloads() if after_withdrawal(p.get("session") or {}, stops))


def apply_withdrawals(record: ImportRecord, report: ImportReport, at: str) -> list[str]:
    """Apply every withdrawal not applied yet; erasures go through the rights path."""
    from survey_app.importer.rights import erase_participant

    applied, stuck = [], 0
    for w in withdrawals(record, pending_only=True):
        erasure = None
        if "erase" in w.scopes and w.participant_code:
            try:
                entry = erase_participant(
                    record, w.participant_code, at=at, reference=f"withdrawal {w.submission_id[:8]}"
                )
            except UserFacingError:
                # One withdrawal that cannot be applied stays pending and is reported; it must
                # not stop the import of everything else.
                stuck += 1
                continue
            erasure = entry.erasure_id if entry is not None else None
        mark_applied(record, w.submission_id, at, erasure)
        applied.append(",".join(w.scopes))
    if applied:
        report.trial["withdrawals_applied"] = sorted(applied)
    if stuck:
        report.trial["withdrawals_not_applied"] = stuck
    kept_out = held_back(record)
    if kept_out:
        report.trial["held_back_withdrawn"] = kept_out
    return applied


def remember_seed_records(record: ImportRecord, paths: Iterable[Path], identity: str, at: str):
    """Keep the seed records given to this import (checked to open with the study key)."""
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise UserFacingError(f"cannot read the seed record {Path(path).name}: {exc}") from None
        seed = open_seed_record(data, identity)
        add_seed_record(record, seed.list_id, data, at)


def rebuilt_lists(record: ImportRecord, identity: str) -> dict[tuple[str, str], LaptopList]:
    """(list id, laptop) -> list, rebuilt from every seed record the import record keeps."""
    lists: dict[tuple[str, str], LaptopList] = {}
    for sealed in seed_records(record):
        try:
            seed = open_seed_record(sealed, identity)
        except ListError:
            continue
        for lst in seed.rebuild().lists:
            lists[(lst.list_id, lst.laptop)] = lst
    return lists


def check_trial(
    record: ImportRecord, report: ImportReport, identity: str, settings: Randomisation | None
) -> None:
    """Run the sequence check over everything imported; put the result into the report."""
    rows = allocation_rows(record)
    if not rows and settings is None:
        return
    sequence = check_sequence(rows, settings, rebuilt_lists(record, identity))
    hashes = record.envelope_hashes()
    payloads = {p["submission_id"]: p for p in _baselines(record, baseline_links(record))}
    for allocation_id, baseline_id, entropy in baseline_links(record):
        baseline = payloads.get(baseline_id or "")
        if baseline is None:
            sequence.notes.append(f"allocation {allocation_id[:8]}: its baseline is not imported")
            continue
        session = baseline.get("session") or {}
        if session.get("status") != "completed" or hashes.get(baseline_id) != entropy:
            sequence.problems.append(
                f"allocation {allocation_id[:8]}: does not match a completed, sealed baseline"
            )
    report.trial["sequence"] = sequence.to_json()


def _baselines(record: ImportRecord, links: Sequence[tuple[str, str | None, str]]):
    wanted = {b for _, b, _ in links if b}
    return (p for p in record.payloads() if p["submission_id"] in wanted)


def with_allocations(
    rows: Iterable[TableRow],
    allocations: Mapping[str, Mapping[str, Any]],
    stops: Mapping[str, str] | None = None,
) -> list[TableRow]:
    """Data-set rows with the randomised arm, stratum and period of their code.

    Rows of sessions started on or after their code's withdrawal from data collection are
    left out (they stay in the encrypted record only).
    """
    out = []
    for row in rows:
        code = str(row.cells.get("participant_code") or "")
        if stops and after_withdrawal(
            {"participant_code": code, "started_at": row.cells.get("started_at")}, stops
        ):
            continue
        found = allocations.get(code)
        if found is None:
            out.append(row)
            continue
        cells = {
            **row.cells,
            "arm": found["arm"],
            "arm_stratum": found["stratum"],
            "arm_period": found["period"],
            "arm_emergency": found["emergency"],
        }
        out.append(TableRow(row.timepoint, row.order, cells))
    return out


def arms_for_outputs(record: ImportRecord) -> dict[str, dict[str, Any]]:
    """code -> allocation, for the data sets."""
    return allocations_by_code(record)
