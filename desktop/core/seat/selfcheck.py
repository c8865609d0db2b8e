"""``seatside --self-test --data-dir DIR``: check a seat's data folder without changing it.

The database is opened through a ``mode=ro`` URI (nothing is created, migrated
or written), checked with ``PRAGMA quick_check``, its schema version compared
with this program's, and the folder's packs loaded and checked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.base.paths import pack_dirs
from desktop.core.packs.banned import builtin_banned
from desktop.core.packs.loader import load_packs
from desktop.core.records import integrity
from desktop.core.records.backup import list_backups
from desktop.core.records.storage import DB_FILENAME, SCHEMA_VERSION


@dataclass
class FolderReport:
    folder: Path
    problems: list[str] = field(default_factory=list)
    schema: int | None = None
    calls: int | None = None
    pack_errors: int = 0
    backups: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        calls = "?" if self.calls is None else str(self.calls)
        schema = "?" if self.schema is None else f"v{self.schema}"
        return (
            f"data folder {self.folder}: database schema {schema}, {calls} calls, "
            f"{self.pack_errors} pack errors, {self.backups} backups"
        )


def check_folder(folder: Path, extra_packs: Iterable[Path] = ()) -> FolderReport:
    """Integrity, schema version and pack errors of the data folder ``folder`` (read-only)."""
    folder = Path(folder)
    report = FolderReport(folder)
    if not folder.is_dir():
        report.problems.append(f"no Seatside data in {folder}")
        return report
    with integrity.quiet_copy(folder / DB_FILENAME) as db:
        _check_database(report, folder, db)
    dirs = [d for d in pack_dirs(folder, extra_packs) if d.exists()]
    packs = load_packs(dirs, banned=builtin_banned())
    report.pack_errors = len(packs.errors)
    for problem in packs.errors:
        report.problems.append(f"pack error: {problem}")
    report.backups = len(list_backups(folder))
    return report


def _check_database(report: FolderReport, folder: Path, db: Path) -> None:
    health = integrity.check(db)
    if not db.exists():
        report.problems.append(f"no database in {folder}")
    elif health.empty:
        report.problems.append(f"the database {folder / DB_FILENAME} is empty (0 bytes)")
    elif not health.ok:
        report.problems.append(f"the database {folder / DB_FILENAME} is damaged: {health.reason}")
    else:
        try:
            conn = sqlite3.connect(integrity.read_only_uri(db), uri=True)
            try:
                report.schema = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if report.schema >= 1:
                    report.calls = int(conn.execute("SELECT count(*) FROM calls").fetchone()[0])
            finally:
                conn.close()
        except sqlite3.Error as exc:
            report.problems.append(f"the database {folder / DB_FILENAME} cannot be read: {exc}")
        if report.schema is not None and report.schema > SCHEMA_VERSION:
            report.problems.append(
                f"the database schema v{report.schema} is newer than this program's (v{SCHEMA_VERSION})"
            )
