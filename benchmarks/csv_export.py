"""Benchmark 3: exporting a day of 10,000 calls to CSV.

The measured operation is exactly what the app runs on its database thread:
``export_csv(store.calls_between(start, end), path)``. The baseline writes the
same rows (the cells of the exported file, read back) with a plain
``csv.writer`` to a file in the same encoding, so the ratio is what querying,
building the rows, neutralising formulas and the atomic write add.
"""

from __future__ import annotations

import csv
import gc
import os
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.sample_data import FillSummary, fill_store
from benchmarks.stats import median, ratio
from desktop.core.records.export import export_csv
from desktop.core.records.storage import CallStore


@dataclass
class ExportResult:
    fill: FillSummary
    fill_seconds: float
    db_bytes: int
    repeats: int
    export_median: float  # export_csv(store.calls_between(...), path)
    query_median: float  # store.calls_between(...) alone
    write_median: float  # export_csv(list already fetched, path) alone
    baseline_median: float  # plain csv.writer, same rows
    rows: int
    columns: int
    csv_bytes: int
    baseline_bytes: int

    @property
    def ratio(self) -> float:
        return ratio(self.export_median, self.baseline_median)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.export_median

    @property
    def baseline_rows_per_s(self) -> float:
        return self.rows / self.baseline_median


def _timed(fn) -> tuple[float, object]:
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def _plain_csv(rows: list[list[str]], path: Path) -> int:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerows(rows)
    return len(rows)


def run(calls: int = 10_000, repeats: int = 3, seed: int = 3) -> ExportResult:
    rng = random.Random(seed)
    day_start = datetime(2026, 11, 24).astimezone()
    day_end = day_start + timedelta(days=1)
    with tempfile.TemporaryDirectory(prefix="seatside-bench-export-") as tmp:
        folder = Path(tmp)
        store = CallStore(folder / "seatside.db")
        try:
            fill_seconds, summary = _timed(lambda: fill_store(store, calls, day_start, rng))
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db_bytes = (folder / "seatside.db").stat().st_size
            out = folder / "shift.csv"
            export_times, query_times, write_times = [], [], []
            exported = 0
            for _ in range(repeats):
                seconds, exported = _timed(lambda: export_csv(store.calls_between(day_start, day_end), out))
                export_times.append(seconds)
            for _ in range(repeats):
                seconds, records = _timed(lambda: store.calls_between(day_start, day_end))
                query_times.append(seconds)
                seconds, _ = _timed(lambda records=records: export_csv(records, out))
                write_times.append(seconds)
                del records
            assert exported == calls, f"exported {exported} calls, expected {calls}"
            csv_bytes = out.stat().st_size
            with open(out, encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
            plain = folder / "plain.csv"
            baseline_times = []
            for _ in range(repeats):
                seconds, _ = _timed(lambda: _plain_csv(rows, plain))
                baseline_times.append(seconds)
            baseline_bytes = plain.stat().st_size
            os.unlink(plain)
        finally:
            store.close()
    return ExportResult(
        fill=summary,
        fill_seconds=fill_seconds,
        db_bytes=db_bytes,
        repeats=repeats,
        export_median=median(export_times),
        query_median=median(query_times),
        write_median=median(write_times),
        baseline_median=median(baseline_times),
        rows=len(rows) - 1,
        columns=len(rows[0]),
        csv_bytes=csv_bytes,
        baseline_bytes=baseline_bytes,
    )
