"""Participant sessions, answers and consent on top of the store core."""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlcipher3

from survey_app.forms.model import Form
from survey_app.store import validation as check
from survey_app.store.core import StoreCore, owned
from survey_app.store.errors import CodeAlreadyUsed, InvalidAnswer, StoreError
from survey_app.store.form_logic import refuse_if_breaking, settle, stored_answers
from survey_app.store.records import ConsentRecord, ResumePoint, SessionInfo, StoredAnswer, to_json
from survey_app.store.trial import collection_stopped
from survey_app.store.values import checked_value

# The audit action of a played recording, and what it read (docs/reading-support.md).
LISTEN_ACTION = "item_listened"
LISTEN_PARTS = ("text", "options", "instructions")


class SessionStore(StoreCore):
    """Sessions of participants: start, language, position, answers, consent."""

    # -- sessions --------------------------------------------------------------------------

    @owned
    def start_session(
        self,
        meeting_id: str,
        participant_code: str,
        timepoint: str,
        language: str,
        *,
        arm: str | None = None,
        interpreter_language: str | None = None,
        interpreter_assisted: bool = False,
        source: str = "screen",
        double_entry: bool = False,
        addressee: str | None = None,
        refuse_used_code: bool = False,
        actor: str,
    ) -> SessionInfo:
        """Start a participant's session; a repeated code at a timepoint is flagged, not merged.

        `addressee` ("female", "male" or None) is how the participant chose to be addressed.
        With `refuse_used_code` (the app's new-session page) a code that already has a session
        at this timepoint is refused with CodeAlreadyUsed instead of being flagged.
        """
        from survey_app.answers.codes import validate_code

        code = validate_code(participant_code)
        source = check.source(source)
        if double_entry and source != "paper":
            raise StoreError("Double entry is only possible for answers typed from a paper form.")
        values = {
            "id": str(uuid.uuid4()),
            "meeting_id": meeting_id,
            "participant_code": code,
            "timepoint": check.timepoint(timepoint),
            "arm": check.arm(arm),
            "language": check.participant_language(language),
            "interpreter_language": check.interpreter_language(interpreter_language),
            "interpreter_assisted": int(bool(interpreter_assisted)),
            "source": source,
            "double_entry": int(bool(double_entry)),
            "addressee": check.addressee(addressee),
            "status": "in_progress",
            "started_at": self._now(),
        }
        who = check.actor(actor)
        with self._tx() as conn:
            if (
                conn.execute("SELECT 1 FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
                is None
            ):
                raise StoreError("Unknown meeting.")
            earlier = conn.execute(
                "SELECT id, status FROM sessions WHERE participant_code = ? AND timepoint = ?",
                (code, values["timepoint"]),
            ).fetchall()
            others = [r["id"] for r in earlier]
            if collection_stopped(conn, code):
                raise StoreError(
                    "This participant has withdrawn from further data collection. "
                    "No session can be started for this code."
                )
            if earlier and refuse_used_code:
                raise CodeAlreadyUsed(any(r["status"] == "in_progress" for r in earlier))
            values["duplicate_flag"] = int(bool(others))
            columns = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            conn.execute(
                f"INSERT INTO sessions ({columns}) VALUES ({marks})", tuple(values.values())
            )
            self._audit(conn, "session_started", who, values["id"], {"meeting_id": meeting_id})
            if others:
                conn.executemany(
                    "UPDATE sessions SET duplicate_flag = 1 WHERE id = ?", [(o,) for o in others]
                )
                self._audit(
                    conn,
                    "duplicate_code",
                    who,
                    values["id"],
                    {"timepoint": values["timepoint"], "other_sessions": others},
                )
            return SessionInfo.from_row(self._session_row(conn, values["id"]))

    @owned
    def sessions_of(self, participant_code: str, timepoint: str) -> list[SessionInfo]:
        """Sessions of one code at one timepoint on this laptop, oldest first (any meeting)."""
        from survey_app.answers.codes import validate_code

        rows = self.conn.execute(
            "SELECT * FROM sessions WHERE participant_code = ? AND timepoint = ? "
            "ORDER BY started_at, rowid",
            (validate_code(participant_code), timepoint),
        )
        return [SessionInfo.from_row(r) for r in rows]

    @owned
    def session(self, session_id: str) -> SessionInfo:
        """One session (status and position only)."""
        return SessionInfo.from_row(self._session_row(self.conn, session_id))

    @owned
    def sessions(self, meeting_id: str | None = None) -> list[SessionInfo]:
        """Sessions for the staff overview, oldest first: status only, never answers."""
        if meeting_id is None:
            rows = self.conn.execute("SELECT * FROM sessions ORDER BY started_at, rowid")
        else:
            rows = self.conn.execute(
                "SELECT * FROM sessions WHERE meeting_id = ? ORDER BY started_at, rowid",
                (meeting_id,),
            )
        return [SessionInfo.from_row(r) for r in rows]

    @owned
    def set_language(self, session_id: str, language: str, *, actor: str) -> None:
        """Switch the participant's language (audited)."""
        language = check.participant_language(language)
        with self._tx() as conn:
            row = self._editable_session(conn, session_id)
            if row["language"] == language:
                return
            conn.execute("UPDATE sessions SET language = ? WHERE id = ?", (language, session_id))
            detail = {"old": row["language"], "new": language}
            self._audit(conn, "language_switch", check.actor(actor), session_id, detail)

    @owned
    def set_interpreter(
        self, session_id: str, interpreter_language: str | None, assisted: bool, *, actor: str
    ) -> None:
        """Record the interpreter's language and whether the session is interpreter-assisted."""
        language = check.interpreter_language(interpreter_language)
        with self._tx() as conn:
            row = self._editable_session(conn, session_id)
            conn.execute(
                "UPDATE sessions SET interpreter_language = ?, interpreter_assisted = ? "
                "WHERE id = ?",
                (language, int(bool(assisted)), session_id),
            )
            # "switched" says at a glance whether the interpreter's language came on or off.
            detail = {
                "old": [row["interpreter_language"], bool(row["interpreter_assisted"])],
                "new": [language, bool(assisted)],
                "switched": "on" if language else "off",
            }
            self._audit(conn, "interpreter_changed", check.actor(actor), session_id, detail)

    @owned
    def set_position(self, session_id: str, form_id: str, item_id: str) -> None:
        """Remember the item on screen, so an interrupted session resumes exactly there."""
        with self._tx() as conn:
            self._editable_session(conn, session_id)
            conn.execute(
                "UPDATE sessions SET resume_form_id = ?, resume_item_id = ? WHERE id = ?",
                (form_id, item_id, session_id),
            )

    @owned
    def record_pause(self, session_id: str, *, actor: str) -> None:
        """Audit that staff paused a session at its current position (it stays in progress)."""
        with self._tx() as conn:
            row = self._editable_session(conn, session_id)
            detail = {"form_id": row["resume_form_id"], "item_id": row["resume_item_id"]}
            self._audit(conn, "paused", check.actor(actor), session_id, detail)

    @owned
    def record_resume(self, session_id: str, *, actor: str) -> None:
        """Audit that a session in progress was opened again (after a pause or a stop)."""
        with self._tx() as conn:
            row = self._editable_session(conn, session_id)
            detail = {"form_id": row["resume_form_id"], "item_id": row["resume_item_id"]}
            self._audit(conn, "resumed", check.actor(actor), session_id, detail)

    @owned
    def record_listen(
        self,
        session_id: str,
        form_id: str,
        item_id: str | None,
        language: str,
        part: str,
        *,
        actor: str = "participant",
    ) -> None:
        """Record that a recorded reading was played (audited; which text, never an answer).

        `part` is "text" (an item's text), "options" (one of its option labels) or
        "instructions" (the form's, with no item); docs/reading-support.md.
        """
        if part not in LISTEN_PARTS:
            raise StoreError("Unknown part of a form text.")
        if (item_id is None) != (part == "instructions"):
            raise StoreError("A reading of an item names the item, instructions none.")
        language = check.participant_language(language)
        with self._tx() as conn:
            self._editable_session(conn, session_id)
            detail = {"form_id": form_id, "item_id": item_id, "part": part, "language": language}
            self._audit(conn, LISTEN_ACTION, check.actor(actor), session_id, detail)

    @owned
    def interrupted_sessions(self) -> list[ResumePoint]:
        """Sessions left in progress, with the form and item to resume at."""
        rows = self.conn.execute(
            "SELECT * FROM sessions WHERE status = 'in_progress' ORDER BY started_at, rowid"
        )
        return [
            ResumePoint(SessionInfo.from_row(r), r["resume_form_id"], r["resume_item_id"])
            for r in rows
        ]

    # -- answers and consent ---------------------------------------------------------------

    @owned
    def save_answer(
        self,
        session_id: str,
        form: Form,
        item_id: str,
        value: Any,
        *,
        status: str = "answered",
        actor: str = "participant",
    ) -> StoredAnswer:
        """Store one answer durably in its own transaction; changes are audited."""
        try:
            item = form.item(item_id)
        except KeyError:
            raise InvalidAnswer() from None
        if item.calculated:  # the store computes these itself (form_logic.settle)
            raise InvalidAnswer()
        stored = checked_value(item, value, status)
        encoded = None if stored is None else to_json(stored)
        who = check.actor(actor)
        answer = StoredAnswer(
            session_id,
            form.id,
            item_id,
            stored,
            status,
            self._now(),
            form.version,
            form.content_hash,
        )
        with self._tx() as conn:
            self._editable_session(conn, session_id)
            if form.has_logic:
                given = stored_answers(conn, session_id, form)
                given[item_id] = (stored, status)
                refuse_if_breaking(form, item, given, stored, status, self._today())
            old = conn.execute(
                "SELECT value, status FROM answers WHERE session_id = ? AND form_id = ? "
                "AND item_id = ?",
                (session_id, form.id, item_id),
            ).fetchone()
            if old is None or (old["value"], old["status"]) != (encoded, status):
                conn.execute(
                    "INSERT OR REPLACE INTO answers (session_id, form_id, item_id, value, status, "
                    "answered_at, form_version, form_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (session_id, form.id, item_id, encoded, status, answer.answered_at,
                     form.version, form.content_hash),
                )  # fmt: skip
            if old is not None and (old["value"], old["status"]) != (encoded, status):
                self._audit_change(conn, who, session_id, form.id, item_id, old, stored, status)
            settle(conn, session_id, form, self._today(), answer.answered_at, self._audit)
            conn.execute(
                "UPDATE sessions SET resume_form_id = ?, resume_item_id = ? WHERE id = ?",
                (form.id, item_id, session_id),
            )
        return answer

    def _audit_change(
        self,
        conn: sqlcipher3.Connection,
        who: str,
        session_id: str,
        form_id: str,
        item_id: str,
        old: sqlcipher3.Row | None,
        new_value: Any,
        new_status: str | None,
    ) -> None:
        old_value = None if old is None or old["value"] is None else json.loads(old["value"])
        detail = {
            "form_id": form_id,
            "item_id": item_id,
            "old": {"value": old_value, "status": None if old is None else old["status"]},
            "new": {"value": new_value, "status": new_status},
        }
        self._audit(conn, "answer_changed", who, session_id, detail)

    def _today(self):
        """The date form logic uses for today() (UTC, as the importer re-checks it)."""
        return self._clock().date()

    @owned
    def clear_answer(
        self,
        session_id: str,
        form_id: str,
        item_id: str,
        *,
        actor: str = "participant",
        form: Form | None = None,
    ) -> None:
        """Remove an answer (back to "not answered"); audited. With `form`, logic follows."""
        who = check.actor(actor)
        with self._tx() as conn:
            self._editable_session(conn, session_id)
            old = conn.execute(
                "SELECT value, status FROM answers WHERE session_id = ? AND form_id = ? "
                "AND item_id = ?",
                (session_id, form_id, item_id),
            ).fetchone()
            if old is None:
                return
            conn.execute(
                "DELETE FROM answers WHERE session_id = ? AND form_id = ? AND item_id = ?",
                (session_id, form_id, item_id),
            )
            self._audit_change(conn, who, session_id, form_id, item_id, old, None, None)
            if form is not None and form.id == form_id:
                settle(conn, session_id, form, self._today(), self._now(), self._audit)

    @owned
    def answers(self, session_id: str) -> list[StoredAnswer]:
        """A session's answers, for the participant's own review and the payload only."""
        rows = self.conn.execute(
            "SELECT * FROM answers WHERE session_id = ? ORDER BY answered_at, rowid",
            (session_id,),
        )
        return [StoredAnswer.from_row(r) for r in rows]

    @owned
    def touched_items(self, session_id: str) -> set[tuple[str, str]]:
        """(form id, item id) of items that hold or ever held an answer in this session.

        A default is filled in only the first time its item is shown: an item a participant
        answered, cleared or that was cleared because it stopped applying is never pre-filled
        again, not even after the session is resumed.
        """
        touched = {
            (r["form_id"], r["item_id"])
            for r in self.conn.execute(
                "SELECT form_id, item_id FROM answers WHERE session_id = ?", (session_id,)
            )
        }
        rows = self.conn.execute(
            "SELECT detail FROM audit WHERE session_id = ? AND action IN "
            "('answer_changed', 'answer_not_applicable', 'answer_not_offered')",
            (session_id,),
        )
        for row in rows:
            detail = json.loads(row["detail"])
            touched.add((detail["form_id"], detail["item_id"]))
        return touched

    @owned
    def record_consent(
        self, session_id: str, form: Form, decisions: dict[str, int], *, actor: str
    ) -> ConsentRecord:
        """Record the consent outcome (item id -> 1 yes / 0 no) with the exact form version."""
        consent_ids = {i.id for i in form.answerable_items}
        if (
            form.kind != "consent"
            or not decisions
            or not set(decisions) <= consent_ids
            or any(v not in (0, 1) or isinstance(v, bool) for v in decisions.values())
        ):
            raise InvalidAnswer("The consent decisions do not match the consent form.")
        record = ConsentRecord(
            session_id,
            form.id,
            form.version,
            form.content_hash,
            dict(sorted(decisions.items())),
            self._now(),
        )
        with self._tx() as conn:
            self._editable_session(conn, session_id)
            conn.execute(
                "INSERT OR REPLACE INTO consents (session_id, form_id, form_version, form_hash, "
                "decisions, at) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, form.id, form.version, form.content_hash,
                 to_json(record.decisions), record.at),
            )  # fmt: skip
            detail = {
                "form_id": form.id,
                "form_version": form.version,
                "decisions": record.decisions,
            }
            self._audit(conn, "consent", check.actor(actor), session_id, detail)
        return record

    @owned
    def consent(self, session_id: str) -> ConsentRecord | None:
        """The recorded consent outcome of a session, if any."""
        row = self.conn.execute(
            "SELECT * FROM consents WHERE session_id = ?", (session_id,)
        ).fetchone()
        return None if row is None else ConsentRecord.from_row(row)
