"""What the panel does at start with a damaged, truncated or emptied database.

``recover_at_start`` checks the file (``integrity.check``). A sound file is left
alone. Otherwise the file is moved aside (``seatside.db.corrupt-<time>``, with
its -wal/-shm, kept until the seat has seen what was recovered), everything that
can still be read from it is salvaged into a new database (``integrity.salvage``:
SQLite first, then the pages themselves), and when there is a sound backup the seat
is asked, with the exact counts, whether to merge it in (``choose_backup``): a merge
adds the calls only the backup holds and drops none of the salvaged ones. The
caller tells the seat what happened (``Recovery``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.core.records import integrity
from desktop.core.records.backup import Backup, Comparison, compare, list_backups, merge_backup
from desktop.core.records.integrity import SalvageReport

log = logging.getLogger(__name__)


@dataclass
class Recovery:
    reason: str  # why the file was not used
    moved_to: Path | None  # where the damaged file now is
    restored: Backup | None = None  # the backup merged in
    salvaged: SalvageReport | None = None  # what was read back from the damaged file
    comparison: Comparison | None = None  # the backup offered, against what was salvaged
    added: int = 0  # calls the backup added
    damaged_backups: int = 0  # backups that could not be read either

    @property
    def calls(self) -> int:
        """Calls in the database now."""
        return (self.salvaged.calls if self.salvaged is not None else 0) + self.added


# Larger databases get only the cheap checks (header, size) before the panel shows;
# ``PRAGMA quick_check`` reads the whole file (about 12 ms per 1,000 calls), so
# for them it runs on the database thread once the panel is up (``needs_full_check``).
FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024


def needs_full_check(db: Path) -> bool:
    """True if ``recover_at_start`` left ``PRAGMA quick_check`` for after the start."""
    try:
        return Path(db).stat().st_size > FULL_CHECK_MAX_BYTES
    except OSError:
        return False


def recover_at_start(
    folder: Path, db_name: str, choose_backup: Callable[[Comparison, str], bool]
) -> Recovery | None:
    """None if the database is sound (or there is none yet), else what was done."""
    from desktop.core.records.storage import CallStore

    db = Path(folder) / db_name
    marked = integrity.damaged_mark(db)
    health = integrity.check(db, full=not needs_full_check(db)) if marked is None else integrity.Health(False, marked)
    backups = list_backups(folder) if db.exists() else []
    if health.ok and not (health.empty and backups):
        return None
    reason = health.reason or "the database file is empty"
    moved = integrity.set_aside(db)
    Path(f"{db}{integrity.DAMAGED_MARK}").unlink(missing_ok=True)
    recovery = Recovery(reason, moved)
    # A foreign file holds nothing of the seat's: set aside as it is, nothing read from it.
    if moved.exists() and moved.stat().st_size > 0 and reason != integrity.FOREIGN:
        try:
            recovery.salvaged = integrity.salvage(moved, db)
        except Exception:  # a salvage that fails still leaves a fresh database
            log.exception("salvage of %s failed", moved)
            for path in integrity.companions(db):
                path.unlink(missing_ok=True)
    sound = []
    for candidate in backups:
        if integrity.check(candidate.path).ok and candidate.calls() is not None:
            sound.append(candidate)
        else:
            recovery.damaged_backups += 1
    if not sound:
        return recovery
    CallStore(db).close()  # the salvaged file, or a new one, of the current schema
    recovery.comparison = compare(db, sound[0])
    if choose_backup(recovery.comparison, reason):
        try:
            recovery.added = merge_backup(db, sound[0].path)
            recovery.restored = sound[0]
        except Exception:
            log.exception("merging backup %s failed", sound[0].path)
    return recovery
