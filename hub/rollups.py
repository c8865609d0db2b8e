"""The calls table's month partitions and the per seat-day rollups (migration 0150).

The triggers in the database keep the rollups right as calls arrive; this module
only runs the database functions: the rollups' time zone, partitions ahead of
time, and retention by dropping whole months.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

import psycopg
from psycopg_pool import AsyncConnectionPool

log = logging.getLogger("seatside.hub")

#: Month partitions kept ready ahead of the current month.
MONTHS_AHEAD = 3
#: How often a running hub makes sure they exist.
ENSURE_EVERY_S = 6 * 3600


def rollup_zone(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT zone FROM rollup_zone").fetchone()
    assert row is not None
    return str(row[0])


def sync_zone(conn: psycopg.Connection, zone: str) -> bool:
    """Rebuild every rollup when the hub's time zone is not the one they were summed in."""
    with conn.transaction():
        conn.execute("LOCK TABLE rollup_zone IN EXCLUSIVE MODE")
        if rollup_zone(conn) == zone:
            return False
        conn.execute("SELECT rollups_rebuild(%s)", (zone,))
    return True


def ensure_partitions(conn: psycopg.Connection, ahead: int = MONTHS_AHEAD) -> int:
    """Month partitions from last month to ``ahead`` months on; returns how many were added."""
    with conn.transaction():
        row = conn.execute("SELECT calls_ensure_partitions(%s)", (ahead,)).fetchone()
    return int(row[0]) if row else 0


def prepare(url: str, zone: str) -> None:
    """What ``db upgrade`` and ``serve`` do once the schema is current."""
    with psycopg.connect(url, autocommit=True) as conn:
        if sync_zone(conn, zone):
            log.warning("rollups summed again in the time zone %s", zone)
        ensure_partitions(conn)


def drop_before(conn: psycopg.Connection, cutoff: date) -> list[str]:
    """Retention: drop the month partitions that end by ``cutoff`` and the rollups before it."""
    with conn.transaction():
        return [row[0] for row in conn.execute("SELECT calls_drop_before(%s)", (cutoff,)).fetchall()]


async def keep_partitions(pool: AsyncConnectionPool, every_s: float = ENSURE_EVERY_S) -> None:
    """Background task of ``serve``: the coming months' partitions, now and then."""
    while True:
        await asyncio.sleep(every_s)
        try:
            async with pool.connection() as conn:
                await conn.execute("SELECT calls_ensure_partitions(%s)", (MONTHS_AHEAD,))
        except (psycopg.Error, OSError) as exc:  # the next round tries again
            log.warning("could not add the coming months' partitions: %s", exc)
