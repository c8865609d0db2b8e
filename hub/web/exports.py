"""Streamed table exports: CSV (UTF-8 with BOM, CRLF) and XLSX (``hub.xlsx_stream``, constant memory).

Both take an iterable of rows that can come straight from a server-side
database cursor, so a 100,000-row export never sits in memory as Python
objects. CSV bytes leave as each batch of rows is formatted; the XLSX file is
written row by row into a temporary file and then sent in chunks. Text that a
spreadsheet would read as a formula is neutralised (CSV) or kept as an inline
string (XLSX); times are written in the centre's time zone (``zone``).
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from desktop.core.records.export import neutralise
from hub.xlsx_stream import write_table

CSV_BATCH_ROWS = 500
CHUNK_BYTES = 64 * 1024
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value: datetime, zone: tzinfo | None) -> datetime:
    """A database time as the centre reads it: in its time zone, without an offset."""
    if value.tzinfo is not None and zone is not None:
        value = value.astimezone(zone)
    return value.replace(tzinfo=None)


def _csv_cell(value: Any, zone: tzinfo | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, datetime):
        return _local(value, zone).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (int, date)):
        return str(value)
    return neutralise(str(value))


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]], zone: tzinfo | None = None) -> Iterator[bytes]:
    """CSV bytes in batches: a BOM so Excel reads Chinese, CRLF line ends, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(name)) for name in header])
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow([_csv_cell(value, zone) for value in row])
        pending += 1
        if pending >= CSV_BATCH_ROWS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


def xlsx_stream(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                zone: tzinfo | None = None) -> Iterator[bytes]:
    """An XLSX workbook with one sheet, written row by row in constant memory (the hub's
    streaming writer: inline strings, never a formula), then yielded in chunks."""
    with tempfile.TemporaryFile() as handle:
        write_table(handle, [str(name) for name in header], rows, sheet=_sheet_name(sheet_title), tz=zone)
        handle.seek(0)
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def _sheet_name(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip() or "Sheet1"
    return cleaned[:31]


def attachment(filename: str) -> str:
    """A Content-Disposition value safe for any file name (RFC 5987 for non-ASCII)."""
    from urllib.parse import quote

    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


async def pooled_export(request: Any, lead_id: int, sql: str, params: Any, convert: Callable[[Sequence[Any]], Sequence[Any]],
                        fmt: str, header: Sequence[str], sheet_title: str, zone: tzinfo | None) -> AsyncIterator[bytes]:
    """An export streamed from a server-side cursor on a connection of the request pool.

    Takes one of the lead's export slots (``hub.exports_limit``; ``TooManyExports`` when
    none is free) and the connection before the response starts, so a busy hub or an
    unreachable database is a clear page, not a broken download; both are given back
    when the stream ends, however it ends.
    """
    import anyio

    slot = request.app.state.exports.take(lead_id)
    slot.__enter__()
    pool = request.app.state.pool
    try:
        conn = await pool.getconn()
    except BaseException:
        slot.__exit__(None, None, None)
        raise

    async def body() -> AsyncIterator[bytes]:
        try:
            async with conn.cursor(name="seatside_export") as cur:
                await cur.execute(sql, params)
                if fmt == "csv":
                    buffer = io.StringIO()
                    writer = csv.writer(buffer, lineterminator="\r\n")
                    writer.writerow([neutralise(str(name)) for name in header])
                    yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
                    while batch := await cur.fetchmany(CSV_BATCH_ROWS):
                        buffer.seek(0)
                        buffer.truncate()
                        for row in batch:
                            writer.writerow([_csv_cell(value, zone) for value in convert(row)])
                        yield buffer.getvalue().encode("utf-8")
                else:
                    def rows() -> Iterator[Sequence[Any]]:
                        while batch := anyio.from_thread.run(cur.fetchmany, CSV_BATCH_ROWS):
                            yield from (convert(row) for row in batch)

                    with tempfile.TemporaryFile() as handle:
                        await anyio.to_thread.run_sync(
                            functools.partial(write_table, handle, [str(name) for name in header], rows(),
                                              sheet=_sheet_name(sheet_title), tz=zone))
                        handle.seek(0)
                        while chunk := handle.read(CHUNK_BYTES):
                            yield chunk
            await conn.rollback()
        finally:
            await pool.putconn(conn)
            slot.__exit__(None, None, None)

    return body()
