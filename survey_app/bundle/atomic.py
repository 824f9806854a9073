"""Write a file so that readers only ever see the old file or the complete new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from survey_app import crashpoints

PARTIAL_SUFFIX = ".partial"


def atomic_write(
    path: Path, write: Callable[[BinaryIO], None], *, sync_directory: bool = True
) -> None:
    """Call write(fh) on a temp file beside path, fsync it, rename it over path, fsync the dir.

    The temp file is `.<name>.<random>.partial`, created 0600 (it may hold decrypted data);
    one left behind by a crash is removed by `remove_partials` on the folder's next use.
    `sync_directory=False` leaves the directory's fsync to the caller, who writes several
    files and makes all their renames durable at once (fsync_directory).
    """
    path = Path(path)
    parent = path.parent
    # Same directory, so os.replace is a rename on one file system (atomic), never a copy.
    fd, tmp_name = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        crashpoints.reach("atomic_write.before_rename")
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if sync_directory:
        fsync_directory(parent)


def is_partial(path: Path) -> bool:
    """True for a temp file of `atomic_write` (finished or abandoned)."""
    return path.name.startswith(".") and path.name.endswith(PARTIAL_SUFFIX)


def remove_partials(folder: Path) -> int:
    """Delete temp files an interrupted write left in folder (not below it); return how many.

    Call it only where no other writer is busy in the same folder (the import, an erasure and
    an export each hold their folder for their whole run).
    """
    removed = 0
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return 0
    for entry in entries:
        if is_partial(entry) and entry.is_file():
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                removed += 1
    return removed


def atomic_write_bytes(path: Path, data: bytes, *, sync_directory: bool = True) -> None:
    """Atomically replace path with data (see atomic_write for sync_directory)."""
    atomic_write(path, lambda fh: fh.write(data), sync_directory=sync_directory)


def fsync_directory(directory: Path) -> None:
    """Make a rename in directory durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # Windows: directories cannot be opened; NTFS journals the rename itself.
    try:
        os.fsync(fd)
    except OSError:
        pass  # some USB file systems (FAT) refuse fsync on a directory
    finally:
        os.close(fd)
