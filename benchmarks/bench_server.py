"""Server ingest rate: laptops uploading at once to a real server process on loopback.

    .venv/bin/python benchmarks/bench_server.py [--envelopes 400] [--clients 4] [--rounds 3]
                                                [--db postgresql://...]

The server runs as `python main.py server` in its own process (as in production); each laptop
is its own process with one keep-alive connection, uploading pre-sealed envelopes one after
another and waiting for each receipt, as the sync client does. Beside the rates it prints,
measured in the same run: the rate of durable commits one at a time on the same disk (what a
server that commits each upload by itself cannot pass), and the server's CPU time per upload.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from survey_app.sealing.device_keys import DeviceKey  # noqa: E402
from survey_app.sealing.envelope import seal  # noqa: E402
from survey_app.sealing.study_keys import generate_study_keypair  # noqa: E402

STUDY = "bench"
PAYLOAD = {"answers": [{"item_id": f"hscl_{n:02d}", "value": 1 + n % 4} for n in range(1, 80)]}


def _envelopes(key: DeviceKey, recipient: str, count: int) -> list[bytes]:
    return [
        json.dumps(
            seal(
                PAYLOAD,
                submission_id=str(uuid.uuid4()),
                study_id=STUDY,
                device_id=key.device_id,
                device_key=key,
                recipient=recipient,
            )
        ).encode()
        for _ in range(count)
    ]


def _laptop(port: int, token: str, bodies: list[bytes], start, out) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies = []
    start.wait()
    for body in bodies:
        began = time.perf_counter()
        conn.request("POST", "/v1/submissions", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - began)
        if response.status != 201:
            raise SystemExit(f"upload refused: HTTP {response.status}")
    conn.close()
    out.put(latencies)


class Server:
    """`python main.py server` on a free loopback port, in its own process."""

    def __init__(self, database: str, root: Path = ROOT) -> None:
        self.database = database
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(root / "main.py"),
                "server",
                "--db",
                database,
                "--port",
                "0",
                "--study-id",
                STUDY,
                "--rate",
                "1000000",
                "--burst",
                "1000000",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the access log
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        found = re.search(r"http://[^:]+:(\d+)", line)
        if not found:
            self.stop()
            raise SystemExit(f"the server did not start: {line!r}")
        self.port = int(found.group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _enrol(server: Server, database: str, count: int) -> list[tuple[DeviceKey, str]]:
    from survey_app.server.config import ServerConfig
    from survey_app.server.service import ServerService
    from survey_app.sync.client import SyncClient

    service = ServerService.open(ServerConfig(database=database, study_id=STUDY))
    try:
        codes = [service.create_enrol_code()[0] for _ in range(count)]
    finally:
        service.close()
    laptops = []
    for code in codes:
        key = DeviceKey.generate()
        with SyncClient(server.url) as client:
            laptops.append((key, client.enrol(code, key).token))
    return laptops


def _phase(server: Server, laptops, recipient: str, per_laptop: int) -> dict:
    context = multiprocessing.get_context("fork")
    start, out = context.Event(), context.Queue()
    workers = [
        context.Process(
            target=_laptop,
            args=(server.port, token, _envelopes(key, recipient, per_laptop), start, out),
        )
        for key, token in laptops
    ]
    for worker in workers:
        worker.start()
    cpu = server.cpu_seconds()
    began = time.perf_counter()
    start.set()
    latencies = [value for _ in workers for value in out.get(timeout=600)]
    elapsed = time.perf_counter() - began
    cpu = server.cpu_seconds() - cpu
    for worker in workers:
        worker.join()
    latencies.sort()
    return {
        "rate": len(latencies) / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "cpu_ms": cpu / len(latencies) * 1000,
    }


def durable_commit_rate(folder: Path, count: int = 200) -> float:
    """Commits per second of one ~5 kB row at a time, WAL + synchronous=FULL, on this disk."""
    conn = sqlite3.connect(folder / "reference.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (x TEXT)")
    row = "x" * 5000
    began = time.perf_counter()
    for _ in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", (row,))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return count / elapsed


def measure(
    envelopes: int, clients: int, rounds: int, db: str | None, compare: Path | None = None
) -> dict[str, list[float]]:
    """Rates of every round: 1 laptop, N laptops, and the durable-commit reference.

    With `compare` (another checkout of this project), its server is measured too, in turns
    with this one, under the keys "old_one", "old_many", ...
    """
    results: dict[str, list[float]] = defaultdict(list)
    recipient = generate_study_keypair().public
    roots = {"": ROOT, **({"old_": compare} if compare else {})}
    with tempfile.TemporaryDirectory() as tmp:
        servers = {}
        try:
            for prefix, root in roots.items():
                database = db or str(Path(tmp) / f"{prefix}server.sqlite3")
                server = servers[prefix] = Server(database, root)
                server.laptops = _enrol(server, database, clients)
            for _ in range(rounds):
                results["reference"].append(durable_commit_rate(Path(tmp)))
                (Path(tmp) / "reference.sqlite3").unlink()
                for prefix, server in servers.items():
                    laptops = server.laptops
                    one = _phase(server, laptops[:1], recipient, envelopes)
                    many = _phase(server, laptops, recipient, max(1, envelopes // clients))
                    results[prefix + "one"].append(one["rate"])
                    results[prefix + "one_cpu"].append(one["cpu_ms"])
                    results[prefix + "many"].append(many["rate"])
                    results[prefix + "many_cpu"].append(many["cpu_ms"])
                    results[prefix + "many_p95"].append(many["p95_ms"])
        finally:
            for server in servers.values():
                server.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envelopes", type=int, default=400, help="uploads per phase")
    parser.add_argument("--clients", type=int, default=4, help="laptops uploading at once")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", help="postgresql:// URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--compare", type=Path, help="another checkout (e.g. an older commit) to measure in turns"
    )
    args = parser.parse_args()
    r = measure(args.envelopes, args.clients, args.rounds, args.db, args.compare)
    backend = "PostgreSQL" if args.db else "SQLite (WAL, synchronous=FULL)"
    print(f"server ingest on loopback, {backend}, medians of {args.rounds} rounds")
    for line in report_lines(r, args.clients):
        print(line)
    return 0


def report_lines(r: dict[str, list[float]], clients: int) -> list[str]:
    """The figures as printed lines (also used by run_all.py)."""
    med = statistics.median
    lines = [f"reference: durable commits one at a time   {med(r['reference']):7.0f} /s"]
    for prefix, name in (("old_", "compared checkout"), ("", "this checkout")):
        if prefix + "one" not in r:
            continue
        lines += [
            f"{name}:",
            f"  1 laptop                                 {med(r[prefix + 'one']):7.0f} /s"
            f"  server CPU {med(r[prefix + 'one_cpu']):.2f} ms/upload",
            f"  {clients} laptops at once                        {med(r[prefix + 'many']):7.0f} /s"
            f"  server CPU {med(r[prefix + 'many_cpu']):.2f} ms/upload,"
            f" p95 {med(r[prefix + 'many_p95']):.0f} ms",
        ]
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
