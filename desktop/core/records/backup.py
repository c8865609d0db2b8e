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

from desktop.core.base.atomic import atomic_path
from desktop.core.records import integrity

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


@dataclass
class Comparison:
    """What a backup holds against the calls that can still be read from the current file."""

    backup: Backup
    in_backup: int
    in_current: int
    only_in_backup: list[str]  # the days (YYYY-MM-DD) of the calls only the backup holds, one entry per call
    only_in_current: int

    @property
    def number(self) -> int:
        return self.backup.number

    @property
    def taken(self) -> datetime:
        return self.backup.taken

    def days(self) -> str:
        """The days of the calls only the backup holds: "2026-03-01 (3), 2026-03-02 (1)"."""
        counts: dict[str, int] = {}
        for day in self.only_in_backup:
            counts[day] = counts.get(day, 0) + 1
        return ", ".join(f"{day} ({n})" for day, n in sorted(counts.items()))


def _calls(path: Path) -> dict[int, str]:
    """Call id -> start day of the calls in the database at ``path`` (empty if it cannot be read)."""
    try:
        conn = sqlite3.connect(integrity.read_only_uri(path), uri=True, timeout=5.0)
    except sqlite3.Error:
        return {}
    try:
        return {int(i): str(started or "")[:10] for i, started in conn.execute("SELECT id, started_at FROM calls")}
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


def compare(current: Path, chosen: Backup) -> Comparison:
    """Count the calls of ``chosen`` and of the (sound) database at ``current``, and the ones only the backup has."""
    ours = _calls(current) if Path(current).exists() else {}
    theirs = _calls(chosen.path)
    only = sorted(day for call_id, day in theirs.items() if call_id not in ours)
    return Comparison(chosen, len(theirs), len(ours), only, sum(1 for i in ours if i not in theirs))


# Tables not merged from a backup: the key of caller references stays the current file's.
_NOT_MERGED = ("meta",)


def merge_backup(target: Path, source: Path) -> int:
    """Add every row of the backup at ``source`` that ``target`` (a sound database of the
    current schema) lacks; rows both have keep ``target``'s version. Returns the calls added."""
    conn = sqlite3.connect(Path(target).resolve().as_uri(), uri=True, timeout=10.0)
    try:
        conn.execute("ATTACH DATABASE ? AS old", (integrity.read_only_uri(Path(source)),))
        before = conn.execute("SELECT count(*) FROM main.calls").fetchone()[0]
        old_tables = {
            name for (name,) in conn.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")
        }
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name")
            if name in old_tables and not name.startswith(("sqlite_", "calls_fts")) and name not in _NOT_MERGED
        ]
        # Parents first: calls before the rows that point at them.
        tables.sort(key=lambda name: name != "calls")
        with conn:
            for table in tables:
                mine = [row[1] for row in conn.execute(f'PRAGMA main.table_info("{table}")')]
                theirs = {row[1] for row in conn.execute(f'PRAGMA old.table_info("{table}")')}
                common = ", ".join(f'"{c}"' for c in mine if c in theirs)
                if common:
                    conn.execute(f'INSERT OR IGNORE INTO main."{table}" ({common}) SELECT {common} FROM old."{table}"')
        after = conn.execute("SELECT count(*) FROM main.calls").fetchone()[0]
        conn.execute("DETACH DATABASE old")
    finally:
        conn.close()
    return int(after - before)


@dataclass
class Restored:
    backup: Backup
    set_aside: Path | None  # the file that was in place, kept as it was
    kept: int  # calls read from that file
    added: int  # calls the backup added


def restore(data_dir: Path, number: int, db_name: str, now: datetime | None = None) -> Restored:
    """Merge backup ``number`` with what the current database holds: every call that can be
    read from the current file stays, the backup adds the ones it lacks. The file that was
    in place is set aside as ``<name>.before-restore-<time>``.

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
    from desktop.core.records.storage import CallStore

    with atomic_path(db_path, mode=0o600) as tmp:
        if db_path.exists() and db_path.stat().st_size > 0:
            kept = integrity.salvage(db_path, tmp).calls  # the current file, as far as it can be read
        else:
            CallStore(tmp).close()
            kept = 0
        try:
            added = merge_backup(tmp, chosen.path)
        except sqlite3.Error as exc:
            raise BackupError(f"cannot merge backup {number} ({chosen.path.name}): {exc}") from exc
        # The merge is complete: only now is the current file set aside for it.
        aside = integrity.set_aside(db_path, "before-restore", now) if db_path.exists() else None
        for stale in integrity.companions(db_path)[1:]:
            stale.unlink(missing_ok=True)
    return Restored(chosen, aside, kept, added)
