"""Benchmark 7: refusals and the real library, timed here instead of in the tests.

* **over-size spreadsheet**: ``seatside import`` of a sparse file one byte over
  ``MAX_FILE_BYTES``: refused from its size alone (goal ≤ 0.5 s); baseline: ``os.stat``
  of the same file;
* **too many rows**: ``import_table`` of a CSV with ``MAX_ROWS + 1`` data rows,
  refused while reading (goal ≤ 3 s); baseline: ``csv.reader`` over the same file;
* **real library search**: the ten keystrokes of an ATM-card query typed against the
  built-in packs in a call context (goal ≤ 1 s for all ten); baseline: a plain
  substring filter over the same entries.

Run it alone with ``python -c "from benchmarks import limits; print(limits.markdown(limits.run()))"``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.stats import fmt_ms, fmt_ratio, median, ratio

GOAL_OVERSIZE_S = 0.5
GOAL_ROWS_S = 3.0
GOAL_REAL_SEARCH_S = 1.0
QUERIES = ("t", "tu", "tun", "tunk", "tunka", "积", "积分", "nh", "nhx", "tukna")
HEADER = "场景,步骤,话术,标签,关键词,必做,要点,说明,描述,场景编号,步骤编号\n"


def _timed(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return median(times)


def run(quick: bool = False) -> dict:
    from desktop.core.base.paths import builtin_packs_dir
    from desktop.core.packs import importer
    from desktop.core.packs.loader import load_packs
    from desktop.core.search import SearchIndex, entries_from_library

    repeats = 1 if quick else 3
    result: dict = {"repeats": repeats}
    with tempfile.TemporaryDirectory(prefix="seatside-bench-") as tmp:
        folder = Path(tmp)
        huge = folder / "huge.xlsx"
        with huge.open("wb") as handle:
            handle.truncate(importer.MAX_FILE_BYTES + 1)

        def refuse_huge() -> None:
            code = importer.run_import(huge, folder / "out", skip_invalid=True, overwrite=False, out=io.StringIO())
            assert code == 1, code  # refused as unreadable, nothing written

        result["oversize"] = (_timed(refuse_huge, repeats), _timed(lambda: os.stat(huge), repeats))

        rows = folder / "rows.csv"
        rows.write_text(HEADER + "甲,一,好\n" * (importer.MAX_ROWS + 1), encoding="utf-8")

        def refuse_rows() -> None:
            assert importer.import_table(rows).unreadable

        def read_rows() -> None:
            with rows.open(encoding="utf-8", newline="") as handle:
                for _ in csv.reader(handle):
                    pass

        result["rows"] = (_timed(refuse_rows, repeats), _timed(read_rows, repeats))

    index = SearchIndex(entries_from_library(load_packs([builtin_packs_dir()]).library))
    entries = index.entries

    def typed() -> None:
        for query in QUERIES:
            index.search(query, scenario_id="card-retained-atm", step_id="soothe")

    def plain() -> None:
        for query in QUERIES:
            [e for e in entries if query in e.text]

    result["search"] = (_timed(typed, repeats), _timed(plain, repeats), len(entries))
    return result


def markdown(result: dict) -> str:
    oversize, rows, search = result["oversize"], result["rows"], result["search"]

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    lines = [
        "## 7. Refusals and the real library",
        "",
        f"Median of {result['repeats']} runs each; these were wall-clock asserts in the tests before.",
        "",
        "| | Seatside | Baseline | Ratio | Goal | Met |",
        "|---|--:|---|--:|--:|---|",
        f"| `seatside import` of a file 1 byte over 20 MiB (refused) | {fmt_ms(oversize[0])} | `os.stat`: "
        f"{fmt_ms(oversize[1])} | {fmt_ratio(ratio(*oversize))} | ≤ {GOAL_OVERSIZE_S:g} s | "
        f"{met(oversize[0] <= GOAL_OVERSIZE_S)} |",
        f"| `import_table` of a CSV with 50,001 rows (refused) | {fmt_ms(rows[0])} | `csv.reader` over it: "
        f"{fmt_ms(rows[1])} | {fmt_ratio(ratio(*rows))} | ≤ {GOAL_ROWS_S:g} s | {met(rows[0] <= GOAL_ROWS_S)} |",
        f"| 10 keystrokes searched in the built-in packs ({search[2]:,} phrases), call context | "
        f"{fmt_ms(search[0])} | substring filter: {fmt_ms(search[1])} | {fmt_ratio(ratio(search[0], search[1]))} | "
        f"≤ {GOAL_REAL_SEARCH_S:g} s | {met(search[0] <= GOAL_REAL_SEARCH_S)} |",
    ]
    return "\n".join(lines)
