"""The Markdown results file."""

from __future__ import annotations

from benchmarks.csv_export import ExportResult
from benchmarks.notes_autosave import GOAL_MS, NotesResult, steady_typing_line
from benchmarks.startup import MEMORY_GOAL, TIME_GOAL, StartupResult
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
) -> str:
    """The whole results page; ``sections`` are further Markdown sections (4., 5., …)."""
    out: list[str] = ["# Seatside benchmarks", ""]
    out.append(
        f"Written by `{command}` (`make bench` runs the full suite). Speed and memory are compared with a baseline measured in the "
        "same run on the same machine, so the ratios are what to compare between machines; the absolute "
        "values only describe this one."
    )
    if quick:
        out += ["", "> **Quick run** (`--quick`): fewer repetitions and a smaller data set; use it to check that "
                "the suite works, not for the figures."]
    out += ["", "## Machine", ""]
    out += _table(["", ""], [[k, v] for k, v in machine], "ll")
    out += ["", f"The whole run took {elapsed:.0f} s.", ""]

    # -- summary ---------------------------------------------------------------
    b, s = startup.bare, startup.seatside
    n = startup.repeats
    out += ["## Summary", ""]
    rows = [
        [
            f"1. Start → panel exposed, from the first statement (median of {n})",
            fmt_ms(s.med("exposed")),
            f"bare PySide6 window: {fmt_ms(b.med('exposed'))}",
            fmt_ratio(startup.time_ratio),
            f"≤ {TIME_GOAL:.2f}×",
            _met(startup.time_ratio <= TIME_GOAL),
        ],
        [
            f"1. Start → panel exposed, wall time from spawn (median of {n})",
            fmt_ms(s.med("wall")),
            f"bare PySide6 window: {fmt_ms(b.med('wall'))}",
            fmt_ratio(startup.wall_ratio),
            f"≤ {TIME_GOAL:.2f}×",
            _met(startup.wall_ratio <= TIME_GOAL),
        ],
        [
            f"1. Peak memory (RSS) at panel exposed (median of {n})",
            fmt_mib(s.med("maxrss_kib")),
            f"bare PySide6 window: {fmt_mib(b.med('maxrss_kib'))}",
            fmt_ratio(startup.memory_ratio),
            f"≤ {MEMORY_GOAL:.2f}×",
            _met(startup.memory_ratio <= MEMORY_GOAL),
        ],
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

    out += _startup_section(startup)
    out += _notes_section(notes)
    out += _export_section(export)
    for section in sections or []:
        out += ["", section.rstrip(), ""]
    return "\n".join(out).rstrip() + "\n"


def _startup_section(r: StartupResult) -> list[str]:
    b, s = r.bare, r.seatside
    out = ["## 1. Start → panel visible", ""]
    out += [
        "Each measurement is a fresh Python process on a real X11 display, Seatside and the bare window "
        f"alternating, {r.repeats} of each after one discarded warm-up run of each. A process takes "
        "`time.perf_counter()` as its very first statement and stops the clock when the top-level window's "
        "`windowHandle().isExposed()` becomes true while it processes events; the parent also times the same "
        "moment from the spawn, which adds the interpreter's own start-up. Peak memory is "
        "`resource.getrusage(RUSAGE_SELF).ru_maxrss` at that moment.",
        "",
        f"- **Bare**: import `PySide6.QtWidgets`, create a `QApplication` and a `QWidget` of the panel's size "
        f"({b.runs[0].size[0]}×{b.runs[0].size[1]}, as the warm-up Seatside run reported it), show it.",
        "- **Seatside**: `from desktop.app import build`, `build(tmpdir)` on a data folder the warm-up run initialised (an everyday start: the database exists) with "  # noqa: E501 - one data item, clearer unbroken
        "the built-in scenario packs, `app.panel.show()`; after measuring, `app.panel.close()` and "
        "`app.shutdown()`.",
        "",
        "Medians, in time from the first statement:",
        "",
    ]
    rows = [
        ["imports done", fmt_ms(b.med("imported")), fmt_ms(s.med("imported")), fmt_ratio(ratio(s.med("imported"), b.med("imported")))],
        ["app and window built", fmt_ms(b.med("built")), fmt_ms(s.med("built")), fmt_ratio(ratio(s.med("built"), b.med("built")))],
        ["`show()` returned", fmt_ms(b.med("shown")), fmt_ms(s.med("shown")), fmt_ratio(ratio(s.med("shown"), b.med("shown")))],
        ["**window exposed**", f"**{fmt_ms(b.med('exposed'))}**", f"**{fmt_ms(s.med('exposed'))}**", f"**{fmt_ratio(r.time_ratio)}**"],
        ["wall time from spawn to exposed (parent)", fmt_ms(b.med("wall")), fmt_ms(s.med("wall")), fmt_ratio(r.wall_ratio)],
        ["peak RSS", fmt_mib(b.med("maxrss_kib")), fmt_mib(s.med("maxrss_kib")), fmt_ratio(r.memory_ratio)],
    ]
    out += _table(["", "Bare window", "Seatside", "Ratio"], rows)
    out += ["", "Every run, in order:", ""]
    runs = []
    for run in r.sequence:
        runs.append([run.mode, fmt_ms(run.marks["exposed"]), fmt_ms(run.wall), fmt_mib(run.maxrss_kib),
                     f"{run.size[0]}×{run.size[1]}", run.platform])
    out += _table(["Child", "To exposed", "Wall from spawn", "Peak RSS", "Window size", "Qt platform"], runs, "lrrrrl")
    out += ["", "### Where the time and memory go", ""]
    out += [
        "From one extra profiled run of each (not part of the medians above). The peak RSS column is "
        "`ru_maxrss` right after each phase.",
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
