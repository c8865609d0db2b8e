"""The Markdown results file."""

from __future__ import annotations

from benchmarks.csv_export import ExportResult
from benchmarks.notes_autosave import GOAL_MS, NotesResult, steady_typing_line
from benchmarks.startup import MEMORY_GOAL, SETTLE_S, TIME_GOAL, StartupResult
from benchmarks.stats import fmt_bytes, fmt_int, fmt_mib, fmt_ms, fmt_ratio, ratio


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = [":---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render(
    machine: list[tuple[str, str]],
    startup: StartupResult,
    notes: NotesResult,
    export: ExportResult,
    quick: bool,
    command: str,
    elapsed: float,
    sections: list[str] | None = None,
    tiny: bool = False,
) -> str:
    """The whole results page; ``sections`` are further Markdown sections (4., 5., …)."""
    out: list[str] = ["# Seatside benchmarks", ""]
    out.append(
        f"Written by `{command}` (`make bench` runs the full suite). Speed and memory are compared with a baseline measured in the "
        "same run on the same machine, so the ratios are what to compare between machines; the absolute "
        "values only describe this one."
    )
    if tiny:
        out += ["", "> **Tiny run** (`--tiny`): minimal sizes and one repetition; it checks that every part runs, "
                "the figures mean nothing."]
    elif quick:
        out += ["", "> **Quick run** (`--quick`): fewer repetitions and a smaller data set; use it to check that "
                "the suite works, not for the figures."]
    out += ["", "## Machine", ""]
    out += _table(["", ""], [[k, v] for k, v in machine], "ll")
    out += ["", f"The whole run took {elapsed:.0f} s.", ""]

    # -- summary ---------------------------------------------------------------
    out += ["## Summary", ""]
    rows = [
        *startup_summary_rows(startup),
        [
            f"2. Note autosave, median of {notes.saves} saves",
            fmt_ms(notes.store_median),
            f"raw sqlite3 UPDATE: {fmt_ms(notes.raw_median)}",
            fmt_ratio(notes.ratio_median),
            f"≤ {GOAL_MS:g} ms a save",
            _met(notes.store_median * 1000 <= GOAL_MS),
        ],
        [
            f"2. Note autosave, p95 of {notes.saves} saves",
            fmt_ms(notes.store_p95),
            f"raw sqlite3 UPDATE: {fmt_ms(notes.raw_p95)}",
            fmt_ratio(notes.ratio_p95),
            f"≤ {GOAL_MS:g} ms a save",
            _met(notes.store_p95 * 1000 <= GOAL_MS),
        ],
        [
            f"3. CSV export of {fmt_int(export.rows)} calls (median of {export.repeats})",
            f"{fmt_ms(export.export_median)} ({fmt_int(export.rows_per_s)} rows/s)",
            f"plain csv.writer: {fmt_ms(export.baseline_median)}",
            fmt_ratio(export.ratio),
            "for reference",
            "—",
        ],
    ]
    out += _table(["Benchmark", "Seatside", "Baseline", "Ratio", "Goal", "Met"], rows, "lrrrll")
    out.append("")

    out += startup_section(startup)
    out += _notes_section(notes)
    out += _export_section(export)
    for section in sections or []:
        out += ["", section.rstrip(), ""]
    return "\n".join(out).rstrip() + "\n"


def startup_summary_rows(r: StartupResult) -> list[list[str]]:
    b, s, n = r.bare, r.seatside, r.repeats
    return [
        [
            f"1. Start → panel mapped, real `seatside` command, wall time from spawn (median of {n})",
            fmt_ms(s.med("wall")),
            f"bare PySide6 window: {fmt_ms(b.med('wall'))}",
            fmt_ratio(r.time_ratio),
            f"≤ {TIME_GOAL:.2f}×",
            _met(r.time_ratio <= TIME_GOAL),
        ],
        [
            f"1. Peak memory (RSS) at panel mapped (median of {n})",
            fmt_mib(s.med("peak_kib")),
            f"bare PySide6 window: {fmt_mib(b.med('peak_kib'))}",
            fmt_ratio(r.memory_ratio),
            f"≤ {MEMORY_GOAL:.2f}×",
            _met(r.memory_ratio <= MEMORY_GOAL),
        ],
    ]


def startup_summary_rows_text(r: StartupResult) -> list[str]:
    return _table(["Benchmark", "Seatside", "Baseline", "Ratio", "Goal", "Met"], startup_summary_rows(r), "lrrrll")


def startup_section(r: StartupResult) -> list[str]:
    b, s = r.bare, r.seatside
    width, height = b.runs[0].size
    out = ["## 1. Start → panel visible", ""]
    out += [
        "Measured from outside on the real programs, each a fresh process on a real X11 display, Seatside and "
        f"the bare window alternating, {r.repeats} of each after one discarded warm-up run of each. The parent "
        "listens to the X server for top-level windows being mapped (`SubstructureNotify` on the root window), "
        "spawns the program and stops the clock when a window of that process (its `_NET_WM_PID`) is mapped; "
        "the peak memory is the process's `VmHWM` (peak RSS) read from `/proc` at that moment. The program then "
        "gets SIGTERM and must exit 0.",
        "",
        f"- **Bare**: `benchmarks/_bare_window.py`: import `PySide6.QtWidgets`, create a `QApplication` and a "
        f"`QWidget` of the panel's size ({width}×{height}, as the warm-up Seatside run mapped it), show it, run "
        "the event loop until SIGTERM.",
        "- **Seatside**: the real command, `python -m desktop --data-dir DIR` (what the `seatside` console script "
        "runs), with the built-in scenario packs on a data folder the warm-up run initialised (an everyday start: "
        "the database exists); the whole panel is built before it is shown.",
        "",
    ]
    rows = [
        ["**spawn → window mapped**", f"**{fmt_ms(b.med('wall'))}**", f"**{fmt_ms(s.med('wall'))}**",
         f"**{fmt_ratio(r.time_ratio)}**"],
        ["peak RSS at that moment", fmt_mib(b.med("peak_kib")), fmt_mib(s.med("peak_kib")), fmt_ratio(r.memory_ratio)],
        [f"peak RSS {SETTLE_S:g} s later (one more run each)", fmt_mib(r.settled_bare.settled_kib),
         fmt_mib(r.settled_seatside.settled_kib), fmt_ratio(ratio(r.settled_seatside.settled_kib, r.settled_bare.settled_kib))],
        [f"RSS {SETTLE_S:g} s later (same run)", fmt_mib(r.settled_bare.settled_rss_kib),
         fmt_mib(r.settled_seatside.settled_rss_kib),
         fmt_ratio(ratio(r.settled_seatside.settled_rss_kib, r.settled_bare.settled_rss_kib))],
    ]
    out += ["Medians:", ""]
    out += _table(["", "Bare window", "Seatside", "Ratio"], rows)
    out += ["", "Every run, in order:", ""]
    runs = [[run.mode, fmt_ms(run.wall), fmt_mib(run.peak_kib), f"{run.size[0]}×{run.size[1]}"] for run in r.sequence]
    out += _table(["Program", "Spawn → mapped", "Peak RSS", "Window size"], runs, "lrrr")
    out += ["", "### Where the time and memory go", ""]
    out += [
        "From one extra profiled run of each under `benchmarks/_startup_child.py` (not part of the medians "
        "above): the process takes `time.perf_counter()` as its very first statement and stops when the "
        "window's `windowHandle().isExposed()` becomes true; the Seatside child runs `desktop.app.build()` "
        "and shows the panel (the command's other steps, the single-instance lock and server, are left out). "
        "The peak RSS column is `ru_maxrss` right after each phase.",
        "",
    ]
    pb, ps = r.profile_bare, r.profile_seatside
    rows = [["interpreter start-up (wall − in-process)", fmt_ms(pb.wall - pb.marks["exposed"]), "",
             fmt_ms(ps.wall - ps.marks["exposed"]), ""]]
    prev_b = prev_s = 0.0
    for key, label in (("imported", "imports"), ("built", "app and window built"), ("shown", "`show()`"),
                       ("exposed", "until exposed")):
        rows.append([
            label,
            fmt_ms(pb.marks[key] - prev_b),
            fmt_mib(pb.rss_marks.get(key, 0)),
            fmt_ms(ps.marks[key] - prev_s),
            fmt_mib(ps.rss_marks.get(key, 0)),
        ])
        prev_b, prev_s = pb.marks[key], ps.marks[key]
    out += _table(["Phase", "Bare", "Bare peak RSS", "Seatside", "Seatside peak RSS"], rows)
    if ps.phases:
        out += ["", "Inside Seatside's `build()`:", ""]
        out += _table(["Step", "Time", "Peak RSS after"],
                      [[name, fmt_ms(seconds), fmt_mib(kib)] for name, seconds, kib in ps.phases])
    imp = r.imports
    out += [
        "",
        f"Imports of the Seatside child under `python -X importtime` (one more run; the tool adds overhead, "
        f"all modules' own times add up to {fmt_ms(imp.total)}). PySide6 creates its classes lazily, so the "
        "first module that imports a Qt class is charged for creating it.",
        "",
        "Imported directly by `desktop.app`, by cumulative time:",
        "",
    ]
    out += _table(["Module", "Cumulative"], [[f"`{m}`", fmt_ms(c)] for m, c in imp.app_children])
    out += ["", "Largest own (self) import times:", ""]
    out += _table(["Module", "Self"], [[f"`{m}`", fmt_ms(t)] for m, t in imp.by_self])
    out.append("")
    return out


def _notes_section(r: NotesResult) -> list[str]:
    out = ["## 2. Note autosave", ""]
    out += [
        f"`CallStore(path).save_notes(call_id, notes, at)` on a fresh database in a temporary folder "
        f"(journal mode `{r.journal_mode}`, `synchronous` = {r.synchronous}) holding earlier calls, for one active "
        f"call whose Chinese notes grow as if typed from {r.chars_from} to {r.chars_to} characters, a few "
        f"characters (now and then a correction) between saves; {r.saves} measured saves after a warm-up. "
        "Baseline, interleaved save by save in the same process: a raw `sqlite3` connection in autocommit mode "
        "running `UPDATE calls SET notes = ? WHERE id = ?` on a similar WAL database (same pragmas, same earlier "
        "rows, same notes).",
        "",
    ]
    rows = [
        ["median", fmt_ms(r.store_median), fmt_ms(r.raw_median), fmt_ratio(r.ratio_median)],
        ["p95", fmt_ms(r.store_p95), fmt_ms(r.raw_p95), fmt_ratio(r.ratio_p95)],
        ["max", fmt_ms(r.store_max), fmt_ms(r.raw_max), fmt_ratio(ratio(r.store_max, r.raw_max))],
    ]
    out += _table(["Per save", "`CallStore.save_notes`", "raw `UPDATE`", "Ratio"], rows)
    out += ["", f"Goal: ≤ {GOAL_MS:g} ms a save — median {_met(r.store_median * 1000 <= GOAL_MS)}, "
            f"p95 {_met(r.store_p95 * 1000 <= GOAL_MS)}. Percentiles are nearest-rank.", ""]
    out += [steady_typing_line(r), ""]
    return out


def _export_section(r: ExportResult) -> list[str]:
    f = r.fill
    out = ["## 3. CSV export of a day of calls", ""]
    out += [
        f"A temporary database filled through `CallStore` (`start_call`, `set_scenario`, 3-5 `tick_step`, "
        f"1-4 `record_phrase` with rendered phrases of the built-in scenarios, `end_call` with Chinese notes of "
        f"150-800 characters) inside one `store.transaction()`: {fmt_int(f.calls)} calls spread over one day, "
        f"{fmt_int(f.steps)} ticked steps, {fmt_int(f.phrases)} phrases, {fmt_int(f.notes_chars)} characters of "
        f"notes; database {fmt_bytes(r.db_bytes)}, filled in {r.fill_seconds:.1f} s. Timed: "
        "`export_csv(store.calls_between(start, end), path)`, as the app runs it. Baseline: the same rows (the "
        "cells of the exported file, read back beforehand) written with a plain `csv.writer` to a file in the "
        "same encoding (UTF-8 with BOM, CRLF), without the temporary file, `fsync` and rename of the export.",
        "",
    ]
    rows = [
        ["`export_csv(store.calls_between(…), path)`", fmt_ms(r.export_median), fmt_int(r.rows_per_s),
         fmt_ratio(r.ratio)],
        ["of which `store.calls_between(…)` alone", fmt_ms(r.query_median), fmt_int(r.rows / r.query_median), ""],
        ["of which `export_csv(list, path)` alone", fmt_ms(r.write_median), fmt_int(r.rows / r.write_median), ""],
        ["baseline: plain `csv.writer`", fmt_ms(r.baseline_median), fmt_int(r.baseline_rows_per_s), "1.00×"],
    ]
    out += _table([f"Median of {r.repeats}", "Time", "Rows/s", "Ratio"], rows)
    out += [
        "",
        f"Output: {fmt_int(r.rows)} rows of {r.columns} columns plus the header, {fmt_bytes(r.csv_bytes)} "
        f"(baseline file {fmt_bytes(r.baseline_bytes)}). No goal is set: the figures are for reference.",
        "",
    ]
    return out
