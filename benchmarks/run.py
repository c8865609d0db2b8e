"""Run every Seatside benchmark and write the results as Markdown.

    python -m benchmarks.run --output docs/benchmarks.md   # what `make bench` runs
    python -m benchmarks.run --quick --output /tmp/b.md    # a fast check that the suite works
    python -m benchmarks.run --tiny --output /tmp/b.md     # every part on minimal sizes (the smoke test)

The start-up benchmark needs an X11 display: when ``DISPLAY`` is unset (or
with ``--xvfb``) a private Xvfb is started for the run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks import (
    banned_accuracy,
    csv_export,
    durability,
    hotkeys,
    knowing,
    limits,
    live,
    machine,
    notes_autosave,
    privacy,
    records,
    report,
    search,
    startup,
)

FULL = {"startup_repeats": 5, "saves": 500, "calls": 10_000, "export_repeats": 3}
QUICK = {"startup_repeats": 2, "saves": 100, "calls": 1_000, "export_repeats": 1}
TINY = {"startup_repeats": 1, "saves": 30, "calls": 100, "export_repeats": 1}  # saves: past the 20 warm-up ones


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def x11_display(force_xvfb: bool) -> Iterator[str]:
    """Use ``$DISPLAY`` if set, else start Xvfb for the duration; yields a description."""
    current = os.environ.get("DISPLAY")
    if current and not force_xvfb:
        yield f"X11 display {current} (from $DISPLAY)"
        return
    from pyvirtualdisplay import Display

    width, height, depth = 1280, 900, 24
    display = Display(backend="xvfb", size=(width, height), color_depth=depth)
    display.start()
    try:
        yield f"Xvfb {os.environ.get('DISPLAY', '?')}, {width}×{height}×{depth}, no window manager"
    finally:
        display.stop()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description="Run the Seatside benchmarks.")
    p.add_argument("--output", type=Path, help="write the Markdown results here (default: print them)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="fewer repetitions and less data: a smoke test")
    size.add_argument("--tiny", action="store_true",
                      help="minimal sizes and one repetition: checks that every part runs, says nothing of speed")
    p.add_argument("--xvfb", action="store_true", help="start a private Xvfb even when $DISPLAY is set")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    params = TINY if args.tiny else QUICK if args.quick else FULL
    quick, tiny = args.quick or args.tiny, args.tiny
    began = time.perf_counter()
    command = "python -m benchmarks.run" + (" --tiny" if tiny else " --quick" if quick else "")
    if args.output:
        command += f" --output {args.output}"

    sections: list[str] = []
    with x11_display(args.xvfb) as display:
        log(f"1/6 start-up ({params['startup_repeats']} runs each, {display})")
        startup_result = startup.run(params["startup_repeats"], log=log)
        machine_rows = machine.describe(display)
        log("6/6 hotkeys (in process, and into another program on X11)")
        hotkey_section = hotkeys.markdown(hotkeys.run(quick, tiny=tiny))
    log(f"2/6 note autosave ({params['saves']} saves)")
    notes_result = notes_autosave.run(params["saves"])
    log(f"3/6 CSV export ({params['calls']:,} calls)")
    export_result = csv_export.run(params["calls"], params["export_repeats"])
    log("4/6 phrase search")
    sections.append(search.markdown(search.run(quick=quick, tiny=tiny)))
    log("5/6 call records (exports, caller history, notes search)")
    sections.append(records.markdown(records.run(quick=quick, tiny=tiny)))
    sections.append(hotkey_section)
    log("privacy: the masker on the generated corpus")
    sections.append(privacy.markdown(privacy.run(quick=quick, tiny=tiny)))
    log("7/7 durability (integrity check, backups, hostile packs)")
    sections.append(durability.markdown(durability.run(quick=quick, log=log, tiny=tiny)))
    log("7/7 live call events (latency at 20 segments/s, memory over replayed calls, idle CPU, accuracy)")
    sections.append(live.markdown(live.run(quick=quick, tiny=tiny)))
    log("banned-phrase alerts (tuning and blind sets)")
    sections.append(banned_accuracy.section())
    log("7. refusals and the real library")
    sections.append(limits.markdown(limits.run(quick=quick)))
    log("knowing the call: suggestions and ticks on the blind sets")
    sections.append(knowing.markdown(knowing.run()))

    text = report.render(
        machine_rows,
        startup_result,
        notes_result,
        export_result,
        quick=quick,
        tiny=tiny,
        command=command,
        elapsed=time.perf_counter() - began,
        sections=sections,
    )
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.output.with_name(args.output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, args.output)
        log(f"wrote {args.output} in {time.perf_counter() - began:.0f} s")
        summary_end = text.index("## 1.")
        print(text[text.index("## Summary") : summary_end].rstrip())
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
