"""Child process for the kill -9 test: saves answers forever, printing after each commit."""

from __future__ import annotations

import sys
from pathlib import Path

from survey_app.answers.codes import make_code
from survey_app.store import DeviceStore
from survey_app.study import load_study
from survey_app.study.demo import demo_study_dir

from .conftest import FAST_KDF, PASSPHRASE


def answer_sequence(study) -> list[tuple[object, str, int]]:
    """The (form, item id, scale size) order in which the child answers, round after round."""
    forms = study.library.forms
    hscl = [(forms["hscl25"], f"hscl_{n:02d}", 4) for n in range(1, 26)]
    pcl = [(forms["pcl5"], f"pcl_{n:02d}", 5) for n in range(1, 21)]
    return hscl + pcl


def value_at(seq: int, size: int) -> int:
    """The value written at step seq (changes from round to round, so answers get changed)."""
    base = 1 if size == 4 else 0
    return base + (seq * 7 + seq // 45) % size


def report(line: str) -> None:
    """Tell the parent, unbuffered, what is committed."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(store_path: Path) -> None:
    study = load_study(demo_study_dir())
    sequence = answer_sequence(study)
    store = DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF)
    meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
    session = store.start_session(meeting.id, make_code(5), "baseline", "ar", actor="AB")
    report(f"session {session.id}")
    seq = 0
    while True:
        form, item_id, size = sequence[seq % len(sequence)]
        store.save_answer(session.id, form, item_id, value_at(seq, size))
        report(f"saved {seq}")
        seq += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]))
