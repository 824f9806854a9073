"""A real laptop register (SQLCipher), the DEMO study and real register keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.register.store import RegisterStore
from survey_app.sealing.study_keys import read_private_key
from survey_app.study import Study, load_study
from survey_app.study.demo import DEMO_PASSPHRASE, demo_register_key_path, demo_study_dir
from tests.kdf import FAST_KDF

REGISTER_PASSPHRASE = "register only 123"
# Synthetic people only: names no one has, phone numbers outside any real number plan.
NAME = "Testa Fiktivsen"
ARABIC_NAME = "سَلمى أحمد تجريبية"
PHONE = "+4700000001"


@pytest.fixture(scope="session")
def study() -> Study:
    return load_study(demo_study_dir())


@pytest.fixture(scope="session")
def register_identity() -> str:
    return read_private_key(demo_register_key_path(), DEMO_PASSPHRASE)


@pytest.fixture
def register(tmp_path: Path) -> Iterator[RegisterStore]:
    with RegisterStore.create(tmp_path / "reg" / "linking-register.db", REGISTER_PASSPHRASE,
                              kdf=FAST_KDF) as store:  # fmt: skip
        yield store


def fill(register: RegisterStore, study: Study, number: int, name: str = NAME, **kw) -> str:
    """Register a person with a consent record; return the code."""
    code = make_code(number)
    register.register_person(code, name=name, phone=kw.get("phone", PHONE),
                             language=kw.get("language", "ar"), actor="AB")  # fmt: skip
    register.record_consent(
        code, timepoint="baseline", form=study.library.forms["consent"], language="ar",
        reading="read_aloud", place="Skolen", outcome="given", actor="AB", witness="KH",
        decisions={"consent_participate": 1},
    )  # fmt: skip
    return code
