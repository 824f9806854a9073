"""Garbage is collected on the GUI thread only, so Qt objects are never destroyed elsewhere."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from survey_app.ui.gc_guard import GuiThreadCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def collector(qapp):
    guard = GuiThreadCollector(interval_ms=20)
    yield guard
    guard.stop()


def test_automatic_collection_is_off_while_the_guard_runs(collector):
    assert not gc.isenabled()


def test_stopping_the_guard_gives_collection_back(qapp):
    guard = GuiThreadCollector()
    guard.stop()
    assert gc.isenabled()


def test_cyclic_garbage_made_on_a_worker_thread_is_freed_on_the_gui_thread(qtbot, collector):
    freed_on: list[str] = []
    refs = []

    def make_garbage() -> None:
        for _ in range(2000):
            node = Node()
            weakref.finalize(node, lambda: freed_on.append(threading.current_thread().name))
            refs.append(weakref.ref(node))

    worker = threading.Thread(target=make_garbage, name="store-worker")
    worker.start()
    worker.join()

    qtbot.waitUntil(lambda: all(r() is None for r in refs), timeout=5000)
    assert set(freed_on) == {threading.main_thread().name}
