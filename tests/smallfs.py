"""A real, small file system for disk-full and read-only tests (tmpfs, mounted as root).

Nothing is simulated: the kernel refuses the writes (ENOSPC, EROFS), exactly as a full laptop
disk or a full or write-protected USB stick does. Where mounting is not allowed (not root, or a
sandbox without CAP_SYS_ADMIN), the tests that need it skip and say why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FILLER = ".filler"


class MountRefused(Exception):
    """This machine does not let the tests mount a file system."""


@dataclass
class SmallDisk:
    """A mounted tmpfs of a few MiB; fill it, empty it, make it read-only and writable again."""

    path: Path

    def free_bytes(self) -> int:
        """Bytes a process may still write."""
        stat = os.statvfs(self.path)
        return stat.f_bavail * stat.f_frsize

    def fill(self, leave: int = 0) -> None:
        """Take all free space but `leave` bytes (rounded to pages) with a filler file."""
        fd = os.open(self.path / FILLER, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for chunk in (1 << 16, 1 << 12):
                while self.free_bytes() - chunk >= leave:
                    try:
                        os.write(fd, b"\0" * chunk)
                    except OSError as exc:
                        if exc.errno != errno.ENOSPC:
                            raise
                        break
        finally:
            os.close(fd)

    def empty(self) -> None:
        """Give the space back."""
        (self.path / FILLER).unlink(missing_ok=True)

    def read_only(self) -> None:
        """Remount read-only, like the write-protect switch of a stick (no file may be open)."""
        _mount("-o", "remount,ro", str(self.path))

    def writable(self) -> None:
        """Remount read-write."""
        _mount("-o", "remount,rw", str(self.path))


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise MountRefused(result.stderr.strip() or f"mount exited {result.returncode}")


@contextlib.contextmanager
def small_disk(size_kib: int) -> Iterator[SmallDisk]:
    """Mount a tmpfs of size_kib KiB in a fresh folder; unmount and remove it afterwards."""
    mountpoint = Path(tempfile.mkdtemp(prefix="survey-smalldisk-"))
    try:
        _mount("-t", "tmpfs", "-o", f"size={size_kib}k,mode=0755", "tmpfs", str(mountpoint))
    except (MountRefused, OSError):
        mountpoint.rmdir()
        raise
    try:
        yield SmallDisk(mountpoint)
    finally:
        if subprocess.run(["umount", str(mountpoint)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)
        with contextlib.suppress(OSError):
            mountpoint.rmdir()
