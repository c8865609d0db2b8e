"""Benchmark 1: start to panel mapped, and peak memory, against a bare PySide6 window.

Measured from outside on the real programs: the parent watches the X server
(``SubstructureNotify`` on the root window) and spawns either the real
``seatside`` command (``python -m desktop --data-dir DIR``) or a bare PySide6
window program; the clock stops when a top-level window of that process (its
``_NET_WM_PID``) is mapped, and the peak RSS is the process's ``VmHWM`` read from
``/proc`` at that moment. Each program then gets SIGTERM and must exit 0. Bare
and Seatside runs alternate so both see the same machine state.

One extra run of each under ``_startup_child.py`` times the phases inside the
process (imports, ``build()``'s steps, show, exposed), and one more under
``python -X importtime`` lists the imports; neither is part of the medians.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.stats import median, ratio

CHILD = Path(__file__).with_name("_startup_child.py")
BARE = Path(__file__).with_name("_bare_window.py")
ROOT = Path(__file__).resolve().parents[1]
MODES = ("bare", "seatside")
TIME_GOAL = 1.5
MEMORY_GOAL = 1.3
TIMEOUT_S = 90.0
#: How long after mapping the settled memory is read (the work deferred past the first frame has run).
SETTLE_S = 3.0


@dataclass
class ChildRun:
    mode: str
    wall: float  # parent: spawn -> "exposed" line read
    marks: dict[str, float]  # child: seconds from its first statement
    maxrss_kib: int
    size: list[int]
    platform: str
    rss_marks: dict[str, int] = field(default_factory=dict)
    phases: list[tuple[str, float, int]] = field(default_factory=list)


@dataclass
class ProgramRun:
    """One real program, measured from outside."""

    mode: str
    wall: float  # spawn -> its top-level window mapped
    peak_kib: int  # VmHWM at that moment
    size: tuple[int, int]
    settled_kib: int = 0  # VmHWM SETTLE_S after mapping (only when asked for)
    settled_rss_kib: int = 0  # VmRSS then


@dataclass
class ModeStats:
    runs: list[ProgramRun] = field(default_factory=list)

    def med(self, key: str) -> float:
        return median([getattr(r, key) for r in self.runs])


@dataclass
class ImportProfile:
    total: float  # sum of every module's own time
    app_children: list[tuple[str, float]]  # (module, cumulative s) imported directly by desktop.app
    by_self: list[tuple[str, float]]  # (module, own s), largest first


@dataclass
class StartupResult:
    repeats: int
    bare: ModeStats
    seatside: ModeStats
    imports: ImportProfile
    profile_bare: ChildRun  # one extra in-process run of each with RSS after every phase
    profile_seatside: ChildRun
    settled_bare: ProgramRun  # one extra real run of each, memory read again SETTLE_S after mapping
    settled_seatside: ProgramRun
    sequence: list[ProgramRun] = field(default_factory=list)  # the measured runs in the order they ran

    @property
    def time_ratio(self) -> float:
        return ratio(self.seatside.med("wall"), self.bare.med("wall"))

    @property
    def memory_ratio(self) -> float:
        return ratio(self.seatside.med("peak_kib"), self.bare.med("peak_kib"))


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "xcb"  # a real X11 window, never offscreen
    env.pop("SEATSIDE_DATA_DIR", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # Measure what a seat gets: an installed program runs from compiled bytecode (pip and
    # PyInstaller both write it). The discarded warm-up run writes the cache here.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # This checkout's code, whatever copy of it the environment has installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _wait_for_line(proc: subprocess.Popen, wanted: bytes, deadline: float) -> bytes:
    """Read the child's stdout until the line ``wanted``, end of file or the deadline."""
    line = b""
    while line.strip() != wanted:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.perf_counter()))
        if not ready:
            return b""
        line = proc.stdout.readline()
        if not line:
            return b""
    return line


def run_child(
    mode: str, extra_args: tuple[str, ...] = (), size: str = "380x720", data_dir: str | None = None
) -> tuple[ChildRun, str]:
    """One child; returns its measurements and its stderr. ``size`` is the bare window's.

    ``data_dir`` is Seatside's data folder; without it a fresh one is made and removed.
    """
    data = data_dir or tempfile.mkdtemp(prefix="seatside-bench-start-")
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        try:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, *extra_args, str(CHILD), mode, data, size],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=child_env(),
                # Unbuffered: readline() then takes no more than the "exposed" line, so the
                # JSON line that may arrive with it is left for communicate() (which reads the fd).
                bufsize=0,
            )
            try:
                line = _wait_for_line(proc, b"exposed", t0 + TIMEOUT_S)
                wall = time.perf_counter() - t0
                out, _ = proc.communicate(timeout=TIMEOUT_S)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            errors.seek(0)
            stderr = errors.read()
            if line.strip() != b"exposed" or proc.returncode != 0:
                raise RuntimeError(
                    f"start-up child {mode!r} failed (exit {proc.returncode}, first line {line!r}):\n{stderr[-4000:]}"
                )
            payload = json.loads(out.decode().strip().splitlines()[-1])
        finally:
            if data_dir is None:
                shutil.rmtree(data, ignore_errors=True)
    run = ChildRun(
        mode,
        wall,
        payload["marks"],
        payload["maxrss_kib"],
        payload["size"],
        payload["platform"],
        payload.get("rss_marks", {}),
        [tuple(p) for p in payload.get("phases", [])],
    )
    return run, stderr


def profile_imports(top: int = 10, data_dir: str | None = None) -> ImportProfile:
    """One extra Seatside child under ``-X importtime`` (not part of the medians)."""
    _, stderr = run_child("seatside", ("-X", "importtime"), data_dir=data_dir)
    rows: list[tuple[int, str, float, float]] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            self_part, cum_part, name_part = line.replace("import time:", "", 1).split("|", 2)
            self_us, cum_us = int(self_part), int(cum_part)
        except ValueError:
            continue
        # The name follows one space, then two more spaces per level of nesting.
        depth = (len(name_part) - len(name_part.lstrip(" ")) - 1) // 2
        rows.append((depth, name_part.strip(), self_us / 1e6, cum_us / 1e6))
    # Children are listed before their parent: collect depth-1 rows until the
    # depth-0 row they belong to.
    children: dict[str, list[tuple[str, float]]] = {}
    pending: list[tuple[str, float]] = []
    for depth, name, _, cumulative in rows:
        if depth == 1:
            pending.append((name, cumulative))
        elif depth == 0:
            children[name] = pending
            pending = []
    return ImportProfile(
        total=sum(r[2] for r in rows),
        app_children=sorted(children.get("desktop.app", []), key=lambda r: r[1], reverse=True)[:top],
        by_self=sorted(((n, s) for _, n, s, _ in rows), key=lambda r: r[1], reverse=True)[:top],
    )


def _status_kib(pid: int) -> dict[str, int]:
    """``VmHWM`` and ``VmRSS`` of a process, in KiB, from ``/proc``."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


def program_command(mode: str, size: str, data: str) -> list[str]:
    if mode == "bare":
        return [sys.executable, str(BARE), size]
    # The real command, as the ``seatside`` console script runs it (``desktop.cli:main``).
    return [sys.executable, "-m", "desktop", "--data-dir", data]


class MapWatcher:
    """One connection to the X server for the whole run, told of every top-level window mapped.
    (Kept open throughout: an Xvfb resets itself when its last client leaves.)"""

    def __init__(self) -> None:
        from Xlib import X
        from Xlib.display import Display

        self.display = Display()
        self.display.screen().root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.pid_atom = self.display.intern_atom("_NET_WM_PID")
        self.display.sync()

    def close(self) -> None:
        self.display.close()


def measure_program(watcher: MapWatcher, mode: str, size: str, data: str, settle: float = 0.0) -> ProgramRun:
    """Spawn the real program; time it until its top-level window is mapped, read its peak RSS
    then (and ``settle`` seconds later when asked), stop it with SIGTERM and check it exits 0."""
    from Xlib import X, error

    display, pid_atom = watcher.display, watcher.pid_atom
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            program_command(mode, size, data), cwd=ROOT, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=errors, env=child_env(),
        )
        try:
            found = None
            deadline = t0 + TIMEOUT_S
            while found is None:
                if not display.pending_events():
                    if proc.poll() is not None or time.perf_counter() > deadline:
                        break
                    select.select([display.fileno()], [], [], 0.05)
                    continue
                event = display.next_event()
                if event.type != X.MapNotify or event.override:
                    continue
                now = time.perf_counter()
                try:
                    owner = event.window.get_full_property(pid_atom, X.AnyPropertyType)
                    if owner is None or int(owner.value[0]) != proc.pid:
                        continue
                    memory = _status_kib(proc.pid)
                    geometry = event.window.get_geometry()
                except (error.XError, FileNotFoundError):  # gone already: not our window
                    continue
                found = ProgramRun(mode, now - t0, memory["VmHWM"], (geometry.width, geometry.height))
            if found is not None and settle > 0:
                time.sleep(settle)
                later = _status_kib(proc.pid)
                found.settled_kib, found.settled_rss_kib = later["VmHWM"], later["VmRSS"]
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=TIMEOUT_S)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        errors.seek(0)
        stderr = errors.read()
    if found is None or code != 0:
        raise RuntimeError(
            f"start-up program {mode!r} failed (window mapped: {found is not None}, exit {code}):\n{stderr[-4000:]}"
        )
    return found


def run(repeats: int = 5, log=print) -> StartupResult:
    stats = {mode: ModeStats() for mode in MODES}
    sequence: list[ProgramRun] = []
    # Every Seatside run uses one data folder that the warm-up run initialises:
    # what a seat sees every morning (the database exists, no schema to create).
    data = tempfile.mkdtemp(prefix="seatside-bench-start-")
    watcher = MapWatcher()
    try:
        # One discarded run of each first (bytecode caches, font caches, page
        # cache); the Seatside one also tells the panel's size for the bare window.
        warm = measure_program(watcher, "seatside", "", data)
        size = f"{warm.size[0]}x{warm.size[1]}"
        measure_program(watcher, "bare", size, data)
        for i in range(repeats):
            order = MODES if i % 2 == 0 else MODES[::-1]
            for mode in order:
                child = measure_program(watcher, mode, size, data)
                stats[mode].runs.append(child)
                sequence.append(child)
                log(f"  start-up {mode:8s} run {i + 1}/{repeats}: {child.wall * 1000:.0f} ms to mapped, "
                    f"{child.peak_kib / 1024:.1f} MiB peak RSS")
        log(f"  start-up memory {SETTLE_S:g} s after mapping, profile runs (phases, RSS per phase, -X importtime)")
        settled_bare = measure_program(watcher, "bare", size, data, settle=SETTLE_S)
        settled_seatside = measure_program(watcher, "seatside", size, data, settle=SETTLE_S)
        profile_bare, _ = run_child("bare+profile", size=size)
        profile_seatside, _ = run_child("seatside+profile", data_dir=data)
        imports = profile_imports(data_dir=data)
    finally:
        watcher.close()
        shutil.rmtree(data, ignore_errors=True)
    return StartupResult(
        repeats, stats["bare"], stats["seatside"], imports, profile_bare, profile_seatside,
        settled_bare, settled_seatside, sequence,
    )


def main() -> int:
    """``python -m benchmarks.startup [REPEATS]``: this benchmark alone; prints its Markdown section."""
    from benchmarks import report

    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else 5, log=lambda line: print(line, file=sys.stderr))
    print("\n".join([*report.startup_summary_rows_text(result), "", *report.startup_section(result)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
