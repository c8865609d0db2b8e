"""Files only the seat's own account can read: umask 077, folder 0700, files 0600."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def restrict_umask() -> None:
    """Everything this process creates from now on is private (0700 folders, 0600 files)."""
    os.umask(0o077)


def secure_file(path: Path) -> None:
    """Create ``path`` empty if missing, with mode 0600; make an existing one 0600."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    try:
        if sys.platform != "win32":
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def secure_data_folder(folder: Path) -> Path:
    """Create the data folder 0700 and fix an existing installation: every folder in it
    0700, every file 0600. Symbolic links are left alone (not followed)."""
    folder = Path(folder)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if os.name != "posix":
        return folder  # NTFS: the per-user profile folder's ACL already limits access
    os.chmod(folder, FOLDER_MODE)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            _chmod(Path(root) / name, FOLDER_MODE)
        for name in files:
            _chmod(Path(root) / name, FILE_MODE)
    return folder


def _chmod(path: Path, mode: int) -> None:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
            return
        os.chmod(path, mode)
    except FileNotFoundError:  # removed meanwhile (a SQLite -shm, a temp file)
        pass
