"""Write a file so that readers only ever see the old file or the complete new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

PARTIAL_SUFFIX = ".partial"


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call write(fh) on a temp file beside path, fsync it, rename it over path, fsync the dir."""
    path = Path(path)
    parent = path.parent
    # Same directory, so os.replace is a rename on one file system (atomic), never a copy.
    fd, tmp_name = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_directory(parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Atomically replace path with data."""
    atomic_write(path, lambda fh: fh.write(data))


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
