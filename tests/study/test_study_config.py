"""load_study reads study.yaml strictly and names the file, line and field of every problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from survey_app.forms.library import FormLibrary
from survey_app.study import PurgePolicy, StudyConfigError, demo_study_dir, load_study

WriteStudy = Callable[..., Path]


def test_minimal_study_gets_the_defaults(write_study: WriteStudy, public_key: str) -> None:
    study = load_study(write_study())
    assert study.study_id == "ips-bergen-2"
    assert study.config.name == "Job support study"
    assert study.public_key == public_key
    assert study.demo is False
    assert study.config.server_url is None
    assert study.config.purge_policy is PurgePolicy.AFTER_SYNC
    assert study.config.idle_timeout_seconds == 120


def test_forms_dir_is_resolved_relative_to_the_study_dir(write_study: WriteStudy) -> None:
    study_dir = write_study()
    study = load_study(study_dir)
    assert study.config.forms_dir == (study_dir / "forms").resolve()
    assert isinstance(study.library, FormLibrary)


def test_all_settings_are_read(write_study: WriteStudy) -> None:
    config = load_study(
        write_study(
            demo="false",
            server_url="https://survey.example.org/",
            purge_policy="after_export",
            idle_timeout_seconds="300",
            pcl_cutoff="31",
        )
    ).config
    assert config.server_url == "https://survey.example.org"
    assert config.purge_policy is PurgePolicy.AFTER_EXPORT
    assert config.idle_timeout_seconds == 300
    assert config.pcl_cutoff == 31


def test_pcl_cutoff_in_study_overrides_the_protocol(write_study: WriteStudy) -> None:
    assert load_study(write_study(pcl_cutoff="31")).pcl_cutoff == 31


def test_pcl_cutoff_defaults_to_33_without_protocol(write_study: WriteStudy) -> None:
    assert load_study(write_study()).pcl_cutoff == 33


def test_missing_study_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(StudyConfigError, match=r"study\.yaml: no study configuration file"):
        load_study(tmp_path)


def test_missing_public_key_names_file_and_field(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match=r"study\.yaml:1: public_key: missing"):
        load_study(write_study(public_key=None))


def test_invalid_public_key_names_file_line_and_field(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match=r"study\.yaml:3: public_key: .*age1"):
        load_study(write_study(public_key="ssh-ed25519 AAAAC3Nza"))


def test_damaged_public_key_is_refused(write_study: WriteStudy, public_key: str) -> None:
    with pytest.raises(
        StudyConfigError, match="public_key: the study public key is not a valid age key"
    ):
        load_study(write_study(public_key=public_key[:-2]))


def test_unknown_purge_policy_is_refused(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match=r"purge_policy: unknown policy; use one of"):
        load_study(write_study(purge_policy="weekly"))


def test_missing_forms_dir_is_refused(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match=r"study\.yaml:4: forms_dir: no such directory"):
        load_study(write_study(forms_dir="no-such-forms"))


def test_misspelt_setting_is_refused(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match="purge_polcy: unknown setting"):
        load_study(write_study(purge_polcy="never"))


def test_yes_is_not_a_boolean(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match="demo: must be true or false"):
        load_study(write_study(demo="yes"))


def test_every_problem_is_reported_at_once(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError) as info:
        load_study(write_study(public_key="nope", purge_policy="weekly", forms_dir="absent"))
    fields = [p.split(": ")[1] for p in info.value.problems]
    assert fields == ["public_key", "forms_dir", "purge_policy"]


def test_plain_http_server_is_refused_except_on_localhost(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match="server_url: must use https"):
        load_study(write_study(server_url="http://survey.example.org"))
    local = load_study(write_study(server_url="http://127.0.0.1:8765"))
    assert local.config.server_url == "http://127.0.0.1:8765"


def test_idle_timeout_out_of_range_is_refused(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match="idle_timeout_seconds: must be a whole number"):
        load_study(write_study(idle_timeout_seconds="5"))


def test_duplicate_setting_names_the_line(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match=r"study\.yaml:2: duplicate key 'study_id'"):
        load_study(write_study(raw="study_id: x\nstudy_id: y\n"))


def test_real_study_may_not_use_the_demo_key(write_study: WriteStudy) -> None:
    demo_key = (demo_study_dir() / "study-public-key.txt").read_text().strip()
    with pytest.raises(StudyConfigError, match="public_key: this is the DEMO key"):
        load_study(write_study(public_key=demo_key))


def _demo_keys() -> tuple[str, str]:
    """The DEMO study key and the DEMO register key: both private halves ship with the app."""
    from survey_app.sealing.study_keys import read_public_key_file

    folder = demo_study_dir()
    return (
        read_public_key_file(folder / "study-public-key.txt"),
        read_public_key_file(folder / "register-public-key.txt"),
    )


def test_a_register_key_equal_to_the_study_key_is_refused(
    write_study: WriteStudy, public_key: str
) -> None:
    # One key for both would let whoever decrypts answers also read names and phone numbers.
    with pytest.raises(StudyConfigError, match="register_public_key: must differ"):
        load_study(write_study(register_public_key=public_key))


@pytest.mark.parametrize("demo_key", ["study", "register"])
def test_a_real_study_may_not_seal_names_to_a_demo_key(write_study: WriteStudy, demo_key) -> None:
    # A data manager who copies either DEMO key into register_public_key would seal names and
    # phone numbers to a key whose private half everyone has.
    key = dict(zip(("study", "register"), _demo_keys(), strict=True))[demo_key]
    with pytest.raises(
        StudyConfigError, match=r"register_public_key: this is the DEMO (register )?key"
    ):
        load_study(write_study(register_public_key=key))


@pytest.mark.parametrize("demo_key", ["study", "register"])
def test_a_real_study_may_not_seal_answers_to_a_demo_key(write_study: WriteStudy, demo_key) -> None:
    key = dict(zip(("study", "register"), _demo_keys(), strict=True))[demo_key]
    with pytest.raises(StudyConfigError, match=r"\bpublic_key: this is the DEMO (register )?key"):
        load_study(write_study(public_key=key))
