"""The one thread that talks to the device store: requests in, results back as signals.

Widgets never touch the store. They ask `StoreClient.call(op, on_ok, on_err)`; `op` runs on the
worker thread with the worker as its argument (so it can reach `worker.store`), and the outcome
comes back to the UI thread through a queued signal. One thread means every store call is
serialised over the one SQLCipher connection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

if TYPE_CHECKING:  # imported where used: the app's start-up does not need it
    from concurrent.futures import Future

log = logging.getLogger(__name__)

Op = Callable[["StoreWorker"], Any]
OnOk = Callable[[Any], None]
OnErr = Callable[[BaseException], None]


class StoreWorker(QObject):
    """Owns the store object; lives on the worker thread."""

    # The outcome flag is an int, not a bool: PySide6 6.12 mis-counts references to Python's
    # True/False passed through queued cross-thread signals, which crashes at interpreter exit.
    done = Signal(int, int, object)

    def __init__(self) -> None:
        super().__init__()
        self.store: Any = None

    @Slot(int, object)
    def run(self, request_id: int, op: Op) -> None:
        """Run one operation and report its result or exception."""
        try:
            result = op(self)
        except Exception as exc:  # reported to the caller's error handler, never swallowed
            self.done.emit(request_id, 0, exc)
            return
        self.done.emit(request_id, 1, result)

    @Slot(object)
    def run_detached(self, op: Callable[[StoreWorker], None]) -> None:
        """Run an operation queued from another thread (it reports through its own Future)."""
        op(self)

    @Slot()
    def close_store(self) -> None:
        """Close the store (and the linking register) if open (runs on the worker thread)."""
        register = getattr(self, "register", None)
        if register is not None:
            self.register = None
            register.close()
        if self.store is not None:
            self.store.close()
            self.store = None


@dataclass
class _Pending:
    on_ok: OnOk | None
    on_err: OnErr | None
    label: str = field(default="")


class StoreClient(QObject):
    """UI-thread handle: queues operations for the worker and dispatches their results."""

    _request = Signal(int, object)
    _detached = Signal(object)
    settled = Signal()  # emitted when no request is pending any more (tests wait on it)
    failed = Signal(object)  # an error nobody handled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("store-worker")
        self._worker = StoreWorker()
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)
        self._worker.done.connect(self._done)
        self._detached.connect(self._worker.run_detached)
        self._pending: dict[int, _Pending] = {}
        self._ids = count(1)
        self._started = False
        self._starting = threading.Lock()  # `submit` may come from another thread

    def _start_worker(self) -> None:
        """Start the worker's thread at the first request: the first page makes none."""
        with self._starting:
            if not self._started:
                self._started = True
                self._thread.start()

    @property
    def pending(self) -> int:
        """Number of requests not yet answered."""
        return len(self._pending)

    def call(
        self, op: Op, on_ok: OnOk | None = None, on_err: OnErr | None = None, label: str = ""
    ) -> int:
        """Queue an operation; its result goes to on_ok, an exception to on_err."""
        request_id = next(self._ids)
        self._pending[request_id] = _Pending(on_ok, on_err, label)
        self._start_worker()
        self._request.emit(request_id, op)
        return request_id

    def submit(self, op: Op) -> Future:
        """Queue an operation from ANY thread; its result or exception arrives in the Future.

        For background threads (the network sync) that must wait for the store without
        going through the UI thread. Not counted in `pending`.
        """
        from concurrent.futures import Future

        future: Future = Future()

        def run(worker: StoreWorker) -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(op(worker))
            except Exception as exc:  # handed to the waiting thread, never swallowed
                future.set_exception(exc)

        self._start_worker()
        self._detached.emit(run)
        return future

    def _done(self, request_id: int, ok: int, payload: object) -> None:
        pending = self._pending.pop(request_id, None)
        try:
            if pending is None:
                return
            if ok:
                if pending.on_ok is not None:
                    pending.on_ok(payload)
            elif pending.on_err is not None:
                pending.on_err(payload)
            else:
                log.error("store operation %s failed: %s", pending.label, type(payload).__name__)
                self.failed.emit(payload)
        finally:
            if not self._pending:
                self.settled.emit()

    def shutdown(self) -> None:
        """Close the store on its thread and stop the thread (waits for queued work)."""
        if not self._thread.isRunning():
            return
        # Blocking: runs after every queued operation, so nothing is lost at exit.
        QMetaObject.invokeMethod(
            self._worker, "close_store", Qt.ConnectionType.BlockingQueuedConnection
        )
        self._thread.quit()
        self._thread.wait()
