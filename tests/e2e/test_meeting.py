"""Issue 14's end-to-end meeting: three laptops, a server restart, a kill -9, USB and import.

Three laptops run as separate processes (tests/e2e/meeting_laptop.py) through the store and
session calls the app makes, with 40 participants in Arabic, Norwegian and English, many with
an interpreter beside them, two of whom decline consent. Laptop A is killed with SIGKILL in the
middle of a participant's questionnaire and started again, resuming that session. Laptop B
syncs over a slow network while the research server (its own process) is killed and started
again. Laptop C exports to a USB folder. The data manager pulls from the server, imports the
pull and the USB bundle, and the data set must hold exactly the entered answers, every value,
and the scores a person computes by hand from them (tests/e2e/hand_scores.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import pytest

from survey_app.cli.main import main
from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService
from survey_app.study import load_study
from survey_app.study.demo import demo_study_dir
from tests.e2e import hand_scores
from tests.e2e.meeting_plan import (
    DECLINED,
    LAPTOPS,
    NOT_ANSWERED,
    NOT_APPLICABLE,
    Person,
    make_plan,
)
from tests.server.support import ServerProcess, start_server_process

pytestmark = pytest.mark.slow  # about a minute: 40 participants, 3 laptops, 2 imports

ROOT = Path(__file__).resolve().parents[2]
DEMO_KEY = demo_study_dir() / "DEMO-study-private-key.age"
DEADLINE = 420.0
KILL_A_AT = (5, 30)  # laptop A dies after the 30th answer of its 5th participant
RESTART_SERVER_AT = 3  # the server dies after laptop B's 3rd confirmed upload


class Laptop:
    """One laptop process and every line it printed (read on a thread, never blocking)."""

    def __init__(self, name: str, job: Path, log: Path) -> None:
        self.name = name
        self.job = job
        self.log = log
        self.lines: list[str] = []
        self.runs = 0
        self.eof = False
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start (or start again) the laptop process; each run has its own line queue."""
        self.runs += 1
        self.eof = False
        self.queue = queue.Queue()
        with self.log.open("a") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.e2e.meeting_laptop", str(self.job)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        threading.Thread(target=_read, args=(self.process, self.queue), daemon=True).start()

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed, like pulling the plug."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def new_lines(self) -> list[str]:
        out = []
        while True:
            try:
                line = self.queue.get_nowait()
            except queue.Empty:
                return out
            if line is None:
                self.eof = True
            else:
                self.lines.append(line)
                out.append(line)

    @property
    def finished(self) -> bool:
        """The current run ended and every line it printed has been read."""
        return self.eof and self.process is not None and self.process.poll() is not None

    def said(self, *words: str) -> bool:
        return any(line.split()[: len(words)] == list(words) for line in self.lines)


def _read(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert process.stdout is not None
    with process.stdout:
        for line in process.stdout:
            lines.put(line.strip())
    lines.put(None)


@dataclass
class Meeting:
    root: Path
    people: list[Person]
    laptops: dict[str, Laptop]
    server_db: Path
    server: ServerProcess
    usb: Path
    out: Path
    kill_code: str
    restart_after: list[str] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)
    server_count: int = 0


def write_job(
    root: Path, name: str, people: list[Person], server: str, code: str, pause_at: str
) -> Path:
    job = {
        "name": f"laptop {name}",
        "store": str(root / name / "device-store.db"),
        "passphrase": f"passphrase for {name}",
        "plan": [p.to_job() for p in people if p.laptop == name],
        "after": LAPTOPS[name][2],
        "server": server,
        "enrol_code": code,
        "usb": str(root / "usb"),
        "upload_pause": 0.4 if name == "B" else 0.0,
        "pause_at": pause_at if name == "A" else None,
    }
    path = root / f"job-{name}.json"
    path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    return path


def server_service(db: Path) -> ServerService:
    """The admin's view of the server database (what `python main.py server ...` opens)."""
    return ServerService.open(ServerConfig(database=str(db), study_ids=("demo",)))


def run_meeting(root: Path, people: list[Person]) -> Meeting:
    """Run the three laptops, kill A once, restart the server once, then the data manager."""
    db = root / "server.sqlite3"
    server = start_server_process(db, 0)
    service = server_service(db)
    try:
        codes = {name: service.create_enrol_code(label=name)[0] for name in LAPTOPS}
    finally:
        service.close()
    (root / "usb").mkdir()
    kill_code = [p for p in people if p.laptop == "A"][KILL_A_AT[0] - 1].code
    pause_at = f"{kill_code} {KILL_A_AT[1]}"
    laptops = {
        name: Laptop(
            name,
            write_job(root, name, people, server.url, codes[name], pause_at),
            root / f"{name}.log",
        )
        for name in LAPTOPS
    }
    meeting = Meeting(root, people, laptops, db, server, root / "usb", root / "out", kill_code)
    try:
        for laptop in laptops.values():
            laptop.start()
        _watch(meeting, pause_at, time.monotonic() + DEADLINE)
        service = server_service(db)
        try:
            meeting.server_count = service.repository.count_submissions()
            _, token = service.create_account("dm", "data_manager")
        finally:
            service.close()
        _data_manager(meeting, token)
    finally:
        for laptop in laptops.values():
            if laptop.process is not None and laptop.process.poll() is None:
                laptop.kill()
        meeting.server.stop()
    return meeting


def _watch(meeting: Meeting, pause_at: str, deadline: float) -> None:
    """Follow the laptops' progress lines; unplug A and restart the server at their moments."""
    a, b = meeting.laptops["A"], meeting.laptops["B"]
    killed = restarted = False
    while not all(laptop.finished and laptop.said("done") for laptop in meeting.laptops.values()):
        if time.monotonic() > deadline:
            raise AssertionError("the meeting did not finish in time\n" + _state(meeting))
        for laptop in meeting.laptops.values():
            for line in laptop.new_lines():
                if not killed and laptop is a and line == f"saved {pause_at}":
                    a.kill()  # SIGKILL in the middle of the participant's questionnaire
                    a.new_lines()
                    a.start()
                    killed = True
                if not restarted and laptop is b and line.startswith(f"sync {RESTART_SERVER_AT}/"):
                    port = meeting.server.port
                    meeting.server.kill()
                    meeting.server.stop()  # closes its pipes
                    meeting.restart_after = list(b.lines)
                    meeting.server = start_server_process(meeting.server_db, port)
                    restarted = True
            if laptop.finished and not laptop.said("done"):
                raise AssertionError(f"laptop {laptop.name} failed\n" + _state(meeting))
        time.sleep(0.05)
    assert killed and restarted, _state(meeting)


def _state(meeting: Meeting) -> str:
    parts = []
    for laptop in meeting.laptops.values():
        tail = "\n".join(laptop.lines[-5:])
        parts.append(
            f"[{laptop.name}] runs={laptop.runs}\n{tail}\n{laptop.log.read_text()[-3000:]}"
        )
    return "\n".join(parts)


def _data_manager(meeting: Meeting, token: str) -> None:
    """Pull from the server and import the pull and the USB stick, as the data manager does."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SURVEY_APP_TOKEN", token)
        env.setenv("SURVEY_KEY_PASSPHRASE", "demo")
        pulled = meeting.root / "pulled"
        meeting.codes["pull"] = main(["pull", "--server", meeting.server.url, "--out", str(pulled)])
        meeting.codes["import"] = main(
            [
                "import",
                str(pulled),
                str(meeting.usb),
                "--key",
                str(DEMO_KEY),
                "--study",
                str(demo_study_dir()),
                "--out",
                str(meeting.out),
            ]
        )


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Meeting]:
    people = make_plan(load_study(demo_study_dir()))
    yield run_meeting(tmp_path_factory.mktemp("meeting"), people)


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def by_code(meeting: Meeting) -> dict[str, dict[str, str]]:
    return {row["participant_code"]: row for row in rows(meeting.out / "baseline.csv")}


# -- what happened at the meeting ---------------------------------------------------------------


def test_the_meeting_plan_mixes_languages_interpreters_and_two_refusals(meeting: Meeting) -> None:
    people = meeting.people
    assert len(people) == 40
    assert {p.language for p in people} == {"ar", "nb", "en"}
    assert sum(p.interpreter is not None for p in people) >= 8
    assert sum(1 for p in people if not p.consent) == 2


def test_laptop_a_was_killed_mid_questionnaire_and_resumed_that_session(meeting: Meeting) -> None:
    a = meeting.laptops["A"]
    code = meeting.kill_code
    assert a.runs == 2
    assert a.said("resumed", code)
    assert a.said("sealed", code)


def test_laptop_b_was_syncing_when_the_server_was_restarted(meeting: Meeting) -> None:
    b = meeting.laptops["B"]
    before = [line for line in meeting.restart_after if line.startswith("sync ")]
    after = [line for line in b.lines[len(meeting.restart_after) :] if line.startswith("sync ")]
    assert before and after
    assert b.said("synced")


def test_every_step_of_the_data_manager_succeeds(meeting: Meeting) -> None:
    assert meeting.codes == {"pull": 0, "import": 0}


def test_the_server_holds_each_synced_submission_exactly_once(meeting: Meeting) -> None:
    synced = sum(1 for p in meeting.people if p.laptop in ("A", "B"))
    assert meeting.server_count == synced


def test_the_import_takes_every_submission_once_and_rejects_nothing(meeting: Meeting) -> None:
    report = json.loads((meeting.out / "import-report.json").read_text(encoding="utf-8"))
    assert report["submissions"]["new"] == 40
    assert report["rejections"] == [] and report["conflicts"] == []


# -- the data set holds exactly what was entered ------------------------------------------------


def test_the_data_set_has_one_row_per_participant_with_session_facts(meeting: Meeting) -> None:
    table = by_code(meeting)
    assert set(table) == {p.code for p in meeting.people}
    for person in meeting.people:
        row = table[person.code]
        assert row["status"] == ("completed" if person.consent else "declined")
        assert row["language"] == person.language
        assert row["interpreter_language"] == (person.interpreter or "")
        assert row["interpreter_assisted"] == str(int(person.interpreter is not None))


def expected_cells(person: Person, columns: list[str]) -> dict[str, str]:
    """Every item column of this participant as the CSV must write it."""
    stored = person.stored()
    cells: dict[str, str] = {}
    for column in columns:
        item, _, option = column.rpartition("_")
        if option.isdigit() and item in stored and isinstance(stored[item], list):
            cells[column] = str(int(int(option) in stored[item]))
        elif option.isdigit() and item in stored and stored[item] == DECLINED:
            cells[column] = str(DECLINED)
        elif column in stored:
            cells[column] = str(stored[column])
        elif column in person.not_applicable or (
            option.isdigit() and item in person.not_applicable
        ):
            cells[column] = str(NOT_APPLICABLE)
    return cells


def item_columns(header: list[str]) -> list[str]:
    prefixes = ("bg_", "hscl_", "pcl_", "cantril_", "eqvas", "via_")
    scores = set(hand_scores.scores({}))
    return [c for c in header if c.startswith(prefixes) and c not in scores]


def test_every_entered_answer_is_in_the_data_set_with_its_value(meeting: Meeting) -> None:
    table = by_code(meeting)
    header = list(next(iter(table.values())))
    columns = item_columns(header)
    assert "hscl_25" in columns and "bg_languages_1" in columns
    for person in meeting.people:
        row = table[person.code]
        expected = expected_cells(person, columns)
        for column in columns:
            want = expected.get(column, str(NOT_ANSWERED))
            assert row[column] == want, (person.code, column, row[column], want)


def test_free_text_answers_are_in_the_free_text_file_exactly_as_written(meeting: Meeting) -> None:
    main_rows = {
        r["submission_id"]: r["participant_code"] for r in rows(meeting.out / "baseline.csv")
    }
    free = rows(meeting.out / "baseline-free-text.csv")
    by_person = {main_rows[r["submission_id"]]: r for r in free}
    columns = [c for c in free[0] if c not in ("submission_id", "timepoint")]
    assert "bg_country_other" in columns
    written = 0
    for person in meeting.people:
        if not person.consent:
            continue
        for column in columns:
            missing = NOT_APPLICABLE if column in person.not_applicable else NOT_ANSWERED
            stored = person.stored().get(column, missing)
            assert by_person[person.code][column] == str(stored), (person.code, column)
            written += isinstance(stored, str)
    assert written > 0, "nobody wrote free text: the plan tests nothing"


# -- the scores are the ones a person computes by hand -------------------------------------------


def _number(text: str) -> Fraction | None:
    return None if text == "" else Fraction(text)


def test_every_score_equals_the_hand_computed_score(meeting: Meeting) -> None:
    table = by_code(meeting)
    checked = 0
    for person in meeting.people:
        row = table[person.code]
        answered = {
            k: v for k, v in person.stored().items() if isinstance(v, int) and v != DECLINED
        }
        for name, want in hand_scores.scores(answered).items():
            got = _number(row[name])
            if not person.consent:
                assert got is None, (person.code, name)
                continue
            if want is None:
                assert got is None, (person.code, name, row[name])
            else:
                assert got is not None and abs(got - want) < Fraction(1, 10**9), (
                    person.code,
                    name,
                    row[name],
                    float(want),
                )
                checked += 1
    assert checked > 300


def test_the_low_response_participants_really_exercise_the_missing_data_rules(
    meeting: Meeting,
) -> None:
    table = by_code(meeting)
    missing_scores = [
        (p.code, name)
        for p in meeting.people
        if p.consent
        for name in ("hscl_total", "pcl_total", "via_heritage")
        if table[p.code][name] == ""
    ]
    assert missing_scores, "no participant lost a score to the 80 % rule: the plan tests nothing"


@pytest.mark.parametrize("language", ["ar", "nb", "en"])
def test_participants_of_each_language_are_all_in_the_data_set(meeting: Meeting, language) -> None:
    table = by_code(meeting)
    assert all(p.code in table for p in meeting.people if p.language == language)


def test_no_plaintext_answer_file_is_left_on_the_usb_stick_or_beside_the_stores(
    meeting: Meeting,
) -> None:
    names = [p.name for p in meeting.root.rglob("*") if p.is_file()]
    assert not [n for n in names if n.endswith(".partial")]
    assert sorted(p.suffix for p in meeting.usb.iterdir()) == [".surveybundle"]
    assert os.path.getsize(next(meeting.usb.iterdir())) > 0
