"""The laptop register: its own passphrase, people, consent records, withdrawals, audit."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.register.model import RegisterError
from survey_app.register.store import RegisterStore
from survey_app.store import DeviceStore, WrongPassphrase
from tests.register.conftest import FAST_KDF, NAME, PHONE, REGISTER_PASSPHRASE, fill


def test_the_register_opens_only_with_its_own_passphrase(register, tmp_path: Path) -> None:
    path = register.path
    register.close()
    with pytest.raises(WrongPassphrase):
        RegisterStore.open(path, "the staff passphrase")
    with RegisterStore.open(path, REGISTER_PASSPHRASE) as again:
        assert again.people() == []


def test_the_answers_store_passphrase_does_not_open_the_register(tmp_path: Path) -> None:
    staff = "staff passphrase 1"
    DeviceStore.create(tmp_path / "device-store.db", staff, kdf=FAST_KDF).close()
    RegisterStore.create(tmp_path / "linking-register.db", REGISTER_PASSPHRASE,
                         kdf=FAST_KDF).close()  # fmt: skip
    with pytest.raises(WrongPassphrase):
        RegisterStore.open(tmp_path / "linking-register.db", staff)


def test_a_person_is_registered_under_a_valid_code(register, study) -> None:
    code = fill(register, study, 1)
    person = register.person(code)
    assert (person.name, person.phone, person.language, person.staff) == (NAME, PHONE, "ar", "AB")


def test_an_invalid_code_is_refused(register) -> None:
    with pytest.raises(RegisterError, match="not a valid participant code"):
        register.register_person("P-0001-A", name=NAME, language="nb", actor="AB")


def test_a_correction_is_audited_by_field_never_by_value(register, study) -> None:
    code = fill(register, study, 2)
    register.register_person(code, name=NAME, phone="+4700000002", language="ar", actor="KH")
    action, logged_code, detail = register.audit_actions()[-1]
    assert (action, logged_code, detail) == ("corrected", code, {"fields": ["phone"]})
    assert "+4700000002" not in repr(register.audit_actions())


def test_a_consent_record_names_the_exact_consent_form(register, study) -> None:
    code = fill(register, study, 3)
    (entry,) = register.consents(code)
    form = study.library.forms["consent"]
    assert (entry.form_id, entry.form_version, entry.form_hash) == (
        form.id, form.version, form.content_hash,
    )  # fmt: skip
    assert (entry.reading, entry.witness, entry.outcome, entry.place) == (
        "read_aloud", "KH", "given", "Skolen",
    )  # fmt: skip


def test_a_declined_consent_is_recorded_too(register, study) -> None:
    code = make_code(4)
    register.record_consent(code, timepoint="baseline", form=study.library.forms["consent"],
                            language="nb", reading="self", place="Skolen", outcome="declined",
                            actor="AB")  # fmt: skip
    assert [c.outcome for c in register.consents(code)] == ["declined"]


def test_a_study_that_asks_for_a_witness_refuses_a_consent_without_one(register, study) -> None:
    with pytest.raises(RegisterError, match="witness"):
        register.record_consent(make_code(5), timepoint="baseline",
                                form=study.library.forms["consent"], language="nb",
                                reading="self", place="Skolen", outcome="given", actor="AB",
                                witness_required=True)  # fmt: skip


def test_the_audio_used_is_kept_only_when_read_by_audio(register, study) -> None:
    entry = register.record_consent(make_code(6), timepoint="baseline",
                                    form=study.library.forms["consent"], language="ar",
                                    reading="audio", audio="consent-ar-1.0.0.mp3",
                                    place="Skolen", outcome="given", actor="AB")  # fmt: skip
    assert entry.audio == "consent-ar-1.0.0.mp3"


def test_a_withdrawal_records_date_and_scope(register, study) -> None:
    code = fill(register, study, 7)
    w = register.record_withdrawal(code, ["contact"], "2025-05-01", actor="AB")
    assert (w.scopes, w.effective_date) == (("contact",), "2025-05-01")
    with pytest.raises(RegisterError, match="covers"):
        register.record_withdrawal(code, [], "2025-05-01", actor="AB")


def test_find_by_name(register, study) -> None:
    code = fill(register, study, 8)
    assert [p.code for p in register.find("fiktivsen")] == [code]
