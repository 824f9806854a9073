"""Server ingest rate: several concurrent laptops on loopback, beside one laptop, same run.

Usage: .venv/bin/python benchmarks/bench_server.py [--envelopes 300] [--clients 4] [--db URL]
       .venv/bin/python benchmarks/bench_server.py --processes 2 [--db postgres]
Bounded: each phase uploads a fixed number of pre-sealed envelopes, and stops after --seconds.
--processes N: `server` processes on one database (SQLite file or PostgreSQL), clients spread
over them round-robin, beside ONE such process in the same run. `--db postgres` starts a
throwaway PostgreSQL cluster (needs the PostgreSQL binaries, as the tests do).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import seal
from survey_app.sealing.study_keys import generate_study_keypair
from survey_app.server.config import ServerConfig
from survey_app.server.runner import BackgroundServer
from survey_app.server.service import ServerService
from survey_app.sync.client import SyncClient

PAYLOAD = {"answers": [{"item_id": f"hscl_{n:02d}", "value": 1 + n % 4} for n in range(1, 80)]}


def _envelopes(key: DeviceKey, recipient: str, count: int) -> list[dict[str, str]]:
    return [
        seal(
            PAYLOAD,
            submission_id=str(uuid.uuid4()),
            study_id="bench",
            device_id=key.device_id,
            device_key=key,
            recipient=recipient,
        )
        for _ in range(count)
    ]


def _enrol(url: str, service: ServerService, key: DeviceKey) -> str:
    code, _ = service.create_enrol_code()
    with SyncClient(url) as client:
        return client.enrol(code, key).token


def _upload_all(
    url: str, token: str, envelopes: list[dict[str, str]], deadline: float, latencies: list[float]
) -> int:
    done = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        for envelope in envelopes:
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            response = client.post("/v1/submissions", json=envelope)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise SystemExit(f"upload failed: {response.status_code} {response.text[:200]}")
            done += 1
    return done


def _phase(
    url: str | list[str], service: ServerService, clients: int, per_client: int, seconds: float
) -> dict:
    urls = [url] if isinstance(url, str) else url
    recipient = generate_study_keypair().public
    work = []
    for index in range(clients):
        key = DeviceKey.generate()
        target = urls[index % len(urls)]
        work.append((target, _enrol(target, service, key), _envelopes(key, recipient, per_client)))
    latencies: list[float] = []
    counts = [0] * clients
    deadline = time.monotonic() + seconds

    failures: list[BaseException] = []

    def run(index: int) -> None:
        target, token, envelopes = work[index]
        try:
            counts[index] = _upload_all(target, token, envelopes, deadline, latencies)
        except BaseException as exc:  # a thread's SystemExit would vanish: report it
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"a client failed: {failures[0]}")
    total = sum(counts)
    ordered = sorted(latencies)
    return {
        "processes": len(urls),
        "clients": clients,
        "uploads": total,
        "seconds": elapsed,
        "rate": total / elapsed,
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--envelopes", type=int, default=300, help="uploads per phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent laptops")
    parser.add_argument("--seconds", type=float, default=60.0, help="time bound per phase")
    parser.add_argument(
        "--db", help="database (default: a temporary SQLite file; `postgres`: a throwaway cluster)"
    )
    parser.add_argument("--processes", type=int, help="server processes on one database")
    args = parser.parse_args()
    if args.processes:
        return _scale_out(args)
    with tempfile.TemporaryDirectory() as tmp:
        database = args.db or str(Path(tmp) / "bench.sqlite3")
        # Rate limits off for the measurement: they are per token and tested elsewhere.
        config = ServerConfig(
            database=database, study_ids=("bench",), rate_per_second=1e6, rate_burst=1_000_000
        )
        service = ServerService.open(config)
        try:
            with BackgroundServer(service) as server:
                single = _phase(server.url, service, 1, args.envelopes, args.seconds)
                per_client = max(1, args.envelopes // args.clients)
                multi = _phase(server.url, service, args.clients, per_client, args.seconds)
        finally:
            service.close()
    backend = "PostgreSQL" if database.startswith("postgres") else "SQLite (WAL, synchronous=FULL)"
    print(f"server ingest on loopback, {backend}; envelope ~{_size()} bytes")
    print(
        f"{'clients':>8} {'uploads':>8} {'seconds':>8} {'per s':>8} {'median ms':>10} {'p95 ms':>8}"
    )
    for row in (single, multi):
        print(
            f"{row['clients']:>8} {row['uploads']:>8} {row['seconds']:>8.2f} {row['rate']:>8.1f}"
            f" {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f}"
        )
    print(
        f"reference (1 client, same run): {single['rate']:.1f}/s; "
        f"{args.clients} clients: {multi['rate'] / single['rate']:.2f}x"
    )
    return 0


def _scale_out(args: argparse.Namespace) -> int:
    """N server processes on one database beside one process, the same clients each time."""
    from tests.server.support import start_postgres, start_server_process

    with tempfile.TemporaryDirectory() as tmp:
        cluster = None
        database = args.db or str(Path(tmp) / "bench.sqlite3")
        if database == "postgres":
            cluster = start_postgres(Path(tmp) / "pg")
            if isinstance(cluster, str):
                raise SystemExit(f"no PostgreSQL: {cluster}")
            database = cluster.url
        service = ServerService.open(ServerConfig(database=database))
        rows = []
        try:
            for count in (1, args.processes):
                servers = [
                    start_server_process(
                        database, 0, "--study-id", "bench", "--rate", "1e6", "--burst", "1000000"
                    )
                    for _ in range(count)
                ]
                try:
                    per_client = max(1, args.envelopes // args.clients)
                    urls = [s.url for s in servers]
                    rows.append(_phase(urls, service, args.clients, per_client, args.seconds))
                finally:
                    for server in servers:
                        server.stop()
        finally:
            service.close()
            if cluster is not None:
                cluster.stop()
    backend = "PostgreSQL" if database.startswith("postgres") else "SQLite (WAL, synchronous=FULL)"
    print(f"server processes on one {backend} database, {args.clients} concurrent clients")
    header = ("processes", "uploads", "seconds", "per s", "median ms", "p95 ms")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (9, 8, 8, 8, 10, 8), strict=True)))
    for row in rows:
        print(
            f"{row['processes']:>9} {row['uploads']:>8} {row['seconds']:>8.2f} {row['rate']:>8.1f}"
            f" {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f}"
        )
    print(
        f"reference (1 process, same run): {rows[0]['rate']:.1f}/s; "
        f"{args.processes} processes: {rows[1]['rate'] / rows[0]['rate']:.2f}x"
    )
    return 0


def _size() -> int:
    import json

    key = DeviceKey.generate()
    return len(json.dumps(_envelopes(key, generate_study_keypair().public, 1)[0]))


if __name__ == "__main__":
    sys.exit(main())
