"""An imported XLSForm runs: a session answered through the real store follows its logic, is
sealed, and the sealed submission passes the importer's checks."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from survey_app.answers.codes import make_code
from survey_app.forms.logic import acceptable, form_state
from survey_app.importer.dataset import not_applicable
from survey_app.importer.validate import FormIndex, validate_submission
from survey_app.sealing.envelope import open_envelope
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.generator import generic_value
from survey_app.store import DeviceStore
from survey_app.study import load_study
from survey_app.study.demo import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir
from tests.kdf import FAST_KDF


def answer_like_a_participant(store, session_id, form, language, rng, choose) -> None:
    """Answer every item that applies, in order, as the screen would ask it."""
    given: dict[str, tuple[object, str]] = {}
    for item in form.answerable_items:
        state = form_state(form, given, datetime.now(UTC).date())
        if not state.applies(item.id):
            continue
        value = choose.get(item.id)
        while value is None or not acceptable(form, item, value, state):
            value = generic_value(rng, item, language)
        store.save_answer(session_id, form, item.id, value)
        given[item.id] = (value, "answered")


@pytest.mark.parametrize("language", ["ar", "nb", "en"])
def test_imported_xlsform_session_is_sealed_and_passes_the_import_checks(
    odk_form, tmp_path, language
):
    study = load_study(demo_study_dir())
    consent = study.library.forms["consent"]
    with DeviceStore.create(tmp_path / "store.db", "pass phrase 1", kdf=FAST_KDF) as store:
        meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
        session = store.start_session(meeting.id, make_code(3), "baseline", language, actor="AB")
        store.record_consent(
            session.id, consent, {i.id: 1 for i in consent.answerable_items}, actor="AB"
        )
        # Syria, a job, languages without "other": other country and other language skipped.
        choose = {"age": 40, "country": 1, "working": 1, "hours": 30, "langs": [1, 2]}
        answer_like_a_participant(store, session.id, odk_form, language, random.Random(3), choose)
        copy = store.complete_session(session.id, study, actor="AB")
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    payload = open_envelope(copy.envelope, identity)
    answers = {a["item_id"]: a["value"] for a in payload["answers"]}
    assert answers["lang_count"] == 2
    assert "country_other" not in answers and "langs_other" not in answers
    forms = FormIndex([consent, odk_form])
    assert validate_submission(payload, copy.envelope, forms, ["baseline"]) == []
    assert not_applicable(payload, forms) == {"country_other", "langs_other"}


def sealed_session(tmp_path, form, language, choose):
    """Answer a form in a real store, seal it; return the opened payload, envelope and consent."""
    study = load_study(demo_study_dir())
    consent = study.library.forms["consent"]
    with DeviceStore.create(tmp_path / "store.db", "pass phrase 1", kdf=FAST_KDF) as store:
        meeting = store.create_meeting("2025-03-14", "Skolen", "AB")
        session = store.start_session(meeting.id, make_code(3), "baseline", language, actor="AB")
        store.record_consent(
            session.id, consent, {i.id: 1 for i in consent.answerable_items}, actor="AB"
        )
        answer_like_a_participant(store, session.id, form, language, random.Random(3), choose)
        copy = store.complete_session(session.id, study, actor="AB")
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    return open_envelope(copy.envelope, identity), copy.envelope, consent


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_decimal_from_an_xlsform_is_sealed_exactly_and_passes_the_import_checks(tmp_path, language):
    from survey_app.forms.library import check_file
    from tests.forms.logic_fixture import LOGIC_FORM
    from tests.forms.xlsform.test_round_trip import round_trip

    path = tmp_path / "lg.yaml"
    path.write_text(LOGIC_FORM, encoding="utf-8")
    form = round_trip(check_file(path)[0], tmp_path / "rt")  # through XLSForm and back
    choose = {"lg_country": 1, "lg_age": 40, "lg_langs": [1], "lg_job": 1, "lg_hours": 37,
              "lg_km": 12.5}  # fmt: skip
    payload, envelope, consent = sealed_session(tmp_path, form, language, choose)
    answers = {a["item_id"]: a["value"] for a in payload["answers"]}
    assert answers["lg_km"] == 12.5 and isinstance(answers["lg_km"], float)
    assert validate_submission(payload, envelope, FormIndex([consent, form]), ["baseline"]) == []


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_cascading_select_from_an_xlsform_is_sealed_and_passes_the_import_checks(
    tmp_path, language
):
    from survey_app.forms.xlsform.check import check_xlsx
    from tests.forms.test_choice_filter import odk_workbook

    form, _ = check_xlsx(odk_workbook(tmp_path / "towns.xlsx", "country = ${country}"))
    payload, envelope, consent = sealed_session(tmp_path, form, language, {"country": 2})
    answers = {a["item_id"]: a["value"] for a in payload["answers"]}
    assert answers["city"] == 3  # Asmara: the only city offered in Eritrea
    assert validate_submission(payload, envelope, FormIndex([consent, form]), ["baseline"]) == []
