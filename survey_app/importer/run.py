"""The data manager's import: verify, decrypt, validate, de-duplicate, record, write data sets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from survey_app.bundle import BUNDLE_SUFFIX, Bundle, BundleError, read_bundle
from survey_app.bundle.atomic import PARTIAL_SUFFIX, atomic_write_bytes
from survey_app.bundle.container import utc_now
from survey_app.errors import DISK_FULL, READ_ONLY, UserFacingError, disk_problem
from survey_app.forms.library import FormLibrary
from survey_app.importer.dataset import answer_map
from survey_app.importer.outputs import write_outputs
from survey_app.importer.record import DeviceTrust, ImportRecord
from survey_app.importer.report import ImportReport, Rejection
from survey_app.importer.validate import FormIndex, validate_submission
from survey_app.scoring import ScoringError, score_all
from survey_app.sealing.device_keys import device_id_for
from survey_app.sealing.envelope import EnvelopeError, open_envelope


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


@dataclass
class _Run:
    settings: ImportSettings
    record: ImportRecord
    forms: FormIndex
    report: ImportReport
    identity: str
    seen: dict[str, str]
    seen_envelopes: dict[str, str]


def content_sha256(doc: Mapping[str, Any]) -> str:
    """sha256 of key-sorted compact JSON: the importer's identity of a payload or envelope.

    Cheaper than canonical_json (no NFC walk); the envelope has already proven the payload's
    canonical hash, this one only has to be stable between import runs.
    """
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
        else:
            found.append(source)
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
        return _run_import(sources, identity, settings)
    except (OSError, sqlcipher3.OperationalError) as exc:
        out_dir = Path(settings.out_dir)
        problem = disk_problem(exc, out_dir if out_dir.is_dir() else None)
        if problem is None:
            raise
        raise ImportWriteError(Path(settings.out_dir), problem) from exc


def _run_import(sources: Sequence[Path], identity: str, settings: ImportSettings) -> ImportReport:
    paths = find_bundles(sources)
    if not paths:
        raise UserFacingError("no bundle files found (they end in .surveybundle)")
    out_dir = Path(settings.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = ImportReport(settings.study_id, utc_now(), sources=[p.name for p in paths])
    with ImportRecord.open(out_dir, identity) as record:
        owner = record.meta("study_id")
        if owner is not None and owner != settings.study_id:
            raise UserFacingError(
                f"the output folder holds study {owner}, not {settings.study_id}; use another"
            )
        record.set_meta("study_id", settings.study_id)
        run = _Run(
            settings,
            record,
            FormIndex.from_library(settings.library, settings.archive_dirs),
            report,
            identity,
            record.submission_hashes(),
            record.envelope_hashes(),
        )
        for path in paths:
            _import_bundle(run, path)
        report.conflicts = [
            Rejection("record", f"same id, different content (payload {h[:12]}…)", sid)
            for sid, h, _device in record.conflicts()
        ]
        report.totals = record.totals()
        _write_outputs(run)
    _write_report(out_dir, report)
    return report


def _import_bundle(run: _Run, path: Path) -> None:
    try:
        bundle = read_bundle(path)
        if bundle.manifest.study_id != run.settings.study_id:
            raise BundleError(
                f"{path.name}: belongs to study {bundle.manifest.study_id!r}, "
                f"not {run.settings.study_id!r}"
            )
        trust = _check_signer(run, bundle, path.name)
        opened = [_open(run, envelope, path.name, trust) for envelope in bundle.envelopes]
    except (BundleError, EnvelopeError) as exc:
        run.report.bundles_rejected += 1
        run.report.rejections.append(Rejection(path.name, str(exc)))
        return
    at = run.report.run_at
    with run.record.transaction():
        for device in trust.values():
            if device.trust == "first-use" and run.record.device(device.device_id) is None:
                run.report.first_use_devices.append(device.device_id)
            run.record.add_device(device)
        for envelope, payload, problem in opened:
            _take(run, bundle, envelope, payload, problem, path.name, at)
        run.record.add_bundle(
            bundle.file_sha256,
            bundle.manifest.bundle_id,
            bundle.manifest.device_id,
            bundle.manifest.created_at,
            at,
        )
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
    stored = run.record.device(device_id)
    if stored is not None and stored.public_key != public_key:
        return f"was signed by a new key for device {device_id} (first seen with another key)"
    if stored is None:
        pending.setdefault(
            device_id, DeviceTrust(device_id, public_key, "first-use", run.report.run_at, name)
        )
    return ""


Opened = tuple[dict[str, Any], dict[str, Any] | None, str]
DUPLICATE = "duplicate"


def _open(
    run: _Run, envelope: dict[str, Any], name: str, pending: dict[str, DeviceTrust]
) -> Opened:
    # Device trust is judged per envelope: a server pull carries envelopes of many laptops.
    problem = _trust(
        run,
        str(envelope.get("device_id", "")),
        str(envelope.get("device_public_key", "")),
        name,
        pending,
    )
    if problem:
        return envelope, None, f"the submission {problem}"
    if run.seen_envelopes.get(str(envelope.get("submission_id"))) == content_sha256(envelope):
        return envelope, None, DUPLICATE  # the very envelope imported before: no need to open
    payload = open_envelope(envelope, run.identity)
    return envelope, payload, ""


def _take(
    run: _Run,
    bundle: Bundle,
    envelope: dict[str, Any],
    payload: dict[str, Any] | None,
    problem: str,
    name: str,
    at: str,
) -> None:
    sid = str(envelope.get("submission_id"))
    if payload is None and problem == DUPLICATE:
        run.report.duplicates += 1
        return
    if payload is None:
        run.report.rejections.append(Rejection(name, problem, sid))
        return
    digest = content_sha256(payload)
    known = run.seen.get(sid)
    if known == digest:
        run.report.duplicates += 1
        return
    if known is not None:
        run.record.add_conflict(sid, digest, envelope["device_id"], bundle.file_sha256, at)
        return
    timepoints = run.settings.library.protocol.timepoints if run.settings.library.protocol else {}
    reasons = validate_submission(payload, envelope, run.forms, timepoints)
    if not reasons:
        reasons = _score_problems(payload, run.settings.pcl_cutoff)
    if reasons:
        run.report.rejections.append(Rejection(name, "; ".join(reasons), sid))
        return
    accepted = run.record.add_submission(
        payload=payload,
        payload_sha256=digest,
        envelope_sha256=content_sha256(envelope),
        device_id=envelope["device_id"],
        bundle_sha256=bundle.file_sha256,
        at=at,
    )
    if not accepted:
        run.report.erased_refused_ids.append(sid)
        return
    run.seen[sid] = digest
    run.seen_envelopes[sid] = content_sha256(envelope)
    session = payload["session"]
    run.report.new[(envelope["device_id"], session["timepoint"], session["language"])] += 1


def _score_problems(payload: Mapping[str, Any], cutoff: int) -> list[str]:
    try:
        score_all(_answered(payload), cutoff)
    except ScoringError as exc:
        return [f"cannot be scored: {exc}"]
    return []


def _answered(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, (status, v) in answer_map(payload).items() if status == "answered"}


def _write_outputs(run: _Run) -> None:
    changes = write_outputs(run.record, run.settings)
    run.report.outputs_written += changes.written
    run.report.outputs_unchanged += changes.unchanged
    run.report.outputs_removed += changes.removed


def _write_report(out_dir: Path, report: ImportReport) -> None:
    atomic_write_bytes(out_dir / "import-report.json", report.to_json_bytes())
    atomic_write_bytes(out_dir / "import-report.txt", report.to_text().encode("utf-8"))
