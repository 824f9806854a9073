"""Snapshots sealed to the principal investigator's key, merged into the central register."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.register.central import CentralRegister
from survey_app.register.model import RegisterError
from survey_app.register.snapshot_file import export_register, read_snapshot
from survey_app.sealing.study_keys import read_private_key
from survey_app.study.demo import DEMO_PASSPHRASE, demo_private_key_path
from tests.register.conftest import ARABIC_NAME, NAME, PHONE, fill

AT = "2025-03-01T10:00:00Z"


@pytest.fixture
def central(tmp_path: Path, register_identity: str):
    with CentralRegister.open(tmp_path / "central", register_identity) as opened:
        yield opened


def export(register, study, tmp_path: Path) -> Path:
    out = tmp_path / "usb"
    out.mkdir(exist_ok=True)
    return export_register(register, study.study_id, study.config.register_public_key, out)


def test_a_snapshot_opens_only_with_the_register_key(register, study, tmp_path) -> None:
    fill(register, study, 1)
    path = export(register, study, tmp_path)
    study_key = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    with pytest.raises(RegisterError, match="not sealed to this study key"):
        read_snapshot(path, study_key)


def test_a_snapshot_file_name_and_bytes_hold_no_name_or_phone(register, study, tmp_path) -> None:
    fill(register, study, 2, name=ARABIC_NAME)
    path = export(register, study, tmp_path)
    data = path.read_bytes()
    for marker in (NAME, ARABIC_NAME, PHONE, "0000001"):
        assert marker.encode("utf-8") not in data
        assert marker not in path.name


def test_import_merges_people_consents_and_withdrawals(
    register, study, tmp_path, central, register_identity
) -> None:
    code = fill(register, study, 3)
    register.record_withdrawal(code, ["contact"], "2025-04-01", actor="AB")
    summary = central.import_snapshot(
        read_snapshot(export(register, study, tmp_path), register_identity),
        study_id="demo", at=AT,
    )  # fmt: skip
    assert (summary.new_people, summary.consents, summary.withdrawals) == (1, 1, 1)
    assert central.person(code).name == NAME
    assert central.contact_stopped(code)
    assert [c.reading for c in central.consents(code)] == ["read_aloud"]


def test_the_same_snapshot_twice_changes_nothing(register, study, tmp_path, central,
                                                 register_identity) -> None:  # fmt: skip
    fill(register, study, 4)
    snapshot = read_snapshot(export(register, study, tmp_path), register_identity)
    central.import_snapshot(snapshot, study_id="demo", at=AT)
    assert central.import_snapshot(snapshot, study_id="demo", at=AT).already_imported


def test_a_correction_survives_an_older_snapshot(register, study, tmp_path, central,
                                                 register_identity) -> None:  # fmt: skip
    code = fill(register, study, 5)
    snapshot = read_snapshot(export(register, study, tmp_path), register_identity)
    central.import_snapshot(snapshot, study_id="demo", at=AT)
    central.correct(code, "phone", "+4700000099", at="2099-01-01T00:00:00.000Z")
    again = read_snapshot(export(register, study, tmp_path), register_identity)
    central.import_snapshot(again, study_id="demo", at=AT)
    assert central.person(code).phone == "+4700000099"


def test_find_by_arabic_name_without_vowel_marks(register, study, tmp_path, central,
                                                 register_identity) -> None:  # fmt: skip
    code = fill(register, study, 6, name=ARABIC_NAME)
    central.import_snapshot(read_snapshot(export(register, study, tmp_path), register_identity),
                            study_id="demo", at=AT)  # fmt: skip
    assert [p.code for p in central.find_name("سلمى احمد")] == [code]


def test_an_erased_code_is_refused_by_later_snapshots(register, study, tmp_path, central,
                                                      register_identity) -> None:  # fmt: skip
    code = fill(register, study, 7)
    snapshot = read_snapshot(export(register, study, tmp_path), register_identity)
    central.import_snapshot(snapshot, study_id="demo", at=AT)
    counts = central.erase(code, at=AT, reference="DPO-1")
    assert counts == {"people": 1, "consents": 1, "attempts": 0}
    again = read_snapshot(export(register, study, tmp_path), register_identity)
    summary = central.import_snapshot(again, study_id="demo", at=AT)
    assert summary.refused_erased == 2
    assert central.person(code) is None and central.erased(code)


def test_a_withdrawal_with_erasure_erases_on_import(register, study, tmp_path, central,
                                                    register_identity) -> None:  # fmt: skip
    code = fill(register, study, 8)
    register.record_withdrawal(code, ["erase"], "2025-04-01", actor="AB")
    central.import_snapshot(read_snapshot(export(register, study, tmp_path), register_identity),
                            study_id="demo", at=AT)  # fmt: skip
    assert central.person(code) is None and central.consents(code) == []
    assert central.erased(code)


def test_a_contact_attempt_is_refused_after_a_contact_withdrawal(central) -> None:
    code = make_code(9)
    central.record_withdrawal(code, ["contact"], "2025-04-01", staff="AB", at=AT)
    with pytest.raises(RegisterError, match="not to be contacted"):
        central.record_attempt(code, timepoint="followup-12m", channel="sms", at=AT, outcome="",
                               staff="AB")  # fmt: skip


def test_the_central_register_opens_only_with_its_key(tmp_path, register_identity) -> None:
    CentralRegister.open(tmp_path / "c", register_identity).close()
    other = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    with pytest.raises(RegisterError, match="another key"):
        CentralRegister.open(tmp_path / "c", other)


@pytest.fixture
def person(central, register, study, tmp_path, register_identity) -> str:
    """A code the central register holds an entry for."""
    code = fill(register, study, 10)
    central.import_snapshot(read_snapshot(export(register, study, tmp_path), register_identity),
                            study_id="demo", at=AT)  # fmt: skip
    return code


def test_a_contact_attempt_for_a_code_the_register_does_not_hold_is_refused(central) -> None:
    # A mistyped number with a matching check character (1 in 30) would count for nobody.
    with pytest.raises(RegisterError, match="no entry for this code"):
        central.record_attempt(make_code(11), timepoint="followup-12m", channel="sms", at=AT,
                               outcome="", staff="AB")  # fmt: skip
    assert central.attempts() == []


@pytest.mark.parametrize("at", ["yesterday", "14.01.2026", "2026-13-01", ""])
def test_a_contact_attempt_needs_a_real_date_or_time(central, person, at) -> None:
    with pytest.raises(RegisterError, match="date"):
        central.record_attempt(person, timepoint="followup-12m", channel="sms", at=at,
                               outcome="", staff="AB")  # fmt: skip
    assert central.attempts() == []


def test_a_contact_attempt_on_a_day_is_kept_in_order_with_timed_ones(central, person) -> None:
    for at in ("2026-01-20T09:00:00Z", "2026-01-19"):
        central.record_attempt(person, timepoint="followup-12m", channel="sms", at=at,
                               outcome="", staff="AB")  # fmt: skip
    assert [a.at for a in central.attempts(person)] == ["2026-01-19", "2026-01-20T09:00:00Z"]
