"""Group commit: uploads arriving together share one durable commit, and nobody is told more."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from survey_app.server.db import GroupCommit, SqliteDatabase
from survey_app.server.repository import Conflict, Repository


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    repository = Repository(SqliteDatabase(tmp_path / "server.sqlite3"))
    repository.initialise()
    yield repository
    repository.db.close()


def _store(repo: Repository, submission_id: str, content_hash: str = "h1"):
    return repo.store_submission(
        submission_id=submission_id,
        device_id="dev1",
        study_id="s1",
        content_hash=content_hash,
        envelope_json="{}",
        sign_receipt=lambda received_at: f"sig:{received_at}",
    )


def _in_file(path: Path, submission_id: str) -> bool:
    """What another process opening the file now would find."""
    with sqlite3.connect(path) as other:
        row = other.execute(
            "SELECT 1 FROM submissions WHERE submission_id = ?", (submission_id,)
        ).fetchone()
    return row is not None


def test_writers_arriving_during_a_commit_share_the_next_one() -> None:
    first_running, release = threading.Event(), threading.Event()
    groups: list[list[str]] = []

    def run_group(jobs) -> None:
        groups.append([job.work(None) for job in jobs])
        for job in jobs:
            job.result = groups[-1][jobs.index(job)]
        if len(groups) == 1:
            first_running.set()
            release.wait(10)

    group = GroupCommit(run_group)
    results: dict[str, str] = {}

    def write(name: str) -> None:
        results[name] = group.submit(lambda _tx, n=name: n)

    leader = threading.Thread(target=write, args=("first",))
    leader.start()
    assert first_running.wait(10)
    followers = [threading.Thread(target=write, args=(f"w{i}",)) for i in range(5)]
    for thread in followers:
        thread.start()
    while len(group._waiting) < 5:  # all five queued behind the running commit
        threading.Event().wait(0.01)
    release.set()
    for thread in (leader, *followers):
        thread.join(10)
    assert groups[0] == ["first"]
    assert sorted(groups[1]) == [f"w{i}" for i in range(5)]
    assert results == {name: name for name in ("first", *(f"w{i}" for i in range(5)))}


def test_a_failed_commit_fails_every_writer_in_the_group() -> None:
    def run_group(jobs) -> None:
        for job in jobs:
            job.result = "would have been stored"
        raise sqlite3.OperationalError("disk I/O error")

    group = GroupCommit(run_group)
    with pytest.raises(sqlite3.OperationalError):
        group.submit(lambda _tx: None)


def test_every_concurrent_upload_is_committed_before_its_receipt(repo: Repository) -> None:
    path = repo.db.path
    seen_before_answer: list[bool] = []
    lock = threading.Lock()

    def laptop(n: int) -> None:
        for i in range(25):
            stored, created = _store(repo, f"sub-{n}-{i}")
            # The receipt is only handed out now: another process must already see the row.
            found = _in_file(path, stored.submission_id)
            with lock:
                seen_before_answer.append(created and found)

    threads = [threading.Thread(target=laptop, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(seen_before_answer) == 150 and all(seen_before_answer)
    assert repo.count_submissions() == 150


def test_a_refused_upload_in_a_shared_commit_leaves_the_others_stored(repo: Repository) -> None:
    _store(repo, "taken", "h1")
    barrier = threading.Barrier(8)
    outcomes: dict[str, str] = {}

    def upload(name: str, content_hash: str) -> None:
        barrier.wait(10)
        try:
            _store(repo, name, content_hash)
            outcomes[name] = "stored"
        except Conflict:
            outcomes[name] = "conflict"

    threads = [threading.Thread(target=upload, args=("taken", "other"))] + [
        threading.Thread(target=upload, args=(f"new-{i}", "h1")) for i in range(7)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.pop("taken") == "conflict"
    assert set(outcomes.values()) == {"stored"} and len(outcomes) == 7
    assert repo.count_submissions() == 8
    assert [c[0] for c in repo.conflicts()] == ["taken"]


def test_a_write_that_fails_is_undone_alone(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "x.sqlite3")
    with db.transaction() as tx:
        tx.execute("CREATE TABLE t (x TEXT UNIQUE)")
    release = threading.Event()
    results: dict[str, object] = {}

    def hold(tx) -> None:  # keeps the first commit busy while the others queue up
        tx.execute("INSERT INTO t VALUES ('first')")
        release.wait(10)

    def write(name: str, value: str) -> None:
        def work(tx) -> None:
            tx.execute("INSERT INTO t VALUES (?)", (f"{value}-part",))
            tx.execute("INSERT INTO t VALUES (?)", (value,))

        try:
            db.write_shared(work)
            results[name] = "ok"
        except sqlite3.IntegrityError:
            results[name] = "refused"

    first = threading.Thread(target=db.write_shared, args=(hold,))
    first.start()
    others = [
        threading.Thread(target=write, args=("a", "a")),
        threading.Thread(target=write, args=("dup", "first")),  # UNIQUE violation
        threading.Thread(target=write, args=("b", "b")),
    ]
    for thread in others:
        thread.start()
    while len(db._group._waiting) < 3:
        threading.Event().wait(0.01)
    release.set()
    for thread in (first, *others):
        thread.join(10)
    db.close()
    assert results == {"a": "ok", "dup": "refused", "b": "ok"}
    with sqlite3.connect(tmp_path / "x.sqlite3") as conn:
        values = sorted(r[0] for r in conn.execute("SELECT x FROM t"))
    assert values == ["a", "a-part", "b", "b-part", "first"]
