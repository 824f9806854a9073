"""Errors that carry a message meant for a person, as opposed to programming errors."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

NEARLY_FULL_BYTES = 1024 * 1024
DISK_FULL = "full"
READ_ONLY = "read_only"
WRITE_FAILED = "write_failed"

_ERRNO_PROBLEMS = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,
    errno.EFBIG: DISK_FULL,
    errno.EROFS: READ_ONLY,
    errno.EACCES: READ_ONLY,
    errno.EPERM: READ_ONLY,
    errno.EIO: WRITE_FAILED,
}
# SQLite primary result codes (extended codes carry them in the low byte).
_SQLITE_PROBLEMS = {13: DISK_FULL, 8: READ_ONLY, 10: WRITE_FAILED, 14: READ_ONLY}


class UserFacingError(Exception):
    """An expected failure whose message can be shown as it is (no traceback)."""


def disk_problem(exc: BaseException, folder: Path | None = None) -> str | None:
    """Why the disk refused a write: DISK_FULL, READ_ONLY or WRITE_FAILED; None if it did not.

    Knows OSError (errno) and SQLite/SQLCipher errors (result code), so every part that writes
    files or databases tells a full or write-protected disk apart from a real fault. SQLite
    reports some writes on a full disk as I/O errors; with the folder given, an I/O error
    where (almost) no space is left is called what it is: a full disk.
    """
    if isinstance(exc, OSError):
        problem = _ERRNO_PROBLEMS.get(exc.errno or 0)
    else:
        code = getattr(exc, "sqlite_errorcode", None)
        problem = _SQLITE_PROBLEMS.get(code & 0xFF) if isinstance(code, int) else None
    if problem == WRITE_FAILED and folder is not None and nearly_full(folder):
        return DISK_FULL
    return problem


def nearly_full(folder: Path) -> bool:
    """True when less than NEARLY_FULL_BYTES are free in folder's file system."""
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False
