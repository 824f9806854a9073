"""Remove a session's answer values from its audit trail when its readable answers go."""

from __future__ import annotations

import sqlcipher3

from survey_app.store.schema import (
    ANSWER_VALUE_ACTIONS,
    REDACTED_ANSWER_DETAIL,
    REDACTED_CONSENT_DETAIL,
)


def redact_answer_values(
    conn: sqlcipher3.Connection, session_id: str, *, decisions: bool = True
) -> None:
    """Blank the answer values (and, with `decisions`, the consent decisions) in its audit.

    Answer values are an entry's old and new value and the options it names as removed. The
    entries stay (who changed which item when); only the values go, which is the one
    change the audit trail's trigger allows (schema versions 6 and 7).
    """
    marks = ", ".join("?" for _ in ANSWER_VALUE_ACTIONS)
    conn.execute(
        f"UPDATE audit SET detail = {REDACTED_ANSWER_DETAIL.format('detail')} "
        f"WHERE session_id = ? AND action IN ({marks}) "
        "AND json_extract(detail, '$.redacted') IS NULL",
        (session_id, *ANSWER_VALUE_ACTIONS),
    )
    if decisions:
        conn.execute(
            f"UPDATE audit SET detail = {REDACTED_CONSENT_DETAIL.format('detail')} "
            "WHERE session_id = ? AND action = 'consent' "
            "AND json_extract(detail, '$.redacted') IS NULL",
            (session_id,),
        )
