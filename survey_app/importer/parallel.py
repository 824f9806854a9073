"""Worker processes for the import (one per core): opening envelopes, data-set rows, files.

Verification and decryption are most of an import's work and each envelope's is independent
(see prepare.py), so they are shared out; so are the data-set rows of what the record held
before, the data files (CSV, .sav, .dta) and the codebook files. The import still takes every
result in order, in one process.
With one worker, or little work, everything is done here, on demand, exactly as a sequential
import would, and a worker that dies (killed, out of memory) has its share done here instead.
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
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import Any, TypeVar

from survey_app.importer.dataset import TableRow
from survey_app.importer.outputs import codebook_documents
from survey_app.importer.prepare import Prepared, Preparer, StudyChecks

# Below this much work, starting worker processes costs more than it saves.
MIN_PARALLEL = 64
# Envelopes per worker task: 64 rather than 16 cut an import of 2,000 by ~0.2-0.3 s (fewer
# hand-overs and result messages); 128-256 gained nothing more and balance worse at the end.
CHUNK = 64
ROW_CHUNK = 64

T = TypeVar("T")
Handle = Callable[[], Prepared]

# Set once in each worker process by the pool's initializer; the importing process never
# uses it (it has its own Preparer).
_worker: Preparer | None = None


def _frozen_mapping(items: dict[Any, Any]) -> MappingProxyType:
    return MappingProxyType(items)


# Forms keep their mappings read-only (MappingProxyType), which pickle cannot copy; workers
# started afresh (macOS, Windows) receive the forms pickled, so teach multiprocessing (only it).
ForkingPickler.register(MappingProxyType, lambda mapping: (_frozen_mapping, (dict(mapping),)))


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Workers:
    """The import's worker processes, started at the first sizeable work; `count` 0 = cores."""

    def __init__(self, checks: StudyChecks, count: int = 0) -> None:
        self._checks = checks
        self._auto = count <= 0
        self._count = available_cores() if self._auto else count
        self._here = Preparer(checks)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (work not yet taken is dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def open(self, envelopes: Sequence[dict[str, Any]]) -> list[Handle]:
        """Start opening envelopes; each handle returns its Prepared when called."""
        if not self._parallel(len(envelopes)):
            return [partial(self._here, envelope) for envelope in envelopes]
        pool = self._start()
        handles: list[Handle] = []
        for start in range(0, len(envelopes), CHUNK):
            chunk = list(envelopes[start : start + CHUNK])
            future = pool.submit(_prepare_all, chunk)
            handles += [partial(self._one, future, i, self._here, e) for i, e in enumerate(chunk)]
        return handles

    def rows(self, payload_texts: Sequence[str]) -> list[TableRow]:
        """The data-set rows of payloads the record holds, in order."""
        if not self._parallel(len(payload_texts)):
            return [self._here.row_of(text) for text in payload_texts]
        pool = self._start()
        chunks = [
            list(payload_texts[start : start + ROW_CHUNK])
            for start in range(0, len(payload_texts), ROW_CHUNK)
        ]
        futures = [pool.submit(_rows_of, chunk) for chunk in chunks]
        rows: list[TableRow] = []
        for future, chunk in zip(futures, chunks, strict=True):
            try:
                rows += future.result()
            except BrokenProcessPool:
                rows += [self._here.row_of(text) for text in chunk]
        return rows

    def call(self, function: Callable[..., T], *args: Any) -> Callable[[], T]:
        """Start function(*args) in a worker (a module-level function); call the result for it."""
        if self._pool is None and (self._count <= 1 or self._auto):
            return partial(function, *args)  # no workers running: not worth starting them
        future = self._start().submit(function, *args)
        return partial(self._one, future, None, function, *args)

    def codebook_files(self) -> Callable[[], tuple[bytes, bytes]]:
        """Start making codebook.json and codebook.csv; call the result for them.

        Called when the last bundle's opening has been queued: a worker makes them while this
        process takes the last results, not this process afterwards, in the import's tail.
        """
        here = partial(codebook_documents, self._checks.codebook)
        if self._pool is None:
            return here
        try:
            future = self._pool.submit(_codebook_files)
        except BrokenProcessPool:  # a worker died: made here, on demand
            return here
        return partial(self._one, future, None, here)

    def _parallel(self, amount: int) -> bool:
        if self._count <= 1:
            return False
        return self._pool is not None or not self._auto or amount >= MIN_PARALLEL

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._count,
                mp_context=_context(),
                initializer=_start_worker,
                initargs=(self._checks,),
            )
        return self._pool

    @staticmethod
    def _one(future: Future, index: int | None, here: Callable[..., Any], *args: Any) -> Any:
        try:
            result = future.result()
        except BrokenProcessPool:  # a worker died (out of memory, killed): do it here
            return here(*args)
        return result if index is None else result[index]


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


def _rows_of(payload_texts: list[str]) -> list[TableRow]:
    assert _worker is not None
    return [_worker.row_of(text) for text in payload_texts]


def _codebook_files() -> tuple[bytes, bytes]:
    assert _worker is not None
    return codebook_documents(_worker.codebook)
