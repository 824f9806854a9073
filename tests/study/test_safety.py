"""Safety signal settings (study.yaml `safety:`): off by default, read strictly, checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from survey_app.assets import forms_dir
from survey_app.study import StudyConfigError, demo_study_dir, load_study
from survey_app.study.safety import SafetySettings, Trigger, triggered

WriteStudy = Callable[..., Path]
HSCL_20 = "\n  triggers:\n    - {form: hscl25, item: hscl_20, at_least: 2}"


def with_safety(write_study: WriteStudy, block: str) -> Path:
    return write_study(forms_dir=str(forms_dir()), safety=block)


def test_safety_signal_is_off_by_default() -> None:
    assert load_study(demo_study_dir()).config.safety is None


def test_safety_triggers_are_read(write_study: WriteStudy) -> None:
    study = load_study(with_safety(write_study, "\n  protocol: S2" + HSCL_20))
    assert study.config.safety.protocol == "S2"
    assert study.config.safety.triggers[0].form == "hscl25"
    assert study.config.safety.triggers[0].at_least == 2


def test_protocol_code_defaults_to_s(write_study: WriteStudy) -> None:
    assert load_study(with_safety(write_study, HSCL_20)).config.safety.protocol == "S"


def test_unknown_item_is_reported_with_its_line(write_study: WriteStudy) -> None:
    block = "\n  triggers:\n    - {form: hscl25, item: hscl_99, at_least: 2}"
    with pytest.raises(StudyConfigError, match=r"study.yaml:\d+: .*has no item 'hscl_99'"):
        load_study(with_safety(write_study, block))


def test_unknown_answer_code_is_reported(write_study: WriteStudy) -> None:
    block = "\n  triggers:\n    - {form: hscl25, item: hscl_20, values: [3, 7]}"
    with pytest.raises(StudyConfigError, match="has no answer code 7"):
        load_study(with_safety(write_study, block))


def test_threshold_above_every_code_is_reported(write_study: WriteStudy) -> None:
    block = "\n  triggers:\n    - {form: hscl25, item: hscl_20, at_least: 5}"
    with pytest.raises(StudyConfigError, match="no answer code of item 'hscl_20' is 5 or more"):
        load_study(with_safety(write_study, block))


def test_unknown_form_is_reported(write_study: WriteStudy) -> None:
    block = "\n  triggers:\n    - {form: phq9, item: phq_09, at_least: 1}"
    with pytest.raises(StudyConfigError, match="no usable form 'phq9'"):
        load_study(with_safety(write_study, block))


def test_trigger_without_codes_is_refused(write_study: WriteStudy) -> None:
    block = "\n  triggers:\n    - {form: hscl25, item: hscl_20}"
    with pytest.raises(StudyConfigError, match="give at_least or values"):
        load_study(with_safety(write_study, block))


def test_misspelt_trigger_setting_is_refused(write_study: WriteStudy) -> None:
    block = "\n  triggers:\n    - {form: hscl25, item: hscl_20, atleast: 2}"
    with pytest.raises(StudyConfigError, match=r"safety.triggers\[1\].atleast: unknown setting"):
        load_study(with_safety(write_study, block))


def test_safety_without_triggers_is_refused(write_study: WriteStudy) -> None:
    with pytest.raises(StudyConfigError, match="list at least one trigger"):
        load_study(with_safety(write_study, "\n  protocol: S"))


SETTINGS = SafetySettings((Trigger("hscl25", "hscl_20", at_least=2),))


def test_answer_at_the_threshold_triggers() -> None:
    assert triggered(SETTINGS, {("hscl25", "hscl_20"): 2})


def test_answer_below_the_threshold_does_not_trigger() -> None:
    assert not triggered(SETTINGS, {("hscl25", "hscl_20"): 1})


def test_unanswered_item_does_not_trigger() -> None:
    assert not triggered(SETTINGS, {("hscl25", "hscl_19"): 4})


def test_listed_value_triggers() -> None:
    settings = SafetySettings((Trigger("pcl5", "pcl_09", values=frozenset({3, 4})),))
    assert triggered(settings, {("pcl5", "pcl_09"): 4})
    assert not triggered(settings, {("pcl5", "pcl_09"): 2})


def test_no_settings_never_trigger() -> None:
    assert not triggered(None, {("hscl25", "hscl_20"): 4})


def _entry(action, session_id, protocol="S"):
    return SimpleNamespace(action=action, session_id=session_id, detail={"protocol": protocol})


def test_a_signal_stays_pending_until_a_later_acknowledgement():
    from survey_app.study.safety import ACKNOWLEDGED_ACTION, AUDIT_ACTION, unacknowledged

    trail = [
        _entry(AUDIT_ACTION, "s1"),
        _entry(AUDIT_ACTION, "s2", "K"),
        _entry(ACKNOWLEDGED_ACTION, "s1"),
        _entry("session_completed", "s3"),
    ]
    assert unacknowledged(trail) == [("s2", "K")]
