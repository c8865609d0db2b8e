"""Is the database file sound, and if not: move it aside and keep what can be read.

``check`` runs ``PRAGMA quick_check`` on a read-only connection; ``set_aside``
renames a damaged file (with its ``-wal``/``-shm``) to ``seatside.db.corrupt-<time>``;
``salvage`` copies every row it can still read into a new database of the current
schema. Nothing here knows about Qt: the app and the CLI decide what to tell whom.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# SQLite's file header; a database file that does not start with it is not one.
SQLITE_HEADER = b"SQLite format 3\x00"
# Rows are read back in slices of this many row ids, so one bad page loses one slice.
SALVAGE_SLICE = 200
# When a table's highest row id cannot be read, probe this far.
SALVAGE_PROBE_LIMIT = 2_000_000


class DamagedDatabase(Exception):
    """The database file is damaged; ``str()`` is a one-line explanation."""


@dataclass
class Health:
    """The result of ``check``: ``ok`` or a short reason it is not."""

    ok: bool
    reason: str = ""
    empty: bool = False  # a zero-byte (or missing) file: SQLite would silently start afresh


def read_only_uri(path: Path) -> str:
    """A ``file:`` URI that opens ``path`` read-only. Without a non-empty ``-wal`` file
    next to it (the database was closed cleanly) it is opened ``immutable``, so not
    even the ``-shm`` index is created; with one, ``mode=ro`` reads the WAL too."""
    path = Path(path).resolve()
    wal = Path(f"{path}-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    return path.as_uri() + ("?mode=ro" if pending else "?mode=ro&immutable=1")


def check(path: Path, full: bool = True) -> Health:
    """Header, size and (``full``) ``PRAGMA quick_check`` of the database at ``path`` (read-only)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Health(True, empty=True)
    except OSError as exc:
        return Health(False, f"cannot read the file: {exc.strerror or exc}")
    if size == 0:
        return Health(True, "the file is empty", empty=True)
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        return Health(False, f"cannot read the file: {exc.strerror or exc}")
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return Health(False, "the file is not a SQLite database (its header is damaged)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    wal = Path(f"{path}-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    if pages and page_size and size < pages * page_size and wal_size == 0:
        return Health(False, f"the file is truncated ({size} of {pages * page_size} bytes)")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        return Health(False, str(exc))
    try:
        if _foreign(conn):
            conn.close()
            return Health(False, FOREIGN)
    except sqlite3.DatabaseError as exc:
        conn.close()
        return Health(False, str(exc))
    if not full:
        # A large file is checked in full after start; what opening it reads (the
        # schema and the small meta table) must be sound now, or it cannot open at all.
        try:
            conn.execute("SELECT name, value FROM meta").fetchall()  # the table itself
            conn.execute("SELECT value FROM meta WHERE name = 'vacuum_pending'").fetchall()  # and its key's index
        except sqlite3.OperationalError:
            pass  # no meta table yet: an older or a foreign file, for the migrations to judge
        except sqlite3.DatabaseError as exc:
            return Health(False, str(exc))
        finally:
            conn.close()
        return Health(True)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        return Health(False, str(exc))
    finally:
        conn.close()
    if rows == ["ok"]:
        return Health(True)
    return Health(False, "; ".join(str(r) for r in rows[:3]))


FOREIGN = "the file is not a Seatside database"


def _foreign(conn: sqlite3.Connection) -> bool:
    """True for a SQLite file with tables that no Seatside version made (it sets user_version)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] != 0:
        return False
    return int(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]) > 0


def quick_check(conn: sqlite3.Connection) -> Health:
    """``PRAGMA quick_check`` on an open connection (the panel's, after it is shown)."""
    try:
        rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        return Health(False, str(exc))
    return Health(True) if rows == ["ok"] else Health(False, "; ".join(str(r) for r in rows[:3]))


# A database found damaged while the panel runs is marked so; the next start repairs it.
DAMAGED_MARK = ".damaged"


def mark_damaged(path: Path, reason: str) -> None:
    Path(f"{path}{DAMAGED_MARK}").write_text(reason + "\n", encoding="utf-8")


def damaged_mark(path: Path) -> str | None:
    """The reason recorded by ``mark_damaged``, or None."""
    try:
        return Path(f"{path}{DAMAGED_MARK}").read_text(encoding="utf-8").strip() or "damaged"
    except OSError:
        return None


@contextmanager
def quiet_copy(path: Path) -> Iterator[Path]:
    """``path`` itself, or when writes are still in its ``-wal`` a temporary copy of the
    file and its WAL: reading a live WAL could still tidy the original's -wal/-shm away."""
    path = Path(path)
    wal = Path(f"{path}-wal")
    if not (wal.exists() and wal.stat().st_size > 0):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="seatside-check-") as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(wal, f"{copy}-wal")
        yield copy


def companions(path: Path) -> list[Path]:
    """The database file and its ``-wal`` and ``-shm`` files."""
    return [Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")]


def set_aside(path: Path, label: str = "corrupt", now: datetime | None = None) -> Path:
    """Rename ``path`` (and its -wal/-shm) to ``<name>.<label>-<time>``; returns the new path."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = Path(f"{path}.{label}-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = Path(f"{path}.{label}-{stamp}-{counter}")
    for source, suffix in zip(companions(path), ("", "-wal", "-shm")):
        if source.exists():
            os.replace(source, f"{target}{suffix}")
    return target


@dataclass
class SalvageReport:
    rows: dict[str, int] = field(default_factory=dict)  # table: rows copied
    lost_slices: int = 0  # slices of row ids that could not be read
    from_pages: int = 0  # calls read from the pages themselves where SQLite could not reach them

    @property
    def calls(self) -> int:
        return self.rows.get("calls", 0)


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE 'calls_fts%'"
    ).fetchall()
    return [row[0] for row in rows]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def salvage(damaged: Path, target: Path) -> SalvageReport:
    """Copy what can still be read from ``damaged`` into ``target`` (a database of the
    current schema, created if needed), table by table, slice by slice of row ids."""
    from desktop.core.records.storage import CallStore

    report = SalvageReport()
    store = CallStore(target)
    try:
        source = sqlite3.connect(read_only_uri(damaged), uri=True, timeout=5.0)
    except sqlite3.Error:
        store.close()
        return report
    try:
        try:
            old_tables = set(_tables(source))
        except sqlite3.Error:
            old_tables = set()
        with store.transaction():
            for table in _tables(store.conn):
                if table not in old_tables:
                    continue
                try:
                    common = [c for c in _columns(store.conn, table) if c in set(_columns(source, table))]
                except sqlite3.Error:
                    continue
                if common:
                    report.rows[table] = _copy_table(source, store.conn, table, common, report)
        source.close()
        # What SQLite could not reach (a truncated file, lost interior pages) may still
        # be on the pages themselves. Not in a sound file: its pages may hold rows a
        # write-ahead log has since deleted.
        if not check(damaged).ok:
            _copy_from_pages(damaged, store, report)
    finally:
        source.close()
        store.close()
    return report


def _copy_from_pages(damaged: Path, store: Any, report: SalvageReport) -> None:
    """Add the rows ``pagewalk`` finds in ``damaged`` that are not in ``store`` yet."""
    from desktop.core.records import pagewalk

    target = store.conn
    own = {
        name: sql
        for name, sql in target.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        if sql and not name.startswith(("sqlite_", "calls_fts"))
    }
    try:
        tables = pagewalk.walk(damaged, fallback=own)
    except OSError:
        return
    with store.transaction():
        for table in tables:
            if table.name not in own:
                continue
            wanted = set(_columns(target, table.name))
            added = 0
            for row in table.as_dicts():
                values = {k: v for k, v in row.items() if k in wanted}
                if not values:
                    continue
                names = ", ".join(f'"{c}"' for c in values)
                try:
                    verb = "REPLACE" if table.name == "meta" else "IGNORE"  # the old key to callers wins
                    cursor = target.execute(
                        f'INSERT OR {verb} INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(values))})',
                        list(values.values()),
                    )
                except sqlite3.Error:
                    continue  # a row that breaks a constraint of the new file is left out
                added += max(cursor.rowcount, 0)
            if added:
                report.rows[table.name] = report.rows.get(table.name, 0) + added
                report.from_pages += added if table.name == "calls" else 0


def _copy_table(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str, columns: list[str], report: SalvageReport
) -> int:
    names = ", ".join(f'"{c}"' for c in columns)
    select = f'SELECT {names} FROM "{table}" WHERE rowid >= ? AND rowid < ? ORDER BY rowid'
    insert = f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    try:
        top: int | None = int(source.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0)
    except sqlite3.Error:
        top = None  # unknown: probe until a long run of slices gives nothing
    copied, last_seen, start = 0, 0, 0
    while start <= (top if top is not None else min(SALVAGE_PROBE_LIMIT, last_seen + 20 * SALVAGE_SLICE)):
        try:
            rows = source.execute(select, (start, start + SALVAGE_SLICE)).fetchall()
        except sqlite3.Error:
            rows = _rows_one_by_one(source, table, names, start)
            report.lost_slices += 1
        if rows:
            last_seen = start + SALVAGE_SLICE
        start += SALVAGE_SLICE
        for row in rows:
            try:
                target.execute(insert, row)
                copied += 1
            except sqlite3.Error:
                continue  # a row that breaks a constraint of the new file is left out
    return copied


def _rows_one_by_one(source: sqlite3.Connection, table: str, names: str, start: int) -> list[tuple[Any, ...]]:
    rows = []
    for rowid in range(start, start + SALVAGE_SLICE):
        try:
            row = source.execute(f'SELECT {names} FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
        except sqlite3.Error:
            continue
        if row is not None:
            rows.append(row)
    return rows
