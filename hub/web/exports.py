"""Streamed table exports: CSV (UTF-8 with BOM, CRLF) and XLSX (xlsxwriter, constant memory).

Both take an iterable of rows that can come straight from a server-side
database cursor, so a 100,000-row export never sits in memory as Python
objects. CSV bytes leave as each batch of rows is formatted; the XLSX file is
written row by row into a temporary file (``constant_memory``) and then sent in
chunks. Text that a spreadsheet would read as a formula is neutralised; times are
written in the centre's time zone (``zone``).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from desktop.core.export import neutralise

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
    """An XLSX workbook with one sheet, written in constant memory, yielded in chunks."""
    with tempfile.TemporaryFile() as handle:
        workbook = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        sheet = workbook.add_worksheet(_sheet_name(sheet_title))
        bold = workbook.add_format({"bold": True})
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for column, name in enumerate(header):
            sheet.write_string(0, column, str(name), bold)
        sheet.freeze_panes(1, 0)
        for row_index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(row_index, column, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(row_index, column, value)
                elif isinstance(value, datetime):
                    sheet.write_datetime(row_index, column, _local(value, zone), when)
                elif isinstance(value, date):
                    sheet.write_datetime(row_index, column, datetime(value.year, value.month, value.day), day)
                else:
                    sheet.write_string(row_index, column, str(value))
        workbook.close()
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
