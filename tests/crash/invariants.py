"""What must hold after any kill -9: checked on the real files, with the real keys."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from survey_app.bundle import read_bundle
from survey_app.bundle.atomic import is_partial
from survey_app.sealing.envelope import open_envelope, verify_envelope
from survey_app.sealing.study_keys import read_private_key
from survey_app.store import DeviceStore
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path
from tests.crash.support import ChildRun

FINISHED_UNSEALED = ("completed", "declined")
# SPSS .sav files carry their creation date and time at these bytes of the header; Stata .dta
# files (format 118) a "dd Mon yyyy hh:mm" time stamp in the <timestamp> tag. Both change with
# the clock, not with the data.
SAV_TIMESTAMP = slice(92, 109)
DTA_TIMESTAMP = re.compile(rb"(<timestamp>).*?(</timestamp>)", re.DOTALL)


def demo_identity() -> str:
    """The DEMO study's private key (published with the software)."""
    return read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)


def reported_answers(run: ChildRun) -> dict[str, dict[tuple[str, str], int]]:
    """session id -> {(form, item): value} of every answer the child reported committed."""
    answers: dict[str, dict[tuple[str, str], int]] = {}
    for session, form, item, value in run.events("answer"):
        answers.setdefault(session, {})[(form, item)] = int(value)
    return answers


def check_laptop(store: DeviceStore, run: ChildRun, identity: str) -> None:
    """Every reported answer is there; nothing finished is unsealed; envelopes hold the answers."""
    reported = reported_answers(run)
    declined = {fields[0] for fields in run.events("declined")}
    completed = {fields[0] for fields in run.events("completed")}
    sessions = {s.id: s for s in store.sessions()}
    assert set(reported) <= set(sessions), "a reported session is missing"
    stranded = [s.id for s in sessions.values() if s.status in FINISHED_UNSEALED]
    assert stranded == [], f"finished but unsealed after the kill: {stranded}"
    for session_id, session in sessions.items():
        want = reported.get(session_id, {})
        if session.status == "in_progress":
            stored = {(a.form_id, a.item_id): a.value for a in store.answers(session_id)}
            assert {k: stored.get(k) for k in want} == want, "a committed answer was lost"
            # At most the answer being saved at the kill was committed without being reported.
            assert len(set(stored) - set(want)) <= 1
            continue
        assert session.submission_id, f"session {session_id} has no submission"
        envelope = store.sealed_copy(session.submission_id).envelope
        verify_envelope(envelope, store.device_key.public_b64)
        payload = open_envelope(envelope, identity)
        sent = {(a["form_id"], a["item_id"]): a["value"] for a in payload["answers"]}
        if payload["session"]["status"] == "declined" or session_id in declined:
            assert sent == {}, "a declined session sent answers"
            continue
        missing = sorted(set(want.items()) - set(sent.items()))
        extra = sorted(set(sent.items()) - set(want.items()))
        detail = f"{session_id} ({session.status}): missing {missing[:3]}, extra {extra[:3]}"
        assert not missing, f"a committed answer is not in the sealed submission of {detail}"
        # A session finished after the kill may hold the one answer committed but not reported.
        allowed = 0 if session_id in completed else 1
        assert len(extra) <= allowed, f"the sealed submission holds answers never given: {detail}"


def files_under(folder: Path) -> Iterable[Path]:
    """Every file below folder."""
    return (p for p in folder.rglob("*") if p.is_file())


def check_no_plaintext(folder: Path, secrets: Iterable[str]) -> None:
    """None of these texts (participant codes, places) appears in any file, as UTF-8 or UTF-16."""
    needles = [encoded for text in secrets for encoded in (text.encode(), text.encode("utf-16-le"))]
    for path in files_under(folder):
        data = path.read_bytes()
        found = [n for n in needles if n in data]
        assert not found, f"plaintext {found[0]!r} in {path.name}"


def check_no_partials(folder: Path) -> None:
    """No temp file of an interrupted write is left in folder."""
    left = [p.name for p in files_under(folder) if is_partial(p)]
    assert left == [], f"temp files left: {left}"


def bundle_ids(folder: Path) -> list[str]:
    """Submission ids of every bundle in folder (each bundle verified on reading)."""
    return [
        entry.submission_id
        for path in sorted(folder.glob("*.surveybundle"))
        for entry in read_bundle(path).manifest.entries
    ]


def output_fingerprints(out: Path) -> dict[str, str]:
    """sha256 per data file of an import folder; .sav/.dta with their creation time masked."""
    prints: dict[str, str] = {}
    for path in sorted(out.iterdir()):
        if path.suffix not in (".csv", ".sav", ".dta", ".json") or path.name.startswith("import-"):
            continue
        data = bytearray(path.read_bytes())
        if path.suffix == ".sav":
            data[SAV_TIMESTAMP] = bytes(SAV_TIMESTAMP.stop - SAV_TIMESTAMP.start)
        if path.suffix == ".dta":
            data = bytearray(DTA_TIMESTAMP.sub(rb"\1\2", bytes(data), count=1))
        prints[path.name] = hashlib.sha256(bytes(data)).hexdigest()
    return prints
