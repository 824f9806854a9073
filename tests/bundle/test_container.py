"""Bundle files: written atomically, read back only when complete and untouched."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from survey_app.bundle import BundleError, default_bundle_name, read_bundle, write_bundle
from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import ENVELOPE_FORMAT_V1, ENVELOPE_FORMAT_V2, open_envelope, seal

from .conftest import STUDY_ID


def _write(path: Path, envelopes: list[dict], key: DeviceKey):
    return write_bundle(path, envelopes, key, key.device_id, STUDY_ID)


def _rewrite_member(path: Path, member: str, change) -> None:
    with zipfile.ZipFile(path) as zf:
        contents = {i.filename: zf.read(i) for i in zf.infolist()}
    contents[member] = change(contents[member])
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)


def test_round_trip_returns_the_same_envelopes(tmp_path, envelopes, device_key, study_keys):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)
    bundle = read_bundle(info.path)
    assert list(bundle.envelopes) == envelopes
    assert bundle.manifest.device_id == device_key.device_id
    assert bundle.manifest.bundle_id == info.bundle_id
    assert info.submission_ids == ("sub-0", "sub-1", "sub-2")
    assert open_envelope(bundle.envelopes[1], study_keys.identity)["answers"][0]["value"] == 71


def test_file_hash_is_reported(tmp_path, envelopes, device_key):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)
    assert read_bundle(info.path).file_sha256 == info.file_sha256


def test_empty_bundle_is_valid(tmp_path, device_key):
    info = _write(tmp_path / "b.surveybundle", [], device_key)
    assert read_bundle(info.path).envelopes == ()


def test_tampered_manifest_is_rejected(tmp_path, envelopes, device_key):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)

    def change(data: bytes) -> bytes:
        doc = json.loads(data)
        doc["created_at"] = "2020-01-01T00:00:00Z"
        return canonical_json(doc)

    _rewrite_member(info.path, "manifest.json", change)
    with pytest.raises(BundleError, match="manifest signature does not match"):
        read_bundle(info.path)


def test_manifest_re_signed_by_another_key_still_names_that_key(tmp_path, envelopes, device_key):
    intruder = DeviceKey.generate()
    info = write_bundle(tmp_path / "b.surveybundle", envelopes, intruder, "x", STUDY_ID)
    # The signature itself is fine; who signed it is for the importer to judge.
    assert read_bundle(info.path).manifest.device_public_key == intruder.public_b64


def test_tampered_envelope_is_rejected(tmp_path, envelopes, device_key):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)
    member = read_bundle(info.path).manifest.entries[0].path

    def change(data: bytes) -> bytes:
        doc = json.loads(data)
        doc["sealed_at"] = "2020-01-01T00:00:00Z"
        return canonical_json(doc)

    _rewrite_member(info.path, member, change)
    with pytest.raises(BundleError, match="sub-0 does not match the manifest"):
        read_bundle(info.path)


def test_extra_file_is_rejected(tmp_path, envelopes, device_key):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)
    with zipfile.ZipFile(info.path, "a") as zf:
        zf.writestr("envelopes/extra.json", b"{}")
    with pytest.raises(BundleError, match="not listed in its manifest"):
        read_bundle(info.path)


def test_missing_envelope_file_is_rejected(tmp_path, envelopes, device_key):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)
    with zipfile.ZipFile(info.path) as zf:
        contents = {i.filename: zf.read(i) for i in zf.infolist()}
    victim = read_bundle(info.path).manifest.entries[2].path
    with zipfile.ZipFile(info.path, "w") as zf:
        for name, data in contents.items():
            if name != victim:
                zf.writestr(name, data)
    with pytest.raises(BundleError, match="is missing"):
        read_bundle(info.path)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99])
def test_truncated_file_is_rejected(tmp_path, envelopes, device_key, keep):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)
    data = info.path.read_bytes()
    info.path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(BundleError, match="not a complete bundle"):
        read_bundle(info.path)


def test_not_a_zip_is_rejected(tmp_path):
    path = tmp_path / "notes.surveybundle"
    path.write_text("hello")
    with pytest.raises(BundleError, match="not a complete bundle"):
        read_bundle(path)


def test_missing_file_gives_clear_error(tmp_path):
    with pytest.raises(BundleError, match="cannot read"):
        read_bundle(tmp_path / "absent.surveybundle")


def test_envelope_of_another_study_is_refused_on_write(tmp_path, envelopes, device_key):
    with pytest.raises(BundleError, match="another study"):
        write_bundle(tmp_path / "b.surveybundle", envelopes, device_key, "d", "other-study")
    assert list(tmp_path.iterdir()) == []


def test_failure_mid_write_leaves_no_file(tmp_path, envelopes, device_key):
    def failing():
        yield envelopes[0]
        yield envelopes[1]
        raise OSError("USB stick pulled")

    target = tmp_path / "b.surveybundle"
    with pytest.raises(OSError, match="USB stick pulled"):
        _write(target, failing(), device_key)
    assert list(tmp_path.iterdir()) == []


def test_failure_mid_write_keeps_previous_bundle_intact(tmp_path, envelopes, device_key):
    target = tmp_path / "b.surveybundle"
    _write(target, envelopes[:1], device_key)
    before = target.read_bytes()

    def failing():
        yield envelopes[1]
        raise OSError("disk full")

    with pytest.raises(OSError):
        _write(target, failing(), device_key)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["b.surveybundle"]


def test_default_name_has_only_study_device_and_time():
    name = default_bundle_name("demo", "0123abcd", "2025-03-04T18:10:00Z")
    assert name == "demo-0123abcd-20250304T181000Z.surveybundle"


def test_bundle_mixing_v1_and_v2_envelopes_round_trips(tmp_path, device_key, study_keys):
    sealed = [
        seal(
            {"format": "survey-app/submission/v1", "answers": [{"value": version}]},
            submission_id=f"mix-{version}",
            study_id=STUDY_ID,
            device_id=device_key.device_id,
            device_key=device_key,
            recipient=study_keys.public,
            version=version,
        )
        for version in (1, 2)
    ]
    path = tmp_path / "mixed.surveybundle"
    _write(path, sealed, device_key)
    bundle = read_bundle(path)
    assert [e["format"] for e in bundle.envelopes] == [ENVELOPE_FORMAT_V1, ENVELOPE_FORMAT_V2]
    opened = [open_envelope(e, study_keys.identity) for e in bundle.envelopes]
    assert [p["answers"][0]["value"] for p in opened] == [1, 2]


def test_each_envelope_is_told_in_order_as_it_is_read(tmp_path, envelopes, device_key):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)
    told: list[tuple[int, dict]] = []
    bundle = read_bundle(info.path, lambda index, envelope: told.append((index, envelope)))
    assert told == list(enumerate(bundle.envelopes))
    assert len(told) == len(envelopes)


def test_only_envelopes_matching_the_manifest_are_told_before_the_bundle_is_refused(
    tmp_path, envelopes, device_key
):
    info = _write(tmp_path / "b.surveybundle", envelopes, device_key)
    entries = read_bundle(info.path).manifest.entries
    _rewrite_member(info.path, entries[1].path, lambda data: data.replace(b"sub-1", b"sub-9"))
    told: list[str] = []
    with pytest.raises(BundleError, match="sub-1 does not match the manifest"):
        read_bundle(info.path, lambda index, envelope: told.append(envelope["submission_id"]))
    assert told == [entries[0].submission_id]
