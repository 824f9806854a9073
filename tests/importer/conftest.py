"""Real keys, the fixture form library and import settings for the importer tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.library import FormLibrary, load_library
from survey_app.importer import ImportSettings
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.study_keys import StudyKeyPair, generate_study_keypair
from tests.codebook.forms_fixture import make_forms_dir

from .helpers import STUDY_ID


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> FormLibrary:
    lib = load_library(make_forms_dir(tmp_path_factory.mktemp("study")))
    assert not lib.errors, [str(f) for f in lib.errors]
    return lib


@pytest.fixture(scope="session")
def study_keys() -> StudyKeyPair:
    return generate_study_keypair()


@pytest.fixture(scope="session")
def laptop() -> DeviceKey:
    return DeviceKey.generate()


@pytest.fixture(scope="session")
def other_laptop() -> DeviceKey:
    return DeviceKey.generate()


@pytest.fixture
def out_dir(tmp_path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def settings(out_dir, library) -> ImportSettings:
    return ImportSettings(out_dir=out_dir, library=library, study_id=STUDY_ID)
