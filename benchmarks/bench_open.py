"""What the integrity check at unlock costs, beside the Argon2id key derivation it follows.

`python benchmarks/bench_open.py [--sessions N]` fills a real store with N simulated, sealed
sessions (the default strong KDF), then times, interleaved, each part of `DeviceStore.open`:
Argon2id (the reference: every unlock pays it), the read-only integrity check
(`verify_store`: schema present + `PRAGMA quick_check`, every page decrypted and its HMAC
checked) and the whole open.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore
from survey_app.store.connection import verify_store
from survey_app.store.paths import header_path
from survey_app.store.unlock import derive_key, read_header
from survey_app.study import demo_study_dir, load_study

PASSPHRASE = "correct horse battery"


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:7.1f} ms"


def main() -> None:
    """Print the median of each part over a few interleaved rounds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        path = Path(tmp) / "device-store.db"
        with DeviceStore.create(path, PASSPHRASE) as store:
            simulate(store, load_study(demo_study_dir()), args.sessions, 1, SimClock())
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        header = read_header(header_path(path))
        key = derive_key(PASSPHRASE, header.salt, header.params)
        kdf, check, whole = [], [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            derive_key(PASSPHRASE, header.salt, header.params)
            kdf.append(time.perf_counter() - start)
            start = time.perf_counter()
            verify_store(path, key)
            check.append(time.perf_counter() - start)
            start = time.perf_counter()
            DeviceStore.open(path, PASSPHRASE).close()
            whole.append(time.perf_counter() - start)
        size = path.stat().st_size / 1e6
    print(f"store with {args.sessions} sealed sessions: {size:.1f} MB")
    print(f"Argon2id key derivation (reference) {_ms(kdf)}")
    print(f"integrity check (quick_check)       {_ms(check)}")
    print(f"whole DeviceStore.open              {_ms(whole)}")
    share = statistics.median(check) / statistics.median(kdf)
    print(f"integrity check / key derivation: {share:.2f}x")


if __name__ == "__main__":
    main()
