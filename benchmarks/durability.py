"""Benchmark 7: what durability costs and what hostile packs cost.

* ``PRAGMA quick_check`` at start (``integrity.check``) on databases of 10,000
  and 100,000 calls; baseline: reading the same file from start to end.
* An online backup (``backup.make_backup``, as at shift end and quit) of the same
  databases; baseline: ``shutil.copyfile`` of the file.
* Hostile pack files (``load_pack_file``, each in a fresh process so its peak
  memory is its own): the 467-byte alias bomb, the bomb under every schema field
  at once, a file just under the 5 MiB size limit full of distinct values;
  baseline: the largest built-in pack. Goal: any single file ≤ 2 s and ≤ 100 MB.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.sample_data import fill_store
from benchmarks.stats import fmt_bytes, fmt_ms, fmt_ratio, median, ratio
from desktop.core.base.paths import builtin_packs_dir
from desktop.core.records import integrity
from desktop.core.records.backup import make_backup
from desktop.core.records.storage import CallStore

PACK_TIME_GOAL_S = 2.0
PACK_MEMORY_GOAL_MB = 100

BOMB = """\
pack:
  name: 炸弹
defaults:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
scenarios: []
"""

_CHILD = """\
import json, resource, sys, time
from pathlib import Path
from desktop.core.packs.loader import load_pack_file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
info, scenarios, problems = load_pack_file(Path(sys.argv[1]))
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak, "grew_kib": peak - before,
                  "errors": [str(p) for p in problems if p.severity == "error"][:1]}))
"""


def _pack_files(folder: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    files["alias bomb under `defaults:` (9⁹ values once expanded)"] = folder / "bomb.yaml"
    files["alias bomb under `defaults:` (9⁹ values once expanded)"].write_text(BOMB, encoding="utf-8")
    under = (
        "pack:\n  name: x\nscenarios:\n  - id: x\n    name: x\n"
        "    steps:\n      - id: s\n        title: 第一步\n        phrases:\n"
        + "".join(f"          - 您好，这是第{i}句话术\n" for i in range(24_000))
        + "    keywords:\n"
        + "".join(f"      - 关键词{i}\n" for i in range(24_000))
    )
    files["48,000 distinct values, a valid pack (just under the value limit: parsed, checked, loaded)"] = folder / "under.yaml"
    files["48,000 distinct values, a valid pack (just under the value limit: parsed, checked, loaded)"].write_text(under, encoding="utf-8")
    many = "pack:\n  name: x\nscenarios:\n  - id: x\n    name: x\n    keywords:\n"
    line = "      - 关键词{}\n"
    parts, size, i = [many], len(many.encode()), 0
    while size < 5 * 1024 * 1024 - 64:
        piece = line.format(i)
        parts.append(piece)
        size += len(piece.encode())
        i += 1
    files[f"{i:,} distinct values, just under the 5 MiB limit"] = folder / "many.yaml"
    files[f"{i:,} distinct values, just under the 5 MiB limit"].write_text("".join(parts), encoding="utf-8")
    largest = max(builtin_packs_dir().glob("*.yaml"), key=lambda p: p.stat().st_size)
    files[f"baseline: largest built-in pack ({largest.name})"] = largest
    return files


def _load_in_child(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=600,
                         check=True)
    return json.loads(out.stdout)


def _read_whole(path: Path) -> None:
    with open(path, "rb") as handle:
        while handle.read(1 << 20):
            pass


def _timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times)


def run(quick: bool = False, log=None, tiny: bool = False) -> dict:
    sizes = [200] if tiny else [1_000] if quick else [10_000, 100_000]
    repeats = 1 if quick or tiny else 5
    databases = []
    with tempfile.TemporaryDirectory(prefix="seatside-bench-durability-") as tmp:
        root = Path(tmp)
        for count in sizes:
            if log:
                log(f"   filling a database of {count:,} calls")
            folder = root / f"db{count}"
            store = CallStore(folder / "seatside.db")
            rng = random.Random(count)
            day = datetime(2026, 11, 2).astimezone()
            per_day = 5_000
            for start in range(0, count, per_day):
                fill_store(store, min(per_day, count - start), day + timedelta(days=start // per_day), rng)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            store.close()
            db = folder / "seatside.db"
            check_s = _timed(lambda db=db: integrity.check(db), repeats)
            read_s = _timed(lambda db=db: _read_whole(db), repeats)
            store = CallStore(db)
            try:
                backup_s = _timed(lambda conn=store.conn, folder=folder: make_backup(conn, folder), repeats)
            finally:
                store.close()
            copy_s = _timed(lambda db=db, folder=folder: shutil.copyfile(db, folder / "copy.db"), repeats)
            databases.append({"calls": count, "bytes": db.stat().st_size, "check": check_s, "read": read_s,
                              "backup": backup_s, "copy": copy_s})
        packs = []
        for label, path in _pack_files(root).items():
            if log:
                log(f"   loading {label}")
            result = _load_in_child(path)
            packs.append({"label": label, "bytes": path.stat().st_size, **result})
    return {"databases": databases, "packs": packs, "repeats": repeats}


def markdown(result: dict) -> str:
    out = ["## 7. Durability", ""]
    out += [
        (
            "Start-up integrity check (`integrity.check`: header, size, `PRAGMA quick_check` on a read-only "
            "connection) and the online backup made at shift end and at quit (`backup.make_backup`, SQLite backup "
            f"API into a synced 0600 file), on databases filled the app's way; median of {result['repeats']}."
        ),
        "",
        "| Database | Size | `quick_check` | Baseline: read the file | Ratio | Backup | Baseline: copy the file | Ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for d in result["databases"]:
        out.append(
            f"| {d['calls']:,} calls | {fmt_bytes(d['bytes'])} | {fmt_ms(d['check'])} | {fmt_ms(d['read'])} | "
            f"{fmt_ratio(ratio(d['check'], d['read']))} | {fmt_ms(d['backup'])} | {fmt_ms(d['copy'])} | "
            f"{fmt_ratio(ratio(d['backup'], d['copy']))} |"
        )
    out += ["", (f"Hostile pack files, each checked by `load_pack_file` in a fresh process (goal: ≤ "
                 f"{PACK_TIME_GOAL_S:g} s and ≤ {PACK_MEMORY_GOAL_MB} MB for any single file)."), "",
            "| File | Size | Time | Peak memory of the process (growth while loading) | Result |",
            "| :--- | ---: | ---: | ---: | :--- |"]
    for p in result["packs"]:
        verdict = p["errors"][0].split(": ", 1)[-1] if p["errors"] else "loaded"
        out.append(f"| {p['label']} | {fmt_bytes(p['bytes'])} | {fmt_ms(p['seconds'])} | "
                   f"{p['peak_kib'] / 1024:.0f} MiB (+{p['grew_kib'] / 1024:.0f} MiB) | {verdict} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(run(quick="--quick" in sys.argv, log=lambda m: print(m, file=sys.stderr))))
