"""Import of N simulated submissions end to end, beside the pure crypto floor, same run.

    .venv/bin/python benchmarks/bench_import.py [N] [--rounds 3]      (default N = 2000)

Envelopes are sealed directly with survey_app.sealing (faster than driving the device store),
written as one bundle per 500 submissions, then imported with the DEMO study's forms: verify,
decrypt, validate, de-duplicate, record, write CSV + SAV + DTA. References, measured in turns
with the imports: the pure crypto floor (age decryption and the two Ed25519 verifications of
every envelope, everything else prepared beforehand, one core) and reading + opening the
bundles alone (one core). The import runs once with one worker and once with every core,
and once more with every core in a fresh process, as `survey-app import` runs it (nothing of an
earlier import loaded or left on its heap). Only run_import is timed in that process (not
Python's start or loading the study).
Envelopes are sealed as the laptops seal them now (format v2); `--seal-version 1` seals the
older format, which the import still opens (its floor then signs the larger v1 bytes).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyrage

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from survey_app.bundle import read_bundle, write_bundle
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.parallel import available_cores
from survey_app.sealing.canonical import canonical_json
from survey_app.sealing.device_keys import DeviceKey, b64decode, public_key_from_b64
from survey_app.sealing.envelope import ENVELOPE_FORMAT_V2, open_envelope, seal, signed_header
from survey_app.sealing.study_keys import generate_study_keypair, parse_identity
from survey_app.study import demo_study_dir, load_study
from tests.importer.demo_tables import simulated_payload

PER_BUNDLE = 500


def _sealed(study, n: int, root: Path, version: int = 2) -> tuple[str, list[Path], float]:
    """n envelopes in bundles of PER_BUNDLE under root/usb; (study identity, paths, seconds)."""
    keys = generate_study_keypair()
    device = DeviceKey.generate()
    rng = random.Random(1)
    began = time.perf_counter()
    envelopes = [
        seal(
            # The benchmark's own mix, kept as it was measured since 2026-12-04.
            simulated_payload(
                study,
                i,
                rng,
                device_id=device.device_id,
                id_prefix="bench",
                declined=0.02,
                left_out=0.04,
                texts=("نص تجريبي",),
            ),
            submission_id=f"bench-{i:06d}",
            study_id=study.study_id,
            device_id=device.device_id,
            device_key=device,
            recipient=keys.public,
            version=version,
        )
        for i in range(n)
    ]
    paths = []
    for start in range(0, n, PER_BUNDLE):
        path = root / "usb" / f"b{start:06d}.surveybundle"
        path.parent.mkdir(exist_ok=True)
        write_bundle(
            path, envelopes[start : start + PER_BUNDLE], device, device.device_id, study.study_id
        )
        paths.append(path)
    return keys.identity, paths, time.perf_counter() - began


def crypto_floor(paths: list[Path], identity: str) -> tuple[float, float]:
    """Seconds (wall, CPU) of age decryption and both Ed25519 verifications alone, one core.

    Everything else (reading, base64, canonical JSON of header and payload) is prepared
    before the clock starts: this is what no import can avoid. The signed bytes are those of
    the envelope's format (v2: a short header and the sealed bytes as stored).
    """
    secret = parse_identity(identity)
    work = []
    for path in paths:
        for envelope in read_bundle(path).envelopes:
            ciphertext = b64decode(envelope["ciphertext"])
            header = signed_header(envelope)
            plaintext = pyrage.decrypt(ciphertext, [secret])
            if envelope["format"] == ENVELOPE_FORMAT_V2:
                signature, signed = b64decode(plaintext[:88].decode()), plaintext[89:]
            else:
                inner = json.loads(plaintext)
                signature, signed = b64decode(inner.pop("signature")), canonical_json(inner)
            key = public_key_from_b64(envelope["device_public_key"])
            header_signature = b64decode(envelope["signature"])
            work.append((ciphertext, key, header_signature, header, signature, signed))
    began, cpu = time.perf_counter(), _cpu()
    for ciphertext, key, header_signature, header, inner_signature, inner in work:
        pyrage.decrypt(ciphertext, [secret])
        key.verify(header_signature, header)
        key.verify(inner_signature, inner)
    return time.perf_counter() - began, _cpu() - cpu


def open_only(paths: list[Path], identity: str) -> float:
    """Seconds to read the bundles and open (verify + decrypt) every envelope, one core."""
    secret = parse_identity(identity)
    began = time.perf_counter()
    for path in paths:
        for envelope in read_bundle(path).envelopes:
            open_envelope(envelope, secret)
    return time.perf_counter() - began


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the import's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def fresh_import(root: Path, identity: str, out: str) -> tuple[float, float]:
    """Seconds (wall, CPU) of run_import with every core in a new Python process."""
    done = subprocess.run(
        [sys.executable, __file__, "--fresh", str(root), out],
        input=identity,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    return figures["wall"], figures["cpu"]


def _fresh_child(root: Path, out: str) -> None:
    # Runs in the new process: the study is loaded before the clock starts, as the command
    # line loads it before importing.
    identity = sys.stdin.read()
    study = load_study(demo_study_dir())
    settings = ImportSettings(
        out_dir=root / out,
        library=study.library,
        study_id=study.study_id,
        pcl_cutoff=study.pcl_cutoff,
        workers=0,
    )
    began, cpu = time.perf_counter(), _cpu()
    report = run_import([root / "usb"], identity, settings)
    wall, cpu = time.perf_counter() - began, _cpu() - cpu
    if report.new_count == 0 or report.rejections:
        raise SystemExit(report.to_text())
    print(json.dumps({"wall": wall, "cpu": cpu}))


def measure(n: int, rounds: int = 3, version: int = 2) -> dict:
    """Medians over rounds, measured in turns: floor, opening alone, import on 1 and all cores."""
    study = load_study(demo_study_dir())
    times: dict[str, list[float]] = {
        key: []
        for name in ("floor", "open", "one_core", "all_cores", "fresh", "again")
        for key in (name, name + "_cpu")
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        identity, paths, sealing = _sealed(study, n, root, version)

        def settings(out: str, workers: int) -> ImportSettings:
            return ImportSettings(
                out_dir=root / out,
                library=study.library,
                study_id=study.study_id,
                pcl_cutoff=study.pcl_cutoff,
                workers=workers,
            )

        for round_no in range(rounds):
            wall, cpu = crypto_floor(paths, identity)
            times["floor"].append(wall)
            times["floor_cpu"].append(cpu)
            cpu = _cpu()
            times["open"].append(open_only(paths, identity))
            times["open_cpu"].append(_cpu() - cpu)
            for key, workers in (("one_core", 1), ("all_cores", 0)):
                out = f"out-{key}-{round_no}"
                began, cpu = time.perf_counter(), _cpu()
                report = run_import([root / "usb"], identity, settings(out, workers))
                times[key].append(time.perf_counter() - began)
                times[key + "_cpu"].append(_cpu() - cpu)
                if report.new_count != n or report.rejections:
                    raise SystemExit(report.to_text())
            wall, cpu = fresh_import(root, identity, f"out-fresh-{round_no}")
            times["fresh"].append(wall)
            times["fresh_cpu"].append(cpu)
            shutil.rmtree(root / f"out-fresh-{round_no}")
            began, cpu = time.perf_counter(), _cpu()
            again = run_import([root / "usb"], identity, settings(f"out-all_cores-{round_no}", 0))
            times["again"].append(time.perf_counter() - began)
            times["again_cpu"].append(_cpu() - cpu)
            if again.new_count != 0 or again.duplicates != n:
                raise SystemExit(again.to_text())
            shutil.rmtree(root / f"out-one_core-{round_no}")
            shutil.rmtree(root / f"out-all_cores-{round_no}")
    medians = {key: statistics.median(values) for key, values in times.items()}
    return {
        "n": n,
        "bundles": len(paths),
        "sealing": sealing,
        "rounds": rounds,
        "version": version,
        **medians,
    }


def report_lines(r: dict) -> list[str]:
    """The figures as printed lines (also used by run_all.py)."""
    n, floor, floor_cpu = r["n"], r["floor"], r["floor_cpu"]

    def line(label: str, key: str) -> str:
        wall, cpu = r[key], r[key + "_cpu"]
        return (
            f"{label:<44}{wall:7.2f} s {n / wall:6.0f} /s = {wall / floor:4.1f} x floor"
            f"   CPU {cpu:6.2f} s = {cpu / floor_cpu:4.1f} x"
        )

    return [
        f"import of {n} submissions (sealed v{r.get('version', 2)}) in {r['bundles']} bundles,"
        f" medians of {r['rounds']} rounds"
        f" ({available_cores()} cores; CPU = this process and its workers)",
        line("reference: pure crypto floor (age + Ed25519)", "floor"),
        line("reference: read + verify + decrypt, one core", "open"),
        line("full import, one worker (sequential)", "one_core"),
        line("full import, every core (default)", "all_cores"),
        line("every core, in a fresh process (as the CLI)", "fresh"),
        line("second run (all duplicates)", "again"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000, help="submissions")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seal-version", type=int, choices=(1, 2), default=2)
    parser.add_argument("--fresh", nargs=2, metavar=("ROOT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fresh:
        _fresh_child(Path(args.fresh[0]), args.fresh[1])
        return 0
    for text in report_lines(measure(args.n, args.rounds, args.seal_version)):
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
