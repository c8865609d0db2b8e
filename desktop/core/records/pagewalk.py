"""Reading rows straight from the pages of a damaged SQLite file.

SQLite itself stops at the first page it cannot trust: a truncated file, a b-tree
interior page overwritten with garbage or a header with the wrong page count hide
every row below that point, though the rows are still in the file. ``walk`` reads
the file page by page as the file format describes it (https://sqlite.org/fileformat.html):
every table leaf page (type 13) that is in the file, its cells, their overflow
chains as far as they exist, and decodes each record. Leaf pages are attributed to
a table through its b-tree from the root page named in ``sqlite_schema``; a leaf
page no tree reaches any more (its parent was lost) goes to the one table whose
column count its records match. Pages on the free list are skipped: they hold
deleted rows, which must stay deleted.

Pure Python, no Qt, no SQLite: it works where SQLite refuses the file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

HEADER = b"SQLite format 3\x00"
LEAF_TABLE, INTERIOR_TABLE = 13, 5
# Pages kept in memory while the file is walked (the b-trees revisit a few).
PAGE_CACHE = 4096
# Records with more columns than this are not taken for rows (garbage that parsed).
MAX_COLUMNS = 200


@dataclass
class Row:
    rowid: int
    values: list[object]


@dataclass
class Table:
    name: str
    root: int
    columns: list[str]  # declared order
    rowid_alias: int | None  # index of the INTEGER PRIMARY KEY column, stored as NULL
    rows: dict[int, Row] = field(default_factory=dict)

    def as_dicts(self) -> Iterator[dict[str, object]]:
        """Each row as column -> value (missing trailing columns: absent)."""
        for row in self.rows.values():
            values = list(row.values)
            if self.rowid_alias is not None and self.rowid_alias < len(values):
                values[self.rowid_alias] = row.rowid
            yield dict(zip(self.columns, values))


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """SQLite's big-endian varint at ``pos``: (value, next position). Raises IndexError past the end."""
    value = 0
    for i in range(8):
        byte = data[pos + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    return (value << 8) | data[pos + 8], pos + 9


def _decode_record(payload: bytes) -> list[object] | None:
    """A record's values, or None if it does not parse."""
    try:
        header_size, pos = _varint(payload, 0)
        if header_size > len(payload) or header_size < 1:
            return None
        types = []
        while pos < header_size:
            serial, pos = _varint(payload, pos)
            types.append(serial)
            if len(types) > MAX_COLUMNS:
                return None
        body = header_size
        values: list[object] = []
        for serial in types:
            if serial == 0:
                values.append(None)
            elif serial in (1, 2, 3, 4, 5, 6):
                size = (0, 1, 2, 3, 4, 6, 8)[serial]
                if body + size > len(payload):
                    return None
                values.append(int.from_bytes(payload[body : body + size], "big", signed=True))
                body += size
            elif serial == 7:
                if body + 8 > len(payload):
                    return None
                import struct

                values.append(struct.unpack(">d", payload[body : body + 8])[0])
                body += 8
            elif serial in (8, 9):
                values.append(serial - 8)
            elif serial >= 12:
                size = (serial - 12) // 2
                if body + size > len(payload):
                    return None
                chunk = payload[body : body + size]
                if serial % 2:
                    try:
                        values.append(chunk.decode("utf-8"))
                    except UnicodeDecodeError:
                        return None
                else:
                    values.append(bytes(chunk))
                body += size
            else:
                return None  # 10 and 11 are reserved
        return values
    except IndexError:
        return None


class _File:
    def __init__(self, handle: BinaryIO):
        """Pages are read from ``handle`` when needed (a few recent ones kept), never mapped:
        a file that shrinks meanwhile gives short reads, not a bus error."""
        self.handle = handle
        self.size = os.fstat(handle.fileno()).st_size
        self.header = self._read(0, 100)
        self.page_size = 4096
        self.reserved = 0
        data = self.header
        if len(data) >= 100 and data[:16] == HEADER:
            size = int.from_bytes(data[16:18], "big")
            size = 65536 if size == 1 else size
            if size >= 512 and size & (size - 1) == 0:
                self.page_size = size
            self.reserved = data[20] if data[20] < 255 else 0
        self.usable = self.page_size - self.reserved
        # Pages present, the last maybe in part (its cells that are whole still count).
        self.pages = -(-self.size // self.page_size)
        self._cache: dict[int, bytes] = {}

    def _read(self, offset: int, length: int) -> bytes:
        self.handle.seek(offset)
        return self.handle.read(length)

    def page(self, number: int) -> bytes | None:
        if not 1 <= number <= self.pages:
            return None
        cached = self._cache.get(number)
        if cached is None:
            if len(self._cache) >= PAGE_CACHE:
                self._cache.clear()
            cached = self._cache[number] = self._read((number - 1) * self.page_size, self.page_size)
        return cached

    def header_offset(self, number: int) -> int:
        return 100 if number == 1 else 0

    def page_type(self, number: int) -> int | None:
        page = self.page(number)
        at = self.header_offset(number)
        return None if page is None or len(page) < at + 8 else page[at]

    def freelist(self) -> set[int]:
        """Pages on the free list (trunks and leaves), as far as they can be followed."""
        free: set[int] = set()
        if len(self.header) < 100:
            return free
        trunk = int.from_bytes(self.header[32:36], "big")
        while trunk and trunk not in free:
            page = self.page(trunk)
            if page is None:
                break
            free.add(trunk)
            count = int.from_bytes(page[4:8], "big")
            for i in range(min(count, (self.usable - 8) // 4)):
                free.add(int.from_bytes(page[8 + 4 * i : 12 + 4 * i], "big"))
            trunk = int.from_bytes(page[0:4], "big")
        return free

    def leaves_under(self, root: int) -> set[int]:
        """Table leaf pages reached from ``root`` through interior pages that are still sound."""
        leaves: set[int] = set()
        seen: set[int] = set()
        todo = [root]
        while todo:
            number = todo.pop()
            if number in seen:
                continue
            seen.add(number)
            kind = self.page_type(number)
            if kind == LEAF_TABLE:
                leaves.add(number)
            elif kind == INTERIOR_TABLE:
                page = self.page(number)
                assert page is not None
                at = self.header_offset(number)
                cells = int.from_bytes(page[at + 3 : at + 5], "big")
                todo.append(int.from_bytes(page[at + 8 : at + 12], "big"))
                for i in range(cells):
                    pointer = int.from_bytes(page[at + 12 + 2 * i : at + 14 + 2 * i], "big")
                    if 0 < pointer <= len(page) - 4:
                        todo.append(int.from_bytes(page[pointer : pointer + 4], "big"))
        return leaves

    def cells(self, number: int) -> Iterator[tuple[int, list[object]]]:
        """(rowid, values) of every cell on a table leaf page that decodes."""
        page = self.page(number)
        if page is None:
            return
        at = self.header_offset(number)
        count = int.from_bytes(page[at + 3 : at + 5], "big")
        for i in range(count):
            pointer_at = at + 8 + 2 * i
            if pointer_at + 2 > len(page):
                return
            pointer = int.from_bytes(page[pointer_at : pointer_at + 2], "big")
            try:
                size, pos = _varint(page, pointer)
                rowid, pos = _varint(page, pos)
            except IndexError:
                continue
            if rowid >= 1 << 63:
                rowid -= 1 << 64
            payload = self._payload(page, pos, size)
            if payload is None:
                continue
            values = _decode_record(payload)
            if values is not None:
                yield rowid, values

    def _payload(self, page: bytes, pos: int, size: int) -> bytes | None:
        usable = self.usable
        most = usable - 35
        if size <= most:
            local = size
        else:
            least = ((usable - 12) * 32 // 255) - 23
            local = least + (size - least) % (usable - 4)
            if local > most:
                local = least
        if pos + local > len(page):
            return None
        payload = bytearray(page[pos : pos + local])
        if local == size:
            return bytes(payload)
        if pos + local + 4 > len(page):
            return None
        overflow = int.from_bytes(page[pos + local : pos + local + 4], "big")
        seen: set[int] = set()
        while len(payload) < size:
            chunk = self.page(overflow)
            if chunk is None or overflow in seen:
                return None  # the rest of the row is not in the file
            seen.add(overflow)
            payload += chunk[4 : 4 + min(usable - 4, size - len(payload))]
            overflow = int.from_bytes(chunk[0:4], "big")
        return bytes(payload)


def _schema_tables(file: _File, fallback: dict[str, str]) -> list[Table]:
    """The tables named in the file's own schema (or, where it cannot be read, ``fallback``:
    name -> CREATE TABLE statement, with no root page)."""
    found: dict[str, tuple[int, str]] = {}
    for leaf in file.leaves_under(1):
        for _rowid, values in file.cells(leaf):
            if len(values) == 5 and values[0] == "table" and isinstance(values[1], str):
                root, sql = values[3], values[4]
                if isinstance(root, int) and isinstance(sql, str):
                    found[values[1]] = (root, sql)
    for name, sql in fallback.items():
        found.setdefault(name, (0, sql))
    tables = []
    for name, (root, sql) in found.items():
        if name.startswith("sqlite_") or name.startswith("calls_fts"):
            continue
        columns, alias = _columns_of(sql, name)
        if columns:
            tables.append(Table(name, root, columns, alias))
    return tables


def _columns_of(sql: str, name: str) -> tuple[list[str], int | None]:
    """Column names of a CREATE TABLE statement and the index of its rowid alias."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(sql)
        info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
    except sqlite3.Error:
        return [], None
    finally:
        conn.close()
    columns = [row[1] for row in info]
    keys = [row for row in info if row[5]]
    alias = None
    if len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER":
        alias = columns.index(keys[0][1])
    return columns, alias


def walk(path: Path, fallback: dict[str, str] | None = None) -> list[Table]:
    """Every row still physically readable in the file at ``path``, by table."""
    with open(path, "rb") as handle:
        return _walk(_File(handle), fallback)


def _walk(file: _File, fallback: dict[str, str] | None) -> list[Table]:
    tables = _schema_tables(file, fallback or {})
    free = file.freelist()
    claimed: set[int] = set()
    for table in tables:
        if table.root:
            leaves = file.leaves_under(table.root) - free
            claimed |= leaves
            for leaf in sorted(leaves):
                for rowid, values in file.cells(leaf):
                    table.rows.setdefault(rowid, Row(rowid, values))
    # Leaf pages whose parents were lost: by column count, where only one table has it.
    by_width: dict[int, list[Table]] = {}
    for table in tables:
        by_width.setdefault(len(table.columns), []).append(table)
    schema_leaves = file.leaves_under(1)
    for number in range(1, file.pages + 1):
        if number in claimed or number in free or number in schema_leaves or file.page_type(number) != LEAF_TABLE:
            continue
        for rowid, values in file.cells(number):
            owners = by_width.get(len(values), [])
            if len(owners) == 1:
                owners[0].rows.setdefault(rowid, Row(rowid, values))
    return tables
