"""The store worker's thread starts at the first request: the first page asks nothing of it."""

from __future__ import annotations

from survey_app.ui.store_worker import StoreClient


def test_the_worker_thread_waits_for_the_first_request_and_then_answers_it(qtbot, qapp):
    client = StoreClient()
    try:
        assert not client._thread.isRunning()
        answers: list[object] = []
        client.call(lambda worker: "answered", answers.append)
        qtbot.waitUntil(lambda: answers == ["answered"], timeout=10000)
        assert client._thread.isRunning()
    finally:
        client.shutdown()
    assert not client._thread.isRunning()


def test_a_request_from_another_thread_first_starts_the_worker_too(qapp):
    client = StoreClient()
    try:
        future = client.submit(lambda worker: worker.store)
        assert future.result(timeout=10) is None  # no store opened yet: answered all the same
    finally:
        client.shutdown()


def test_a_client_never_asked_anything_shuts_down_at_once(qapp):
    client = StoreClient()
    client.shutdown()
    assert not client._thread.isRunning()
