"""Real device and study keys, and real sealed envelopes, for the bundle tests."""

from __future__ import annotations

import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import seal
from survey_app.sealing.study_keys import StudyKeyPair, generate_study_keypair

STUDY_ID = "bundletest"


@pytest.fixture(scope="session")
def study_keys() -> StudyKeyPair:
    return generate_study_keypair()


@pytest.fixture(scope="session")
def device_key() -> DeviceKey:
    return DeviceKey.generate()


@pytest.fixture(scope="session")
def envelopes(study_keys: StudyKeyPair, device_key: DeviceKey) -> list[dict]:
    out = []
    for n in range(3):
        payload = {
            "format": "survey-app/submission/v1",
            "submission_id": f"sub-{n}",
            "study_id": STUDY_ID,
            "answers": [{"form_id": "eqvas", "item_id": "eqvas", "value": 70 + n}],
        }
        out.append(
            seal(
                payload,
                submission_id=f"sub-{n}",
                study_id=STUDY_ID,
                device_id=device_key.device_id,
                device_key=device_key,
                recipient=study_keys.public,
            )
        )
    return out
