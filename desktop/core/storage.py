"""The call log in SQLite: versioned schema, WAL, one transaction helper.

``CallStore`` is synchronous and not thread-safe; the GUI uses it through the
single database worker (``desktop.models.db_worker``), the CLI directly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.clock import iso

if TYPE_CHECKING:  # sqlite_utils is imported only when a migration runs (start-up cost)
    import sqlite_utils

DB_FILENAME = "seatside.db"


class StorageError(Exception):
    """The database cannot be opened or is newer than this program."""


@dataclass
class TickedStep:
    scenario_id: str
    step_id: str
    title: str
    mandatory: bool
    ticked_at: str


@dataclass
class UsedPhrase:
    scenario_id: str
    step_id: str
    phrase_id: str
    text: str
    used_at: str
    via: str


@dataclass
class CallRecord:
    id: int
    started_at: str
    ended_at: str | None
    duration_s: float | None
    scenario_id: str
    scenario_name: str
    notes: str
    disposition: str
    status: str
    steps: list[TickedStep] = field(default_factory=list)
    phrases: list[UsedPhrase] = field(default_factory=list)


def _v1(db: sqlite_utils.Database) -> None:
    db["calls"].create(
        {
            "id": int,
            "started_at": str,
            "started_ts": float,
            "ended_at": str,
            "ended_ts": float,
            "duration_s": float,
            "scenario_id": str,
            "scenario_name": str,
            "notes": str,
            "notes_saved_at": str,
            "disposition": str,
            "status": str,
        },
        pk="id",
        not_null={"started_at", "started_ts", "status"},
        defaults={"notes": "", "scenario_id": "", "scenario_name": "", "disposition": ""},
    )
    db["calls"].create_index(["started_ts"])
    db["call_steps"].create(
        {
            "id": int,
            "call_id": int,
            "scenario_id": str,
            "step_id": str,
            "title": str,
            "mandatory": int,
            "ticked_at": str,
        },
        pk="id",
        foreign_keys=[("call_id", "calls", "id")],
    )
    db["call_steps"].create_index(["call_id", "scenario_id", "step_id"], unique=True)
    db["call_phrases"].create(
        {
            "id": int,
            "call_id": int,
            "scenario_id": str,
            "step_id": str,
            "phrase_id": str,
            "text": str,
            "used_at": str,
            "via": str,
        },
        pk="id",
        foreign_keys=[("call_id", "calls", "id")],
    )
    db["call_phrases"].create_index(["call_id"])


#: Migration N takes the schema from user_version N to N+1. Only ever append.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1]
SCHEMA_VERSION = len(MIGRATIONS)


class CallStore:
    """All reads and writes of calls, steps, phrases and notes."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open the database {self.path}: {exc}") from exc
        self.conn = conn
        try:
            self._migrate()
        except BaseException:
            conn.close()
            raise

    # -- plumbing ------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction; roll back on any error."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @property
    def user_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.user_version
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"the database {self.path} has schema version {version}, newer than this "
                f"program understands ({SCHEMA_VERSION}); please update Seatside"
            )
        if version == SCHEMA_VERSION:
            return
        import sqlite_utils

        db = sqlite_utils.Database(self.conn)
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                MIGRATIONS[number](db)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")

    def close(self) -> None:
        self.conn.close()

    # -- writes --------------------------------------------------------------
    def start_call(self, started: datetime) -> int:
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO calls (started_at, started_ts, status) VALUES (?, ?, 'active')",
                (iso(started), started.timestamp()),
            )
            return int(cursor.lastrowid)

    def set_scenario(self, call_id: int, scenario_id: str, scenario_name: str) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE calls SET scenario_id = ?, scenario_name = ? WHERE id = ?", (scenario_id, scenario_name, call_id)
            )

    def tick_step(self, call_id: int, scenario_id: str, step_id: str, title: str, mandatory: bool, at: datetime) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO call_steps (call_id, scenario_id, step_id, title, mandatory, ticked_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (call_id, scenario_id, step_id, title, int(mandatory), iso(at)),
            )

    def untick_step(self, call_id: int, scenario_id: str, step_id: str) -> None:
        with self.transaction():
            self.conn.execute(
                "DELETE FROM call_steps WHERE call_id = ? AND scenario_id = ? AND step_id = ?",
                (call_id, scenario_id, step_id),
            )

    def record_phrase(self, call_id: int, phrase: UsedPhrase) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO call_phrases (call_id, scenario_id, step_id, phrase_id, text, used_at, via)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (call_id, phrase.scenario_id, phrase.step_id, phrase.phrase_id, phrase.text, phrase.used_at, phrase.via),
            )

    def save_notes(self, call_id: int, notes: str, at: datetime) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE calls SET notes = ?, notes_saved_at = ? WHERE id = ?", (notes, iso(at), call_id)
            )

    def end_call(self, call_id: int, ended: datetime, disposition: str, notes: str) -> None:
        with self.transaction():
            row = self.conn.execute("SELECT started_ts FROM calls WHERE id = ?", (call_id,)).fetchone()
            if row is None:
                raise KeyError(call_id)
            self.conn.execute(
                "UPDATE calls SET ended_at = ?, ended_ts = ?, duration_s = ?, disposition = ?, notes = ?,"
                " notes_saved_at = ?, status = 'ended' WHERE id = ?",
                (
                    iso(ended),
                    ended.timestamp(),
                    round(max(0.0, ended.timestamp() - row[0]), 1),
                    disposition,
                    notes,
                    iso(ended),
                    call_id,
                ),
            )

    # -- reads ---------------------------------------------------------------
    def get_call(self, call_id: int) -> CallRecord:
        records = self._calls("WHERE id = ?", (call_id,))
        if not records:
            raise KeyError(call_id)
        return records[0]

    def calls_between(self, start: datetime, end: datetime) -> list[CallRecord]:
        """Calls that started in [start, end), oldest first."""
        return self._calls(
            "WHERE started_ts >= ? AND started_ts < ? ORDER BY started_ts, id",
            (start.timestamp(), end.timestamp()),
        )

    def active_calls(self) -> list[CallRecord]:
        return self._calls("WHERE status = 'active' ORDER BY id", ())

    def count_calls(self) -> int:
        return self.conn.execute("SELECT count(*) FROM calls").fetchone()[0]

    def _calls(self, where: str, params: tuple) -> list[CallRecord]:
        rows = self.conn.execute(
            "SELECT id, started_at, ended_at, duration_s, scenario_id, scenario_name, notes,"
            f" disposition, status FROM calls {where}",
            params,
        ).fetchall()
        records = {row[0]: CallRecord(*row) for row in rows}
        if not records:
            return []
        ids = list(records)
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for call_id, *rest in self.conn.execute(
                "SELECT call_id, scenario_id, step_id, title, mandatory, ticked_at FROM call_steps"
                f" WHERE call_id IN ({marks}) ORDER BY ticked_at, id",
                chunk,
            ):
                rest[3] = bool(rest[3])
                records[call_id].steps.append(TickedStep(*rest))
            for call_id, *rest in self.conn.execute(
                "SELECT call_id, scenario_id, step_id, phrase_id, text, used_at, via FROM call_phrases"
                f" WHERE call_id IN ({marks}) ORDER BY used_at, id",
                chunk,
            ):
                records[call_id].phrases.append(UsedPhrase(*rest))
        return list(records.values())
