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


class ExportFolderMissing(UserFacingError):
    """The folder to export into is not there (a stick not plugged in, a mistyped name)."""

    msgid = N_(
        "There is no folder “{folder}”: nothing was exported and nothing was lost. Check that "
        "the USB stick is plugged in and the folder name is right, then export again."
    )

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.params: dict[str, object] = {"folder": str(folder)}
        # The command line shows this English text (it has no language of its own).
        super().__init__(
            f"there is no folder {folder}: nothing was exported (is the USB stick plugged in?)"
        )


def export_target(out: Path, *, folder_only: bool = False) -> Path | None:
    """The bundle file out names (None: a new name inside the folder out); checked before writing.

    out is an existing folder, or a file name ending in BUNDLE_SUFFIX inside an existing folder.
    Anything else is a folder that is not there (a stick not mounted): an error, never a file
    named after the missing folder. folder_only (the app, whose picker chooses folders): out is
    a folder even when its name ends in BUNDLE_SUFFIX.
    """
    out = Path(out)
    if out.is_dir():
        return None
    if folder_only or out.suffix != BUNDLE_SUFFIX:
        raise ExportFolderMissing(out)
    if not out.parent.is_dir():
        raise ExportFolderMissing(out.parent)
    return out


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


def export_store(
    store: Any, out: Path, *, include_all: bool = False, folder_only: bool = False
) -> BundleInfo | None:
    """Write a bundle (to out, or a generated name inside the folder out), verify, mark exported.

    Raises ExportFolderMissing before anything else when out is no usable target (export_target,
    which folder_only is passed to).
    Returns None when there is nothing to export. The bundle is read back and verified before
    the store records anything as exported, so a bad USB stick is noticed at once.
    """
    target = export_target(out, folder_only=folder_only)
    envelopes = envelopes_to_export(store, include_all=include_all)
    if not envelopes:
        return None
    studies = {e["study_id"] for e in envelopes}
    if len(studies) != 1:
        raise UserFacingError("the store holds submissions of more than one study")
    study_id = studies.pop()
    created_at = utc_now()
    path = target or Path(out) / default_bundle_name(study_id, store.device_id, created_at)
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
