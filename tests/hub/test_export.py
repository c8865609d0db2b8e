"""Exports streamed from PostgreSQL: CSV by COPY, XLSX by the streaming writer."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timedelta, timezone

import openpyxl
import psycopg

from hub.export import csv_chunks, write_xlsx
from hub.xlsx_stream import write_table

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def fill(db: psycopg.Connection, count: int) -> None:
    db.execute("INSERT INTO teams (id, name) VALUES (1, '一组'), (2, '二组')")
    db.execute("INSERT INTO seats (id, team_id, name) VALUES (1, 1, 'A001'), (2, 2, 'B001')")
    for n in range(count):
        db.execute(
            "INSERT INTO calls (seat_id, team_id, call_uid, revision, started_at, duration_s, scenario_id, notes)"
            " VALUES (%s, %s, %s, 1, %s, 61.5, 'x', %s)",
            (1 + n % 2, 1 + n % 2, f"c{n}", T0 + timedelta(minutes=n), f"备注{n}，\"引号\"，=SUM(A1)"),
        )


def test_csv_is_streamed_for_one_team(db: psycopg.Connection) -> None:
    fill(db, 10)
    data = b"".join(csv_chunks(db, 1, T0, T0 + timedelta(days=1)))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["seat", "call_uid"] and len(rows) == 6
    assert {r[0] for r in rows[1:]} == {"A001"}
    assert rows[1][-1] == '备注0，"引号"，=SUM(A1)'


def test_xlsx_export_opens_with_openpyxl(db: psycopg.Connection, tmp_path) -> None:
    fill(db, 6)
    path = tmp_path / "calls.xlsx"
    assert write_xlsx(db, None, T0, T0 + timedelta(days=1), str(path)) == 6
    book = openpyxl.load_workbook(path, read_only=True)  # read-only keeps the file open until closed
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0][0] == "seat" and len(rows) == 7
    assert rows[1][2] == datetime(2026, 3, 2, 9, 0)  # shown in the centre's time zone
    assert rows[1][4] == 61.5 and rows[1][-1].endswith("=SUM(A1)")


def test_streaming_writer_to_a_pipe_and_with_hostile_text(tmp_path) -> None:
    read_end, write_end = os.pipe()
    rows = [("a\x00b\x1f", "<x>&y", " 前后空格 ", "=1+1", 3, 2.5, None, True)]
    pid = os.fork()
    if pid == 0:  # the writer: an unseekable stream, as an HTTP response body is
        os.close(read_end)
        with os.fdopen(write_end, "wb") as pipe:
            write_table(pipe, ["a", "b", "c", "d", "e", "f", "g", "h"], rows)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    values = list(book.active.iter_rows(values_only=True))
    book.close()
    assert values[1] == ("ab", "<x>&y", " 前后空格 ", "=1+1", 3, 2.5, None, True)
