"""Export a laptop's sealed submissions from its device store to a bundle (USB path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from survey_app import crashpoints
from survey_app.bundle.atomic import remove_partials
from survey_app.bundle.container import (
    BUNDLE_SUFFIX,
    BundleInfo,
    default_bundle_name,
    read_bundle,
    utc_now,
    write_bundle,
)
from survey_app.errors import DISK_FULL, READ_ONLY, UserFacingError, disk_problem
from survey_app.i18n import N_


class ExportWriteError(UserFacingError):
    """The bundle could not be written to the stick; `msgid`/`params` for the staff's language."""

    def __init__(self, path: Path, exc: OSError) -> None:
        self.problem = disk_problem(exc, path.parent)
        if self.problem == DISK_FULL:
            self.msgid = N_(
                "The USB stick (folder “{folder}”) is full: the export could not be written. "
                "Nothing was lost. Free some space on the stick or use another one, then export "
                "again."
            )
        elif self.problem == READ_ONLY:
            self.msgid = N_(
                "The USB stick (folder “{folder}”) is write-protected or read-only: the export "
                "could not be written. Nothing was lost. Use a writable stick, then export again."
            )
        else:
            self.msgid = N_(
                "The export could not be written to the folder “{folder}”. Check that the USB "
                "stick is plugged in and not write-protected, then try again. Nothing was lost."
            )
        self.params: dict[str, object] = {"folder": path.parent.name or str(path.parent)}
        # The command line shows this English text with the file and the system's reason.
        super().__init__(f"could not write {path.name}: {exc.strerror or exc}")


def envelopes_to_export(store: Any, *, include_all: bool) -> list[dict[str, Any]]:
    """Sealed envelopes not yet exported (or every sealed one the laptop still has).

    Submissions erased on the server at a participant's request never travel again. Trial
    notices (allocations, withdrawals) travel with the submissions.
    """
    if not include_all:
        return [c.envelope for c in store.pending_envelopes(include_exported=False)]
    ids = [s.submission_id for s in store.sessions() if s.submission_id and s.status != "erased"]
    notices = [c.envelope for c in store.notice_copies()]
    return [store.sealed_copy(i).envelope for i in ids] + notices


def export_store(store: Any, out: Path, *, include_all: bool = False) -> BundleInfo | None:
    """Write a bundle (to out, or a generated name inside the folder out), verify, mark exported.

    Returns None when there is nothing to export. The bundle is read back and verified before
    the store records anything as exported, so a bad USB stick is noticed at once.
    """
    envelopes = envelopes_to_export(store, include_all=include_all)
    if not envelopes:
        return None
    studies = {e["study_id"] for e in envelopes}
    if len(studies) != 1:
        raise UserFacingError("the store holds submissions of more than one study")
    study_id = studies.pop()
    created_at = utc_now()
    out = Path(out)
    if out.is_dir():
        path = out / default_bundle_name(study_id, store.device_id, created_at)
    elif out.suffix == BUNDLE_SUFFIX:
        path = out
    else:
        # A name without the bundle suffix is most likely a folder that is not there (a stick
        # not mounted): never leave a file that looks like a folder.
        path = out.with_name(out.name + BUNDLE_SUFFIX)
    if not path.parent.is_dir():
        raise UserFacingError(f"the folder {path.parent} does not exist")
    # What an export interrupted on this stick left behind (never a bundle an import would take).
    remove_partials(path.parent)
    try:
        info = write_bundle(
            path, envelopes, store.device_key, store.device_id, study_id, created_at=created_at
        )
    except OSError as exc:
        raise ExportWriteError(path, exc) from None
    check = read_bundle(path)
    if tuple(e["submission_id"] for e in check.envelopes) != info.submission_ids:
        raise UserFacingError(f"{path.name} did not read back correctly; export again")
    crashpoints.reach("export.before_mark")
    store.mark_exported(info.submission_ids, info.bundle_id)
    return info
