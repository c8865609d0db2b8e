"""Reading an input with a limit: regular files only, capped by the bytes actually read.

``st_size`` says nothing about a named pipe, a device or ``/proc`` file (0) and can
lie about a file that grows, so a size check before reading is no limit. Every
reader of a seat's or a team's file goes through ``read_regular`` (or ``read_stream``
for standard input): a FIFO, a device, a socket or a symbolic link to one is refused
without blocking, and more than ``limit`` bytes are refused after ``limit + 1`` are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class InputRefused(OSError):
    """The input is not a regular file, or is larger than its limit; ``str()`` is one line."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def regular_fd(path: Path) -> int:
    """An open descriptor of ``path`` if it is a regular file (after symlinks), else ``InputRefused``.
    Opened non-blocking, so a named pipe with no writer does not hang the open."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                 | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputRefused(f"{path} is not a regular file ({_kind(mode)})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def read_stream(stream: BinaryIO, limit: int, what: str = "the input") -> bytes:
    """At most ``limit`` bytes of ``stream``; ``InputRefused`` once more than that has been read."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputRefused(f"{what} is too large (over {limit:,} bytes)")
    return b"".join(chunks)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, refused past ``limit`` bytes actually read."""
    with os.fdopen(regular_fd(Path(path)), "rb") as handle:
        return read_stream(handle, limit, str(path))


def is_regular(path: Path) -> bool:
    """True if ``path`` (after symlinks) is a regular file; never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
