"""Import of both sealed formats: v1 bundles from laptops not yet updated, v2, and a mix."""

from __future__ import annotations

import base64
import dataclasses
import hashlib

import pyrage

from survey_app.importer import run_import
from survey_app.importer.prepare import content_sha256, opened_envelope_sha256
from survey_app.sealing.envelope import seal, signed_header
from survey_app.sealing.study_keys import parse_identity, parse_recipient

from .helpers import STUDY_ID, bundle_file, make_payload

HSCL = {f"hscl_{n:02d}": 1 + n % 4 for n in range(1, 26)}


def _sealed(payload, device, keys, version: int) -> dict:
    return seal(
        payload,
        submission_id=payload["submission_id"],
        study_id=STUDY_ID,
        device_id=device.device_id,
        device_key=device,
        recipient=keys.public,
        version=version,
    )


def _payloads(library, laptop) -> list[dict]:
    return [
        make_payload(
            library,
            f"sub-{n}",
            laptop,
            code=f"P{n:03d}",
            language=("ar", "nb")[n % 2],
            answers={**HSCL, "mbg_age": 20 + n},
        )
        for n in range(6)
    ]


def test_a_bundle_mixing_v1_and_v2_envelopes_imports_both(
    tmp_path, library, laptop, study_keys, settings
):
    payloads = _payloads(library, laptop)
    envelopes = [_sealed(p, laptop, study_keys, 1 + n % 2) for n, p in enumerate(payloads)]
    path = bundle_file(tmp_path / "mixed.surveybundle", envelopes, laptop)
    report = run_import([path], study_keys.identity, settings)
    assert (report.new_count, report.rejections) == (6, [])


def test_outputs_are_byte_identical_whether_sealed_as_v1_or_v2(
    tmp_path, library, laptop, study_keys, settings
):
    payloads = _payloads(library, laptop)
    files = {}
    for version in (1, 2):
        envelopes = [_sealed(p, laptop, study_keys, version) for p in payloads]
        path = bundle_file(tmp_path / f"v{version}.surveybundle", envelopes, laptop)
        out = tmp_path / f"out-v{version}"
        run_import([path], study_keys.identity, dataclasses.replace(settings, out_dir=out))
        files[version] = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    assert files[1] and files[1] == files[2]


def test_the_same_submission_sealed_as_v1_then_v2_counts_once(
    tmp_path, library, laptop, study_keys, settings
):
    payload = _payloads(library, laptop)[0]
    old = bundle_file(
        tmp_path / "old.surveybundle", [_sealed(payload, laptop, study_keys, 1)], laptop
    )
    new = bundle_file(
        tmp_path / "new.surveybundle", [_sealed(payload, laptop, study_keys, 2)], laptop
    )
    run_import([old], study_keys.identity, settings)
    report = run_import([new], study_keys.identity, settings)
    assert (report.new_count, report.duplicates, report.conflicts) == (0, 1, [])


def test_a_v2_envelope_with_changed_sealed_bytes_refuses_its_bundle_and_v1_imports(
    tmp_path, library, laptop, study_keys, settings
):
    good, bad = (
        _sealed(p, laptop, study_keys, v)
        for p, v in zip(_payloads(library, laptop)[:2], (1, 2), strict=True)
    )
    # Someone with the study's public key re-encrypts changed answers and the laptop's header
    # signature is redone (as if its key leaked): only the sealed bytes' own signature is left.
    plaintext = pyrage.decrypt(
        base64.b64decode(bad["ciphertext"]), [parse_identity(study_keys.identity)]
    )
    changed = plaintext.replace(b'"value":1}', b'"value":4}', 1)
    assert changed != plaintext
    ciphertext = pyrage.encrypt(changed, [parse_recipient(study_keys.public)])
    bad["ciphertext"] = base64.b64encode(ciphertext).decode()
    bad["ciphertext_sha256"] = hashlib.sha256(ciphertext).hexdigest()
    bad["signature"] = laptop.sign(signed_header(bad))
    paths = [
        bundle_file(tmp_path / "old.surveybundle", [good], laptop),
        bundle_file(tmp_path / "new.surveybundle", [bad], laptop),
    ]
    report = run_import(paths, study_keys.identity, settings)
    assert (report.new_count, report.bundles_rejected) == (1, 1)
    assert ["payload signature does not match" in r.reason for r in report.rejections] == [True]


def test_an_opened_envelope_is_filed_under_its_content_hash(laptop, study_keys):
    # The shortcut for opened envelopes must equal content_sha256, also for ids that JSON
    # escapes, or a second import would not recognise what the first one recorded.
    for version in (1, 2):
        envelope = seal(
            {"format": "test"},
            submission_id='sub-"é\\\u2028',
            study_id=STUDY_ID,
            device_id=laptop.device_id,
            device_key=laptop,
            recipient=study_keys.public,
            version=version,
        )
        assert opened_envelope_sha256(envelope) == content_sha256(envelope)
