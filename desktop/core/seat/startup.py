"""What the panel's start needs to never fail: is the data folder writable, and a copy
of what can be read of it for a panel that runs read-only."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from desktop.core.base.bounded import is_regular

log = logging.getLogger(__name__)

# Copied to a read-only run's temporary folder: the database, its log, settings, own packs, backups.
COPIED = ("seatside.db", "seatside.db-wal", "settings.json")
COPIED_FOLDERS = ("packs", "backups")
# Files larger than this are not copied (the database is copied whatever its size).
MAX_COPY_BYTES = 64 * 1024 * 1024


class UnknownScenario(ValueError):
    """The scenario asked for on the command line is in no pack."""


def writable(folder: Path) -> bool:
    """True if files can be created in ``folder`` (made if missing)."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".seatside-probe-", dir=folder)
        os.close(fd)
        os.unlink(name)
        return True
    except OSError:
        return False


def safe_copy(source: Path, target: Path) -> None:
    """Copy what can be read of the data folder ``source`` into ``target`` (regular files only)."""
    for name in COPIED:
        _copy(Path(source) / name, Path(target) / name, None if name.startswith("seatside.db") else MAX_COPY_BYTES)
    for folder in COPIED_FOLDERS:
        try:
            entries = sorted(Path(source, folder).iterdir())
        except OSError:
            continue
        Path(target, folder).mkdir(mode=0o700, exist_ok=True)
        for entry in entries:
            _copy(entry, Path(target, folder, entry.name), MAX_COPY_BYTES)


def _copy(source: Path, target: Path, limit: int | None) -> None:
    try:
        if not is_regular(source) or (limit is not None and source.stat().st_size > limit):
            return
        shutil.copyfile(source, target)
        os.chmod(target, 0o600)
    except OSError as exc:
        log.warning("cannot copy %s: %s", source, exc)
