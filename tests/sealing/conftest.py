"""Real keys and a realistic submission payload for the sealing tests."""

from __future__ import annotations

import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.study_keys import StudyKeyPair, generate_study_keypair


@pytest.fixture(scope="session")
def study_keypair() -> StudyKeyPair:
    return generate_study_keypair()


@pytest.fixture(scope="session")
def other_study_keypair() -> StudyKeyPair:
    return generate_study_keypair()


@pytest.fixture(scope="session")
def device_key() -> DeviceKey:
    return DeviceKey.generate()


@pytest.fixture
def payload() -> dict:
    answers = [
        {
            "form_id": "hscl25",
            "item_id": f"hscl_{n:02d}",
            "value": 1 + n % 4,
            "status": "answered",
            "answered_at": "2025-03-04T18:10:00Z",
            "form_version": "1.0.0",
            "form_hash": "ab" * 32,
        }
        for n in range(1, 26)
    ]
    answers.append(
        {
            "form_id": "process",
            "item_id": "proc_comment",
            "value": "كان المختص بالعمل مفيدًا جدًا",
            "status": "answered",
            "answered_at": "2025-03-04T18:20:00Z",
            "form_version": "1.0.0",
            "form_hash": "cd" * 32,
        }
    )
    return {
        "format": "survey-app/submission/v1",
        "submission_id": "sub-0001",
        "study_id": "test",
        "device_id": "dev",
        "session": {"participant_code": "P-0007-W", "language": "ar", "status": "completed"},
        "consent": {"decisions": {"consent_participate": 1, "consent_contact": 0}},
        "answers": answers,
    }
