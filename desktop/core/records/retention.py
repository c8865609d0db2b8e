"""How long calls are kept: a purge that really deletes.

Calls that started before the retention period are deleted with their ticked
steps, phrases and follow-ups; the notes search index drops them (the delete
trigger, then an FTS5 ``optimize`` that rewrites its segments without them);
phrase-use counts older than the period go too. ``secure_delete`` (on for every
connection) overwrites the freed content with zeros, and a checkpoint empties
the write-ahead log. ``purge_copies`` applies the same rule to every copy in the
data folder: backups and the files set aside after damage or before a restore.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from desktop.core.records.storage import CallStore

log = logging.getLogger(__name__)

DEFAULT_DAYS = 180
MIN_DAYS, MAX_DAYS = 1, 3650


def retention_days(value: object) -> int:
    """The setting's value, kept within [MIN_DAYS, MAX_DAYS]."""
    if not isinstance(value, int) or isinstance(value, bool):
        return DEFAULT_DAYS
    return min(max(value, MIN_DAYS), MAX_DAYS)


def purge(store: CallStore, days: int, now: datetime, batch: int = 500) -> int:
    """Delete everything older than ``days`` before ``now``; returns the number of calls deleted."""
    cutoff = (now - timedelta(days=retention_days(days))).timestamp()
    conn = store.conn
    deleted = 0
    while True:
        with store.transaction():
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM calls WHERE started_ts < ? AND status != 'active' ORDER BY id LIMIT ?",
                (cutoff, batch),
            )]
            if not ids:
                break
            marks = ",".join("?" * len(ids))
            for table in ("call_steps", "call_phrases", "followups"):
                conn.execute(f"DELETE FROM {table} WHERE call_id IN ({marks})", ids)
            conn.execute(f"DELETE FROM calls WHERE id IN ({marks})", ids)
            deleted += len(ids)
    with store.transaction():
        conn.execute("DELETE FROM phrase_uses WHERE used_ts < ?", (cutoff,))
        if deleted:
            conn.execute("INSERT INTO calls_fts(calls_fts) VALUES ('optimize')")
    store.checkpoint()
    return deleted


# Copies of the database the purge also reaches: backups, files set aside after damage or before a restore.
COPY_LABELS = ("corrupt", "before-restore")


def copies(folder: Path, db_name: str) -> list[Path]:
    """Every copy of the database in the data folder (not their -wal/-shm)."""
    from desktop.core.records.backup import list_backups

    found = [b.path for b in list_backups(folder)]
    for label in COPY_LABELS:
        found.extend(
            p for p in sorted(Path(folder).glob(f"{db_name}.{label}-*"))
            if not p.name.endswith(("-wal", "-shm")) and p.is_file() and not p.is_symlink()
        )
    return found


def purge_copies(folder: Path, db_name: str, days: int, now: datetime) -> int:
    """The same rule on every copy: calls that started before the period are deleted from
    each sound copy; a damaged copy that still holds such a call (read from its pages) is
    replaced by what can be read of it, purged. Returns the number of calls deleted."""
    deleted = 0
    cutoff = (now - timedelta(days=retention_days(days))).timestamp()
    for path in copies(folder, db_name):
        try:
            deleted += _purge_copy(path, days, now, cutoff)
        except Exception:  # one copy that cannot be purged never stops the others
            log.exception("cannot apply the retention period to %s", path.name)
    return deleted


def _purge_copy(path: Path, days: int, now: datetime, cutoff: float) -> int:
    from desktop.core.records import integrity

    if integrity.check(path).ok:
        store = CallStore(path)
        try:
            deleted = purge(store, days, now)
            if deleted:
                store.conn.execute("VACUUM")  # the copy keeps nothing of what was deleted
        finally:
            store.close()
        return deleted
    if not _holds_older(path, cutoff):
        return 0  # kept exactly as it was set aside
    with tempfile.TemporaryDirectory(prefix="seatside-purge-", dir=path.parent) as tmp:
        fresh = Path(tmp) / "copy.db"
        report = integrity.salvage(path, fresh)
        store = CallStore(fresh)
        try:
            deleted = purge(store, days, now)
            left = store.count_calls()
            store.conn.execute("VACUUM")
        finally:
            store.close()
        for companion in integrity.companions(path):
            companion.unlink(missing_ok=True)
        if left:
            os.replace(fresh, path)
    log.info("retention: %s rewritten from %d readable calls, %d deleted", path.name, report.calls, deleted)
    return deleted


def _holds_older(path: Path, cutoff: float) -> bool:
    """True if a call row on the pages of the damaged file at ``path`` started before ``cutoff``."""
    from desktop.core.records import pagewalk

    try:
        tables = {t.name: t for t in pagewalk.walk(path)}
    except OSError:
        return False
    calls = tables.get("calls")
    if calls is None:
        return False
    for row in calls.as_dicts():
        started = row.get("started_ts")
        if isinstance(started, (int, float)) and started < cutoff:
            return True
    return False
