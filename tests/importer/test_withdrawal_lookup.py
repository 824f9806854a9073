"""Withdrawals refuse later sessions, looked up only when the record holds any."""

from __future__ import annotations

from survey_app.importer import run_import
from survey_app.importer.record import ImportRecord
from survey_app.trial.notices import withdrawal_payload

from .helpers import STUDY_ID, bundle_file, make_payload, seal_payload

CODE = "P-0007-W"


def _withdrawal(laptop, study_keys, code: str = CODE) -> dict:
    payload = withdrawal_payload(
        submission_id="w-1",
        study_id=STUDY_ID,
        device_id=laptop.device_id,
        participant_code=code,
        scopes=("collection",),
        effective_date="2025-03-01",
        recorded_at="2025-03-01T10:00:00.000Z",
        staff="AB",
    )
    return seal_payload(payload, laptop, study_keys.public)


def _submission(library, laptop, study_keys, sid: str, code: str = CODE) -> dict:
    return seal_payload(make_payload(library, sid, laptop, code=code), laptop, study_keys.public)


def test_a_withdrawal_refuses_a_later_session_of_its_code_in_the_same_bundle(
    tmp_path, library, laptop, study_keys, settings
):
    # The record learns once per bundle whether it holds any withdrawal: the one taken a few
    # envelopes earlier, in the same transaction, must count.
    envelopes = [
        _submission(library, laptop, study_keys, "s-other", code="P-0008-X"),
        _withdrawal(laptop, study_keys),
        _submission(library, laptop, study_keys, "s-after"),
    ]
    bundle = bundle_file(tmp_path / "a.surveybundle", envelopes, laptop)
    report = run_import([bundle], study_keys.identity, settings)
    assert report.trial["notices"]["refused_withdrawn"] == 1
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        assert record.submission_ids() == ["s-other"]


def test_no_withdrawal_is_looked_up_per_submission_while_the_record_holds_none(
    tmp_path, library, laptop, study_keys, settings, monkeypatch
):
    # Each look-up was a keyed hash of the code and a query, for every submission imported.
    hashed: list[str] = []
    keyed_hash = ImportRecord.keyed_hash

    def counting(self, purpose: str, value: str) -> str:
        hashed.append(purpose)
        return keyed_hash(self, purpose, value)

    monkeypatch.setattr(ImportRecord, "keyed_hash", counting)
    envelopes = [_submission(library, laptop, study_keys, f"s-{n}") for n in range(5)]
    bundle = bundle_file(tmp_path / "a.surveybundle", envelopes, laptop)
    report = run_import([bundle], study_keys.identity, settings)
    assert report.new_count == 5
    assert hashed == []
