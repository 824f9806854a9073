"""The trial on a laptop: its list key, sealed allocation lists, reveals and withdrawal notices.

Rules kept here (docs/trial.md): an allocation is revealed only for a completed, sealed baseline
(or as a logged emergency); a code is randomised at most once (a UNIQUE key and triggers that
refuse UPDATE and DELETE); slots are used in order; the arm is drawn from the sealed baseline's
hash; every allocation and withdrawal is sealed to the study key and exported like a submission.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import pyrage
import sqlcipher3

from survey_app.answers.codes import validate_code
from survey_app.answers.errors import AnswerError
from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.envelope import envelope_hash, seal
from survey_app.sealing.study_keys import generate_study_keypair
from survey_app.store import validation as check
from survey_app.store.core import StoreCore, owned
from survey_app.store.errors import StoreError
from survey_app.store.paths import remove_migration_backups
from survey_app.store.records import SealedCopy, SessionInfo, to_json
from survey_app.store.redaction import redact_answer_values
from survey_app.trial.config import Randomisation
from survey_app.trial.draw import UsedSlot, draw_arm, next_slot
from survey_app.trial.errors import ListError, StratumNeeded, TrialError
from survey_app.trial.lists import LaptopList
from survey_app.trial.notices import (
    EMERGENCY_REASONS,
    allocation_payload,
    normalise_scopes,
    withdrawal_payload,
)
from survey_app.trial.sealed_lists import open_list

FINISHED = ("sealed", "synced", "exported")


class TrialStudy(Protocol):
    """What the trial part of the store needs from a study (survey_app.study.Study has it)."""

    @property
    def study_id(self) -> str: ...

    @property
    def public_key(self) -> str: ...

    @property
    def config(self) -> Any: ...

    @property
    def library(self) -> Any: ...


@dataclass(frozen=True)
class AllocationInfo:
    """A revealed allocation as the store keeps it."""

    participant_code: str
    arm: str
    stratum: str
    period: int
    position: int
    emergency: bool
    revealed_at: str
    submission_id: str


@dataclass(frozen=True)
class ListStatus:
    """The active list in counts only: never an arm of a slot not yet used."""

    list_id: str
    laptop: str
    loaded_at: str
    remaining: dict[str, int]  # stratum -> free slots left in the current period
    used: int


def collection_stopped(conn: sqlcipher3.Connection, code: str) -> bool:
    """True when a withdrawal recorded on this laptop stops further data collection for a code."""
    rows = conn.execute(
        "SELECT scopes FROM notices WHERE kind = 'withdrawal' AND participant_code = ?", (code,)
    )
    return any("collection" in json.loads(r["scopes"] or "[]") for r in rows)


def randomisation_of(study: TrialStudy) -> Randomisation:
    """The study's randomisation settings (TrialError when it has none)."""
    trial = getattr(study.config, "trial", None)
    settings = trial.randomisation if trial is not None else None
    if settings is None:
        raise TrialError("This study does not randomise participants.")
    return settings


def baseline_timepoint(study: TrialStudy) -> str:
    """The first timepoint of the protocol: the one whose completion leads to randomisation."""
    protocol = study.library.protocol
    if protocol is None or not protocol.timepoints:
        raise TrialError("The study protocol could not be loaded.")
    return next(iter(protocol.timepoints))


class TrialStore(StoreCore):
    """Allocation lists, reveals and withdrawal notices of one laptop."""

    # -- the list key ----------------------------------------------------------------------

    @owned
    def list_recipient(self) -> str:
        """This laptop's public list key (age), created on first use; lists are sealed to it."""
        row = self.conn.execute("SELECT recipient FROM list_key WHERE id = 1").fetchone()
        if row is not None:
            return str(row["recipient"])
        pair = generate_study_keypair()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO list_key (id, identity, recipient, created_at) VALUES (1, ?, ?, ?)",
                (pair.identity, pair.public, self._now()),
            )
            self._audit(conn, "list_key_created", "system")
        return pair.public

    def _list_identity(self) -> str:
        row = self.conn.execute("SELECT identity FROM list_key WHERE id = 1").fetchone()
        if row is None:
            raise ListError("No allocation list is loaded on this laptop.")
        return str(row["identity"])

    # -- lists -----------------------------------------------------------------------------

    @owned
    def load_allocation_list(self, data: bytes, study: TrialStudy, *, actor: str) -> ListStatus:
        """Keep a sealed list for this laptop; from now on reveals use it (audited)."""
        who = check.actor(actor)
        self.list_recipient()
        lst = open_list(bytes(data), self._list_identity())
        if lst.study_id != study.study_id:
            raise ListError("This allocation list belongs to another study.")
        with self._tx() as conn:
            known = conn.execute(
                "SELECT 1 FROM allocation_lists WHERE list_id = ?", (lst.list_id,)
            ).fetchone()
            if known is not None:
                raise ListError("This allocation list is already loaded.")
            conn.execute(
                "INSERT INTO allocation_lists (list_id, laptop, sealed, list_sha256, loaded_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (lst.list_id, lst.laptop, bytes(data), lst.sha256, self._now()),
            )
            detail = {"list_id": lst.list_id, "laptop": lst.laptop}
            self._audit(conn, "allocation_list_loaded", who, detail=detail)
        status = self.allocation_status()
        assert status is not None
        return status

    def _active_list(self) -> tuple[LaptopList, str]:
        row = self.conn.execute(
            "SELECT sealed, loaded_at FROM allocation_lists ORDER BY loaded_at DESC, rowid DESC"
        ).fetchone()
        if row is None:
            raise ListError("No allocation list is loaded on this laptop.")
        return open_list(bytes(row["sealed"]), self._list_identity()), str(row["loaded_at"])

    def _used(self, list_id: str) -> list[UsedSlot]:
        rows = self.conn.execute(
            "SELECT stratum, period, position, arm FROM allocations WHERE list_id = ?", (list_id,)
        )
        return [UsedSlot(r["stratum"], r["period"], r["position"], r["arm"]) for r in rows]

    @owned
    def allocation_status(self, day: str | None = None) -> ListStatus | None:
        """Free slots per stratum in the current period (None when no list is loaded)."""
        try:
            lst, loaded_at = self._active_list()
        except ListError:
            return None
        used = self._used(lst.list_id)
        today = day or self._now()[:10]
        remaining = {}
        for stratum in lst.settings.strata:
            try:
                slot = next_slot(lst, stratum, used, today)
                remaining[stratum] = slot.range.last - slot.position + 1
            except ListError:
                remaining[stratum] = 0
        return ListStatus(lst.list_id, lst.laptop, loaded_at, remaining, len(used))

    # -- allocations -----------------------------------------------------------------------

    @owned
    def allocation(self, participant_code: str) -> AllocationInfo | None:
        """The allocation revealed on this laptop for a code, if any."""
        row = self.conn.execute(
            "SELECT * FROM allocations WHERE participant_code = ?", (participant_code,)
        ).fetchone()
        return None if row is None else _info(row)

    @owned
    def allocations(self) -> list[AllocationInfo]:
        """Every allocation revealed on this laptop, in the order revealed."""
        rows = self.conn.execute("SELECT * FROM allocations ORDER BY revealed_at, rowid")
        return [_info(r) for r in rows]

    @owned
    def reveal_allocation(
        self, session_id: str, study: TrialStudy, *, actor: str, stratum: str | None = None
    ) -> AllocationInfo:
        """Reveal the allocation of a completed, sealed baseline (once per code, never again)."""
        settings = randomisation_of(study)
        who = check.actor(actor)
        session = SessionInfo.from_row(self._session_row(self.conn, session_id))
        if session.timepoint != baseline_timepoint(study):
            raise TrialError("Only a completed baseline leads to randomisation.")
        if (
            session.outcome != "completed"
            or session.status not in FINISHED
            or not session.submission_id
        ):
            raise TrialError(
                "The allocation is revealed only after the baseline is completed and sealed."
            )
        if self.allocation(session.participant_code) is not None:
            raise TrialError("This participant is already randomised. A code is never "
                             "randomised twice.")  # fmt: skip
        chosen, source = self._stratum(session, settings, stratum)
        sealed = self.conn.execute(
            "SELECT envelope_hash FROM sealed WHERE submission_id = ?", (session.submission_id,)
        ).fetchone()
        meeting = self.conn.execute(
            "SELECT date FROM meetings WHERE id = ?", (session.meeting_id,)
        ).fetchone()
        return self._allocate(
            study,
            code=session.participant_code,
            stratum=chosen,
            source=source,
            entropy=str(sealed["envelope_hash"]),
            baseline=(session.id, session.submission_id),
            meeting_date=str(meeting["date"]),
            emergency=None,
            who=who,
        )

    @owned
    def emergency_reveal(
        self,
        participant_code: str,
        study: TrialStudy,
        *,
        reason: str,
        stratum: str,
        meeting_date: str,
        actor: str,
    ) -> AllocationInfo:
        """Reveal an allocation without a completed baseline; logged and marked as emergency."""
        settings = randomisation_of(study)
        who = check.actor(actor)
        try:
            code = validate_code(participant_code)
        except AnswerError:
            raise TrialError("This is not a valid participant code.") from None
        if reason not in EMERGENCY_REASONS:
            raise TrialError("Choose the reason for the emergency reveal.")
        if stratum not in settings.strata:
            raise TrialError("Choose the participant's stratum.")
        if self.allocation(code) is not None:
            raise TrialError("This participant is already randomised. A code is never "
                             "randomised twice.")  # fmt: skip
        # No sealed baseline exists to draw from: fresh randomness, recorded in the notice.
        return self._allocate(
            study,
            code=code,
            stratum=stratum,
            source="staff",
            entropy=secrets.token_hex(32),
            baseline=None,
            meeting_date=check.meeting_date(meeting_date),
            emergency=reason,
            who=who,
        )

    def _stratum(
        self, session: SessionInfo, settings: Randomisation, given: str | None
    ) -> tuple[str, str]:
        if settings.stratify_by is None:
            return next(iter(settings.strata)), "answer"
        for answer in self.answers(session.id):  # type: ignore[attr-defined]
            if answer.item_id == settings.stratify_by and answer.status == "answered":
                stratum = settings.stratum_for(answer.value)
                if stratum is not None:
                    return stratum, "answer"
        if given is None:
            raise StratumNeeded()
        if given not in settings.strata:
            raise TrialError("Choose the participant's stratum.")
        return given, "staff"

    def _allocate(
        self,
        study: TrialStudy,
        *,
        code: str,
        stratum: str,
        source: str,
        entropy: str,
        baseline: tuple[str, str] | None,
        meeting_date: str,
        emergency: str | None,
        who: str,
    ) -> AllocationInfo:
        lst, _ = self._active_list()
        used = self._used(lst.list_id)
        slot = next_slot(lst, stratum, used, meeting_date)
        arm = draw_arm(lst, slot, used, entropy)
        last = self.conn.execute(
            "SELECT payload_sha256 FROM allocations ORDER BY revealed_at DESC, rowid DESC"
        ).fetchone()
        submission_id = str(uuid.uuid4())
        revealed_at = self._now()
        payload = allocation_payload(
            submission_id=submission_id,
            study_id=study.study_id,
            device_id=self._device_id,
            list_id=lst.list_id,
            laptop=lst.laptop,
            participant_code=code,
            stratum=stratum,
            stratum_source=source,
            period=slot.period,
            position=slot.position,
            arm=arm,
            baseline_submission_id=baseline[1] if baseline else None,
            entropy=entropy,
            meeting_date=meeting_date,
            revealed_at=revealed_at,
            emergency_reason=emergency,
            staff=who,
            previous="" if last is None else str(last["payload_sha256"]),
        )
        digest = hashlib.sha256(canonical_json(payload)).hexdigest()
        envelope = self._seal_notice(payload, study)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO allocations (participant_code, submission_id, list_id, stratum, "
                "period, position, arm, baseline_session_id, emergency, payload_sha256, "
                "revealed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (code, submission_id, lst.list_id, stratum, slot.period, slot.position, arm,
                 baseline[0] if baseline else None, int(emergency is not None), digest,
                 revealed_at),
            )  # fmt: skip
            self._insert_notice(conn, "allocation", code, baseline[0] if baseline else None,
                                None, envelope)  # fmt: skip
            detail = {"submission_id": submission_id, "list_id": lst.list_id}
            if emergency is None:
                self._audit(conn, "allocation_revealed", who, baseline[0] if baseline else None,
                            detail)  # fmt: skip
            else:
                self._audit(conn, "emergency_reveal", who, None, {**detail, "reason": emergency})
        info = self.allocation(code)
        assert info is not None
        return info

    # -- withdrawals -----------------------------------------------------------------------

    @owned
    def record_withdrawal(
        self,
        participant_code: str,
        scopes: list[str] | tuple[str, ...],
        effective_date: str,
        study: TrialStudy,
        *,
        actor: str,
    ) -> SealedCopy:
        """Seal a withdrawal notice for the data manager; "erase" also erases it here at once."""
        who = check.actor(actor)
        try:
            code = validate_code(participant_code)
            chosen = normalise_scopes(scopes)
        except (AnswerError, ValueError):
            raise TrialError(
                "Give a valid participant code and what the withdrawal covers."
            ) from None
        day = check.meeting_date(effective_date)
        submission_id = str(uuid.uuid4())
        payload = withdrawal_payload(
            submission_id=submission_id,
            study_id=study.study_id,
            device_id=self._device_id,
            participant_code=code,
            scopes=chosen,
            effective_date=day,
            recorded_at=self._now(),
            staff=who,
        )
        envelope = self._seal_notice(payload, study)
        with self._tx() as conn:
            self._insert_notice(conn, "withdrawal", code, None, list(chosen), envelope)
            erased = self._erase_here(conn, code) if "erase" in chosen else 0
            closed = 0
            if "collection" in chosen and "erase" not in chosen:
                closed = self._close_for_withdrawal(conn, code, study, who)
            detail = {
                "submission_id": submission_id,
                "scopes": list(chosen),
                "erased": erased,
                "closed_unfinished": closed,
            }
            self._audit(conn, "withdrawal_recorded", who, detail=detail)
        if erased:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            remove_migration_backups(self.path)  # they still hold the erased answers
        return self._notice_copy(submission_id)

    def _erase_here(self, conn: sqlcipher3.Connection, code: str) -> int:
        """Remove a withdrawn participant's readable answers and stop their sealed copies."""
        rows = conn.execute(
            # Every session of the code that still holds or sends answers: also one still in
            # progress (it could otherwise be resumed, finished and sent after the erasure).
            "SELECT id, submission_id FROM sessions WHERE participant_code = ? AND status IN "
            "('in_progress', 'completed', 'declined', 'abandoned', 'sealed', 'synced', "
            "'exported')",
            (code,),
        ).fetchall()
        for row in rows:
            conn.execute("DELETE FROM answers WHERE session_id = ?", (row["id"],))
            conn.execute("UPDATE consents SET decisions = NULL WHERE session_id = ?", (row["id"],))
            redact_answer_values(conn, row["id"])
            conn.execute(
                "UPDATE sessions SET status = 'erased', purged = 1, resume_form_id = NULL, "
                "resume_item_id = NULL WHERE id = ?",
                (row["id"],),
            )
            if row["submission_id"]:
                conn.execute(
                    "UPDATE sealed SET erased_at = ?, erasure_notice = ? WHERE submission_id = ? "
                    "AND erased_at IS NULL",
                    (self._now(), to_json({"withdrawal": True}), row["submission_id"]),
                )
        return len(rows)

    @owned
    def withdrawal_scopes(self, participant_code: str) -> tuple[str, ...]:
        """Every scope withdrawn on this laptop for a code (empty: none)."""
        rows = self.conn.execute(
            "SELECT scopes FROM notices WHERE kind = 'withdrawal' AND participant_code = ?",
            (participant_code,),
        )
        found = {s for r in rows for s in json.loads(r["scopes"] or "[]")}
        return normalise_scopes(found) if found else ()

    # -- notices as sealed copies ----------------------------------------------------------

    def _seal_notice(self, payload: dict[str, Any], study: TrialStudy) -> dict[str, str]:
        try:
            return seal(
                payload,
                submission_id=payload["submission_id"],
                study_id=study.study_id,
                device_id=self._device_id,
                device_key=self.device_key,
                recipient=study.public_key,
            )
        except pyrage.EncryptError:
            raise StoreError() from None

    def _insert_notice(
        self,
        conn: sqlcipher3.Connection,
        kind: str,
        code: str,
        session_id: str | None,
        scopes: list[str] | None,
        envelope: dict[str, str],
    ) -> None:
        conn.execute(
            "INSERT INTO notices (submission_id, kind, participant_code, session_id, scopes, "
            "envelope, envelope_hash, sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (envelope["submission_id"], kind, code, session_id,
             None if scopes is None else to_json(scopes), to_json(envelope),
             envelope_hash(envelope), self._now()),
        )  # fmt: skip

    def _notice_copy(self, submission_id: str) -> SealedCopy:
        row = self.conn.execute(
            "SELECT * FROM notices WHERE submission_id = ?", (submission_id,)
        ).fetchone()
        if row is None:
            raise StoreError("Unknown submission.")
        return _copy(row)

    def _has_notice(self, submission_id: str) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM notices WHERE submission_id = ?", (submission_id,)
            ).fetchone()
            is not None
        )

    @owned
    def notice_copies(self) -> list[SealedCopy]:
        """Every sealed notice still on this laptop (not erased on the server), oldest first."""
        rows = self.conn.execute(
            "SELECT * FROM notices WHERE erased_at IS NULL ORDER BY sealed_at, rowid"
        )
        return [_copy(r) for r in rows]

    def _pending_notices(self, include_exported: bool) -> list[SealedCopy]:
        query = "SELECT * FROM notices WHERE synced_at IS NULL AND erased_at IS NULL"
        if not include_exported:
            query += " AND exported_at IS NULL"
        return [_copy(r) for r in self.conn.execute(query + " ORDER BY sealed_at, rowid")]

    def _notice_synced(self, submission_id: str, receipt: dict) -> None:
        with self._tx() as conn:
            changed = conn.execute(
                "UPDATE notices SET synced_at = ?, receipt = ? WHERE submission_id = ? "
                "AND synced_at IS NULL AND erased_at IS NULL",
                (self._now(), to_json(receipt), submission_id),
            ).rowcount
            if changed:
                self._audit(conn, "synced", "system", detail={"submission_id": submission_id})

    def _notice_exported(self, conn: sqlcipher3.Connection, submission_id: str, bundle: str):
        conn.execute(
            "UPDATE notices SET exported_at = ?, bundle_id = ? WHERE submission_id = ?",
            (self._now(), bundle, submission_id),
        )
        detail = {"submission_id": submission_id, "bundle_id": bundle}
        self._audit(conn, "exported", "system", detail=detail)

    def _notice_erased(self, submission_id: str, notice: dict) -> None:
        with self._tx() as conn:
            changed = conn.execute(
                "UPDATE notices SET erased_at = ?, erasure_notice = ? WHERE submission_id = ? "
                "AND erased_at IS NULL",
                (self._now(), to_json(notice), submission_id),
            ).rowcount
            if changed:
                detail = {"submission_id": submission_id}
                self._audit(conn, "erased_on_server", "system", detail=detail)


def _info(row: sqlcipher3.Row) -> AllocationInfo:
    return AllocationInfo(
        participant_code=row["participant_code"],
        arm=row["arm"],
        stratum=row["stratum"],
        period=int(row["period"]),
        position=int(row["position"]),
        emergency=bool(row["emergency"]),
        revealed_at=row["revealed_at"],
        submission_id=row["submission_id"],
    )


def _copy(row: sqlcipher3.Row) -> SealedCopy:
    return SealedCopy(
        row["submission_id"],
        row["session_id"] or "",
        json.loads(row["envelope"]),
        row["envelope_hash"],
        row["sealed_at"],
        row["synced_at"],
        None if row["receipt"] is None else json.loads(row["receipt"]),
        row["exported_at"],
        row["bundle_id"],
        row["erased_at"],
        None if row["erasure_notice"] is None else json.loads(row["erasure_notice"]),
    )
