"""Child process: a scripted meeting on one laptop, reporting each commit on stdout.

`python -m tests.crash.meeting_child STORE PARTICIPANTS SEED`. Every line is printed (and
flushed) only after the store call it reports has returned, so whatever the parent read is
committed; a kill may come at any moment in between.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from survey_app.answers.codes import make_code
from survey_app.store import DeviceStore, store_exists
from survey_app.study import load_study
from survey_app.study.demo import demo_study_dir
from tests.kdf import FAST_KDF

PASSPHRASE = "correct horse battery"
FORMS = (("hscl25", "hscl_{:02d}", 25, 1, 4), ("pcl5", "pcl_{:02d}", 20, 0, 4))


def participant_code(seed: int, number: int) -> str:
    """The code of participant `number` in the meeting of `seed` (4-digit codes)."""
    return make_code((seed % 90) * 100 + number)


def report(*fields: object) -> None:
    """Tell the parent, unbuffered, what is committed."""
    sys.stdout.write(" ".join(str(f) for f in fields) + "\n")
    sys.stdout.flush()


def open_store(path: Path) -> DeviceStore:
    """The laptop's store: created on the first run, unlocked after that."""
    if store_exists(path):
        return DeviceStore.open(path, PASSPHRASE)
    return DeviceStore.create(path, PASSPHRASE, kdf=FAST_KDF)


def main(path: Path, participants: int, seed: int) -> None:
    rng = random.Random(seed)
    study = load_study(demo_study_dir())
    forms = study.library.forms
    with open_store(path) as store:
        meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
        for number in range(1, participants + 1):
            session = store.start_session(
                meeting.id, participant_code(seed, number), "baseline", "ar", actor="AB"
            )
            report("started", session.id)
            store.record_consent(
                session.id, forms["consent"], {"consent_participate": 1}, actor="AB"
            )
            report("consent", session.id)
            for form_id, pattern, count, low, high in FORMS:
                for n in range(1, count + 1):
                    value = rng.randint(low, high)
                    item = pattern.format(n)
                    store.save_answer(session.id, forms[form_id], item, value)
                    report("answer", session.id, form_id, item, value)
            if rng.random() < 0.2:
                copy = store.decline_session(session.id, study, actor="AB")
                report("declined", session.id, copy.submission_id)
            else:
                copy = store.complete_session(session.id, study, actor="AB")
                report("completed", session.id, copy.submission_id)
    report("done")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
