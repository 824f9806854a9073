"""The bundled DEMO study loads, and its published private key opens what is sealed to it."""

from __future__ import annotations

import pytest

from survey_app.forms.library import form_files
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import open_envelope, seal
from survey_app.sealing.study_keys import public_key_for, read_private_key
from survey_app.study import (
    DEMO_PASSPHRASE,
    demo_private_key_path,
    demo_study_dir,
    load_study,
    load_study_config,
)

FORMS_READY = (demo_study_dir() / "../../forms/protocol.yaml").exists()


def test_demo_study_is_marked_as_demo() -> None:
    config = load_study_config(demo_study_dir())
    assert config.study_id == "demo"
    assert config.demo is True
    assert config.name == "DEMO study - not for real data"


def test_demo_private_key_matches_the_demo_public_key_and_opens_envelopes() -> None:
    config = load_study_config(demo_study_dir())
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    assert public_key_for(identity) == config.public_key
    device = DeviceKey.generate()
    envelope = seal(
        {"answers": []},
        submission_id="s1",
        study_id="demo",
        device_id=device.device_id,
        device_key=device,
        recipient=config.public_key,
    )
    assert open_envelope(envelope, identity) == {"answers": []}


def test_demo_readme_says_in_capitals_that_the_key_is_public() -> None:
    text = (demo_study_dir() / "README.txt").read_text(encoding="utf-8")
    assert "THIS KEY PAIR IS PUBLIC" in text
    assert "NEVER COLLECT REAL PARTICIPANTS' ANSWERS" in text


def test_demo_study_reads_every_shipped_form_file() -> None:
    study = load_study(demo_study_dir())
    shipped = {p.stem for p in form_files(study.config.forms_dir)}
    assert shipped
    assert set(study.library.forms) | set(study.library.unusable) == shipped


@pytest.mark.skipif(not FORMS_READY, reason="forms/protocol.yaml is not written yet (lead)")
def test_demo_study_loads_the_shipped_forms_and_protocol() -> None:
    study = load_study(demo_study_dir())
    assert study.library.protocol is not None
    assert "consent" in study.library.forms
