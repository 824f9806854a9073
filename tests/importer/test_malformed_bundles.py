"""One malformed bundle is refused with a reason; the others still import, counted honestly."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from survey_app.importer import run_import
from survey_app.sealing.device_keys import DeviceKey

from .helpers import bundle_file, make_payload, seal_payload


def _bundle(tmp_path: Path, name: str, library, device, keys, count: int = 1, first: int = 1):
    envelopes = [
        seal_payload(
            make_payload(library, f"sub-{n}", device, code=f"C{n}", answers={"mbg_age": 30}),
            device,
            keys.public,
        )
        for n in range(first, first + count)
    ]
    return bundle_file(tmp_path / name, envelopes, device)


def _patch_every_header(path: Path, offset_local: int, offset_central: int, value: int) -> None:
    """Write a 2-byte field into every local file header and central directory entry."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", offset_local), (b"PK\x01\x02", offset_central)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            struct.pack_into("<H", data, found + offset, value)
            start = found + 4
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("field", "value"),
    [("compression", 99), ("flags", 0x1)],
    ids=["unknown-compression-method", "encryption-flag"],
)
def test_malformed_zip_member_refuses_that_bundle_and_imports_the_rest(
    tmp_path, library, laptop, study_keys, settings, field: str, value: int
) -> None:
    bad = _bundle(tmp_path, "a-bad.surveybundle", library, laptop, study_keys, 3)
    # Local header: flags at +6, method at +8; central directory: flags at +8, method at +10.
    offsets = {"flags": (6, 8), "compression": (8, 10)}[field]
    _patch_every_header(bad, *offsets, value)
    good = _bundle(tmp_path, "b-good.surveybundle", library, laptop, study_keys, 2, first=10)
    report = run_import([bad, good], study_keys.identity, settings)
    assert (report.bundles_rejected, report.bundles_accepted, report.new_count) == (1, 1, 2)
    [rejection] = report.rejections
    assert rejection.source == "a-bad.surveybundle"
    assert "damaged" in rejection.reason or "cannot be read" in rejection.reason


def test_rejected_bundle_counts_every_submission_in_it(
    tmp_path, library, laptop, study_keys, settings
) -> None:
    stranger = DeviceKey.generate()
    bundle = _bundle(tmp_path, "stranger.surveybundle", library, stranger, study_keys, 12)
    known = {laptop.device_id: laptop.public_b64}
    report = run_import(
        [bundle], study_keys.identity, type(settings)(**{**vars(settings), "known_devices": known})
    )
    assert report.bundles_rejected == 1
    assert report.to_json()["submissions"]["rejected"] == 12
    assert "12 rejected" in report.to_text()


def test_rejection_names_the_file_once(tmp_path, library, laptop, study_keys, settings) -> None:
    bundle = _bundle(tmp_path, "cut.surveybundle", library, laptop, study_keys, 2)
    bundle.write_bytes(bundle.read_bytes()[:-200])
    report = run_import([bundle], study_keys.identity, settings)
    line = next(ln for ln in report.to_text().splitlines() if "not a complete bundle" in ln)
    assert line.count("cut.surveybundle") == 1


@pytest.mark.parametrize("number", [2**64, -(2**63) - 1], ids=["past-u64", "below-i64"])
def test_an_envelope_field_holding_a_number_past_64_bits_is_refused_as_before(
    tmp_path, library, laptop, study_keys, settings, number: int
) -> None:
    # orjson, which reads envelopes first, turns such a number into a float where json kept an
    # int: either way the field is not text, and the words the data manager reads are the same.
    envelope = seal_payload(
        make_payload(library, "sub-1", laptop, code="C1", answers={"mbg_age": 30}),
        laptop,
        study_keys.public,
    )
    envelope["ciphertext_sha256"] = number
    bad = bundle_file(tmp_path / "a-bad.surveybundle", [envelope], laptop)
    good = _bundle(tmp_path, "b-good.surveybundle", library, laptop, study_keys, 2, first=10)
    report = run_import([bad, good], study_keys.identity, settings)
    assert (report.bundles_rejected, report.bundles_accepted, report.new_count) == (1, 1, 2)
    [rejection] = report.rejections
    assert rejection.source == "a-bad.surveybundle"
    assert "field ciphertext_sha256 must be text" in rejection.reason


def test_a_bundle_found_altered_after_its_first_envelopes_were_opened_imports_nothing(
    tmp_path, library, laptop, study_keys, settings
) -> None:
    import dataclasses
    import zipfile

    from survey_app.bundle import read_bundle
    from survey_app.importer.record import ImportRecord

    # 70 envelopes: the first 64 are handed to a worker while the rest is still being read.
    bad = _bundle(tmp_path, "a-bad.surveybundle", library, laptop, study_keys, 70)
    last = read_bundle(bad).manifest.entries[-1].path
    with zipfile.ZipFile(bad) as zf:
        contents = {i.filename: zf.read(i) for i in zf.infolist()}
    contents[last] = contents[last].replace(b'"sealed_at":"', b'"sealed_at":"1')
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
    good = _bundle(tmp_path, "b-good.surveybundle", library, laptop, study_keys, 2, first=100)
    report = run_import([bad, good], study_keys.identity, dataclasses.replace(settings, workers=2))
    assert (report.bundles_rejected, report.bundles_accepted, report.new_count) == (1, 1, 2)
    assert "does not match the manifest" in report.rejections[0].reason
    assert report.rejections[0].submissions == 70
    with ImportRecord.open(settings.out_dir, study_keys.identity) as record:
        assert sorted(record.submission_ids()) == ["sub-100", "sub-101"]
