"""What the panel does at start with a damaged, truncated or emptied database.

``recover_at_start`` checks the file (``integrity.check``). A sound file is left
alone. Otherwise the file is moved aside (``seatside.db.corrupt-<time>``, with
its -wal/-shm) and either the newest backup is put in its place (when there is
one and ``choose_backup`` accepts it) or what can still be read is salvaged into
a new database. The caller tells the seat what happened (``Recovery.describe``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.core import integrity
from desktop.core.backup import Backup, list_backups, restore
from desktop.core.integrity import SalvageReport

log = logging.getLogger(__name__)


@dataclass
class Recovery:
    reason: str  # why the file was not used
    moved_to: Path | None  # where the damaged file now is
    restored: Backup | None = None  # the backup put in its place
    salvaged: SalvageReport | None = None  # what was read back from the damaged file


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
    folder: Path, db_name: str, choose_backup: Callable[[Backup, str], bool]
) -> Recovery | None:
    """None if the database is sound (or there is none yet), else what was done."""
    db = Path(folder) / db_name
    marked = integrity.damaged_mark(db)
    health = integrity.check(db, full=not needs_full_check(db)) if marked is None else integrity.Health(False, marked)
    backups = list_backups(folder) if db.exists() else []
    if health.ok and not (health.empty and backups):
        return None
    reason = health.reason or "the database file is empty"
    moved = integrity.set_aside(db)
    Path(f"{db}{integrity.DAMAGED_MARK}").unlink(missing_ok=True)
    newest = backups[0] if backups else None
    if newest is not None and choose_backup(newest, reason):
        chosen, _ = restore(folder, newest.number, db_name)
        return Recovery(reason, moved, restored=chosen)
    salvaged = None
    if moved.exists() and moved.stat().st_size > 0:
        try:
            salvaged = integrity.salvage(moved, db)
        except Exception:  # a salvage that fails still leaves a fresh database
            log.exception("salvage of %s failed", moved)
    return Recovery(reason, moved, salvaged=salvaged)
