"""How long calls are kept: a purge that really deletes.

Calls that started before the retention period are deleted with their ticked
steps, phrases and follow-ups; the notes search index drops them (the delete
trigger, then an FTS5 ``optimize`` that rewrites its segments without them);
phrase-use counts older than the period go too. ``secure_delete`` (on for every
connection) overwrites the freed content with zeros, and a checkpoint empties
the write-ahead log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from desktop.core.storage import CallStore

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
