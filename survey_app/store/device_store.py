"""The device store: core plus finishing, sealing, sync/export marks and purge."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Protocol

import sqlcipher3

from survey_app import crashpoints
from survey_app.i18n import Counted
from survey_app.sealing.envelope import envelope_hash, seal
from survey_app.store import validation as check
from survey_app.store.core import owned
from survey_app.store.errors import InvalidSessionState, StoreError
from survey_app.store.paths import remove_migration_backups
from survey_app.store.records import (
    ConsentRecord,
    Meeting,
    SealedCopy,
    SessionInfo,
    to_json,
)
from survey_app.store.redaction import redact_answer_values
from survey_app.store.sessions import SessionStore
from survey_app.store.submission import build_payload
from survey_app.store.trial import TrialStore

PURGE_STATUSES: dict[str, tuple[str, ...]] = {
    "after_sync": ("synced",),
    "after_export": ("synced", "exported"),
    "never": (),
}
# Why staff close a session unfinished (dashboard, "Close unfinished"); "other" needs a note.
ABANDON_REASONS = (
    "participant_left",
    "participant_unwell",
    "out_of_time",
    "technical_problem",
    "other",
)
MAX_NOTE_LENGTH = 200
# The store's own closing reason: a withdrawal from further data collection closed the session.
WITHDRAWN = "withdrawn"
# Finished but not sealed yet: only for the moment inside one transaction (or an older app).
FINISHED = ("completed", "declined", "abandoned")
# The participant asked for erasure: their readable answers go whatever the study's policy.
ALWAYS_PURGED = ("erased",)


class SealingStudy(Protocol):
    """What sealing needs from a study (survey_app.study.Study provides it)."""

    @property
    def study_id(self) -> str: ...

    @property
    def public_key(self) -> str: ...


class DeviceStore(TrialStore, SessionStore):
    """One laptop's encrypted store; see docs/store-api.md for the whole API.

    Sealed copies are of sessions (table `sealed`) or of trial notices (allocations and
    withdrawals, table `notices`, survey_app.store.trial); sync and export treat both alike.
    """

    @owned
    def complete_session(self, session_id: str, study: SealingStudy, *, actor: str) -> SealedCopy:
        """Finish a session and seal its submission to the study key, in ONE transaction.

        A crash (or a sealing failure) at any moment leaves the session either in progress,
        with every answer, or sealed and pending: never finished but unsealed.
        """
        who = check.actor(actor)
        with self._tx() as conn:
            row = self._session_row(conn, session_id)
            if row["status"] == "in_progress":
                consent = conn.execute(
                    "SELECT 1 FROM consents WHERE session_id = ?", (session_id,)
                ).fetchone()
                if consent is None:
                    raise InvalidSessionState("No consent is recorded for this session.")
                conn.execute(
                    "UPDATE sessions SET status = 'completed', outcome = 'completed', "
                    "completed_at = ? WHERE id = ?",
                    (self._now(), session_id),
                )
                self._audit(conn, "completed", who, session_id)
            elif row["status"] != "completed":
                raise InvalidSessionState("This session is already finished.")
            crashpoints.reach("store.complete.marked")
            submission_id = self._seal_in(conn, session_id, study, who)
            crashpoints.reach("store.complete.sealed")
        crashpoints.reach("store.complete.committed")
        return self.sealed_copy(submission_id)

    @owned
    def decline_session(self, session_id: str, study: SealingStudy, *, actor: str) -> SealedCopy:
        """Record a declined consent or a stop: no answers are kept or sent (one transaction)."""
        who = check.actor(actor)
        with self._tx() as conn:
            row = self._session_row(conn, session_id)
            if row["status"] == "in_progress":
                discarded = conn.execute(
                    "DELETE FROM answers WHERE session_id = ?", (session_id,)
                ).rowcount
                # The decisions are sealed with a declined session; the answers are not kept.
                redact_answer_values(conn, session_id, decisions=False)
                conn.execute(
                    "UPDATE sessions SET status = 'declined', outcome = 'declined', "
                    "completed_at = ?, resume_form_id = NULL, resume_item_id = NULL WHERE id = ?",
                    (self._now(), session_id),
                )
                self._audit(conn, "declined", who, session_id, {"answers_discarded": discarded})
            elif row["status"] != "declined":
                raise InvalidSessionState("This session is already finished.")
            crashpoints.reach("store.decline.marked")
            submission_id = self._seal_in(conn, session_id, study, who)
        return self.sealed_copy(submission_id)

    @owned
    def abandon_session(
        self,
        session_id: str,
        study: SealingStudy,
        *,
        reason: str,
        note: str | None = None,
        actor: str,
    ) -> SealedCopy:
        """Close a session left unfinished and seal it with the answers given so far.

        Sealed with status `abandoned` in ONE transaction (as complete_session): it is exported,
        synced and purged like any other. Without a recorded consent nothing is kept.
        """
        who = check.actor(actor)
        reason, note = _abandon_reason(reason, note)
        with self._tx() as conn:
            submission_id = self._abandon_in(conn, session_id, study, reason, note, who)
        return self.sealed_copy(submission_id)

    def _abandon_in(
        self,
        conn: sqlcipher3.Connection,
        session_id: str,
        study: SealingStudy,
        reason: str,
        note: str | None,
        who: str,
    ) -> str:
        """Close and seal an unfinished session inside the caller's transaction."""
        row = self._session_row(conn, session_id)
        if row["status"] == "in_progress":
            conn.execute(
                "UPDATE sessions SET status = 'abandoned', outcome = 'abandoned', "
                "completed_at = ?, resume_form_id = NULL, resume_item_id = NULL WHERE id = ?",
                (self._now(), session_id),
            )
            detail = {
                "reason": reason,
                "note": note,
                "last_form_id": row["resume_form_id"],
                "last_item_id": row["resume_item_id"],
            }
            self._audit(conn, "abandoned", who, session_id, detail)
        elif row["status"] != "abandoned":
            raise InvalidSessionState("This session is already finished.")
        return self._seal_in(conn, session_id, study, who)

    def _close_for_withdrawal(
        self, conn: sqlcipher3.Connection, code: str, study: SealingStudy, who: str
    ) -> int:
        """Close a withdrawn participant's unfinished sessions, keeping the answers given."""
        # Consent covered what was answered before the withdrawal; nothing more may be asked,
        # so a paused session can no longer be resumed, finished and sent.
        rows = conn.execute(
            "SELECT id FROM sessions WHERE participant_code = ? AND status = 'in_progress'",
            (code,),
        ).fetchall()
        for row in rows:
            self._abandon_in(conn, row["id"], study, WITHDRAWN, None, who)
        return len(rows)

    @owned
    def unsealed_count(self) -> int:
        """Sessions finished but not sealed (only a store written by an older app has any)."""
        row = self.conn.execute(
            "SELECT count(*) FROM sessions WHERE status IN ('completed', 'declined', 'abandoned')"
        ).fetchone()
        return int(row[0])

    @owned
    def sealed_study_ids(self) -> set[str]:
        """The study ids this laptop's sealed submissions were sealed for."""
        rows = self.conn.execute("SELECT DISTINCT json_extract(envelope, '$.study_id') FROM sealed")
        return {r[0] for r in rows if r[0]}

    @owned
    def seal_unsealed(self, study: SealingStudy) -> list[SealedCopy]:
        """Seal sessions left finished but unsealed (an older app stopped between the steps)."""
        rows = self.conn.execute(
            "SELECT id FROM sessions WHERE status IN ('completed', 'declined', 'abandoned') "
            "ORDER BY started_at"
        ).fetchall()
        sealed = []
        for row in rows:
            with self._tx() as conn:
                sealed.append(self._seal_in(conn, row["id"], study, "system"))
        return [self.sealed_copy(s) for s in sealed]

    def _seal_in(
        self, conn: sqlcipher3.Connection, session_id: str, study: SealingStudy, who: str
    ) -> str:
        """Seal a finished session inside the caller's transaction; return the submission id."""
        session = SessionInfo.from_row(self._session_row(conn, session_id))
        if session.status not in FINISHED:
            raise InvalidSessionState("This session is already sealed.")
        meeting_row = conn.execute(
            "SELECT * FROM meetings WHERE id = ?", (session.meeting_id,)
        ).fetchone()
        consent_row = conn.execute(
            "SELECT * FROM consents WHERE session_id = ?", (session_id,)
        ).fetchone()
        submission_id = str(uuid.uuid4())
        payload = build_payload(
            submission_id=submission_id,
            study_id=study.study_id,
            device_id=self._device_id,
            meeting=Meeting.from_row(meeting_row),
            session=session,
            consent=None if consent_row is None else ConsentRecord.from_row(consent_row),
            answers=self.answers(session_id),
            audit=self.audit_trail(session_id),
        )
        envelope = seal(
            payload,
            submission_id=submission_id,
            study_id=study.study_id,
            device_id=self._device_id,
            device_key=self.device_key,
            recipient=study.public_key,
        )
        digest = envelope_hash(envelope)
        conn.execute(
            "INSERT INTO sealed (submission_id, session_id, envelope, envelope_hash, "
            "sealed_at) VALUES (?, ?, ?, ?, ?)",
            (submission_id, session_id, to_json(envelope), digest, self._now()),
        )
        conn.execute(
            "UPDATE sessions SET status = 'sealed', submission_id = ? WHERE id = ?",
            (submission_id, session_id),
        )
        detail = {"submission_id": submission_id, "envelope_hash": digest}
        self._audit(conn, "sealed", who, session_id, detail)
        return submission_id

    @owned
    def sealed_copy(self, submission_id: str) -> SealedCopy:
        """One sealed copy by submission id."""
        row = self.conn.execute(
            "SELECT * FROM sealed WHERE submission_id = ?", (submission_id,)
        ).fetchone()
        if row is None:
            return self._notice_copy(submission_id)
        return SealedCopy.from_row(row)

    @owned
    def pending_envelopes(self, include_exported: bool = True) -> list[SealedCopy]:
        """Sealed copies the server has not confirmed yet, oldest first."""
        query = "SELECT * FROM sealed WHERE synced_at IS NULL AND erased_at IS NULL"
        if not include_exported:
            query += " AND exported_at IS NULL"
        rows = self.conn.execute(query + " ORDER BY sealed_at, rowid")
        copies = [SealedCopy.from_row(r) for r in rows] + self._pending_notices(include_exported)
        return sorted(copies, key=lambda c: c.sealed_at)

    @owned
    def mark_synced(self, submission_id: str, receipt: dict) -> None:
        """Record the server's receipt for a submission (idempotent)."""
        if self._has_notice(submission_id):
            self._notice_synced(submission_id, receipt)
            return
        with self._tx() as conn:
            row = conn.execute(
                "SELECT session_id, synced_at, erased_at FROM sealed WHERE submission_id = ?",
                (submission_id,),
            ).fetchone()
            if row is None:
                raise StoreError("Unknown submission.")
            if row["synced_at"] is not None or row["erased_at"] is not None:
                return
            conn.execute(
                "UPDATE sealed SET synced_at = ?, receipt = ? WHERE submission_id = ?",
                (self._now(), to_json(receipt), submission_id),
            )
            conn.execute("UPDATE sessions SET status = 'synced' WHERE id = ?", (row["session_id"],))
            detail = {"submission_id": submission_id}
            self._audit(conn, "synced", "system", row["session_id"], detail)

    @owned
    def mark_erased_on_server(self, submission_id: str, notice: dict) -> None:
        """Record the server's notice that it erased a submission at the participant's request.

        Final: the submission is never pending again, and its readable answers are purged under
        every policy. The audit entry names the submission only (idempotent).
        """
        if self._has_notice(submission_id):
            self._notice_erased(submission_id, notice)
            return
        with self._tx() as conn:
            row = conn.execute(
                "SELECT session_id, erased_at FROM sealed WHERE submission_id = ?",
                (submission_id,),
            ).fetchone()
            if row is None:
                raise StoreError("Unknown submission.")
            if row["erased_at"] is not None:
                return
            conn.execute(
                "UPDATE sealed SET erased_at = ?, erasure_notice = ? WHERE submission_id = ?",
                (self._now(), to_json(notice), submission_id),
            )
            conn.execute("UPDATE sessions SET status = 'erased' WHERE id = ?", (row["session_id"],))
            detail = {"submission_id": submission_id}
            self._audit(conn, "erased_on_server", "system", row["session_id"], detail)

    @owned
    def mark_exported(self, submission_ids: Iterable[str], bundle_id: str) -> None:
        """Record that submissions were written to an export bundle."""
        ids = list(submission_ids)
        with self._tx() as conn:
            for submission_id in ids:
                row = conn.execute(
                    "SELECT session_id FROM sealed WHERE submission_id = ?", (submission_id,)
                ).fetchone()
                if row is None and self._has_notice(submission_id):
                    self._notice_exported(conn, submission_id, bundle_id)
                    continue
                if row is None:
                    raise StoreError("Unknown submission.")
                conn.execute(
                    "UPDATE sealed SET exported_at = ?, bundle_id = ? WHERE submission_id = ?",
                    (self._now(), bundle_id, submission_id),
                )
                conn.execute(
                    "UPDATE sessions SET status = 'exported' WHERE id = ? AND status = 'sealed'",
                    (row["session_id"],),
                )
                detail = {"submission_id": submission_id, "bundle_id": bundle_id}
                self._audit(conn, "exported", "system", row["session_id"], detail)

    @owned
    def purge_confirmed(self, policy: str = "after_sync") -> int:
        """Delete readable answers of sessions safely elsewhere or erased; return how many."""
        if str(policy) not in PURGE_STATUSES:
            raise StoreError("Unknown purge policy.")
        statuses = PURGE_STATUSES[str(policy)] + ALWAYS_PURGED
        marks = ", ".join("?" for _ in statuses)
        with self._tx() as conn:
            ids = [
                r["id"]
                for r in conn.execute(
                    f"SELECT id FROM sessions WHERE purged = 0 AND status IN ({marks})", statuses
                )
            ]
            for session_id in ids:
                removed = conn.execute(
                    "DELETE FROM answers WHERE session_id = ?", (session_id,)
                ).rowcount
                conn.execute(
                    "UPDATE consents SET decisions = NULL WHERE session_id = ?", (session_id,)
                )
                redact_answer_values(conn, session_id)
                conn.execute(
                    "UPDATE sessions SET purged = 1, resume_form_id = NULL, "
                    "resume_item_id = NULL WHERE id = ?",
                    (session_id,),
                )
                detail = {"policy": str(policy), "answers_removed": removed}
                self._audit(conn, "purged", "system", session_id, detail)
        # secure_delete zeroes the freed pages; the checkpoint moves them out of the WAL too.
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # A copy made before a schema upgrade still holds what is purged now or was purged by a
        # run stopped before this line: every purge removes it (the upgrade is long done).
        remove_migration_backups(self.path)
        return len(ids)


def _abandon_reason(reason: str, note: str | None) -> tuple[str, str | None]:
    """Check a closing reason and its note (one short line; required for "other")."""
    import unicodedata

    if reason not in ABANDON_REASONS:
        raise StoreError("Choose why the session is closed.")
    text = unicodedata.normalize("NFC", " ".join((note or "").split()))
    if len(text) > MAX_NOTE_LENGTH:
        raise StoreError(
            Counted(
                "A note is too long (at most {count} character).",
                "A note is too long (at most {count} characters).",
            ),
            count=MAX_NOTE_LENGTH,
        )
    if reason == "other" and not text:
        raise StoreError("Write a short reason.")
    return reason, text or None
