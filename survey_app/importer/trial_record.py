"""Trial notices in the import record: allocations, withdrawals and the seed records.

Kept in their own tables of the encrypted import record (never among the submissions, whose
rows are the data sets). An erasure keeps an allocation's slot, stratum and arm (the sequence
must stay checkable) but replaces the code by its keyed hash and drops the payload.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from survey_app.importer.record import ImportRecord
from survey_app.trial.notices import ALLOCATION_FORMAT, WITHDRAWAL_FORMAT
from survey_app.trial.sequence import AllocationRow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS trial_allocations (
    submission_id TEXT PRIMARY KEY,
    payload_sha256 TEXT NOT NULL,
    envelope_sha256 TEXT NOT NULL,
    device_id TEXT NOT NULL,
    participant_code TEXT,
    code_hash TEXT NOT NULL,
    list_id TEXT NOT NULL,
    laptop TEXT NOT NULL,
    stratum TEXT NOT NULL,
    period INTEGER NOT NULL,
    position INTEGER NOT NULL,
    arm TEXT NOT NULL,
    entropy TEXT NOT NULL,
    meeting_date TEXT NOT NULL,
    emergency_reason TEXT,
    previous TEXT NOT NULL,
    baseline_submission_id TEXT,
    payload TEXT,
    bundle_sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trial_withdrawals (
    submission_id TEXT PRIMARY KEY,
    envelope_sha256 TEXT NOT NULL,
    device_id TEXT NOT NULL,
    participant_code TEXT,
    code_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    applied_at TEXT,
    erasure_id TEXT,
    bundle_sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trial_seed_records (
    list_id TEXT PRIMARY KEY,
    sealed BLOB NOT NULL,
    added_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawal as the import record holds it."""

    submission_id: str
    participant_code: str | None
    scopes: tuple[str, ...]
    effective_date: str
    recorded_at: str
    applied_at: str | None
    erasure_id: str | None


def ensure_tables(record: ImportRecord) -> None:
    """Create the trial tables if this record has none yet (safe inside a transaction)."""
    if record.trial_tables_ready:
        return  # created and committed before (the import asks once per submission)
    # Statement by statement: executescript would commit a transaction that is open. Outside
    # one, they are made one, so they wait for the disk once, not once each.
    conn = record.conn
    with nullcontext() if conn.in_transaction else record.transaction():
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
    # Inside a transaction they could still be rolled back: only then is it asked again.
    record.trial_tables_ready = not conn.in_transaction


def notice_envelope_hashes(record: ImportRecord) -> dict[str, str]:
    """submission id -> envelope hash of every notice taken, so it is not opened twice."""
    ensure_tables(record)
    rows = record.conn.execute(
        "SELECT submission_id, envelope_sha256 FROM trial_allocations UNION ALL "
        "SELECT submission_id, envelope_sha256 FROM trial_withdrawals"
    )
    return {r[0]: r[1] for r in rows}


def add_notice(
    record: ImportRecord,
    payload: Mapping[str, Any],
    *,
    payload_sha256: str,
    envelope_sha256: str,
    device_id: str,
    bundle_sha256: str,
    at: str,
) -> str:
    """Record an allocation or withdrawal; return "new", "duplicate" or "conflict"."""
    table = "trial_allocations" if payload["format"] == ALLOCATION_FORMAT else "trial_withdrawals"
    known = record.conn.execute(
        f"SELECT envelope_sha256 FROM {table} WHERE submission_id = ?",
        (payload["submission_id"],),
    ).fetchone()
    if known is not None:
        return "duplicate" if known[0] == envelope_sha256 else "conflict"
    code = str(payload["participant_code"])
    code_hash = record.keyed_hash("code", code)
    if payload["format"] == ALLOCATION_FORMAT:
        record.conn.execute(
            "INSERT INTO trial_allocations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?)",
            (payload["submission_id"], payload_sha256, envelope_sha256, device_id, code,
             code_hash, payload["list_id"], payload["laptop"], payload["stratum"],
             payload["period"], payload["position"], payload["arm"], payload["entropy"],
             payload["meeting_date"], payload.get("emergency_reason"), payload["previous"],
             payload.get("baseline_submission_id"),
             json.dumps(payload, ensure_ascii=False, sort_keys=True), bundle_sha256, at),
        )  # fmt: skip
    else:
        assert payload["format"] == WITHDRAWAL_FORMAT
        record.conn.execute(
            "INSERT INTO trial_withdrawals VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
            (payload["submission_id"], envelope_sha256, device_id, code, code_hash,
             json.dumps(list(payload["scopes"])), payload["effective_date"],
             payload["recorded_at"], bundle_sha256, at),
        )  # fmt: skip
        record.note_logged("withdrawals")
    return "new"


def withdrawals(record: ImportRecord, *, pending_only: bool = False) -> list[Withdrawal]:
    """Withdrawals in the order they were recorded (pending_only: erasures not applied yet)."""
    ensure_tables(record)
    sql = (
        "SELECT submission_id, participant_code, scopes, effective_date, recorded_at, "
        "applied_at, erasure_id FROM trial_withdrawals"
    )
    if pending_only:
        sql += " WHERE applied_at IS NULL"
    rows = record.conn.execute(sql + " ORDER BY recorded_at, submission_id")
    return [Withdrawal(r[0], r[1], tuple(json.loads(r[2])), r[3], r[4], r[5], r[6]) for r in rows]


def mark_applied(record: ImportRecord, submission_id: str, at: str, erasure_id: str | None):
    """Note that a withdrawal was applied (and by which erasure, if any)."""
    record.conn.execute(
        "UPDATE trial_withdrawals SET applied_at = ?, erasure_id = ? WHERE submission_id = ?",
        (at, erasure_id, submission_id),
    )


def collection_withdrawn_since(record: ImportRecord, code: str) -> str | None:
    """The earliest date from which a code withdrew from data collection, if any."""
    ensure_tables(record)
    if not record.logged("withdrawals", "SELECT EXISTS (SELECT 1 FROM trial_withdrawals)"):
        return None  # the import asks for every submission: no keyed hash, no look-up
    rows = record.conn.execute(
        "SELECT scopes, effective_date FROM trial_withdrawals WHERE code_hash = ?",
        (record.keyed_hash("code", code),),
    )
    dates = [d for scopes, d in rows if "collection" in json.loads(scopes)]
    return min(dates) if dates else None


def collection_stops(record: ImportRecord) -> dict[str, str]:
    """code -> the earliest date it withdrew from data collection (codes still linked)."""
    stops: dict[str, str] = {}
    for w in withdrawals(record):
        if w.participant_code and "collection" in w.scopes:
            current = stops.get(w.participant_code)
            stops[w.participant_code] = min(w.effective_date, current or w.effective_date)
    return stops


def contact_withdrawn(record: ImportRecord, code: str) -> bool:
    """True when a code asked not to be contacted again."""
    ensure_tables(record)
    rows = record.conn.execute(
        "SELECT scopes FROM trial_withdrawals WHERE code_hash = ?",
        (record.keyed_hash("code", code),),
    )
    return any("contact" in json.loads(r[0]) for r in rows)


def forget_code(record: ImportRecord, code: str) -> int:
    """After an erasure: keep slots and arms for the sequence, drop the code and payloads."""
    ensure_tables(record)
    code_hash = record.keyed_hash("code", code)
    changed = record.conn.execute(
        "UPDATE trial_allocations SET participant_code = NULL, payload = NULL, "
        "baseline_submission_id = NULL WHERE code_hash = ?",
        (code_hash,),
    ).rowcount
    changed += record.conn.execute(
        "UPDATE trial_withdrawals SET participant_code = NULL WHERE code_hash = ?", (code_hash,)
    ).rowcount
    return changed


def allocation_rows(record: ImportRecord) -> list[AllocationRow]:
    """Every imported allocation, for the sequence check."""
    ensure_tables(record)
    rows = record.conn.execute(
        "SELECT submission_id, device_id, list_id, laptop, code_hash, stratum, period, "
        "position, arm, entropy, meeting_date, emergency_reason, previous, payload_sha256 "
        "FROM trial_allocations ORDER BY list_id, stratum, position"
    )
    return [AllocationRow(*r) for r in rows]


def allocations_by_code(record: ImportRecord) -> dict[str, dict[str, Any]]:
    """code -> arm, stratum, period, emergency flag of every allocation still linked to a code."""
    ensure_tables(record)
    rows = record.conn.execute(
        "SELECT participant_code, arm, stratum, period, emergency_reason, revealed FROM ("
        "SELECT participant_code, arm, stratum, period, emergency_reason, "
        "json_extract(payload, '$.revealed_at') AS revealed FROM trial_allocations "
        "WHERE participant_code IS NOT NULL) ORDER BY revealed"
    )
    out: dict[str, dict[str, Any]] = {}
    for code, arm, stratum, period, emergency, revealed in rows:
        # A code randomised twice (a sequence problem) keeps its first allocation.
        out.setdefault(
            code,
            {
                "arm": arm,
                "stratum": stratum,
                "period": period,
                "emergency": int(emergency is not None),
                "revealed_at": revealed,
            },
        )
    return out


def baseline_links(record: ImportRecord) -> list[tuple[str, str | None, str]]:
    """(allocation id, baseline submission id, entropy) of allocations still linked to a code."""
    ensure_tables(record)
    rows = record.conn.execute(
        "SELECT submission_id, baseline_submission_id, entropy FROM trial_allocations "
        "WHERE participant_code IS NOT NULL AND emergency_reason IS NULL"
    )
    return [(r[0], r[1], r[2]) for r in rows]


def add_seed_record(record: ImportRecord, list_id: str, sealed: bytes, at: str) -> None:
    """Keep a seed record (still sealed) so later imports can verify against its lists."""
    ensure_tables(record)
    record.conn.execute(
        "INSERT OR IGNORE INTO trial_seed_records VALUES (?, ?, ?)", (list_id, sealed, at)
    )


def seed_records(record: ImportRecord) -> Iterator[bytes]:
    """Every seed record kept, still sealed."""
    ensure_tables(record)
    for (sealed,) in record.conn.execute("SELECT sealed FROM trial_seed_records"):
        yield bytes(sealed)


def followup_inputs(record: ImportRecord, baseline: str) -> tuple[dict[str, str], set]:
    """(code -> day the baseline was completed, {(code, timepoint) answered or declined})."""
    baselines: dict[str, str] = {}
    done: set[tuple[str, str]] = set()
    for payload in record.payloads():
        session = payload.get("session") or {}
        code, timepoint = str(session.get("participant_code")), str(session.get("timepoint"))
        if timepoint == baseline and session.get("status") == "completed":
            day = str(session.get("completed_at") or session.get("started_at"))[:10]
            baselines[code] = min(day, baselines.get(code, day))
        elif timepoint != baseline:
            done.add((code, timepoint))
    return baselines, done


def withdrawn_codes(record: ImportRecord, scope: str) -> set[str]:
    """Codes (still linked) with a withdrawal of this scope in the import record."""
    return {
        w.participant_code for w in withdrawals(record) if w.participant_code and scope in w.scopes
    }


def add_direct_withdrawal(
    record: ImportRecord,
    code: str,
    scopes: tuple[str, ...],
    effective_date: str,
    at: str,
    staff: str,
) -> str:
    """A withdrawal the research team received directly (not from a laptop); its id."""
    import uuid

    ensure_tables(record)
    submission_id = f"direct-{uuid.uuid4()}"
    record.conn.execute(
        "INSERT INTO trial_withdrawals VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
        (submission_id, "", "data-manager", code, record.keyed_hash("code", code),
         json.dumps(list(scopes)), effective_date, at, f"direct:{staff}", at),
    )  # fmt: skip
    record.note_logged("withdrawals")
    return submission_id
