"""Sessions remember whether a paper form is entered twice (so a resume keeps double entry)."""

from __future__ import annotations

import pytest

from survey_app.answers.codes import make_code
from survey_app.store import DeviceStore, Meeting, StoreError


@pytest.fixture
def meeting(store: DeviceStore) -> Meeting:
    return store.create_meeting("2025-03-14", "Skolen", "AB")


def test_paper_session_started_with_double_entry_keeps_it(
    store: DeviceStore, meeting: Meeting
) -> None:
    started = store.start_session(
        meeting.id, make_code(3), "baseline", "ar", source="paper", double_entry=True, actor="AB"
    )
    assert store.session(started.id).double_entry is True


def test_sessions_are_single_entry_by_default(store: DeviceStore, meeting: Meeting) -> None:
    started = store.start_session(
        meeting.id, make_code(3), "baseline", "ar", source="paper", actor="AB"
    )
    assert store.session(started.id).double_entry is False


def test_double_entry_on_screen_session_is_refused(store: DeviceStore, meeting: Meeting) -> None:
    with pytest.raises(StoreError, match="paper form"):
        store.start_session(
            meeting.id, make_code(3), "baseline", "ar", double_entry=True, actor="AB"
        )
    assert store.sessions() == []
