"""What an older app left behind when it stopped between "completed" and "sealed"."""

from __future__ import annotations

from pathlib import Path

from survey_app.answers.codes import make_code
from survey_app.store import DeviceStore, KdfParams
from survey_app.study import Study


def store_with_stranded_session(
    path: Path, passphrase: str, kdf: KdfParams, study: Study, *, sealed_before: int = 0
) -> str:
    """Create a store whose last session is completed but unsealed; return its id."""
    forms = study.library.forms
    with DeviceStore.create(path, passphrase, kdf=kdf) as store:
        meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
        for number in range(1, sealed_before + 2):
            session = store.start_session(
                meeting.id, make_code(number), "baseline", "nb", actor="AB"
            )
            store.record_consent(
                session.id, forms["consent"], {"consent_participate": 1}, actor="AB"
            )
            store.save_answer(session.id, forms["hscl25"], "hscl_01", 2)
            if number <= sealed_before:
                store.complete_session(session.id, study, actor="AB")
        # The first of the two transactions an older complete_session made, and no second.
        store.conn.execute(
            "UPDATE sessions SET status = 'completed', outcome = 'completed' WHERE id = ?",
            (session.id,),
        )
        return session.id
