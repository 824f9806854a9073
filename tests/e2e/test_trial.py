"""Issue 12's proof: a simulated trial of 120 participants, 4 meetings, 3 laptops, 2 strata.

Real parts throughout: three SQLCipher device stores and three linking registers filled
through the same calls as the app, allocation lists sealed to each laptop's list key, USB
bundles and register snapshots, `python main.py import` with the DEMO study key and the seed
record, `register import` with the DEMO register key. The study is the DEMO study with its
ratio changing from 2:1 to 1:1 on a date, after the second of the four weekly meetings.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyreadstat
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from survey_app.answers.codes import make_code
from survey_app.bundle.from_store import export_store
from survey_app.cli.main import main
from survey_app.importer.record import PAGE_SIZE, record_key
from survey_app.register.central import _KEY_INFO as CENTRAL_KEY_INFO
from survey_app.register.central import CentralRegister
from survey_app.register.snapshot_file import export_register, read_snapshot
from survey_app.register.store import RegisterStore
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.runner import SimClock
from survey_app.simulate.trial_run import Laptop, simulate_trial
from survey_app.store import DeviceStore
from survey_app.store.paths import header_path
from survey_app.store.unlock import derive_key, read_header
from survey_app.study import load_study
from survey_app.study.demo import demo_private_key_path, demo_register_key_path, demo_study_dir
from survey_app.trial.errors import TrialError
from survey_app.trial.lists import SEED_BYTES
from survey_app.trial.sealed_lists import open_seed_record, write_list_set
from tests.kdf import FAST_KDF

pytestmark = pytest.mark.slow  # ~1-2 min: 120 sessions of ~70 answers, one import

STORE_PASSPHRASE = "staff passphrase 1"
REGISTER_PASSPHRASE = "register passphrase 1"
LAPTOPS = ("laptop-1", "laptop-2", "laptop-3")
ARMS = (b"intervention", b"control")


@dataclass
class Trial:
    root: Path
    study: object
    sim: object
    data_dirs: dict[str, Path]
    before_baseline: dict[str, object]
    seed_file: Path
    out: Path
    central: Path
    allocations: dict[str, str]  # code -> arm, as the laptops revealed it
    list_hashes: set[str]
    collection_code: str
    erase_code: str
    refused_session_started: bool
    report: dict


def _pages(path: Path, key: bytes, size: int = 4096) -> bytes:
    """Every page of a SQLCipher 4 file decrypted (free pages and deleted cells included)."""
    data, reserve = path.read_bytes(), 80
    plain = bytearray()
    for start in range(0, len(data) - size + 1, size):
        page = data[start : start + size]
        iv = page[size - reserve : size - reserve + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        plain += decryptor.update(page[16 if start == 0 else 0 : size - reserve])
    return bytes(plain)


def _store_key(path: Path, passphrase: str) -> bytes:
    header = read_header(header_path(path))
    return derive_key(passphrase, header.salt, header.params)


@pytest.fixture(scope="module")
def trial(tmp_path_factory) -> Trial:
    root = tmp_path_factory.mktemp("trial")
    study = load_study(_dated_study(root / "study"))
    study_key = read_private_key(demo_private_key_path(), "demo")
    laptops, data_dirs = [], {}
    clock = SimClock()
    for label in LAPTOPS:
        data = root / label
        data_dirs[label] = data
        store = DeviceStore.create(data / "device-store.db", STORE_PASSPHRASE, kdf=FAST_KDF,
                                   clock=clock)  # fmt: skip
        register = RegisterStore.create(data / "linking-register.db", REGISTER_PASSPHRASE,
                                        kdf=FAST_KDF, clock=clock)  # fmt: skip
        laptops.append(Laptop(label, store, register))
    written = write_list_set(
        study.config.trial.randomisation,
        [(lap.label, lap.store.list_recipient()) for lap in laptops],
        study_id=study.study_id,
        keyholders=[study.public_key, study.config.register_public_key],
        out_dir=root / "lists",
        # Fixed, so the balance the tests read is the same on every run: with a fresh seed each
        # laptop's part-used blocks tied the arms of a stratum now and then (8 against 8).
        seed=bytes(range(SEED_BYTES)),
    )
    for lap, path in zip(laptops, written.list_files, strict=True):
        lap.store.load_allocation_list(path.read_bytes(), study, actor="AB")
    before = _before_baseline(laptops, data_dirs, study)
    sim = simulate_trial(laptops, study, participants=120, meetings=4, seed=12,
                         clock=clock)  # fmt: skip
    allocations = {a.participant_code: a.arm for lap in laptops for a in lap.store.allocations()}
    # Two withdrawals of different scope, told to staff at the last meeting.
    collection_code, erase_code = sorted(allocations)[3], sorted(allocations)[7]
    first, second = laptops[0], laptops[1]
    for lap, code, scopes in ((first, collection_code, ["collection"]),
                              (second, erase_code, ["erase"])):  # fmt: skip
        lap.register.record_withdrawal(code, scopes, "2025-02-04", actor="AB")
        lap.store.record_withdrawal(code, scopes, "2025-02-04", study, actor="AB")
    # A year on, another laptop (that never heard of the withdrawal) starts a follow-up.
    clock.now = clock.now.replace(year=2026, month=1, day=20)
    refused = _late_followup(laptops[2], study, collection_code)
    usb = root / "usb"
    usb.mkdir()
    list_hashes = set()
    for lap in laptops:
        export_store(lap.store, usb)
        export_register(lap.register, study.study_id, study.config.register_public_key, usb)
        list_hashes |= {r[0] for r in lap.store.conn.execute(
            "SELECT list_sha256 FROM allocation_lists")}  # fmt: skip
        lap.store.close()
        lap.register.close()
    out = root / "data"
    env = {"SURVEY_KEY_PASSPHRASE": "demo"}
    code = _cli(["import", str(usb), "--key", str(demo_private_key_path()), "--out", str(out),
                 "--study", str(root / "study"), "--allocation-seed",
                 str(written.seed_file)], env)  # fmt: skip
    assert code == 0, (out / "import-report.txt").read_text()
    central = root / "central"
    register_key = read_private_key(demo_register_key_path(), "demo")
    with CentralRegister.open(central, register_key) as opened:
        for path in sorted(usb.glob("*.surveyregister")):
            opened.import_snapshot(read_snapshot(path, register_key), study_id="demo",
                                   at="2025-02-05T10:00:00Z")  # fmt: skip
    assert study_key
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    return Trial(root, study, sim, data_dirs, before, written.seed_file, out, central,
                 allocations, list_hashes, collection_code, erase_code, refused,
                 report)  # fmt: skip


def _dated_study(folder: Path) -> Path:
    """The DEMO study, its ratio changing on 2025-01-25 (meetings on 14, 21, 28 Jan, 4 Feb)."""
    text = (demo_study_dir() / "study.yaml").read_text(encoding="utf-8")
    forms = (demo_study_dir() / "../../forms").resolve()
    text = text.replace('forms_dir: "../../forms"', f'forms_dir: "{forms}"')
    text = text.replace("until: {count: 30}", 'until: {date: "2025-01-25"}')
    folder.mkdir()
    (folder / "study.yaml").write_text(text, encoding="utf-8")
    return folder


def _before_baseline(laptops, data_dirs, study) -> dict[str, object]:
    """What can be seen before any baseline is sealed: files, and a reveal attempt."""
    found = {}
    for lap in laptops:
        files = [p for p in data_dirs[lap.label].rglob("*") if p.is_file()]
        found[lap.label] = any(arm in p.read_bytes() for p in files for arm in ARMS)
    lap = laptops[0]
    meeting = lap.store.create_meeting("2025-01-13", "Skolen", "AB")
    session = lap.store.start_session(meeting.id, make_code(999), "baseline", "nb", actor="AB")
    try:
        lap.store.reveal_allocation(session.id, study, actor="AB")
        found["reveal"] = "revealed"
    except TrialError as exc:
        found["reveal"] = str(exc)
    lap.store.decline_session(session.id, study, actor="AB")
    return found


def _late_followup(lap: Laptop, study, code: str) -> bool:
    meeting = lap.store.create_meeting("2026-01-20", "Skolen", "AB")
    session = lap.store.start_session(meeting.id, code, "followup-12m", "ar", actor="AB")
    consent = study.library.steps("followup-12m", "control")[0]
    lap.store.record_consent(session.id, consent, {i.id: 1 for i in consent.answerable_items},
                             actor="AB")  # fmt: skip
    lap.store.complete_session(session.id, study, actor="AB")
    return True


def _cli(argv: list[str], env: dict[str, str]) -> int:
    import os

    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return main(argv)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_nothing_is_readable_or_revealable_before_a_baseline_is_sealed(trial: Trial) -> None:
    assert [trial.before_baseline[label] for label in LAPTOPS] == [False, False, False]
    assert "completed and sealed" in str(trial.before_baseline["reveal"])


def test_every_consenting_participant_is_randomised_exactly_once(trial: Trial) -> None:
    sim = trial.sim
    assert sim.registered == 120
    assert sim.randomised == 120 - sim.declined == len(trial.allocations)
    assert trial.report["trial"]["sequence"]["allocations"] == sim.randomised


def test_no_slot_is_used_twice_and_every_arm_follows_from_the_lists(trial: Trial) -> None:
    sequence = trial.report["trial"]["sequence"]
    assert sequence["problems"] == []
    assert sequence["notes"] == []
    assert len(sequence["verified_against_lists"]) == 1


def test_balance_within_each_stratum_and_period_and_the_ratio_changes(trial: Trial) -> None:
    balance = {(b["stratum"], b["period"]): b for b in trial.report["trial"]["sequence"]["balance"]}
    assert set(balance) == {("men", 1), ("men", 2), ("women", 1), ("women", 2)}
    for b in balance.values():
        total = sum(b["counts"].values())
        weights = sum(b["ratio"].values())
        for arm, weight in b["ratio"].items():
            assert abs(b["counts"][arm] - total * weight / weights) <= b["allowed_deviation"]
    for stratum in ("men", "women"):
        assert balance[(stratum, 1)]["ratio"] == {"intervention": 2, "control": 1}
        assert balance[(stratum, 2)]["ratio"] == {"intervention": 1, "control": 1}
        first = balance[(stratum, 1)]["counts"]
        assert first["intervention"] > first["control"]  # 2:1 before the change


def test_the_lists_are_rebuilt_from_the_sealed_seed_by_either_keyholder(trial: Trial) -> None:
    for key_path in (demo_private_key_path(), demo_register_key_path()):
        record = open_seed_record(trial.seed_file.read_bytes(), read_private_key(key_path, "demo"))
        assert {lst.sha256 for lst in record.rebuild().lists} == trial.list_hashes


def test_the_arm_reaches_csv_sav_dta_and_the_codebook(trial: Trial) -> None:
    rows = _rows(trial.out / "baseline.csv")
    arms = {r["participant_code"]: r["arm"] for r in rows if r["status"] == "completed"}
    expected = {c: a for c, a in trial.allocations.items() if c != trial.erase_code}
    assert arms == expected
    for suffix, reader in ((".sav", pyreadstat.read_sav), (".dta", pyreadstat.read_dta)):
        frame, _ = reader(str(trial.out / f"baseline{suffix}"))
        completed = frame[frame["status"] == "completed"]
        assert dict(zip(completed["participant_code"], completed["arm"], strict=True)) == expected
    codebook = json.loads((trial.out / "codebook.json").read_text(encoding="utf-8"))
    names = {v["name"] for v in codebook["variables"]}
    assert {"arm", "arm_stratum", "arm_period", "arm_emergency"} <= names


def test_a_withdrawal_from_collection_refuses_a_later_follow_up(trial: Trial) -> None:
    assert trial.refused_session_started
    # Refused when the withdrawal was in first, kept out of the data sets when it came after
    # (bundles are taken in file-name order, which follows the laptops' random ids).
    refused = trial.report["trial"]["notices"]["refused_withdrawn"]
    assert refused + trial.report["trial"].get("held_back_withdrawn", 0) == 1
    followups = _rows(trial.out / "followup-12m.csv") if (
        trial.out / "followup-12m.csv").exists() else []  # fmt: skip
    assert trial.collection_code not in {r["participant_code"] for r in followups}
    assert trial.collection_code in {
        r["participant_code"] for r in _rows(trial.out / "baseline.csv")
    }


def test_a_withdrawal_with_erasure_is_applied_to_answers_and_register(trial: Trial) -> None:
    assert trial.erase_code not in {
        r["participant_code"] for r in _rows(trial.out / "baseline.csv")
    }
    register_key = read_private_key(demo_register_key_path(), "demo")
    with CentralRegister.open(trial.central, register_key) as central:
        assert central.person(trial.erase_code) is None and central.erased(trial.erase_code)
        assert central.person(trial.collection_code) is not None
        assert central.collection_stopped(trial.collection_code)


def test_no_name_or_phone_in_any_file_the_answers_side_writes(trial: Trial) -> None:
    markers = [n.encode() for n in set(trial.sim.names.values())]
    markers += [p.encode() for p in trial.sim.phones.values()]
    blobs: list[tuple[str, bytes]] = []
    for label, data in trial.data_dirs.items():
        store = data / "device-store.db"
        blobs.append((f"{label} store", _pages(store, _store_key(store, STORE_PASSPHRASE))))
        blobs += [(p.name, p.read_bytes()) for p in data.rglob("*") if p.is_file()
                  and "linking-register" not in p.name]  # fmt: skip
    identity = read_private_key(demo_private_key_path(), "demo")
    record = _pages(trial.out / "import-record.db", record_key(identity), PAGE_SIZE)
    assert b"CREATE TABLE submissions" in record  # decrypted, so a name in it would show
    blobs.append(("import record", record))
    blobs += [(p.name, p.read_bytes()) for p in trial.out.iterdir() if p.is_file()]
    blobs += [(p.name, p.read_bytes()) for p in (trial.root / "usb").glob("*.surveybundle")]
    leaks = [(name, m) for name, blob in blobs for m in markers if m in blob]
    assert leaks == []


def test_no_answer_in_the_register_side(trial: Trial) -> None:
    markers = [t.encode() for t in trial.sim.free_texts.values()] + [b"svar-"]
    assert markers
    blobs: list[tuple[str, bytes]] = []
    for label, data in trial.data_dirs.items():
        path = data / "linking-register.db"
        blobs.append((label, _pages(path, _store_key(path, REGISTER_PASSPHRASE))))
    register_key = read_private_key(demo_register_key_path(), "demo")
    central = trial.central / "central-register.db"
    blobs.append(("central", _pages(central, record_key(register_key, CENTRAL_KEY_INFO))))
    for path in (trial.root / "usb").glob("*.surveyregister"):
        payload = read_snapshot(path, register_key).payload
        blobs.append((path.name, json.dumps(payload, ensure_ascii=False).encode()))
    leaks = [(name, m) for name, blob in blobs for m in markers if m in blob]
    assert leaks == []
    # ...while the answers side does hold them: the scan would find them.
    answers = (trial.out / "baseline-free-text.csv").read_bytes()
    assert (
        sum(m in answers for m in markers[:-1])
        == Counter(c != trial.erase_code for c in trial.sim.free_texts)[True]
    )
