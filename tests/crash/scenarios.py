"""Crash rounds: one real process killed with SIGKILL at a seeded moment, then the invariants.

Each round draws, from its own seeded random generator, what to do and where to die: either a
named crash point (`survey_app.crashpoints`: the process SIGKILLs itself at exactly that line,
on the N-th arrival) or a real SIGKILL from the parent after a random delay. Then it reopens
what was left, checks what must hold, recovers the way the staff or the data manager would,
and checks again.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import httpx

from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_study_dir, load_study
from survey_app.sync.client import RetryPolicy, SyncClient
from survey_app.sync.credentials import load_credentials, save_credentials
from tests.crash import invariants as inv
from tests.crash.laptops import (
    DEMO_KEY_PASSPHRASE,
    PASSPHRASE,
    import_args,
)
from tests.crash.meeting_child import participant_code
from tests.crash.support import ChildRun, child_env, run_child
from tests.server.support import TEST_STUDIES, start_server_process

NO_WAIT = RetryPolicy(max_attempts=2, base_delay=0.0, max_delay=0.0)


@dataclass(frozen=True)
class Kill:
    """Where a round's process dies: a crash point (`name:arrival`) or a delay in seconds."""

    point: str | None = None
    delay: float | None = None

    def __str__(self) -> str:
        return self.point or f"SIGKILL after {self.delay:.2f} s"


def choose(rng: random.Random, points: list[str], delay: tuple[float, float]) -> Kill:
    """A crash point or a random delay, half and half."""
    if rng.random() < 0.5:
        return Kill(point=rng.choice(points))
    return Kill(delay=round(rng.uniform(*delay), 2))


def _run(args: list[str], kill: Kill, **env: str) -> ChildRun:
    return run_child(args, env=child_env(kill.point, **env), kill_after=kill.delay)


def _finish_interrupted(store_path: Path) -> None:
    """What staff do after a crash: resume each interrupted session and finish it."""
    study = load_study(demo_study_dir())
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        for point in store.interrupted_sessions():
            if store.consent(point.session.id) is None:
                store.decline_session(point.session.id, study, actor="AB")
            else:
                store.complete_session(point.session.id, study, actor="AB")


# -- answering, completing, sealing ----------------------------------------------------------


def laptop_round(rng: random.Random, work: Path) -> str:
    """A meeting on one laptop, killed while answering, completing or sealing."""
    participants, seed = rng.randint(2, 4), rng.randint(1, 10**6)
    kill = choose(
        rng,
        [
            "store.complete.marked:1",
            "store.complete.sealed:1",
            "store.complete.committed:1",
            "store.complete.marked:2",
            "store.create.device:1",
        ],
        (0.3, 2.5),
    )
    store_path = work / "laptop" / "device-store.db"
    args = ["-m", "tests.crash.meeting_child", str(store_path), str(participants), str(seed)]
    run = _run(args, kill)
    if not store_path.exists():
        assert run.killed, "the child ended without a store"
        return f"{kill}: killed before the store existed (set-up starts again)"
    identity = inv.demo_identity()
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        inv.check_laptop(store, run, identity)
    codes = [participant_code(seed, n) for n in range(1, participants + 1)]
    inv.check_no_plaintext(store_path.parent, [*codes, "Skolen"])
    _finish_interrupted(store_path)
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        assert store.interrupted_sessions() == []
        assert store.unsealed_count() == 0
        inv.check_laptop(store, run, identity)
    inv.check_no_plaintext(store_path.parent, [*codes, "Skolen"])
    return f"{kill}: {'killed' if run.killed else 'finished first'}"


# -- exporting -------------------------------------------------------------------------------


def export_round(rng: random.Random, work: Path, laptop: Path) -> str:
    """`export` to a USB folder killed mid-way; the next export completes it, nothing twice."""
    data_dir = work / "laptop"
    shutil.copytree(laptop, data_dir)
    usb = work / "usb"
    usb.mkdir()
    kill = choose(rng, ["atomic_write.before_rename:1", "export.before_mark:1"], (0.5, 2.5))
    args = ["main.py", "export", "--out", str(usb), "--data-dir", str(data_dir),
            "--study", str(demo_study_dir())]  # fmt: skip
    run = _run(args, kill, SURVEY_APP_PASSPHRASE=PASSPHRASE)
    # A bundle at its final name is always complete and verifies.
    inv.bundle_ids(usb)
    again = run_child(args, env=child_env(None, SURVEY_APP_PASSPHRASE=PASSPHRASE))
    assert again.returncode == 0
    inv.check_no_partials(usb)
    with DeviceStore.open(store_path_in(data_dir), PASSPHRASE) as store:
        sealed = {s.submission_id for s in store.sessions() if s.submission_id}
        assert {s.status for s in store.sessions()} <= {"exported"}
    exported = inv.bundle_ids(usb)
    assert set(exported) == sealed, "a sealed submission never reached the stick"
    # Twice only when the kill fell between writing the bundle and recording it.
    assert len(exported) in (len(sealed), 2 * len(sealed))
    return f"{kill}: {'killed' if run.killed else 'finished first'}"


# -- importing -------------------------------------------------------------------------------


def import_round(rng: random.Random, work: Path, usb: Path, clean: dict[str, str]) -> str:
    """`import` killed mid-way; the next run's outputs are byte-identical to a clean run's."""
    out = work / "out"
    kill = choose(
        rng,
        [f"atomic_write.before_rename:{n}" for n in range(1, 9)]
        + ["import.bundle.committed:1", "import.bundle.committed:2"],
        (0.8, 4.0),
    )
    run = _run(import_args([usb], out), kill, SURVEY_KEY_PASSPHRASE=DEMO_KEY_PASSPHRASE)
    again = run_child(
        import_args([usb], out), env=child_env(None, SURVEY_KEY_PASSPHRASE=DEMO_KEY_PASSPHRASE)
    )
    assert again.returncode == 0
    inv.check_no_partials(out)
    prints = inv.output_fingerprints(out)
    differ = sorted(n for n in set(prints) | set(clean) if prints.get(n) != clean.get(n))
    assert differ == [], f"after {kill} ({'killed' if run.killed else 'finished'}): {differ}"
    return f"{kill}: {'killed' if run.killed else 'finished first'}"


# -- syncing ---------------------------------------------------------------------------------


def _server_count(database: Path) -> tuple[int, int, int]:
    """(stored submissions, distinct ids, logged conflicts) straight from the server's file."""
    with sqlite3.connect(database) as conn:
        stored, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT submission_id) FROM submissions"
        ).fetchone()
        conflicts = conn.execute("SELECT count(*) FROM conflicts").fetchone()[0]
    return int(stored), int(distinct), int(conflicts)


def _enrol(store_path: Path, url: str, database: Path) -> None:
    from survey_app.server.config import ServerConfig
    from survey_app.server.service import ServerService

    admin = ServerService.open(ServerConfig(database=str(database), study_ids=TEST_STUDIES))
    try:
        code, _ = admin.create_enrol_code()
    finally:
        admin.close()
    with DeviceStore.open(store_path, PASSPHRASE) as store, SyncClient(url) as client:
        save_credentials(store, client.enrol(code, store.device_key))


def _sync_to_the_end(store_path: Path) -> None:
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        credentials = load_credentials(store)
        assert credentials is not None
        with SyncClient.for_credentials(credentials, retry=NO_WAIT) as client:
            result = client.sync_once(store)
        assert result.complete, result.stopped


def _check_synced_once(store_path: Path, database: Path) -> int:
    with DeviceStore.open(store_path, PASSPHRASE) as store:
        sealed = {s.submission_id for s in store.sessions() if s.submission_id}
        assert store.pending_envelopes() == []
        assert {s.status for s in store.sessions()} == {"synced"}
    stored, distinct, conflicts = _server_count(database)
    assert (stored, distinct, conflicts) == (len(sealed), len(sealed), 0)
    return len(sealed)


def sync_round(rng: random.Random, work: Path, laptop: Path) -> str:
    """The laptop's `sync run` killed mid-way (e.g. between receipt and record); sync again."""
    data_dir = work / "laptop"
    shutil.copytree(laptop, data_dir)
    store_path = store_path_in(data_dir)
    database = work / "server.sqlite3"
    server = start_server_process(database)
    try:
        _enrol(store_path, server.url, database)
        kill = choose(rng, [f"sync.before_mark_synced:{n}" for n in range(1, 4)], (0.8, 3.0))
        run = _run(
            ["main.py", "sync", "run", "--store", str(store_path)],
            kill,
            SURVEY_APP_PASSPHRASE=PASSPHRASE,
        )
        _sync_to_the_end(store_path)
        count = _check_synced_once(store_path, database)
    finally:
        server.stop()
    return f"{kill}: {'killed' if run.killed else 'finished first'}; {count} stored once"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_round(rng: random.Random, work: Path, laptop: Path) -> str:
    """The server killed while it takes uploads; restarted on its port; the laptop syncs again."""
    import threading

    data_dir = work / "laptop"
    shutil.copytree(laptop, data_dir)
    store_path = store_path_in(data_dir)
    database = work / "server.sqlite3"
    port = _free_port()
    server = start_server_process(database, port)
    _enrol(store_path, server.url, database)
    server.stop()
    kill = choose(rng, [f"server.upload.stored:{n}" for n in range(1, 4)], (0.0, 0.15))
    server = start_server_process(database, port, env=child_env(kill.point))
    timer = threading.Timer(kill.delay or 0.0, server.process.kill)
    try:
        with DeviceStore.open(store_path, PASSPHRASE) as store:
            credentials = load_credentials(store)
            assert credentials is not None
            with SyncClient.for_credentials(credentials, retry=NO_WAIT) as client:
                if kill.delay is not None:
                    timer.start()
                client.sync_once(store)
        timer.cancel()
        killed = server.process.wait(timeout=30) != 0 if kill.point else True
        server.stop()
        server = start_server_process(database, port)
        _sync_to_the_end(store_path)
        count = _check_synced_once(store_path, database)
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/v1/health").status_code == 200
    finally:
        timer.cancel()
        server.stop()
    return f"{kill}: {'killed' if killed else 'not reached'}; {count} stored once after restart"
