"""One Seatside per data folder: an OS file lock on ``seatside.lock`` in the folder.

The lock is taken before anything else opens the folder and is released by the
OS when the process ends, however it ends (so a crash never leaves it stuck).
Taking it is atomic: of two panels started at the same moment exactly one gets it.
``backup restore`` checks it so it never swaps a database a panel has open.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

LOCK_FILENAME = "seatside.lock"


class InstanceLock:
    """A non-blocking exclusive lock on ``<data_dir>/seatside.lock``."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_FILENAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock; False if another process holds it. The folder must exist."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if sys.platform == "win32":
            import msvcrt

            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            except OSError:
                pass
        os.close(fd)  # closing the descriptor drops a flock

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()


def folder_in_use(data_dir: Path) -> bool:
    """True while a running Seatside holds the folder's lock."""
    if not (Path(data_dir) / LOCK_FILENAME).exists():
        return False
    lock = InstanceLock(data_dir)
    if lock.acquire():
        lock.release()
        return False
    return True
