"""Writing a file all at once or not at all: the one way every Seatside writer does it.

Data go to a temporary file beside the target, are flushed to disk (``fsync``), and the
file is renamed over the target; the folder is synced so the rename survives a power
cut. On any failure the temporary file is removed and the target is left as it was.

On Windows the rename fails while another program has the target open without sharing
delete (antivirus scanning it, the search indexer, Excel showing an export): the rename
is retried with back-off for about a second before the failure is reported.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TypeVar, overload

Result = TypeVar("Result")


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (no race with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Windows errors that mean "someone else has the file open for now" (access denied,
# sharing violation, lock violation), not "never".
_TRANSIENT_WINERRORS = frozenset({5, 32, 33})
REPLACE_ATTEMPTS = 8
_sleep = time.sleep  # replaced by tests


def replace_retrying(source: str | Path, target: str | Path, attempts: int = REPLACE_ATTEMPTS,
                     first_wait_s: float = 0.01) -> None:
    """``os.replace``, retried with back-off while the target is held open on Windows."""
    wait = first_wait_s
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError as exc:
            if attempt == attempts - 1 or getattr(exc, "winerror", None) not in _TRANSIENT_WINERRORS:
                raise
            _sleep(wait)
            wait = min(wait * 2, 0.5)


def fsync_file(path: Path) -> None:
    """Flush a closed file's data to disk."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class NotARegularFile(OSError):
    """The target exists and is not a regular file (a device, a folder, a pipe, a link to one)."""


def replaceable(path: Path) -> Path:
    """The path to rename onto: ``path``, or the regular file a symbolic link at ``path``
    points to. Raises ``NotARegularFile`` for anything else that exists there: a rename
    would put a file in place of a device node (``/dev/full``), a pipe, or a link to one."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    if stat.S_ISREG(info.st_mode):
        return path
    if stat.S_ISLNK(info.st_mode):
        try:
            if stat.S_ISREG(os.stat(path).st_mode):
                return Path(os.path.realpath(path))
        except OSError:
            pass
        raise NotARegularFile(f"{path} is a link to something that is not a regular file: it is not replaced")
    kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
    raise NotARegularFile(f"{path} is {kind}, not a regular file: it is not replaced")


@contextmanager
def atomic_path(path: Path, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write; then sync it, set its permissions
    (``mode``, or what a new file gets under the umask) and rename it onto ``path``.
    Only a regular file (or nothing) is ever replaced (``replaceable``).

    On any failure it is removed and ``path`` is left untouched.
    """
    path = replaceable(Path(path))
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield Path(tmp_name)
        fsync_file(Path(tmp_name))
        os.chmod(tmp_name, (0o666 & ~_umask()) if mode is None else mode)  # mkstemp made it 0600
        replaceable(path)  # still nothing else there (a device may have been put there meanwhile)
        replace_retrying(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(folder)


@overload
def atomic_write(path: Path, write: str, encoding: str = "utf-8", *, mode: int | None = None) -> None: ...


@overload
def atomic_write(
    path: Path, write: Callable[[IO[str]], Result], encoding: str = "utf-8", *, mode: int | None = None
) -> Result: ...


def atomic_write(
    path: Path, write: str | Callable[[IO[str]], Result], encoding: str = "utf-8", *, mode: int | None = None
) -> Result | None:
    """Write ``write`` (a text, or a function given the open text file) to ``path`` at once.

    Line ends are written as given (no translation). Returns what ``write`` returned.
    """
    result: Result | None = None
    with atomic_path(path, mode) as tmp, open(tmp, "w", encoding=encoding, newline="") as handle:
        if isinstance(write, str):
            handle.write(write)
        else:
            result = write(handle)
    return result
