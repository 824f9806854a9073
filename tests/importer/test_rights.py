"""Participants' rights on a real import: simulated laptop store -> bundle -> import, then
`participant find|export|erase` through the command line, re-imports of the same bundle, and
the encrypted record read back with the study key."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pyreadstat
import pytest
import sqlcipher3
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from survey_app.bundle.from_store import export_store
from survey_app.cli.main import entry, main
from survey_app.importer import ImportSettings, run_import
from survey_app.importer.record import PAGE_SIZE, RECORD_NAME, ImportRecord, record_key
from survey_app.importer.rights import erase_participant, find_participant
from survey_app.importer.rights_export import CSV_NAME, JSON_NAME, TEXT_NAME
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir, load_study
from tests.kdf import FAST_KDF

STORE_PASSPHRASE = "correct horse battery"
DATA_FILES = ("baseline.csv", "followup-12m.csv", "baseline-free-text.csv")


@pytest.fixture(scope="module")
def study():
    return load_study(demo_study_dir())


@pytest.fixture(scope="module")
def identity() -> str:
    return read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, study) -> Path:
    root = tmp_path_factory.mktemp("laptop")
    with DeviceStore.create(root / "data" / "device-store.db", STORE_PASSPHRASE, kdf=FAST_KDF) as s:
        simulate(s, study, 8, seed=11, clock=SimClock())
        info = export_store(s, root)
    assert info is not None
    return info.path


@pytest.fixture(scope="module")
def imported_once(tmp_path_factory, bundle, study, identity) -> Path:
    out = tmp_path_factory.mktemp("import") / "out"
    report = run_import([bundle], identity, _settings(out, study))
    assert report.rejections == [] and report.conflicts == []
    return out


@pytest.fixture
def out(tmp_path, imported_once) -> Path:
    """A fresh copy of the imported output folder for each test (tests erase things)."""
    copy = tmp_path / "out"
    shutil.copytree(imported_once, copy)
    return copy


@pytest.fixture
def codes(imported_once, identity) -> Counter[str]:
    with ImportRecord.open(imported_once, identity) as record:
        return Counter(p["session"]["participant_code"] for p in record.payloads())


@pytest.fixture
def code(codes) -> str:
    """A participant with a baseline and a follow-up submission."""
    return next(c for c, n in sorted(codes.items()) if n == 2)


@pytest.fixture(autouse=True)
def key_passphrase(monkeypatch):
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)


def _settings(out: Path, study) -> ImportSettings:
    return ImportSettings(
        out_dir=out, library=study.library, study_id=study.study_id, pcl_cutoff=study.pcl_cutoff
    )


def _cli(action: str, code: str, out: Path, *extra: str) -> int:
    args = ["participant", action, code, "--out", str(out), "--key", str(demo_private_key_path())]
    return main([*args, "--study", str(demo_study_dir()), *extra])


def _payloads_of(out: Path, identity: str, code: str) -> list[dict]:
    with ImportRecord.open(out, identity) as record:
        return [p for p, _ in record.payloads_of(code)]


def _record_dump(out: Path, identity: str) -> str:
    conn = sqlcipher3.connect(str(out / RECORD_NAME))
    conn.execute(f"PRAGMA key = \"x'{record_key(identity).hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"')
        )
    finally:
        conn.close()


def _decrypted_pages(path: Path, identity: str) -> bytes:
    """Every page of the database file decrypted as SQLCipher 4 stores it (raw key, AES-256-CBC,
    pages of PAGE_SIZE ending in an 80-byte reserve that starts with the page's IV; page 1 begins
    with a 16-byte salt): free pages and deleted cells included, which SQL cannot show."""
    data, key, size, reserve = path.read_bytes(), record_key(identity), PAGE_SIZE, 80
    plain = bytearray()
    for start in range(0, len(data) - size + 1, size):
        page = data[start : start + size]
        iv = page[size - reserve : size - reserve + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        body = page[16 if start == 0 else 0 : size - reserve]
        plain += decryptor.update(body) + decryptor.finalize()
    return bytes(plain)


def _csv_codes(path: Path) -> set[str]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return {row["participant_code"] for row in rows}


def test_find_lists_every_submission_of_the_code_without_the_code_or_answers(
    out, identity, code, capsys
):
    held = _payloads_of(out, identity, code)

    assert _cli("find", code, out) == 0

    printed = capsys.readouterr().out
    assert "2 submission(s)" in printed
    assert all(p["submission_id"] in printed for p in held)
    assert {"baseline", "followup-12m"} <= set(printed.split())
    assert code not in printed


def test_find_accepts_the_code_typed_in_lower_case_without_dashes(out, code, capsys):
    assert _cli("find", code.replace("-", "").lower(), out) == 0

    assert "2 submission(s)" in capsys.readouterr().out


def test_export_writes_neutrally_named_json_text_and_csv_with_every_submission(
    out, identity, code, tmp_path
):
    target = tmp_path / "request-2025-07"

    assert _cli("export", code, out, "--to", str(target)) == 0

    assert sorted(p.name for p in target.iterdir()) == sorted([JSON_NAME, TEXT_NAME, CSV_NAME])
    doc = json.loads((target / JSON_NAME).read_text(encoding="utf-8"))
    held = {p["submission_id"]: p for p in _payloads_of(out, identity, code)}
    assert {s["submission_id"] for s in doc["submissions"]} == set(held)
    for sub in doc["submissions"]:
        payload = held[sub["submission_id"]]
        assert [a["value"] for a in sub["answers"]] == [a["value"] for a in payload["answers"]]
        assert {d["item_id"]: d["decision"] for d in sub["consent"]["decisions"]} == (
            payload["consent"]["decisions"]
        )
        assert sub["forms"] and all(f["version"] for f in sub["forms"])
        assert "hscl_total" in sub["scores"]


def test_export_gives_item_texts_in_the_participants_language_and_english(
    out, identity, code, tmp_path
):
    target = tmp_path / "copy"
    _cli("export", code, out, "--to", str(target))

    doc = json.loads((target / JSON_NAME).read_text(encoding="utf-8"))
    for sub in doc["submissions"]:
        language = sub["session"]["language"]
        answered = [a for a in sub["answers"] if a["status"] == "answered"]
        assert answered
        assert all(set(a["text"]) == {language, "en"} for a in answered)
    text = (target / TEXT_NAME).read_text(encoding="utf-8")
    assert code in text and "Answers:" in text
    rows = list(csv.DictReader(io.StringIO((target / CSV_NAME).read_text(encoding="utf-8-sig"))))
    assert len(rows) == sum(
        len(s["answers"]) + len(s["consent"]["decisions"]) for s in doc["submissions"]
    )


def test_export_refuses_a_folder_that_already_holds_files(out, code, tmp_path, capsys):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "other.txt").write_text("keep me")

    assert _cli("export", code, out, "--to", str(target)) == 1

    assert (target / "other.txt").read_text() == "keep me"
    assert "not an empty folder" in capsys.readouterr().err


def test_erase_removes_the_code_from_the_record_and_every_data_file(out, identity, code):
    others = _csv_codes(out / "baseline.csv") - {code}

    assert _cli("erase", code, out, "--yes") == 0

    assert _payloads_of(out, identity, code) == []
    for name in DATA_FILES:
        assert code not in (out / name).read_text(encoding="utf-8-sig")
    assert _csv_codes(out / "baseline.csv") == others
    for name in ("baseline.sav", "followup-12m.sav"):
        frame, _ = pyreadstat.read_sav(str(out / name))
        assert code not in set(frame["participant_code"])
    frame, _ = pyreadstat.read_dta(str(out / "baseline.dta"))
    assert code not in set(frame["participant_code"])


def test_erase_removes_the_erased_submissions_from_the_free_text_file(out, identity, code):
    erased = {p["submission_id"] for p in _payloads_of(out, identity, code)}

    _cli("erase", code, out, "--yes")

    text = (out / "baseline-free-text.csv").read_text(encoding="utf-8-sig")
    assert not any(sid in text for sid in erased)


def test_reimport_of_the_same_bundle_keeps_the_erased_participant_out(
    out, identity, code, bundle, study
):
    _cli("erase", code, out, "--yes")

    run_import([bundle], identity, _settings(out, study))

    assert _payloads_of(out, identity, code) == []
    assert code not in _csv_codes(out / "baseline.csv")
    with ImportRecord.open(out, identity) as record:
        assert find_participant(record, code).refused == 2


def test_reimport_after_erasure_reports_the_refused_submissions_not_as_new(
    out, identity, code, bundle, study
):
    erased = len(_payloads_of(out, identity, code))
    _cli("erase", code, out, "--yes")

    report = run_import([bundle], identity, _settings(out, study))

    assert len(report.erased_refused_ids) == erased
    assert report.new_count == 0
    assert "erase-on-server --server URL --submission " in report.to_text()


def test_the_erase_on_server_line_names_the_program_run(
    out, identity, code, bundle, monkeypatch, capsys
):
    # The data manager uses the installed program: the line to copy must start with it.
    _cli("erase", code, out, "--yes")
    capsys.readouterr()
    argv = ["import", str(bundle), "--key", str(demo_private_key_path()), "--out", str(out)]
    monkeypatch.setattr("sys.argv", ["survey-app", *argv, "--study", str(demo_study_dir())])
    entry()
    said = capsys.readouterr().out
    written = (out / "import-report.txt").read_text(encoding="utf-8")
    for text in (said, written):
        assert "\n  survey-app erase-on-server --server URL --submission " in text
        assert "python main.py" not in text


def test_a_code_erased_before_its_bundle_arrives_is_refused_on_import(
    tmp_path, identity, code, bundle, study
):
    out = tmp_path / "fresh"
    out.mkdir()
    with ImportRecord.open(out, identity) as record:
        record.set_meta("study_id", study.study_id)
        erase_participant(record, code, at="2025-01-01T00:00:00.000Z")

    run_import([bundle], identity, _settings(out, study))

    assert _payloads_of(out, identity, code) == []
    assert code not in _csv_codes(out / "baseline.csv")


def test_after_erasure_the_record_holds_the_code_nowhere(out, identity, code):
    assert code in _record_dump(out, identity)

    _cli("erase", code, out, "--yes", "--reference", "DPO-2025-07")

    assert code not in _record_dump(out, identity)
    with ImportRecord.open(out, identity) as record:
        (entry,) = record.erasures(code)
    assert entry.submissions == 2 and entry.reference == "DPO-2025-07"
    assert code not in json.dumps(entry.__dict__)


def test_the_erased_answers_are_gone_from_the_database_file_itself(out, identity, code):
    path = out / RECORD_NAME
    assert code.encode() in _decrypted_pages(path, identity)

    _cli("erase", code, out, "--yes")

    assert code.encode() not in _decrypted_pages(path, identity)
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_erasure_log_hash_differs_under_another_study_key(out, identity, code):
    with ImportRecord.open(out, identity) as record:
        ours = record.keyed_hash("code", code)
    (out.parent / "other").mkdir()
    other = ImportRecord.open(out.parent / "other", "AGE-SECRET-KEY-" + "1" * 59)
    try:
        assert other.keyed_hash("code", code) != ours
    finally:
        other.close()


def _raw(out: Path, identity: str) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(str(out / RECORD_NAME), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{record_key(identity).hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
    return conn


def test_an_ordinary_delete_of_a_submission_is_still_refused(out, identity):
    conn = _raw(out, identity)
    try:
        with pytest.raises(sqlcipher3.DatabaseError, match="deleted only by an erasure"):
            conn.execute("DELETE FROM submissions")
    finally:
        conn.close()


def test_an_ordinary_update_of_a_submission_is_still_refused(out, identity):
    conn = _raw(out, identity)
    try:
        with pytest.raises(sqlcipher3.DatabaseError, match="never changed"):
            conn.execute("UPDATE submissions SET language = 'xx'")
    finally:
        conn.close()


def test_the_erasure_log_cannot_be_deleted(out, identity, code):
    _cli("erase", code, out, "--yes")
    conn = _raw(out, identity)
    try:
        with pytest.raises(sqlcipher3.DatabaseError, match="erasure log is never changed"):
            conn.execute("DELETE FROM erasures")
        with pytest.raises(sqlcipher3.DatabaseError, match="erasure log is never changed"):
            conn.execute("DELETE FROM erased_submissions")
    finally:
        conn.close()


def test_erase_without_yes_and_without_a_terminal_erases_nothing(out, identity, code, capsys):
    assert _cli("erase", code, out) == 1

    assert len(_payloads_of(out, identity, code)) == 2
    assert "--yes" in capsys.readouterr().err


def test_erase_asks_for_the_code_again_and_stops_on_a_different_answer(
    out, identity, code, codes, monkeypatch
):
    other = next(c for c in codes if c != code)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: other)

    assert _cli("erase", code, out) == 1

    assert len(_payloads_of(out, identity, code)) == 2


def test_erase_refuses_a_reference_that_contains_the_code(out, identity, code, capsys):
    assert _cli("erase", code, out, "--yes", "--reference", f"req {code}") == 1

    assert len(_payloads_of(out, identity, code)) == 2
    assert code not in capsys.readouterr().err


def test_erasing_again_adds_no_second_log_entry(out, identity, code, capsys):
    _cli("erase", code, out, "--yes")

    assert _cli("erase", code, out, "--yes") == 0

    assert "erased before" in capsys.readouterr().out
    with ImportRecord.open(out, identity) as record:
        assert len(record.erasures(code)) == 1


def test_find_of_a_mistyped_code_says_so_instead_of_finding_nothing(out, code, capsys):
    # An access request answered with "nothing held" because of a typing error would be wrong.
    wrong_check = code[:-1] + ("X" if code[-1] != "X" else "Y")

    with pytest.raises(SystemExit) as stopped:
        _cli("find", wrong_check, out)

    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert "A valid participant code is" in captured.err
    assert "0 submission(s)" not in captured.out


def test_a_withdrawal_for_a_mistyped_code_is_refused_and_imports_still_run(
    out, identity, code, bundle, study, capsys
):
    # Before: the withdrawal was stored, its erasure then failed, and every later import and
    # withdrawal of the study stopped with "not a valid code".
    typo = code.rsplit("-", 1)[0]
    withdraw = ("--scope", "erase", "--date", "2025-03-01", "--staff", "AB")

    with pytest.raises(SystemExit) as stopped:
        _cli("withdraw", typo, out, *withdraw)
    assert stopped.value.code == 2
    assert "A valid participant code is" in capsys.readouterr().err

    run_import([bundle], identity, _settings(out, study))
    assert _cli("withdraw", code, out, *withdraw) == 0
    assert _payloads_of(out, identity, code) == []


def test_a_pending_withdrawal_that_cannot_be_applied_is_reported_not_fatal(
    out, identity, bundle, study
):
    # A record written before the check above: the typo is already stored.
    from survey_app.importer.trial_record import add_direct_withdrawal

    with ImportRecord.open(out, identity) as record, record.transaction():
        add_direct_withdrawal(record, "P-0003", ("erase",), "2025-03-01", "2025-03-01T10:00Z", "AB")

    report = run_import([bundle], identity, _settings(out, study))

    assert report.trial["withdrawals_not_applied"] == 1
    assert "Withdrawals NOT applied" in (out / "import-report.txt").read_text(encoding="utf-8")


def _add(record: ImportRecord, sid: str, code: str) -> bool:
    with record.transaction():
        return record.add_submission(
            submission_id=sid,
            session={"participant_code": code, "timepoint": "baseline", "language": "nb"},
            payload_text="{}",
            payload_sha256=sid,
            envelope_sha256=sid,
            device_id="d",
            bundle_sha256="b",
            at="2025-01-01T00:00:00Z",
        )


def test_an_erasure_logged_by_another_process_during_an_import_refuses_the_next_bundle(
    tmp_path, study_keys
):
    identity = study_keys.identity
    with ImportRecord.open(tmp_path, identity) as importing:
        assert _add(importing, "s1", "CODE-A")  # the erasure log was empty: nothing to refuse
        with ImportRecord.open(tmp_path, identity) as other:
            other.erase_code("CODE-B", at="2025-01-02T00:00:00Z", reference="ref")
        assert not _add(importing, "s2", "CODE-B")
