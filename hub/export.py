"""Exports streamed from PostgreSQL: CSV by COPY, XLSX row by row in constant memory.

Nothing is built in memory: CSV chunks come straight from ``COPY … TO STDOUT``,
XLSX rows from a server-side cursor into the streaming writer (``hub.xlsx_stream``).
The texts are the masked ones the hub stored.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import BinaryIO

import psycopg
from psycopg import sql

from hub.queries import EXPORT_COLUMNS

BOM = "\ufeff".encode()  # Excel on Chinese Windows reads UTF-8 CSV only with it

_SELECT = (
    "SELECT s.name, c.call_uid, c.started_at, c.ended_at, c.duration_s, c.wrapup_s, c.scenario_id, c.scenario_name,"
    " c.disposition, c.mandatory_done, c.mandatory_total, c.banned_hits, c.customer_ref, c.notes"
    " FROM calls c JOIN seats s ON s.id = c.seat_id"
    " WHERE c.latest AND c.started_at >= {start} AND c.started_at < {end}{team}"
    " ORDER BY c.started_at, c.id"
)


def export_query(team_id: int | None, start: datetime, end: datetime) -> sql.Composed:
    """The calls of a team (or of the whole centre with None) in [start, end)."""
    team = sql.SQL(" AND c.team_id = {}").format(sql.Literal(team_id)) if team_id is not None else sql.SQL("")
    return sql.SQL(_SELECT).format(start=sql.Literal(start), end=sql.Literal(end), team=team)


def _copy(team_id: int | None, start: datetime, end: datetime) -> sql.Composed:
    return sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER false)").format(export_query(team_id, start, end))


def _header() -> bytes:
    return BOM + (",".join(EXPORT_COLUMNS) + "\r\n").encode()


def csv_chunks(conn: psycopg.Connection, team_id: int | None, start: datetime, end: datetime) -> Iterator[bytes]:
    yield _header()
    with conn.cursor() as cur, cur.copy(_copy(team_id, start, end)) as copy:
        for chunk in copy:
            yield bytes(chunk)


async def csv_chunks_async(conn: psycopg.AsyncConnection, team_id: int | None, start: datetime,
                           end: datetime) -> AsyncIterator[bytes]:
    """The same for an async handler (a StreamingResponse)."""
    yield _header()
    async with conn.cursor() as cur, cur.copy(_copy(team_id, start, end)) as copy:
        async for chunk in copy:
            yield bytes(chunk)


def write_xlsx(conn: psycopg.Connection, team_id: int | None, start: datetime, end: datetime,
               out: BinaryIO | str, zone: str = "Asia/Shanghai") -> int:
    """Write the calls to an .xlsx file (path or binary file object, seekable or not),
    times in the centre's zone; returns the row count."""
    from zoneinfo import ZoneInfo

    from hub.xlsx_stream import write_table

    with conn.transaction(), conn.cursor(name="seatside_export") as cur:
        cur.itersize = 5000
        cur.execute(export_query(team_id, start, end))
        return write_table(out, EXPORT_COLUMNS, cur, tz=ZoneInfo(zone))
