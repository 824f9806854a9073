"""Files that hold secrets or decrypted data are readable by their owner only (0600).

One rule for every database the app writes (device store, import record, server SQLite): the
database file is created 0600 before SQLite opens it, and SQLite gives its -wal, -shm and
-journal files the same permissions as the database file. Files found wider (made by an
older version, or copied) are narrowed when opened. On Windows the POSIX bits mean nothing;
there the user profile's ACLs protect the data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600
SQLITE_SIBLINGS = ("-wal", "-shm", "-journal")


def make_private(path: Path) -> None:
    """Narrow an existing file to 0600 (no-op where it does not exist or on Windows)."""
    if os.name == "nt":
        return
    try:
        if (os.stat(path).st_mode & 0o777) != PRIVATE_MODE:
            os.chmod(path, PRIVATE_MODE)
    except FileNotFoundError:
        return


def create_private(path: Path) -> None:
    """Create an empty file 0600 if it does not exist yet; narrow it if it does."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        make_private(path)
        return
    os.close(fd)


def private_database(path: Path) -> None:
    """Before SQLite opens `path`: the database and its journal files are owner-only."""
    path = Path(path)
    create_private(path)
    for suffix in SQLITE_SIBLINGS:
        make_private(path.with_name(path.name + suffix))
