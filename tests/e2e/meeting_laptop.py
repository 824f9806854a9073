"""One laptop of the end-to-end meeting test, run as its own process (it may be killed -9).

`python -m tests.e2e.meeting_laptop JOB.json` opens (or creates) the laptop's device store and
takes every participant of its plan through the calls the app's session view makes: start the
session, record consent (or decline), give each answer (typed answers go through the same
normaliser as the app's input fields), complete and seal. Run again after a kill it resumes the
interrupted session where the store says it stopped, as staff do from the dashboard. Then it
syncs with the research server (retrying across a server restart) or exports to a USB folder.

Progress goes to stdout, one line per step, flushed, so the test can act at exact moments.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey_app.answers.validate import validate_answer
from survey_app.bundle.from_store import export_store
from survey_app.store import DeviceStore, SessionInfo
from survey_app.study import Study, load_study
from survey_app.study.demo import demo_study_dir
from survey_app.sync.client import RetryPolicy, SyncClient, SyncCredentials, SyncError
from survey_app.sync.credentials import load_credentials, save_credentials
from tests.kdf import FAST_KDF

STAFF = "AB"
SYNC_ROUNDS = 30


def say(*words: object) -> None:
    """One progress line for the test, unbuffered."""
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def open_store(job: dict[str, Any]) -> DeviceStore:
    path = Path(job["store"])
    if path.exists():
        return DeviceStore.open(path, job["passphrase"])
    return DeviceStore.create(path, job["passphrase"], kdf=FAST_KDF)


def meeting_id(store: DeviceStore) -> str:
    meetings = store.meetings()
    if meetings:
        return meetings[0].id
    return store.create_meeting("2025-03-14", "Allmøte, skolen", STAFF).id


def stored_value(study: Study, form_id: str, item_id: str, answer: dict[str, Any]) -> Any:
    """What the app stores: typed text goes through validate_answer like an input field."""
    if answer["status"] != "answered":
        return None
    if "typed" in answer:
        item = study.library.forms[form_id].item(item_id)
        return validate_answer(item, answer["typed"])
    return answer["value"]


@dataclass
class Table:
    """One laptop at the meeting: its store, the study, and where the first run is unplugged."""

    store: DeviceStore
    study: Study
    pause_at: str | None = None  # "CODE INDEX": the participant stops to think there

    def give_answers(self, session_id: str, person: dict) -> None:
        """Save every planned answer the store does not hold yet, in the order of the forms."""
        held = {(a.form_id, a.item_id) for a in self.store.answers(session_id)}
        for index, answer in enumerate(person["answers"]):
            key = (answer["form"], answer["item"])
            if key in held:
                continue
            form = self.study.library.forms[answer["form"]]
            value = stored_value(self.study, *key, answer)
            self.store.save_answer(session_id, form, answer["item"], value, status=answer["status"])
            say("saved", person["code"], index)
            if f"{person['code']} {index}" == self.pause_at:
                time.sleep(120)  # the test pulls the plug during this pause

    def consent(self, session_id: str, person: dict) -> None:
        form = self.study.library.forms["consent"]
        decisions = {i.id: person["consent"] for i in form.items if i.type == "consent"}
        self.store.record_consent(session_id, form, decisions, actor=STAFF)

    def take_part(self, meeting: str, person: dict) -> None:
        session = self.store.start_session(
            meeting,
            person["code"],
            "baseline",
            person["language"],
            interpreter_language=person["interpreter"],
            interpreter_assisted=person["interpreter"] is not None,
            actor=STAFF,
        )
        say("started", person["code"])
        self.consent(session.id, person)
        self.finish(session, person)

    def finish(self, session: SessionInfo, person: dict) -> None:
        if not person["consent"]:
            self.store.decline_session(session.id, self.study, actor=STAFF)
            say("declined", person["code"])
            return
        self.give_answers(session.id, person)
        self.store.complete_session(session.id, self.study, actor=STAFF)
        say("sealed", person["code"])

    def resume(self, person: dict) -> bool:
        """Continue this participant's interrupted session; False when there is none."""
        for point in self.store.interrupted_sessions():
            if point.session.participant_code == person["code"]:
                say("resumed", person["code"], point.item_id)
                if self.store.consent(point.session.id) is None:
                    self.consent(point.session.id, person)
                self.finish(point.session, person)
                return True
        return False

    def run_meeting(self, plan: list[dict]) -> None:
        meeting = meeting_id(self.store)
        done = {s.participant_code for s in self.store.sessions() if s.status != "in_progress"}
        for person in plan:
            if person["code"] in done or self.resume(person):
                continue
            self.take_part(meeting, person)


def enrol(store: DeviceStore, job: dict[str, Any]) -> SyncCredentials:
    """Enrol with the one-time code; staff try again while the server is unreachable."""
    for _ in range(SYNC_ROUNDS):
        try:
            with SyncClient(job["server"]) as client:
                credentials = client.enrol(job["enrol_code"], store.device_key, label=job["name"])
        except SyncError as error:
            say("enrol-failed", str(error).replace(" ", "_"))
            time.sleep(1)
            continue
        save_credentials(store, credentials)
        say("enrolled", credentials.device_id)
        return credentials
    raise SystemExit("enrolment never succeeded")


def sync(store: DeviceStore, job: dict[str, Any]) -> None:
    """Enrol once, then sync round after round until the server confirmed everything."""
    credentials = load_credentials(store) or enrol(store, job)
    pause = float(job.get("upload_pause", 0))

    def progress(done: int, total: int, outcome) -> None:
        say("sync", f"{done}/{total}", outcome.status)
        time.sleep(pause)  # a slow meeting-hall network: the server restart lands mid-round

    retry = RetryPolicy(max_attempts=6, base_delay=0.3, max_delay=2.0)
    for _ in range(SYNC_ROUNDS):
        with SyncClient.for_credentials(credentials, retry=retry) as client:
            result = client.sync_once(store, progress)
        if result.complete and not store.pending_envelopes():
            say("synced", len(store.sessions()))
            return
        say("sync-round-stopped", result.stopped)
        time.sleep(1)
    raise SystemExit("sync never completed")


def main(job_path: Path) -> None:
    job = json.loads(job_path.read_text(encoding="utf-8"))
    first_run = not Path(job["store"]).exists()
    study = load_study(demo_study_dir())
    with open_store(job) as store:
        say("device", store.device_id)
        table = Table(store, study, job.get("pause_at") if first_run else None)
        table.run_meeting(job["plan"])
        say("meeting-done")
        if job["after"] == "sync":
            sync(store, job)
        elif job["after"] == "export":
            info = export_store(store, Path(job["usb"]))
            say("exported", info.count if info else 0)
    say("done")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
