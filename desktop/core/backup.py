"""Copies of the database in ``backups/`` of the data folder, made with SQLite's
online backup API (consistent while the panel writes), the newest ``KEEP`` kept.

A copy is written to a temporary file, synced, made 0600 and renamed into place,
so a crash during a backup leaves the older copies as they were.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop.core import integrity
from desktop.core.atomic import atomic_path

BACKUP_DIR = "backups"
KEEP = 7
_PREFIX = "seatside-"
_SUFFIX = ".db"
_STAMP = "%Y%m%d-%H%M%S"


class BackupError(Exception):
    """A backup cannot be made, found or restored; ``str()`` is one line."""


@dataclass
class Backup:
    number: int  # 1 = the newest
    path: Path
    taken: datetime
    size: int

    def calls(self) -> int | None:
        """How many calls the copy holds (None if it cannot be read)."""
        try:
            conn = sqlite3.connect(integrity.read_only_uri(self.path), uri=True)
            try:
                return int(conn.execute("SELECT count(*) FROM calls").fetchone()[0])
            finally:
                conn.close()
        except sqlite3.Error:
            return None


def backup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUP_DIR


def list_backups(data_dir: Path) -> list[Backup]:
    """The backups in the data folder, newest first, numbered from 1."""
    folder = backup_dir(data_dir)
    found: list[tuple[datetime, Path]] = []
    if folder.is_dir():
        for path in folder.iterdir():
            name = path.name
            if not (name.startswith(_PREFIX) and name.endswith(_SUFFIX)) or not path.is_file():
                continue
            stamp = name[len(_PREFIX) : -len(_SUFFIX)]
            try:
                taken = datetime.strptime(stamp[:15], _STAMP)
            except ValueError:
                continue
            found.append((taken, path))
    found.sort(key=lambda item: (item[0], item[1].name), reverse=True)
    return [Backup(n, path, taken, path.stat().st_size) for n, (taken, path) in enumerate(found, start=1)]


def make_backup(conn: sqlite3.Connection, data_dir: Path, now: datetime | None = None, keep: int = KEEP) -> Path:
    """Copy the open database ``conn`` into ``backups/`` and keep only the newest ``keep``."""
    folder = backup_dir(data_dir)
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = (now or datetime.now()).strftime(_STAMP)
    target = folder / f"{_PREFIX}{stamp}{_SUFFIX}"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{_PREFIX}{stamp}-{counter}{_SUFFIX}"
    with atomic_path(target, mode=0o600) as tmp:
        copy = sqlite3.connect(tmp)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
    for old in list_backups(data_dir)[keep:]:
        old.path.unlink(missing_ok=True)
    return target


def backup_file(db_path: Path, data_dir: Path, now: datetime | None = None, keep: int = KEEP) -> Path:
    """``make_backup`` of the database file at ``db_path`` (read-only connection)."""
    try:
        conn = sqlite3.connect(integrity.read_only_uri(db_path), uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read {db_path}: {exc}") from exc
    try:
        return make_backup(conn, data_dir, now, keep)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up {db_path}: {exc}") from exc
    finally:
        conn.close()


def restore(data_dir: Path, number: int, db_name: str, now: datetime | None = None) -> tuple[Backup, Path | None]:
    """Put backup ``number`` in place of the database; the current file (if any) is set
    aside as ``<name>.before-restore-<time>``. Returns the backup and that path.

    The caller makes sure no Seatside has the folder open (the instance lock).
    """
    backups = list_backups(data_dir)
    if not backups:
        raise BackupError(f"no backups in {backup_dir(data_dir)}")
    if not 1 <= number <= len(backups):
        raise BackupError(f"no backup number {number}: there are {len(backups)} (see 'seatside backup list')")
    chosen = backups[number - 1]
    health = integrity.check(chosen.path)
    if not health.ok or health.empty:
        raise BackupError(f"backup {number} ({chosen.path.name}) is damaged: {health.reason or 'empty'}")
    db_path = Path(data_dir) / db_name
    with atomic_path(db_path, mode=0o600) as tmp:
        source = sqlite3.connect(integrity.read_only_uri(chosen.path), uri=True)
        copy = sqlite3.connect(tmp)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        # The copy is complete: only now is the current file set aside for it.
        aside = integrity.set_aside(db_path, "before-restore", now) if db_path.exists() else None
        for stale in integrity.companions(db_path)[1:]:
            stale.unlink(missing_ok=True)
    return chosen, aside
