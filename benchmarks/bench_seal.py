"""Seal + open of typical submissions (~150 answers) against canonical_json + sha256 alone.

Run: .venv/bin/python benchmarks/bench_seal.py [N]
"""

from __future__ import annotations

import hashlib
import random
import statistics
import sys
import time
from collections.abc import Callable

from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import open_envelope, seal, verify_envelope
from survey_app.sealing.study_keys import generate_study_keypair

FORMS = (("hscl25", "hscl", 25, 1, 4), ("pcl5", "pcl", 20, 0, 4), ("via", "via", 20, 1, 9))


def typical_payload(n: int, rng: random.Random) -> dict:
    """A synthetic baseline submission: ~150 answers, one Arabic free text, consent, audit."""
    answers = []
    for form_id, prefix, count, low, high in FORMS:
        for i in range(1, count + 1):
            answers.append((form_id, f"{prefix}_{i:02d}", rng.randint(low, high)))
    answers += [("cantril", f"cantril_{k}", rng.randint(1, 10)) for k in ("past", "now", "future")]
    answers += [("eqvas", "eqvas", rng.randint(0, 100))]
    answers += [("background", f"bg_{k:02d}", rng.randint(1, 6)) for k in range(1, 82)]
    rows = [
        {
            "form_id": form_id,
            "item_id": item_id,
            "value": value,
            "status": "answered",
            "answered_at": f"2025-03-04T18:{k % 60:02d}:00Z",
            "form_version": "1.0.0",
            "form_hash": hashlib.sha256(form_id.encode()).hexdigest(),
        }
        for k, (form_id, item_id, value) in enumerate(answers)
    ]
    rows.append({**rows[-1], "item_id": "proc_comment", "value": "كان المختص بالعمل مفيدًا جدًا"})
    return {
        "format": "survey-app/submission/v1",
        "submission_id": f"sub-{n:05d}",
        "study_id": "bench",
        "device_id": "bench-device",
        "meeting": {"id": "m1", "date": "2025-03-04", "place": "Bergen", "staff": "RA1"},
        "session": {"id": f"s{n}", "participant_code": f"P{n:04d}", "timepoint": "baseline"},
        "consent": {"form_id": "consent", "decisions": {"consent_participate": 1}},
        "forms": [{"form_id": f[0], "version": "1.0.0"} for f in FORMS],
        "answers": rows,
        "audit": [{"at": "2025-03-04T18:00:00Z", "actor": "RA1", "action": "start"}],
    }


def per_item(fn: Callable[[int], object], n: int) -> float:
    """Median seconds per call over n calls."""
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(n: int) -> None:
    """Print per-item times of sealing, verifying and opening beside the plain reference."""
    rng = random.Random(7)
    payloads = [typical_payload(i, rng) for i in range(n)]
    keys = generate_study_keypair()
    device = DeviceKey.generate()
    answers = len(payloads[0]["answers"])
    size = len(canonical_json(payloads[0]))

    def do_seal(i: int) -> dict:
        return seal(
            payloads[i],
            submission_id=payloads[i]["submission_id"],
            study_id="bench",
            device_id=device.device_id,
            device_key=device,
            recipient=keys.public,
        )

    envelopes = [do_seal(i) for i in range(n)]
    reference = per_item(lambda i: hashlib.sha256(canonical_json(payloads[i])).hexdigest(), n)
    sealing = per_item(do_seal, n)
    verifying = per_item(lambda i: verify_envelope(envelopes[i]), n)
    opening = per_item(lambda i: open_envelope(envelopes[i], keys.identity), n)
    envelope_size = len(canonical_json(envelopes[0]))

    print(f"{n} payloads, {answers} answers each, {size} bytes canonical, envelope {envelope_size}")
    print(f"{'operation':<32}{'ms/item':>10}{'x reference':>14}")
    for label, seconds in (
        ("canonical_json + sha256 (ref)", reference),
        ("seal", sealing),
        ("verify_envelope (no key)", verifying),
        ("open_envelope", opening),
        ("seal + open", sealing + opening),
    ):
        print(f"{label:<32}{seconds * 1000:>10.3f}{seconds / reference:>14.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
