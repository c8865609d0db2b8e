"""Benchmark 2: the cost of one notes autosave through ``CallStore.save_notes``.

The baseline is a raw ``sqlite3`` UPDATE of one TEXT column in autocommit mode
on a WAL database with the same pragmas, measured in the same process with the
saves interleaved, so both see the same machine state.
"""

from __future__ import annotations

import gc
import random
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.sample_data import chinese_notes, typing_sequence
from benchmarks.stats import median, percentile, ratio
from desktop.core.records.storage import CallStore

GOAL_MS = 2.0
EARLIER_CALLS = 200  # rows already in each database, as after part of a shift
WARMUP = 20


@dataclass
class NotesResult:
    saves: int
    chars_from: int
    chars_to: int
    store_median: float
    store_p95: float
    store_max: float
    raw_median: float
    raw_p95: float
    raw_max: float
    journal_mode: str
    synchronous: int

    @property
    def ratio_median(self) -> float:
        return ratio(self.store_median, self.raw_median)

    @property
    def ratio_p95(self) -> float:
        return ratio(self.store_p95, self.raw_p95)


def _raw_db(path: Path, rng: random.Random) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE calls (id INTEGER PRIMARY KEY, started_at TEXT, notes TEXT NOT NULL DEFAULT '')")
    with conn:
        conn.execute("BEGIN")
        for _ in range(EARLIER_CALLS):
            conn.execute(
                "INSERT INTO calls (started_at, notes) VALUES (?, ?)",
                ("2026-11-25T09:00:00+08:00", chinese_notes(rng, rng.randint(150, 800))),
            )
    return conn


def _store(path: Path, rng: random.Random, start: datetime) -> tuple[CallStore, int]:
    store = CallStore(path)
    with store.transaction():
        for i in range(EARLIER_CALLS):
            call_id = store.start_call(start - timedelta(minutes=5 * (EARLIER_CALLS - i)))
            store.end_call(call_id, start - timedelta(minutes=5 * (EARLIER_CALLS - i) - 3), "resolved",
                           chinese_notes(rng, rng.randint(150, 800)))
    call_id = store.start_call(start)
    store.set_scenario(call_id, "atm-cash-retained", "自助设备吞钞")
    return store, call_id


def run(saves: int = 500, seed: int = 2) -> NotesResult:
    rng = random.Random(seed)
    versions = typing_sequence(rng, saves)
    schedule = versions[:WARMUP] + versions  # the first saves again as a warm-up, not measured
    start = datetime(2026, 11, 25, 10, 0).astimezone()
    with tempfile.TemporaryDirectory(prefix="seatside-bench-notes-") as tmp:
        store, call_id = _store(Path(tmp) / "seatside.db", rng, start)
        raw = _raw_db(Path(tmp) / "raw.db", rng)
        raw_id = raw.execute("INSERT INTO calls (started_at) VALUES (?)", ("2026-11-25T10:00:00+08:00",)).lastrowid
        journal = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = store.conn.execute("PRAGMA synchronous").fetchone()[0]
        store_times: list[float] = []
        raw_times: list[float] = []
        gc.collect()
        clock = time.perf_counter
        try:
            for i, notes in enumerate(schedule):
                at = start + timedelta(seconds=0.35 * i)
                # Alternate which goes first so neither always follows the other.
                order = (0, 1) if i % 2 == 0 else (1, 0)
                for which in order:
                    if which == 0:
                        t0 = clock()
                        store.save_notes(call_id, notes, at)
                        elapsed = clock() - t0
                        if i >= WARMUP:
                            store_times.append(elapsed)
                    else:
                        t0 = clock()
                        raw.execute("UPDATE calls SET notes = ? WHERE id = ?", (notes, raw_id))
                        elapsed = clock() - t0
                        if i >= WARMUP:
                            raw_times.append(elapsed)
            saved = store.get_call(call_id).notes
            assert saved == versions[-1], "the last autosave did not reach the database"
        finally:
            store.close()
            raw.close()
    return NotesResult(
        saves=len(store_times),
        chars_from=len(versions[0]),
        chars_to=len(versions[-1]),
        store_median=median(store_times),
        store_p95=percentile(store_times, 95),
        store_max=max(store_times),
        raw_median=median(raw_times),
        raw_p95=percentile(raw_times, 95),
        raw_max=max(raw_times),
        journal_mode=journal,
        synchronous=sync,
    )


#: Steady typing, no pause: characters a second (about what a seat types while listening).
STEADY_CHARS_PER_S = 10


def steady_typing_line(r: NotesResult) -> str:
    """The cost of the maximum wait on the notes debounce: a save every
    ``NOTES_MAX_WAIT_MS`` while the seat types without a pause."""
    from desktop.models.call_model import NOTES_MAX_WAIT_MS

    saves_per_minute = 60_000 / NOTES_MAX_WAIT_MS
    busy_ms = saves_per_minute * r.store_median * 1000
    return (
        f"Steady typing ({STEADY_CHARS_PER_S} characters a second, no pause) is saved at least every "
        f"{NOTES_MAX_WAIT_MS} ms, so a crash loses the last {NOTES_MAX_WAIT_MS / 1000:g} s of typing "
        f"({STEADY_CHARS_PER_S * NOTES_MAX_WAIT_MS // 1000} characters) plus the save in flight at most: "
        f"{saves_per_minute:.0f} saves a minute of typing at {r.store_median * 1000:.3f} ms each (median, p95 "
        f"{r.store_p95 * 1000:.3f} ms) = {busy_ms:.1f} ms of the database thread per minute "
        f"({busy_ms / 600:.3f} % of it)."
    )
