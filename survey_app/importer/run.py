"""The data manager's import: verify, decrypt, validate, de-duplicate, record, write data sets."""

from __future__ import annotations

import gc
import json
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3

from survey_app import crashpoints
from survey_app.bundle import BUNDLE_SUFFIX, Bundle, BundleError, read_bundle
from survey_app.bundle.atomic import PARTIAL_SUFFIX, atomic_write_bytes, remove_partials
from survey_app.bundle.container import utc_now
from survey_app.codebook import build_codebook
from survey_app.errors import DISK_FULL, READ_ONLY, UserFacingError, disk_problem
from survey_app.forms.library import FormLibrary
from survey_app.importer.dataset import TableRow
from survey_app.importer.outputs import write_outputs
from survey_app.importer.parallel import CHUNK, Handle, Workers
from survey_app.importer.prepare import Prepared, StudyChecks, content_sha256
from survey_app.importer.record import DeviceTrust, ImportRecord
from survey_app.importer.report import ImportReport, Rejection
from survey_app.importer.trial_import import (
    apply_withdrawals,
    check_trial,
    counters,
    refusal,
    remember_seed_records,
    take_notice,
)
from survey_app.importer.trial_record import notice_envelope_hashes
from survey_app.importer.validate import FormIndex, session_status
from survey_app.program_name import SOURCE
from survey_app.sealing.device_keys import device_id_for
from survey_app.sealing.envelope import EnvelopeError


@dataclass(frozen=True)
class ImportSettings:
    """Everything an import needs besides the bundles and the study key."""

    out_dir: Path
    library: FormLibrary
    study_id: str
    pcl_cutoff: int = 33
    known_devices: Mapping[str, str] | None = None
    separate_free_text: bool = True
    label_language: str = "en"
    archive_dirs: tuple[Path, ...] = ()
    # Processes that verify and decrypt: 0 = one per core, 1 = only this one. The outputs
    # are byte-identical either way.
    workers: int = 0
    randomisation: Any = None  # survey_app.trial.config.Randomisation of the study, if any
    seed_records: tuple[Path, ...] = ()  # allocation seed records to verify the sequence with
    program: str = SOURCE  # how the command line was run: the report's hints name it


@dataclass
class _Run:
    settings: ImportSettings
    record: ImportRecord
    report: ImportReport
    seen: dict[str, str]
    seen_envelopes: dict[str, str]
    rows: dict[str, TableRow] = field(default_factory=dict)  # data-set rows of what was taken
    # The record's key of each device asked about while one bundle is opened (nothing adds a
    # device before the bundle's transaction): one look-up per device, not per envelope.
    stored_devices: dict[str, DeviceTrust | None] = field(default_factory=dict)


@dataclass
class _Loaded:
    """A bundle read, with its envelopes' opening under way (handles by envelope index)."""

    path: Path
    bundle: Bundle | None = None
    problem: BundleError | None = None
    handles: dict[int, Handle] = field(default_factory=dict)
    envelope_hashes: dict[int, str] = field(default_factory=dict)


__all__ = ["ImportSettings", "content_sha256", "find_bundles", "load_known_devices", "run_import"]
# Bundles read (and their envelopes being opened) ahead of the one whose results are taken.
READ_AHEAD = 1


def find_bundles(sources: Sequence[Path]) -> list[Path]:
    """Bundle files named directly, or found (recursively) in the folders named."""
    found: list[Path] = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            found += sorted(
                p
                for p in source.rglob(f"*{BUNDLE_SUFFIX}")
                if p.is_file() and not p.name.endswith(PARTIAL_SUFFIX)
            )
        elif source.exists():
            found.append(source)
        else:
            # A mistyped path or an unmounted USB stick: stop before an output folder is made.
            raise UserFacingError(f"{source}: no such file or folder; nothing was imported")
    return found


def load_known_devices(path: Path) -> dict[str, str]:
    """Read device id -> public key from JSON: {"id": "key"} or [{"device_id", "public_key"}]."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserFacingError(
            f"cannot read the known-devices file {Path(path).name}: {exc}"
        ) from None
    if isinstance(doc, dict) and isinstance(doc.get("devices"), list):
        doc = doc["devices"]
    if isinstance(doc, list):
        try:
            doc = {d["device_id"]: d["public_key"] for d in doc}
        except (TypeError, KeyError):
            raise UserFacingError("each known device needs a device_id and a public_key") from None
    if not isinstance(doc, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in doc.items()
    ):
        raise UserFacingError("the known-devices file must map device ids to public keys")
    for device_id, key in doc.items():
        try:
            ok = device_id_for(key) == device_id
        except ValueError:
            ok = False
        if not ok:
            raise UserFacingError(f"known device {device_id}: the public key does not match the id")
    return dict(doc)


class ImportWriteError(UserFacingError):
    """The output folder refused a write (full, read-only, failing disk): say so, lose nothing."""

    def __init__(self, out_dir: Path, problem: str) -> None:
        self.problem = problem
        why = {
            DISK_FULL: "the disk of the output folder is full",
            READ_ONLY: "the output folder is read-only",
        }.get(problem, "the output folder could not be written (disk error)")
        super().__init__(
            f"{why} ({out_dir}): the import stopped. Everything imported before is kept and "
            "no data file was left half-written; the bundles not imported yet are imported "
            "when you run the import again after freeing space or choosing another folder."
        )


def run_import(sources: Sequence[Path], identity: str, settings: ImportSettings) -> ImportReport:
    """Import every bundle in sources into settings.out_dir and rewrite the data sets."""
    try:
        with _heap_frozen():
            return _run_import(sources, identity, settings)
    except (OSError, sqlcipher3.OperationalError) as exc:
        out_dir = Path(settings.out_dir)
        problem = disk_problem(exc, out_dir if out_dir.is_dir() else None)
        if problem is None:
            raise
        raise ImportWriteError(Path(settings.out_dir), problem) from exc


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep what exists before the import (the study, its forms) out of the collector's way.

    An import makes millions of short-lived objects, and each process (this one and every
    worker forked from it) then ran about one full collection that walked the whole inherited
    heap: ~0.04-0.06 s each, ~0.15 s of CPU in all for 2,000 submissions, and in a worker the
    walk also copies the pages it touches. Frozen objects are never walked; they are handed
    back to the collector afterwards (only when nothing was frozen before: not ours to undo).
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run_import(sources: Sequence[Path], identity: str, settings: ImportSettings) -> ImportReport:
    paths = find_bundles(sources)
    if not paths:
        raise UserFacingError("no bundle files found (they end in .surveybundle)")
    out_dir = Path(settings.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Decrypted temp files of an interrupted run: out of the folder before anything else.
    remove_partials(out_dir)
    report = ImportReport(settings.study_id, utc_now(), sources=[p.name for p in paths])
    with ImportRecord.open(out_dir, identity) as record:
        owner = record.meta("study_id")
        if owner is not None and owner != settings.study_id:
            raise UserFacingError(
                f"the output folder holds study {owner}, not {settings.study_id}; use another"
            )
        record.set_meta("study_id", settings.study_id)
        remember_seed_records(record, settings.seed_records, identity, report.run_at)
        seen_envelopes = {**record.envelope_hashes(), **notice_envelope_hashes(record)}
        run = _Run(settings, record, report, record.submission_hashes(), seen_envelopes)
        library = settings.library
        checks = StudyChecks(
            identity,
            FormIndex.from_library(library, settings.archive_dirs),
            tuple(library.protocol.timepoints if library.protocol else {}),
            settings.pcl_cutoff,
            build_codebook(library, settings.pcl_cutoff),
        )
        with Workers(checks, settings.workers) as workers:
            ahead: deque[_Loaded] = deque()
            for path in paths:
                ahead.append(_load(run, path, workers))
                if len(ahead) > READ_AHEAD:
                    _import_bundle(run, ahead.popleft())
            codebook_files = workers.codebook_files()
            while ahead:
                _import_bundle(run, ahead.popleft())
            apply_withdrawals(record, report, report.run_at)
            check_trial(record, report, identity, settings.randomisation)
            report.conflicts = [
                Rejection("record", f"same id, different content (payload {h[:12]}…)", sid)
                for sid, h, _device in record.conflicts()
            ]
            report.totals = record.totals()
            _write_outputs(run, workers, checks, codebook_files)
    _write_report(out_dir, report, settings.program)
    return report


def _load(run: _Run, path: Path, workers: Workers) -> _Loaded:
    """Read a bundle, opening its envelopes (all but those imported before) as they are read."""
    loaded = _Loaded(path)
    batch: list[tuple[int, dict[str, Any]]] = []

    def start(todo: list[tuple[int, dict[str, Any]]]) -> None:
        handles = workers.open([envelope for _, envelope in todo])
        loaded.handles.update(zip((index for index, _ in todo), handles, strict=True))
        todo.clear()

    def read(index: int, envelope: dict[str, Any]) -> None:
        # Only what was imported before is skipped here; what was seen is only ever added to,
        # so an envelope skipped now is a duplicate when its turn comes.
        sid = str(envelope.get("submission_id"))
        if sid in run.seen_envelopes:
            digest = content_sha256(envelope)
            loaded.envelope_hashes[index] = digest
            if run.seen_envelopes[sid] == digest:
                return
        batch.append((index, envelope))
        if len(batch) == CHUNK:  # a worker's share: started while the rest is read
            start(batch)

    try:
        loaded.bundle = read_bundle(path, read)
    except BundleError as exc:
        loaded.problem = exc  # what was started is not waited for
        return loaded
    start(batch)
    return loaded


def _import_bundle(run: _Run, loaded: _Loaded) -> None:
    name = loaded.path.name
    listed: int | None = None
    try:
        if loaded.problem is not None:
            raise loaded.problem
        bundle = loaded.bundle
        assert bundle is not None
        listed = bundle.manifest.count
        if bundle.manifest.study_id != run.settings.study_id:
            raise BundleError(
                f"{name}: belongs to study {bundle.manifest.study_id!r}, "
                f"not {run.settings.study_id!r}"
            )
        run.stored_devices.clear()
        trust = _check_signer(run, bundle, name)
        opened = [
            _open(run, loaded, index, envelope, trust)
            for index, envelope in enumerate(bundle.envelopes)
        ]
    except (BundleError, EnvelopeError) as exc:
        if isinstance(exc, BundleError) and exc.submissions is not None:
            listed = exc.submissions
        run.report.bundles_rejected += 1
        # The report names the file once, in its own column.
        reason = str(exc).removeprefix(f"{name}: ")
        run.report.rejections.append(Rejection(name, reason, submissions=listed or 0))
        return
    at = run.report.run_at
    with run.record.transaction():
        for device in trust.values():
            if device.trust == "first-use" and run.record.device(device.device_id) is None:
                run.report.first_use_devices.append(device.device_id)
            run.record.add_device(device)
        for envelope, prepared, problem in opened:
            _take(run, bundle, envelope, prepared, problem, name, at)
        run.record.add_bundle(
            bundle.file_sha256,
            bundle.manifest.bundle_id,
            bundle.manifest.device_id,
            bundle.manifest.created_at,
            at,
        )
    crashpoints.reach("import.bundle.committed")
    run.report.bundles_accepted += 1


def _check_signer(run: _Run, bundle: Bundle, name: str) -> dict[str, DeviceTrust]:
    """Check who signed the manifest; return the device keys to remember."""
    pending: dict[str, DeviceTrust] = {}
    signer = (bundle.manifest.device_id, bundle.manifest.device_public_key)
    problem = _trust(run, *signer, name, pending)
    if problem:
        raise BundleError(f"{name}: the manifest {problem}")
    return pending


def _trust(
    run: _Run, device_id: str, public_key: str, name: str, pending: dict[str, DeviceTrust]
) -> str:
    """Return "" when the key may be trusted for the device, else what is wrong."""
    try:
        derived = device_id_for(public_key)
    except ValueError:
        derived = ""
    if derived != device_id:
        return f"claims device {device_id[:20]!r} with a key that is not that device's"
    known = run.settings.known_devices
    if known is not None:
        if known.get(device_id) != public_key:
            return f"was signed by device {device_id}, which is not in the known-devices list"
        pending.setdefault(
            device_id, DeviceTrust(device_id, public_key, "known", run.report.run_at, name)
        )
        return ""
    # The id is derived from the key, so a stored key that differs means a forged id.
    if device_id not in run.stored_devices:
        run.stored_devices[device_id] = run.record.device(device_id)
    stored = run.stored_devices[device_id]
    if stored is not None and stored.public_key != public_key:
        return f"was signed by a new key for device {device_id} (first seen with another key)"
    if stored is None:
        pending.setdefault(
            device_id, DeviceTrust(device_id, public_key, "first-use", run.report.run_at, name)
        )
    return ""


Opened = tuple[dict[str, Any], Prepared | None, str]
DUPLICATE = "duplicate"


def _open(
    run: _Run,
    loaded: _Loaded,
    index: int,
    envelope: dict[str, Any],
    pending: dict[str, DeviceTrust],
) -> Opened:
    # Device trust is judged per envelope: a server pull carries envelopes of many laptops.
    problem = _trust(
        run,
        str(envelope.get("device_id", "")),
        str(envelope.get("device_public_key", "")),
        loaded.path.name,
        pending,
    )
    if problem:
        return envelope, None, f"the submission {problem}"
    sid = str(envelope.get("submission_id"))
    if sid in run.seen_envelopes:
        digest = loaded.envelope_hashes.get(index) or loaded.handles[index]().envelope_sha256
        if run.seen_envelopes[sid] == digest:
            return envelope, None, DUPLICATE  # the very envelope imported before: not opened
    prepared = loaded.handles[index]()
    if prepared.open_failure is not None:
        raise prepared.open_failure
    return envelope, prepared, ""


def _take(
    run: _Run,
    bundle: Bundle,
    envelope: dict[str, Any],
    prepared: Prepared | None,
    problem: str,
    name: str,
    at: str,
) -> None:
    sid = str(envelope.get("submission_id"))
    if prepared is None and problem == DUPLICATE:
        run.report.duplicates += 1
        return
    if prepared is not None and prepared.notice is not None:
        take_notice(run.record, run.report, prepared.notice, envelope,
                    digests=(prepared.payload_sha256, prepared.envelope_sha256),
                    bundle_sha256=bundle.file_sha256, name=name, at=at)  # fmt: skip
        run.seen_envelopes[sid] = prepared.envelope_sha256
        return
    if prepared is None or prepared.session is None:
        run.report.rejections.append(Rejection(name, problem, sid))
        return
    session = prepared.session
    digest = prepared.payload_sha256
    known = run.seen.get(sid)
    if known == digest:
        run.report.duplicates += 1
        return
    if known is not None:
        run.record.add_conflict(sid, digest, envelope["device_id"], bundle.file_sha256, at)
        return
    if prepared.check_failure is not None:
        raise prepared.check_failure
    if prepared.reasons:
        run.report.rejections.append(Rejection(name, "; ".join(prepared.reasons), sid))
        return
    if refusal(run.record, session):
        counters(run.report)["refused_withdrawn"] += 1
        return
    accepted = run.record.add_submission(
        submission_id=sid,
        session=session,
        payload_text=prepared.payload_text,
        payload_sha256=digest,
        envelope_sha256=prepared.envelope_sha256,
        device_id=envelope["device_id"],
        bundle_sha256=bundle.file_sha256,
        at=at,
    )
    if not accepted:
        run.report.erased_refused_ids.append(sid)
        return
    run.seen[sid] = digest
    run.seen_envelopes[sid] = prepared.envelope_sha256
    if prepared.row is not None:
        run.rows[sid] = prepared.row
    run.report.new[(envelope["device_id"], session["timepoint"], session["language"])] += 1
    run.report.new_by_status[session_status(session)] += 1


def _write_outputs(
    run: _Run,
    workers: Workers,
    checks: StudyChecks,
    codebook_files: Callable[[], tuple[bytes, bytes]],
) -> None:
    # The codebook and form index this run checked with: the same settings make the same.
    changes = write_outputs(
        run.record,
        run.settings,
        rows=run.rows,
        workers=workers,
        codebook=checks.codebook,
        forms=checks.forms,
        codebook_files=codebook_files,
    )
    run.report.outputs_written += changes.written
    run.report.outputs_unchanged += changes.unchanged
    run.report.outputs_removed += changes.removed
    run.report.code_duplicates = changes.duplicates
    run.report.invalid_code_ids = changes.invalid_codes
    run.report.status_totals = changes.status_totals


def _write_report(out_dir: Path, report: ImportReport, program: str) -> None:
    # The second rename's directory fsync makes both durable.
    atomic_write_bytes(out_dir / "import-report.json", report.to_json_bytes(), sync_directory=False)
    atomic_write_bytes(out_dir / "import-report.txt", report.to_text(program).encode("utf-8"))
