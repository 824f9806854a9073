"""Durable per-answer save: encrypted device store vs plain sqlite3 with identical settings.

Run: .venv/bin/python benchmarks/bench_store.py [--answers 2000]
Targets: encrypted <= 1.5x plain, p99 < 10 ms. Both run here, in the same process and folder.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from survey_app.answers.codes import make_code
from survey_app.store import DeviceStore, KdfParams
from survey_app.store.connection import configure
from survey_app.store.records import to_json
from survey_app.store.schema import MIGRATIONS
from survey_app.store.unlock import derive_key
from survey_app.study import load_study
from survey_app.study.demo import demo_study_dir

PASSPHRASE = "benchmark passphrase"


def _save_sql(conn, session_id: str, item_id: str, value: int, at: str) -> None:
    """The statements DeviceStore.save_answer runs, as one durable transaction."""
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
    conn.execute(
        "SELECT value, status FROM answers WHERE session_id = ? AND form_id = ? AND item_id = ?",
        (session_id, "hscl25", item_id),
    ).fetchone()
    conn.execute(
        "INSERT OR REPLACE INTO answers (session_id, form_id, item_id, value, status, "
        "answered_at, form_version, form_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (session_id, "hscl25", item_id, to_json(value), "answered", at, "1.0.0", "h" * 64),
    )
    conn.execute(
        "UPDATE sessions SET resume_form_id = ?, resume_item_id = ? WHERE id = ?",
        ("hscl25", item_id, session_id),
    )
    conn.execute("COMMIT")


def _plain_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    configure(conn)
    for statement in MIGRATIONS[1]:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO meetings VALUES ('m', '2025-03-14', 'Skolen', 'AB', '2025-03-14T17:00:00Z')"
    )
    conn.execute(
        "INSERT INTO sessions (id, meeting_id, participant_code, timepoint, language, source, "
        "status, started_at) VALUES ('s', 'm', 'P-0001-X', 'baseline', 'ar', 'screen', "
        "'in_progress', '2025-03-14T17:00:00Z')"
    )
    return conn


def _interleaved(count: int, steps: list[Callable[[int], None]]) -> list[list[float]]:
    """Time the steps in turn, so every variant sees the same disk and load conditions."""
    times: list[list[float]] = [[] for _ in steps]
    for n in range(count):
        for index, step in enumerate(steps):
            start = time.perf_counter()
            step(n)
            times[index].append((time.perf_counter() - start) * 1000)
    return times


def _row(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p50 = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{name:<34} mean {statistics.mean(times):7.3f}  p50 {p50:7.3f}  p99 {p99:7.3f} ms"


def main() -> None:
    """Print mean/p50/p99 per save for plain sqlite3, raw SQLCipher and DeviceStore."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=2000)
    args = parser.parse_args()
    study = load_study(demo_study_dir())
    hscl = study.library.forms["hscl25"]
    items = [i.id for i in hscl.answerable_items]
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        root = Path(tmp)
        plain = _plain_connection(root / "plain.db")
        start = time.perf_counter()
        store = DeviceStore.create(root / "enc" / "device-store.db", PASSPHRASE)
        create_s = time.perf_counter() - start
        meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
        session = store.start_session(meeting.id, make_code(1), "baseline", "ar", actor="AB")
        # The raw statements write to their own session, so the store's writes are real changes.
        other = store.start_session(meeting.id, make_code(2), "baseline", "ar", actor="AB")
        raw = store.conn
        hscl_items = [i.id for i in hscl.answerable_items]
        at = "2025-03-14T17:00:00.000Z"
        plain_times, raw_times, store_times = _interleaved(
            args.answers,
            [
                lambda n: _save_sql(plain, "s", hscl_items[n % 25], 1 + n % 4, at),
                lambda n: _save_sql(raw, other.id, hscl_items[n % 25], 1 + n % 4, at),
                lambda n: store.save_answer(session.id, hscl, items[n % 25], 1 + n % 4),
            ],
        )
        plain.close()
        store.close()
        start = time.perf_counter()
        DeviceStore.open(root / "enc" / "device-store.db", PASSPHRASE).close()
        open_s = time.perf_counter() - start
        start = time.perf_counter()
        derive_key(PASSPHRASE, b"0" * 16, KdfParams())
        kdf_s = time.perf_counter() - start

    print(f"{args.answers} durable saves each, interleaved (WAL, synchronous=FULL, 1 tx per save)")
    print(_row("plain sqlite3 (reference)", plain_times))
    print(_row("SQLCipher, same statements", raw_times))
    print(_row("DeviceStore.save_answer (full)", store_times))
    ratio_raw = statistics.mean(raw_times) / statistics.mean(plain_times)
    ratio_store = statistics.mean(store_times) / statistics.mean(plain_times)
    print(f"ratio SQLCipher / plain, same statements: {ratio_raw:.2f}x (target <= 1.5x)")
    print(f"ratio DeviceStore.save_answer / plain:    {ratio_store:.2f}x")
    print(f"Argon2id default (t=3, 64 MiB, p=4): {kdf_s * 1000:.0f} ms per unlock attempt")
    print(f"create store: {create_s * 1000:.0f} ms; open store: {open_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
