"""Server ingest rate: laptops uploading at once to real server processes on loopback.

    .venv/bin/python benchmarks/bench_server.py [--envelopes 400] [--clients 4] [--rounds 3]
    .venv/bin/python benchmarks/bench_server.py --processes 2 [--db postgres | postgresql://...]
    .venv/bin/python benchmarks/bench_server.py --compare DIR   (another checkout, in turns)

The server runs as `python main.py server` in its own process (as in production); each laptop
is its own process with one keep-alive connection, uploading pre-sealed ~4.8 kB envelopes one
after another and waiting for each receipt, as the sync client does. Printed beside the rates,
measured in the same run: the rate of durable commits one at a time on the same disk (what a
server that commits each upload by itself cannot pass) and the servers' CPU time per upload.
`--processes N` also runs N server processes on one database with the laptops spread over them
round-robin, beside one process. `--db postgres` starts a throwaway PostgreSQL cluster (needs
the PostgreSQL binaries, as the tests do); rate limits are lifted for the measurement.
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
    """Upload one after another; put the latencies, or why it stopped, on `out`."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        latencies = []
        start.wait()
        for body in bodies:
            began = time.perf_counter()
            conn.request("POST", "/v1/submissions", body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
            latencies.append(time.perf_counter() - began)
            if response.status != 201:
                raise RuntimeError(f"upload refused: HTTP {response.status} {text[:200]!r}")
        conn.close()
        out.put(latencies)
    except Exception as exc:  # a laptop that fails stops the run, never hangs it
        out.put(f"{type(exc).__name__}: {exc}")


class Server:
    """`python main.py server` on a free loopback port, in its own process."""

    def __init__(self, database: str, root: Path = ROOT) -> None:
        self.process = subprocess.Popen(
            [
                *(sys.executable, str(root / "main.py"), "server", "--db", database),
                *("--port", "0", "--study-id", STUDY, "--rate", "1000000", "--burst", "1000000"),
            ],
            cwd=root,
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

    service = ServerService.open(ServerConfig(database=database, study_ids=(STUDY,)))
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


def _phase(servers: list[Server], laptops, recipient: str, per_laptop: int) -> dict:
    """Every laptop uploads at once (spread over the servers); rate, latency, server CPU."""
    context = multiprocessing.get_context("fork")
    start, out = context.Event(), context.Queue()
    workers = [
        context.Process(
            target=_laptop,
            args=(
                servers[index % len(servers)].port,
                token,
                _envelopes(key, recipient, per_laptop),
                start,
                out,
            ),
        )
        for index, (key, token) in enumerate(laptops)
    ]
    for worker in workers:
        worker.start()
    cpu = sum(s.cpu_seconds() for s in servers)
    began = time.perf_counter()
    start.set()
    answers = [out.get(timeout=600) for _ in workers]
    failed = [a for a in answers if isinstance(a, str)]
    if failed:
        for worker in workers:
            worker.join(timeout=10)
        raise SystemExit(f"a laptop failed: {failed[0]}")
    latencies = [value for answer in answers for value in answer]
    elapsed = time.perf_counter() - began
    cpu = sum(s.cpu_seconds() for s in servers) - cpu
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
    path = folder / "reference.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
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
    for leftover in folder.glob("reference.sqlite3*"):
        leftover.unlink()
    return count / elapsed


def measure(
    envelopes: int,
    clients: int,
    rounds: int,
    db: str | None = None,
    compare: Path | None = None,
    processes: int = 1,
) -> dict[str, list[float]]:
    """Rates of every round: 1 laptop, `clients` laptops, and the durable-commit reference.

    Keys: "one", "many" (one server process), "many_procs" (`processes` servers on one
    database, when more than 1), each with "_cpu" and "_p95" companions. With `compare`
    (another checkout of this project) its server is measured too, in turns with this one,
    under the same keys prefixed "old_".
    """
    results: dict[str, list[float]] = defaultdict(list)
    recipient = generate_study_keypair().public
    roots = {"": ROOT, **({"old_": compare} if compare else {})}
    with tempfile.TemporaryDirectory() as tmp:
        cluster = None
        running: dict[str, tuple[list[Server], list]] = {}
        try:
            if db == "postgres":
                from tests.server.support import start_postgres

                cluster = start_postgres(Path(tmp) / "pg")
                if isinstance(cluster, str):
                    raise SystemExit(f"no PostgreSQL: {cluster}")
            for prefix, root in roots.items():
                database = _database(db, cluster, Path(tmp), prefix)
                servers = [Server(database, root) for _ in range(max(1, processes))]
                running[prefix] = (servers, _enrol(servers[0], database, clients))
            for _ in range(rounds):
                results["reference"].append(durable_commit_rate(Path(tmp)))
                for prefix, (servers, laptops) in running.items():
                    per = max(1, envelopes // clients)
                    phases = {
                        "one": ([servers[0]], laptops[:1], envelopes),
                        "many": ([servers[0]], laptops, per),
                    }
                    if len(servers) > 1:
                        phases["many_procs"] = (servers, laptops, per)
                    for name, (targets, who, count) in phases.items():
                        row = _phase(targets, who, recipient, count)
                        results[prefix + name].append(row["rate"])
                        results[prefix + name + "_cpu"].append(row["cpu_ms"])
                        results[prefix + name + "_p95"].append(row["p95_ms"])
        finally:
            for servers, _laptops in running.values():
                for server in servers:
                    server.stop()
            if cluster is not None:
                cluster.stop()
    return results


def _database(db: str | None, cluster, folder: Path, prefix: str) -> str:
    if cluster is not None:
        from tests.server.support import fresh_postgres_database

        return fresh_postgres_database(cluster)
    return db or str(folder / f"{prefix}server.sqlite3")


def report_lines(r: dict[str, list[float]], clients: int, processes: int = 1) -> list[str]:
    """The figures as printed lines (also used by run_all.py)."""
    med = statistics.median
    lines = [f"reference: durable commits one at a time     {med(r['reference']):7.0f} /s"]
    rows = (
        ("one", "1 laptop"),
        ("many", f"{clients} laptops at once"),
        ("many_procs", f"{clients} laptops, {processes} server processes"),
    )
    for prefix, name in (("old_", "compared checkout"), ("", "this checkout")):
        if prefix + "one" not in r:
            continue
        lines.append(f"{name}:")
        for key, label in rows:
            if prefix + key not in r:
                continue
            lines.append(
                f"  {label:<40}{med(r[prefix + key]):7.0f} /s"
                f"  server CPU {med(r[prefix + key + '_cpu']):.2f} ms/upload,"
                f" p95 {med(r[prefix + key + '_p95']):.0f} ms"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envelopes", type=int, default=400, help="uploads per phase")
    parser.add_argument("--clients", type=int, default=4, help="laptops uploading at once")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1, help="server processes, one database")
    parser.add_argument(
        "--db", help="`postgres` (a throwaway cluster) or a postgresql:// URL; default SQLite"
    )
    parser.add_argument(
        "--compare", type=Path, help="another checkout (e.g. an older commit) to measure in turns"
    )
    args = parser.parse_args()
    r = measure(args.envelopes, args.clients, args.rounds, args.db, args.compare, args.processes)
    backend = "PostgreSQL" if args.db else "SQLite (WAL, synchronous=FULL)"
    print(f"server ingest on loopback, {backend}, medians of {args.rounds} rounds")
    for line in report_lines(r, args.clients, args.processes):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
