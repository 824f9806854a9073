"""Real objects for store tests: a SQLCipher store in tmp_path, the DEMO study and its key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.forms.loader import load_form
from survey_app.forms.model import Form
from survey_app.sealing.study_keys import read_private_key
from survey_app.store import DeviceStore, SessionInfo
from survey_app.study import Study, load_study
from survey_app.study.demo import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir
from tests.kdf import FAST_KDF

PASSPHRASE = "correct horse battery"
# Cheap Argon2 so tests stay fast; the default (64 MiB, t=3) is measured in the benchmark.
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def study() -> Study:
    return load_study(demo_study_dir())


@pytest.fixture(scope="session")
def study_identity() -> str:
    return read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)


@pytest.fixture(scope="session")
def notes_form() -> Form:
    form, findings = load_form(DATA / "fieldnotes.yaml")
    assert form is not None, findings
    return form


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "device-store.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[DeviceStore]:
    with DeviceStore.create(store_path, PASSPHRASE, kdf=FAST_KDF) as created:
        yield created


@pytest.fixture
def session(store: DeviceStore) -> SessionInfo:
    meeting = store.create_meeting("2025-03-14", "Allmøte, skolen", "AB")
    return store.start_session(meeting.id, make_code(7), "baseline", "ar", actor="AB")
