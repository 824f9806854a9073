"""Import of bundles: verified, decrypted, validated, de-duplicated, never losing anything."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pyreadstat
import pytest

from survey_app.errors import UserFacingError
from survey_app.importer import ImportSettings, load_known_devices, run_import
from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.device_keys import DeviceKey

from .helpers import STUDY_ID, bundle_file, make_payload, seal_payload

HSCL = {f"hscl_{n:02d}": 1 + n % 4 for n in range(1, 26)}


@pytest.fixture
def good_bundle(tmp_path, library, laptop, study_keys) -> Path:
    payloads = [
        make_payload(library, "sub-1", laptop, answers={**HSCL, "mbg_age": 30}),
        make_payload(library, "sub-2", laptop, code="B2", language="nb", answers={"mbg_age": 41}),
    ]
    envelopes = [seal_payload(p, laptop, study_keys.public) for p in payloads]
    return bundle_file(tmp_path / "good.surveybundle", envelopes, laptop)


def _one(tmp_path, name, library, device, keys, sid="sub-9", **kw) -> Path:
    payload = make_payload(library, sid, device, **kw)
    return bundle_file(tmp_path / name, [seal_payload(payload, device, keys.public)], device)


def _rewrite(path: Path, member_prefix: str, change) -> None:
    with zipfile.ZipFile(path) as zf:
        contents = {i.filename: zf.read(i) for i in zf.infolist()}
    name = next(n for n in contents if n.startswith(member_prefix))
    contents[name] = change(contents[name])
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in contents.items():
            zf.writestr(member, data)


def test_round_trip_imports_every_submission(good_bundle, study_keys, settings):
    report = run_import([good_bundle], study_keys.identity, settings)
    assert (report.new_count, report.bundles_accepted, report.rejections) == (2, 1, [])
    rows = (settings.out_dir / "baseline.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3


def test_csv_is_utf8_with_bom(good_bundle, study_keys, settings):
    run_import([good_bundle], study_keys.identity, settings)
    assert (settings.out_dir / "baseline.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_importing_twice_counts_once_and_keeps_files(good_bundle, study_keys, settings):
    run_import([good_bundle], study_keys.identity, settings)
    before = {p.name: p.read_bytes() for p in settings.out_dir.glob("baseline*")}
    report = run_import([good_bundle], study_keys.identity, settings)
    assert (report.new_count, report.duplicates, report.total_count) == (0, 2, 2)
    assert {p.name: p.read_bytes() for p in settings.out_dir.glob("baseline*")} == before
    assert "baseline.sav" in report.outputs_unchanged


def test_the_same_bundle_given_twice_in_one_run_counts_once(good_bundle, study_keys, settings):
    report = run_import([good_bundle, good_bundle], study_keys.identity, settings)
    assert (report.new_count, report.duplicates) == (2, 2)


def test_new_bundle_adds_to_earlier_imports(
    tmp_path, good_bundle, library, laptop, study_keys, settings
):
    run_import([good_bundle], study_keys.identity, settings)
    later = _one(tmp_path, "later.surveybundle", library, laptop, study_keys, code="C3")
    report = run_import([later], study_keys.identity, settings)
    assert (report.new_count, report.total_count) == (1, 3)


def test_folder_source_finds_bundles(tmp_path, good_bundle, study_keys, settings):
    report = run_import([tmp_path], study_keys.identity, settings)
    assert report.new_count == 2


def test_tampered_manifest_rejects_bundle_but_others_import(
    tmp_path, good_bundle, library, laptop, study_keys, settings
):
    bad = _one(tmp_path, "bad.surveybundle", library, laptop, study_keys)

    def change(data: bytes) -> bytes:
        doc = json.loads(data)
        doc["created_at"] = "2020-01-01T00:00:00Z"
        return canonical_json(doc)

    _rewrite(bad, "manifest.json", change)
    report = run_import([bad, good_bundle], study_keys.identity, settings)
    assert report.new_count == 2
    assert report.bundles_rejected == 1
    assert "manifest signature does not match" in report.rejections[0].reason


def test_tampered_envelope_rejects_bundle(tmp_path, library, laptop, study_keys, settings):
    bad = _one(tmp_path, "bad.surveybundle", library, laptop, study_keys)
    _rewrite(bad, "envelopes/", lambda data: data.replace(b'"sealed_at":"', b'"sealed_at":"1'))
    report = run_import([bad], study_keys.identity, settings)
    assert (report.new_count, report.bundles_rejected) == (0, 1)
    assert "does not match the manifest" in report.rejections[0].reason


def test_envelope_tampered_and_manifest_resigned_is_still_rejected(
    tmp_path, library, laptop, study_keys, settings
):
    payload = make_payload(library, "sub-9", laptop)
    envelope = seal_payload(payload, laptop, study_keys.public)
    envelope["sealed_at"] = "2020-01-01T00:00:00Z"  # breaks the device's envelope signature
    bad = bundle_file(tmp_path / "bad.surveybundle", [envelope], laptop)
    report = run_import([bad], study_keys.identity, settings)
    assert report.new_count == 0
    assert "device signature does not match" in report.rejections[0].reason


def test_truncated_bundle_is_rejected_with_reason(good_bundle, study_keys, settings):
    data = good_bundle.read_bytes()
    good_bundle.write_bytes(data[: len(data) // 2])
    report = run_import([good_bundle], study_keys.identity, settings)
    assert report.bundles_rejected == 1
    assert "not a complete bundle" in report.rejections[0].reason


def test_wrong_study_key_rejects_bundle(tmp_path, library, laptop, settings, study_keys):
    from survey_app.sealing.study_keys import generate_study_keypair

    other = generate_study_keypair()
    bad = _one(tmp_path, "other.surveybundle", library, laptop, other)
    report = run_import([bad], study_keys.identity, settings)
    assert report.bundles_rejected == 1
    assert "not sealed to this study key" in report.rejections[0].reason


def test_unknown_device_is_rejected_with_known_devices(
    tmp_path, good_bundle, library, laptop, other_laptop, study_keys, settings
):
    stranger = _one(tmp_path, "stranger.surveybundle", library, other_laptop, study_keys)
    known = ImportSettings(
        out_dir=settings.out_dir,
        library=library,
        study_id=STUDY_ID,
        known_devices={laptop.device_id: laptop.public_b64},
    )
    report = run_import([stranger, good_bundle], study_keys.identity, known)
    assert report.new_count == 2
    assert "not in the known-devices list" in report.rejections[0].reason
    assert report.first_use_devices == []


def test_first_use_devices_are_reported(good_bundle, laptop, study_keys, settings):
    report = run_import([good_bundle], study_keys.identity, settings)
    assert report.first_use_devices == [laptop.device_id]
    again = run_import([good_bundle], study_keys.identity, settings)
    assert again.first_use_devices == []


def test_same_id_different_content_is_reported_not_merged(
    tmp_path, library, laptop, study_keys, settings
):
    first = _one(tmp_path, "a.surveybundle", library, laptop, study_keys, answers={"mbg_age": 30})
    second = _one(tmp_path, "b.surveybundle", library, laptop, study_keys, answers={"mbg_age": 31})
    report = run_import([first, second], study_keys.identity, settings)
    assert (report.new_count, len(report.conflicts)) == (1, 1)
    assert report.conflicts[0].submission_id == "sub-9"
    data, _ = pyreadstat.read_sav(str(settings.out_dir / "baseline.sav"))
    assert list(data["mbg_age"]) == [30.0]


def test_unknown_form_version_is_rejected_with_reason(
    tmp_path, library, laptop, study_keys, settings
):
    payload = make_payload(library, "sub-9", laptop, answers={"mbg_age": 30})
    payload["answers"][0]["form_hash"] = "0" * 64
    bad = bundle_file(
        tmp_path / "x.surveybundle", [seal_payload(payload, laptop, study_keys.public)], laptop
    )
    report = run_import([bad], study_keys.identity, settings)
    assert report.new_count == 0
    assert "unknown form version" in report.rejections[0].reason
    assert report.rejections[0].submission_id == "sub-9"


def test_answer_outside_the_items_codes_is_rejected(
    tmp_path, library, laptop, study_keys, settings
):
    bad = _one(tmp_path, "x.surveybundle", library, laptop, study_keys, answers={"mbg_gender": 7})
    report = run_import([bad], study_keys.identity, settings)
    assert "does not fit the item" in report.rejections[0].reason


def test_bundle_of_another_study_is_rejected(tmp_path, library, laptop, study_keys, settings):
    from survey_app.bundle import write_bundle

    path = tmp_path / "x.surveybundle"
    write_bundle(path, [], laptop, laptop.device_id, "another-study")
    report = run_import([path], study_keys.identity, settings)
    assert "belongs to study 'another-study'" in report.rejections[0].reason


def test_record_of_another_study_key_refuses_to_open(good_bundle, study_keys, settings):
    from survey_app.sealing.study_keys import generate_study_keypair

    run_import([good_bundle], study_keys.identity, settings)
    with pytest.raises(UserFacingError, match="another study key"):
        run_import([good_bundle], generate_study_keypair().identity, settings)


def test_record_is_encrypted(good_bundle, study_keys, settings):
    run_import([good_bundle], study_keys.identity, settings)
    raw = (settings.out_dir / "import-record.db").read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert b"P-0007-W" not in raw


def test_free_text_goes_to_its_own_file(tmp_path, library, laptop, study_keys, settings):
    path = _one(
        tmp_path, "t.surveybundle", library, laptop, study_keys, answers={"mbg_comment": "سري"}
    )
    run_import([path], study_keys.identity, settings)
    main = (settings.out_dir / "baseline.csv").read_text(encoding="utf-8-sig")
    free = (settings.out_dir / "baseline-free-text.csv").read_text(encoding="utf-8-sig")
    assert "mbg_comment" not in main and "سري" not in main
    assert "سري" in free and "P-0007-W" not in free


def test_declined_and_unanswered_codes_in_every_format(
    tmp_path, library, laptop, study_keys, settings
):
    path = _one(tmp_path, "t.surveybundle", library, laptop, study_keys, declined=("mbg_gender",))
    run_import([path], study_keys.identity, settings)
    sav, meta = pyreadstat.read_sav(str(settings.out_dir / "baseline.sav"), user_missing=True)
    assert (sav["mbg_gender"][0], sav["mbg_age"][0]) == (-7.0, -9.0)
    assert meta.missing_ranges["mbg_gender"] == [{"lo": -9.0, "hi": -9.0}, {"lo": -7.0, "hi": -7.0}]
    dta, _ = pyreadstat.read_dta(str(settings.out_dir / "baseline.dta"), user_missing=True)
    assert (dta["mbg_gender"][0], dta["mbg_age"][0]) == ("a", "b")


def test_value_labels_are_written(good_bundle, study_keys, settings):
    run_import([good_bundle], study_keys.identity, settings)
    _, meta = pyreadstat.read_sav(str(settings.out_dir / "baseline.sav"), metadataonly=True)
    assert meta.variable_value_labels["hscl_01"][1.0] == "Not at all"
    assert meta.variable_value_labels["hscl_01"][-7.0] == "Declined to answer"
    assert meta.column_names_to_labels["mbg_age"] == "Age in years"
    _, dmeta = pyreadstat.read_dta(str(settings.out_dir / "baseline.dta"), metadataonly=True)
    labels = dmeta.value_labels[dmeta.variable_to_label["hscl_01"]]
    assert labels[4] == "Extremely" and labels["b"] == "Not answered"


def test_report_has_counts_per_device_timepoint_language(good_bundle, study_keys, settings):
    run_import([good_bundle], study_keys.identity, settings)
    doc = json.loads((settings.out_dir / "import-report.json").read_text(encoding="utf-8"))
    counts = {
        (c["timepoint"], c["language"]): c["count"]
        for c in doc["total_by_device_timepoint_language"]
    }
    assert counts == {("baseline", "ar"): 1, ("baseline", "nb"): 1}
    text = (settings.out_dir / "import-report.txt").read_text(encoding="utf-8")
    assert "P-0007-W" not in text and "2 new" in text


def test_no_bundles_found_is_a_clear_error(tmp_path, study_keys, settings):
    with pytest.raises(UserFacingError, match="no bundle files found"):
        run_import([tmp_path], study_keys.identity, settings)


def test_known_devices_file_is_checked(tmp_path, laptop, other_laptop):
    good = tmp_path / "known.json"
    good.write_text(json.dumps([{"device_id": laptop.device_id, "public_key": laptop.public_b64}]))
    assert load_known_devices(good) == {laptop.device_id: laptop.public_b64}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({laptop.device_id: other_laptop.public_b64}))
    with pytest.raises(UserFacingError, match="does not match the id"):
        load_known_devices(bad)


def test_forged_device_id_is_rejected(tmp_path, library, laptop, study_keys, settings):
    from survey_app.sealing.envelope import seal

    liar = DeviceKey.generate()
    payload = make_payload(library, "sub-9", laptop)
    envelope = seal(
        payload,
        submission_id="sub-9",
        study_id=STUDY_ID,
        device_id=laptop.device_id,  # claims to be the enrolled laptop
        device_key=liar,
        recipient=study_keys.public,
    )
    path = bundle_file(tmp_path / "f.surveybundle", [envelope], laptop)
    report = run_import([path], study_keys.identity, settings)
    assert report.new_count == 0
    assert "not that device's" in report.rejections[0].reason


def test_rejection_reasons_in_the_report_name_neither_the_code_nor_the_answer(
    tmp_path, library, laptop, study_keys, settings
):
    # A hand-made or damaged submission is refused with a reason; the reason must not carry
    # what the participant typed, nor their code, into a report that is shared freely.
    secret = "Mitt navn er Hemmelig Hansen"
    bad_answers = [
        {"mbg_comment": secret + " " + "x" * 600},
        {"mbg_age": secret},
        {"mbg_arrived": secret},
        {"mbg_help": [secret]},
    ]
    envelopes = [
        seal_payload(
            make_payload(library, f"sub-{n}", laptop, code="P-0007-W", answers=answers),
            laptop,
            study_keys.public,
        )
        for n, answers in enumerate(bad_answers)
    ]
    path = bundle_file(tmp_path / "x.surveybundle", envelopes, laptop)
    report = run_import([path], study_keys.identity, settings)
    assert len(report.rejections) == len(bad_answers)
    for name in ("import-report.txt", "import-report.json"):
        text = (settings.out_dir / name).read_text(encoding="utf-8")
        for leak in (secret, "Hemmelig", "P-0007-W", "P0007W"):
            assert leak not in text, f"{name} holds {leak!r}"


def test_free_text_stays_apart_in_the_spss_and_stata_files_too(
    tmp_path, library, laptop, study_keys, settings
):
    # An analyst opening the SPSS or Stata file must not get free text beside the code, nor
    # the code beside the free text.
    path = _one(
        tmp_path, "t.surveybundle", library, laptop, study_keys, answers={"mbg_comment": "سري"}
    )
    run_import([path], study_keys.identity, settings)
    for suffix, read in ((".sav", pyreadstat.read_sav), (".dta", pyreadstat.read_dta)):
        main, _ = read(str(settings.out_dir / f"baseline{suffix}"))
        free, _ = read(str(settings.out_dir / f"baseline-free-text{suffix}"))
        assert "mbg_comment" not in main.columns
        assert "سري" not in main.astype(str).to_numpy().ravel().tolist()
        assert list(free["mbg_comment"]) == ["سري"]
        assert "participant_code" not in free.columns
        assert "P-0007-W" not in free.astype(str).to_numpy().ravel().tolist()
