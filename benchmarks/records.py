"""Benchmark 5: call records at scale — exports, caller history, notes search.

One database is filled with synthetic calls that match the v2 schema (calls
with Chinese notes kept in the FTS5 trigram index by its triggers, ticked
steps, phrases used, follow-ups), written with batched ``executemany`` in one
transaction: the per-call ``CallStore`` API would take far too long for a
million calls. Calls are spread 10,000 a day, so a range of N/10,000 days
holds N calls.

Measured, each against a baseline from the same run:

* export of 100k calls (quick: 10k) already read with ``calls_between`` to
  CSV (goal ≤ 2 s) and XLSX (goal ≤ 10 s) through ``export_file``; the
  baselines write the very same cells with a plain ``csv.writer`` and with
  xlsxwriter (``constant_memory``, no summary sheet, no atomic rename);
* caller history, ``store.calls_by_customer(ref)`` at 1M stored calls (quick:
  100k), 200 lookups (goal p99 ≤ 5 ms); baseline the bare indexed
  ``SELECT id FROM calls WHERE customer_ref = ?``;
* notes search, ``store.search_notes(q)`` at the same size, for queries of 3+
  characters (FTS5 trigram) and of 2 characters (``LIKE`` scan).
"""

from __future__ import annotations

import csv
import gc
import random
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.stats import fmt_bytes, fmt_int, fmt_ms, fmt_ratio, median, percentile, ratio
from desktop.core.base.paths import builtin_packs_dir
from desktop.core.calls.demo import (
    BRANCHES,
    CARD_PREFIXES,
    END_REASONS,
    GENERIC_NOTES,
    NOTES,
    SURNAMES,
    TITLES,
    _resident_id,
)
from desktop.core.packs.loader import load_packs
from desktop.core.privacy.masking import mask_pii
from desktop.core.records.dispositions import DISPOSITIONS
from desktop.core.records.export import call_values, export_file
from desktop.core.records.storage import CallStore

CSV_GOAL_S = 2.0
XLSX_GOAL_S = 10.0
LOOKUP_GOAL_MS = 5.0
CALLS_PER_DAY = 10_000
FULL = {"stored": 1_000_000, "exported": 100_000, "lookups": 200, "searches": 30, "short_searches": 8,
        "csv_repeats": 3, "xlsx_repeats": 1}
QUICK = {"stored": 100_000, "exported": 10_000, "lookups": 200, "searches": 30, "short_searches": 8,
         "csv_repeats": 2, "xlsx_repeats": 1}
TINY = {"stored": 1_000, "exported": 1_000, "lookups": 10, "searches": 3, "short_searches": 2,
        "csv_repeats": 1, "xlsx_repeats": 1}
DAY0 = datetime(2026, 1, 5, 8, 30)
BATCH = 20_000


def _timed(fn) -> tuple[float, object]:
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


# -- synthetic data --------------------------------------------------------------
def _sentence_pool(rng: random.Random, size: int = 4000) -> list[str]:
    """Note sentences with their blanks filled and numbers masked, as stored."""
    templates = [s for sentences in NOTES.values() for s in sentences] + GENERIC_NOTES
    pool = []
    for _ in range(size):
        mobile = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        card = rng.choice(CARD_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(10))
        values = {
            "name": rng.choice(SURNAMES) + rng.choice(TITLES), "day": rng.choice(["今天上午", "昨天晚上", "前天中午"]),
            "branch": rng.choice(BRANCHES), "device": "ATM取款机", "bank": "建设银行", "merchant": "洗车合作商户",
            "country": "日本", "amount": str(rng.choice([500, 1000, 2000, 5000])), "points": "12000",
            "days": str(rng.choice([3, 5, 7])), "loss": "长期", "late": "6", "times": "2", "count": "3", "ok": "2",
            "card": card, "mobile": mobile, "id": _resident_id(rng),
        }
        pool.append(mask_pii(rng.choice(templates).format(**values)))
    return pool


def _ref(rng: random.Random) -> str:
    tail = f"{rng.randrange(10_000):04d}"
    if rng.random() < 0.6:
        return "*******" + tail
    return rng.choice(CARD_PREFIXES) + "******" + tail


class _Clock:
    """ISO timestamps for epoch seconds, fast: the date part is cached per day."""

    def __init__(self) -> None:
        self.days: dict[int, tuple[float, str, str]] = {}

    def iso(self, ts: float) -> str:
        key = int(ts // 86400)
        entry = self.days.get(key)
        if entry is None:
            local = datetime.fromtimestamp(key * 86400).astimezone()
            midnight = local.replace(hour=0, minute=0, second=0)
            offset = midnight.isoformat()[19:]
            entry = self.days[key] = (midnight.timestamp(), midnight.strftime("%Y-%m-%dT"), offset)
        base, prefix, offset = entry
        seconds = int(ts - base)
        if not 0 <= seconds < 86400:
            return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")
        hours, rest = divmod(seconds, 3600)
        return f"{prefix}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}{offset}"


def fill(store: CallStore, count: int, seed: int = 5) -> dict:
    """Insert ``count`` ended calls (10,000 a day from DAY0) with batched SQL.

    The FTS insert trigger is dropped for the load and the index built in one
    ``rebuild`` afterwards (a per-row trigger is ~5× slower); the trigger is then
    recreated from its stored SQL, so the database ends up exactly as the v2
    schema makes it.
    """
    rng = random.Random(seed)
    rand = rng.random
    scenarios = list(load_packs([builtin_packs_dir()]).library.scenarios)
    pool = _sentence_pool(rng)
    store._bench_pool_text = "".join(pool)  # type: ignore[attr-defined]  # a benchmark-only attribute
    dispositions = [d.code for d in DISPOSITIONS]
    disposition_cum = [60, 80, 88, 95, 100]
    customers = [_ref(rng) for _ in range(max(1000, count // 3))]
    clock = _Clock()
    conn = store.conn
    steps_total = phrases_total = followups_total = notes_chars = 0
    spacing = 12 * 3600 / CALLS_PER_DAY
    day0 = DAY0.astimezone().timestamp()
    n_pool, n_customers, n_scen = len(pool), len(customers), len(scenarios)
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'calls_fts_insert'").fetchone()[0]
    # A scratch database: no journal and no fsync while loading, WAL again afterwards.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    with store.transaction():
        conn.execute("DROP TRIGGER calls_fts_insert")
        for start in range(0, count, BATCH):
            calls, steps, phrases, followups = [], [], [], []
            for call_id in range(start + 1, min(count, start + BATCH) + 1):
                index = call_id - 1
                started_ts = day0 + (index // CALLS_PER_DAY) * 86400 + (index % CALLS_PER_DAY) * spacing
                talk = 90 + int(rand() * 610)
                ended_ts = started_ts + talk
                scenario = scenarios[int(rand() * n_scen)]
                notes = "".join([pool[int(rand() * n_pool)] for _ in range(1 + int(rand() * 4))])
                notes_chars += len(notes)
                ref = customers[int(n_customers * rand() ** 1.5)] if rand() < 0.8 else ""
                roll = rand() * 100
                disposition = dispositions[next(i for i, edge in enumerate(disposition_cum) if roll < edge)]
                started_at, ended_at = clock.iso(started_ts), clock.iso(ended_ts)
                calls.append((
                    call_id, started_at, started_ts, ended_at, ended_ts, float(talk), scenario.id,
                    scenario.name, notes, ended_at, disposition, "ended", ref, round(10 + rand() * 110, 1),
                    END_REASONS[int(rand() * len(END_REASONS))] if rand() < 0.08 else "",
                ))
                moment = started_ts
                for step in scenario.steps[: 2 + int(rand() * (len(scenario.steps) - 1))]:
                    moment += 10 + int(rand() * 50)
                    at = clock.iso(moment)
                    steps.append((call_id, scenario.id, step.id, step.title, int(step.mandatory), at))
                    if step.phrases and rand() < 0.5:
                        phrase = step.phrases[int(rand() * len(step.phrases))]
                        phrases.append((call_id, scenario.id, step.id, phrase.id, phrase.text, at, "click"))
                if disposition in ("follow-up", "complaint", "escalated"):
                    kind = "complaint" if disposition == "complaint" else "callback"
                    due_ts = ended_ts + (15 if kind == "complaint" else 1) * 86400
                    done = ended_at if rand() < 0.7 else None
                    followups.append((call_id, kind, "回电告知处理结果", clock.iso(due_ts), due_ts, done, ended_at))
            conn.executemany(
                "INSERT INTO calls (id, started_at, started_ts, ended_at, ended_ts, duration_s, scenario_id,"
                " scenario_name, notes, notes_saved_at, disposition, status, customer_ref, wrapup_s, end_reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                calls,
            )
            conn.executemany(
                "INSERT INTO call_steps (call_id, scenario_id, step_id, title, mandatory, ticked_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                steps,
            )
            conn.executemany(
                "INSERT INTO call_phrases (call_id, scenario_id, step_id, phrase_id, text, used_at, via)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                phrases,
            )
            conn.executemany(
                "INSERT INTO followups (call_id, kind, text, due_at, due_ts, done_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                followups,
            )
            steps_total += len(steps)
            phrases_total += len(phrases)
            followups_total += len(followups)
        conn.execute("INSERT INTO calls_fts(calls_fts) VALUES ('rebuild')")
        conn.execute(trigger)
    # Back to what CallStore sets, and SQLite's default cache, for the measurements.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -2000")
    return {"calls": count, "steps": steps_total, "phrases": phrases_total, "followups": followups_total,
            "notes_chars": notes_chars, "refs": len(customers)}


# -- measurements ------------------------------------------------------------------
def _plain_csv(rows: list[list[str]], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def _plain_xlsx(header: list[str], cells: list[list[object]], path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                               "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Calls")
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for col, name in enumerate(header):
        sheet.write_string(0, col, name)
    for row, values in enumerate(cells, 1):
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(row, col, value, stamp)
            elif isinstance(value, (int, float)):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, value)
    workbook.close()


def _latencies(fn, args: list, sizes: list | None = None) -> list[float]:
    """Seconds per call of ``fn(arg)``; the result lengths go to ``sizes``."""
    fn(args[0])  # warm the cache and the statement
    times = []
    for arg in args:
        t0 = time.perf_counter()
        found = fn(arg)
        times.append(time.perf_counter() - t0)
        if sizes is not None:
            sizes.append(len(found))
    return times


def _search_terms(rng: random.Random, pool_text: str, count: int, length: int) -> Iterator[str]:
    """Substrings of real notes, without punctuation or masks, ``length`` characters long."""
    produced = 0
    while produced < count:
        start = rng.randrange(len(pool_text) - length)
        term = pool_text[start : start + length]
        if any(ch in term for ch in "，。：；、“”（）*\n "):
            continue
        produced += 1
        yield term


def _bare_search(store: CallStore, query: str) -> list:
    """The newest 50 matching ids with the index alone: FTS5 in rowid order (ids grow
    with time), LIKE below 3 characters; no records built."""
    if len(query) >= 3:
        return store.conn.execute(
            "SELECT rowid FROM calls_fts WHERE calls_fts MATCH ? ORDER BY rowid DESC LIMIT 50",
            ('"' + query.replace('"', '""') + '"',),
        ).fetchall()
    return store.conn.execute(
        "SELECT id FROM calls WHERE notes LIKE ? ORDER BY id DESC LIMIT 50", ("%" + query + "%",)
    ).fetchall()


def fill_text(store: CallStore) -> str:
    """Every character the synthetic notes are made of (they come from one sentence pool)."""
    return getattr(store, "_bench_pool_text", "")


def run(quick: bool = False, log=None, tiny: bool = False) -> dict:
    params = TINY if tiny else QUICK if quick else FULL
    quick = quick or tiny
    say = log or (lambda message: None)
    rng = random.Random(9)
    result: dict = {"quick": quick, "params": dict(params)}
    folder = Path(tempfile.mkdtemp(prefix="seatside-bench-records-"))
    try:
        store = CallStore(folder / "seatside.db")
        try:
            say(f"  filling {params['stored']:,} calls")
            seconds, filled = _timed(lambda: fill(store, params["stored"]))
            result["fill"] = dict(filled, seconds=seconds, db_bytes=sum(
                p.stat().st_size for p in folder.iterdir() if p.name.startswith("seatside.db")))

            # -- exports ---------------------------------------------------------
            exported = params["exported"]
            start = datetime.combine(DAY0.date(), datetime.min.time()).astimezone()
            end = start + timedelta(days=max(1, exported // CALLS_PER_DAY))  # a tiny run: part of one day
            say(f"  reading {exported:,} calls")
            query_s, records = _timed(lambda: store.calls_between(start, end))
            assert len(records) == exported, (len(records), exported)
            result["query_s"] = query_s
            out_csv, out_xlsx = folder / "shift.csv", folder / "shift.xlsx"
            say("  CSV export")
            csv_times = [_timed(lambda records=records: export_file(records, out_csv, "csv"))[0] for _ in range(params["csv_repeats"])]
            with open(out_csv, encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
            plain_csv = folder / "plain.csv"
            base_csv = [_timed(lambda rows=rows: _plain_csv(rows, plain_csv))[0] for _ in range(params["csv_repeats"])]
            result["csv"] = {"seconds": median(csv_times), "baseline": median(base_csv),
                             "bytes": out_csv.stat().st_size, "rows": len(rows) - 1, "columns": len(rows[0])}
            header = rows[0]
            del rows
            say("  XLSX export")
            xlsx_times = [_timed(lambda records=records: export_file(records, out_xlsx, "xlsx"))[0] for _ in range(params["xlsx_repeats"])]
            cells = [call_values(call) for call in records]
            plain_xlsx = folder / "plain.xlsx"
            base_xlsx = [_timed(lambda cells=cells: _plain_xlsx(header, cells, plain_xlsx))[0] for _ in range(params["xlsx_repeats"])]
            result["xlsx"] = {"seconds": median(xlsx_times), "baseline": median(base_xlsx),
                              "bytes": out_xlsx.stat().st_size}
            del cells, records
            gc.collect()

            # -- caller history --------------------------------------------------
            say(f"  caller history at {params['stored']:,} calls")
            refs = [row[0] for row in store.conn.execute(
                "SELECT customer_ref FROM calls WHERE customer_ref != '' ORDER BY random() LIMIT ?", (params["lookups"],))]
            hits: list[int] = []
            lookup = _latencies(lambda ref: store.calls_by_customer(ref), refs, hits)
            bare_sql = "SELECT id FROM calls WHERE customer_ref = ?"
            bare = _latencies(lambda ref: store.conn.execute(bare_sql, (ref,)).fetchall(), refs)
            matching = [store.conn.execute("SELECT count(*) FROM calls WHERE customer_ref = ?", (r,)).fetchone()[0]
                        for r in refs[:50]]
            result["lookup"] = {"p50": percentile(lookup, 50), "p99": percentile(lookup, 99),
                                "base_p50": percentile(bare, 50), "base_p99": percentile(bare, 99),
                                "returned": median(hits), "matching": median(matching), "n": len(refs)}

            # -- notes search ----------------------------------------------------
            say(f"  notes search at {params['stored']:,} calls")
            sample = "".join(row[0] for row in store.conn.execute("SELECT notes FROM calls ORDER BY random() LIMIT 300"))
            tails = sorted(set(re.findall(r"\*(\d{4})(?!\d)", sample)))
            absent = [ch for ch in "鑫淼犇骉昶燚垚琰玥翀珺瑀" if ch not in fill_text(store)]
            sets = {
                "common4": list(_search_terms(rng, sample, params["searches"], 4)),
                "common3": list(_search_terms(rng, sample, params["searches"], 3)),
                "tail": [rng.choice(tails) for _ in range(params["searches"])],
                "common2": list(_search_terms(rng, sample, params["short_searches"], 2)),
                "absent2": [rng.choice(absent) + rng.choice(absent) for _ in range(params["short_searches"])],
            }
            searches = {}
            for label, terms in sets.items():
                found: list[int] = []
                times = _latencies(lambda q: store.search_notes(q), terms, found)
                bare = _latencies(lambda q: _bare_search(store, q), terms)
                searches[label] = {"p50": percentile(times, 50), "p99": percentile(times, 99), "n": len(terms),
                                   "base_p50": percentile(bare, 50), "base_p99": percentile(bare, 99),
                                   "examples": terms[:3], "found": median(found)}
            result["search"] = searches
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


# -- report --------------------------------------------------------------------------
def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    marks = [":---" if a == "l" else "---:" for a in align]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"] + [
        "| " + " | ".join(row) + " |" for row in rows
    ]


def markdown(result: dict) -> str:
    fill_info, csv_r, xlsx_r, lookup, search = (result["fill"], result["csv"], result["xlsx"], result["lookup"],
                                                 result["search"])
    stored = fmt_int(fill_info["calls"])
    exported = fmt_int(csv_r["rows"])
    out = ["## 5. Call records", ""]
    out.append(
        f"One database of {stored} ended calls ({fmt_int(CALLS_PER_DAY)} a day; "
        f"{fmt_int(fill_info['steps'])} ticked steps, {fmt_int(fill_info['phrases'])} phrases, "
        f"{fmt_int(fill_info['followups'])} follow-ups, {fill_info['notes_chars'] / fill_info['calls']:.0f} characters "
        f"of notes a call on average, {fmt_bytes(fill_info['db_bytes'])} with the FTS5 trigram index), written with "
        f"batched SQL in {fill_info['seconds']:.0f} s. Customer references are masked like the app's "
        "(`*******1234`, `622202******1234`), so several customers share one."
    )
    if result.get("quick"):
        out += ["", f"> Quick run: {stored} stored calls and a {exported}-call export instead of 1M and 100k."]
    out += [""]
    rows = [
        [f"CSV export of {exported} calls (`export_file`, median of {result['params']['csv_repeats']})",
         fmt_ms(csv_r["seconds"]), f"plain `csv.writer`, same cells: {fmt_ms(csv_r['baseline'])}",
         fmt_ratio(ratio(csv_r["seconds"], csv_r["baseline"])), f"≤ {CSV_GOAL_S:g} s",
         _met(csv_r["seconds"] <= CSV_GOAL_S)],
        [f"XLSX export of {exported} calls with summary sheet (median of {result['params']['xlsx_repeats']})",
         fmt_ms(xlsx_r["seconds"]), f"xlsxwriter, same cells, no summary: {fmt_ms(xlsx_r['baseline'])}",
         fmt_ratio(ratio(xlsx_r["seconds"], xlsx_r["baseline"])), f"≤ {XLSX_GOAL_S:g} s",
         _met(xlsx_r["seconds"] <= XLSX_GOAL_S)],
        [f"Caller history `calls_by_customer` at {stored} calls, p50 of {lookup['n']}",
         fmt_ms(lookup["p50"]), f"bare indexed SELECT id: {fmt_ms(lookup['base_p50'])}",
         fmt_ratio(ratio(lookup["p50"], lookup["base_p50"])), f"≤ {LOOKUP_GOAL_MS:g} ms", _met(lookup["p50"] * 1000 <= LOOKUP_GOAL_MS)],
        [f"Caller history `calls_by_customer` at {stored} calls, p99 of {lookup['n']}",
         fmt_ms(lookup["p99"]), f"bare indexed SELECT id: {fmt_ms(lookup['base_p99'])}",
         fmt_ratio(ratio(lookup["p99"], lookup["base_p99"])), f"≤ {LOOKUP_GOAL_MS:g} ms", _met(lookup["p99"] * 1000 <= LOOKUP_GOAL_MS)],
    ]
    out += _table(["", "Seatside", "Baseline", "Ratio", "Goal", "Met"], rows, "lrlrrl")
    out += [
        "",
        f"Reading the {exported} calls first (`calls_between`, with their steps, phrases and follow-ups) took "
        f"{fmt_ms(result['query_s'])}; it is not part of the export figures above. Files: CSV "
        f"{fmt_bytes(csv_r['bytes'])}, XLSX {fmt_bytes(xlsx_r['bytes'])}.",
        "",
    ]
    if xlsx_r["baseline"] > XLSX_GOAL_S:
        out += [
            f"xlsxwriter alone needs {xlsx_r['baseline']:.1f} s for these cells (about "
            f"{xlsx_r['baseline'] / max(1, csv_r['rows']) * 1e6:.0f} µs a row, most of it building each cell's XML), "
            f"so the {XLSX_GOAL_S:g} s goal is out of reach with xlsxwriter on this machine whatever the export adds.",
            "",
        ]
    out += [
        f"A caller-history lookup returns up to 20 calls (median {lookup['returned']:.0f}; median "
        f"{lookup['matching']:.0f} stored calls share the masked reference) with their steps, phrases and follow-ups.",
        "",
        f"### Notes search at {stored} calls",
        "",
    ]
    labels = {
        "common4": "4 characters of a note (FTS5 trigram)",
        "common3": "3 characters of a note (FTS5 trigram)",
        "tail": "last 4 digits of a masked number (FTS5 trigram)",
        "common2": "2 characters of a note (LIKE)",
        "absent2": "2 characters found nowhere (LIKE, whole table scanned)",
    }
    rows = [
        [labels[key], str(item["n"]), fmt_ms(item["p50"]), fmt_ms(item["p99"]), fmt_ms(item["base_p50"]),
         fmt_ms(item["base_p99"]), f"{item['found']:.0f}", ", ".join(f"`{e}`" for e in item["examples"])]
        for key, item in search.items()
    ]
    out += _table(["Query", "Queries", "p50", "p99", "Bare index p50", "Bare index p99", "Median hits (≤ 50)",
                   "Examples"], rows, "lrrrrrrl")
    out += [
        "",
        "`search_notes` returns the newest 50 matches with their steps, phrases and follow-ups. Substrings of "
        "notes match many calls: FTS5 hands back every matching row id before the newest 50 are picked, so the "
        "common 3-4 character queries cost the most; a 2-character query scans newest-first and stops at 50 "
        "matches, so it is quick when the text is common and reads the whole table when it is not there at all. "
        "The bare-index baseline asks FTS5 for the newest 50 row ids directly (`ORDER BY rowid DESC LIMIT 50`, "
        "ids grow with time), which lets it stop early.",
    ]
    return "\n".join(out) + "\n"
