"""Open and check envelopes in worker processes (every core), results taken in order.

Verification and decryption are most of an import's work and each envelope's is independent
(see prepare.py), so they are shared out; the import still takes every result in bundle order
in one process. With one worker, or few envelopes, the work is done here, on demand, exactly
as a sequential import would.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any

from survey_app.importer.prepare import Prepared, Preparer, StudyChecks

# Below this many envelopes in a bundle, starting worker processes costs more than it saves.
MIN_PARALLEL = 64
CHUNK = 16

Handle = Callable[[], Prepared]

# Set once in each worker process by the pool's initializer; the importing process never
# uses it (it has its own Preparer).
_worker: Preparer | None = None


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Opener:
    """Hands out the opening of envelopes; `workers` 0 means one per core."""

    def __init__(self, checks: StudyChecks, workers: int = 0) -> None:
        self._checks = checks
        self._auto = workers <= 0
        self._workers = available_cores() if self._auto else workers
        self._here = Preparer(checks)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Opener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (work not yet taken is dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, envelopes: Sequence[dict[str, Any]]) -> list[Handle]:
        """Start opening envelopes; each handle returns its Prepared when called."""
        if self._workers <= 1 or (
            self._auto and self._pool is None and len(envelopes) < MIN_PARALLEL
        ):
            return [partial(self._here, envelope) for envelope in envelopes]
        pool = self._start()
        handles: list[Handle] = []
        for start in range(0, len(envelopes), CHUNK):
            chunk = list(envelopes[start : start + CHUNK])
            future = pool.submit(_prepare_all, chunk)
            handles += [partial(self._result, future, i, e) for i, e in enumerate(chunk)]
        return handles

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=_context(),
                initializer=_start_worker,
                initargs=(self._checks,),
            )
        return self._pool

    def _result(self, future: Future[list[Prepared]], index: int, envelope: dict) -> Prepared:
        try:
            return future.result()[index]
        except BrokenProcessPool:  # a worker died (out of memory, killed): do it here
            return self._here(envelope)


def _context() -> Any:
    # fork starts a worker in milliseconds and is safe while this process has one thread;
    # elsewhere (macOS, Windows, a threaded caller) workers start afresh.
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_worker(checks: StudyChecks) -> None:
    global _worker
    _worker = Preparer(checks)


def _prepare_all(envelopes: list[dict[str, Any]]) -> list[Prepared]:
    assert _worker is not None
    return [_worker(envelope) for envelope in envelopes]
