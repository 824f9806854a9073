"""Import of N simulated submissions end to end, beside decrypting the same envelopes alone.

    .venv/bin/python benchmarks/bench_import.py [N]      (default 10000)

Envelopes are sealed directly with survey_app.sealing (faster than driving the device store),
written as one bundle per 500 submissions, then imported with the demo study's forms: verify,
decrypt, validate, de-duplicate, record, write CSV + SAV + DTA. The reference is the time to
open (verify + decrypt) the same envelopes with nothing else, measured in the same run.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from survey_app.bundle import read_bundle, write_bundle
from survey_app.forms.model import ItemType
from survey_app.importer import ImportSettings, run_import
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import open_envelope, seal
from survey_app.sealing.study_keys import generate_study_keypair
from survey_app.study import demo_study_dir, load_study

PER_BUNDLE = 500


def _value(item, rng: random.Random):
    if item.type is ItemType.MULTIPLE_CHOICE:
        return sorted(rng.sample(item.scale.codes, 2))
    if item.type is ItemType.TEXT:
        return "نص تجريبي"
    if item.type is ItemType.DATE:
        return "2016-05-01"
    if item.type is ItemType.INTEGER:
        return rng.randint(item.minimum or 0, item.maximum or 99)
    if item.type is ItemType.CONSENT:
        return 1
    return rng.randint(item.scale.min, item.scale.max)


def _payload(study, n: int, device: DeviceKey, rng: random.Random) -> dict:
    timepoint = "baseline" if n % 4 else "followup-12m"
    arm = rng.choice(("intervention", "control"))
    steps = study.library.steps(timepoint, arm)
    answers, forms = [], []
    for form in steps[1:]:
        forms.append(
            {"form_id": form.id, "version": form.version, "content_hash": form.content_hash}
        )
        for item in form.answerable_items:
            roll = rng.random()
            status = "declined" if roll < 0.02 else "answered"
            if roll < 0.04 and status == "answered":
                continue
            answers.append(
                {
                    "form_id": form.id,
                    "item_id": item.id,
                    "value": None if status == "declined" else _value(item, rng),
                    "status": status,
                    "answered_at": "2025-03-04T18:10:00.000Z",
                    "form_version": form.version,
                    "form_hash": form.content_hash,
                }
            )
    consent = steps[0]
    forms.append(
        {"form_id": consent.id, "version": consent.version, "content_hash": consent.content_hash}
    )
    return {
        "format": "survey-app/submission/v1",
        "submission_id": f"bench-{n:06d}",
        "study_id": study.study_id,
        "device_id": device.device_id,
        "meeting": {"id": "m", "date": "2025-03-04", "place": "x", "staff": "AB"},
        "session": {
            "id": f"s{n}",
            "participant_code": f"P{n:05d}",
            "timepoint": timepoint,
            "arm": arm,
            "language": rng.choice(("ar", "nb", "en")),
            "interpreter_language": None,
            "interpreter_assisted": False,
            "source": "screen",
            "status": "completed",
            "started_at": "2025-03-04T18:00:00.000Z",
            "completed_at": "2025-03-04T18:40:00.000Z",
            "duplicate_flag": False,
        },
        "consent": {
            "form_id": consent.id,
            "form_version": consent.version,
            "form_hash": consent.content_hash,
            "decisions": {i.id: 1 for i in consent.answerable_items},
            "at": "2025-03-04T18:05:00Z",
        },
        "forms": sorted(forms, key=lambda f: f["form_id"]),
        "answers": sorted(answers, key=lambda a: (a["form_id"], a["item_id"])),
        "audit": [],
    }


def main(n: int) -> None:
    study = load_study(demo_study_dir())
    keys = generate_study_keypair()
    device = DeviceKey.generate()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        envelopes = [
            seal(
                _payload(study, i, device, rng),
                submission_id=f"bench-{i:06d}",
                study_id=study.study_id,
                device_id=device.device_id,
                device_key=device,
                recipient=keys.public,
            )
            for i in range(n)
        ]
        paths = []
        for start in range(0, n, PER_BUNDLE):
            path = root / "usb" / f"b{start:06d}.surveybundle"
            path.parent.mkdir(exist_ok=True)
            write_bundle(
                path,
                envelopes[start : start + PER_BUNDLE],
                device,
                device.device_id,
                study.study_id,
            )
            paths.append(path)
        prepare = time.perf_counter() - t0

        t0 = time.perf_counter()
        for path in paths:
            for envelope in read_bundle(path).envelopes:
                open_envelope(envelope, keys.identity)
        decrypt_only = time.perf_counter() - t0

        settings = ImportSettings(
            out_dir=root / "out",
            library=study.library,
            study_id=study.study_id,
            pcl_cutoff=study.pcl_cutoff,
        )
        t0 = time.perf_counter()
        report = run_import([root / "usb"], keys.identity, settings)
        full = time.perf_counter() - t0

        t0 = time.perf_counter()
        again = run_import([root / "usb"], keys.identity, settings)
        rerun = time.perf_counter() - t0

    assert report.new_count == n and not report.rejections, report.to_text()
    assert again.new_count == 0 and again.duplicates == n
    print(f"submissions: {n} in {len(paths)} bundles (sealing + writing them took {prepare:.1f} s)")
    print(
        f"reference: read bundles + verify + decrypt only   {decrypt_only:7.2f} s"
        f"  ({n / decrypt_only:7.0f} /s)"
    )
    print(
        f"full import: verify, decrypt, validate, dedupe,  {full:7.2f} s"
        f"  ({n / full:7.0f} /s)  = {full / decrypt_only:.1f} x reference"
    )
    print("             record, write CSV + SAV + DTA")
    print(
        f"second run (all duplicates, outputs unchanged)   {rerun:7.2f} s"
        f"  = {rerun / decrypt_only:.1f} x reference"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
