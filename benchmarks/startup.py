"""Benchmark 1: start to panel visible, and peak memory, against a bare PySide6 window.

Each measurement is a fresh interpreter running ``_startup_child.py``; bare and
Seatside children alternate so both see the same machine state. A child times
itself from its very first statement (``time.perf_counter()``) to the moment
its top-level window is exposed on the X11 display; the parent also times the
same moment from the spawn, which adds interpreter start-up.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.stats import median, ratio

CHILD = Path(__file__).with_name("_startup_child.py")
MODES = ("bare", "seatside")
TIME_GOAL = 1.25
MEMORY_GOAL = 1.5
TIMEOUT_S = 90.0


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
class ModeStats:
    runs: list[ChildRun] = field(default_factory=list)

    def med(self, key: str) -> float:
        if key == "wall":
            return median([r.wall for r in self.runs])
        if key == "maxrss_kib":
            return median([r.maxrss_kib for r in self.runs])
        return median([r.marks[key] for r in self.runs])


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
    profile_bare: ChildRun  # one extra run of each with RSS after every phase
    profile_seatside: ChildRun
    sequence: list[ChildRun] = field(default_factory=list)  # the measured runs in the order they ran

    @property
    def time_ratio(self) -> float:
        return ratio(self.seatside.med("exposed"), self.bare.med("exposed"))

    @property
    def wall_ratio(self) -> float:
        return ratio(self.seatside.med("wall"), self.bare.med("wall"))

    @property
    def memory_ratio(self) -> float:
        return ratio(self.seatside.med("maxrss_kib"), self.bare.med("maxrss_kib"))


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "xcb"  # a real X11 window, never offscreen
    env.pop("SEATSIDE_DATA_DIR", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # Measure what a seat gets: an installed program runs from compiled bytecode (pip and
    # PyInstaller both write it). The discarded warm-up run writes the cache here.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
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


def run(repeats: int = 5, log=print) -> StartupResult:
    stats = {mode: ModeStats() for mode in MODES}
    sequence: list[ChildRun] = []
    # Every Seatside run uses one data folder that the warm-up run initialises:
    # what a seat sees every morning (the database exists, no schema to create).
    data = tempfile.mkdtemp(prefix="seatside-bench-start-")
    try:
        # One discarded run of each first (bytecode caches, font caches, page
        # cache); the Seatside one also tells the panel's size for the bare window.
        warm, _ = run_child("seatside", data_dir=data)
        size = f"{warm.size[0]}x{warm.size[1]}"
        run_child("bare", size=size)
        for i in range(repeats):
            order = MODES if i % 2 == 0 else MODES[::-1]
            for mode in order:
                child, _ = run_child(mode, size=size, data_dir=data)
                stats[mode].runs.append(child)
                sequence.append(child)
                log(f"  start-up {mode:8s} run {i + 1}/{repeats}: {child.marks['exposed'] * 1000:.0f} ms in-process, "
                    f"{child.wall * 1000:.0f} ms wall, {child.maxrss_kib / 1024:.1f} MiB peak RSS")
        log("  start-up profile runs (phases, RSS per phase, -X importtime)")
        profile_bare, _ = run_child("bare+profile", size=size)
        profile_seatside, _ = run_child("seatside+profile", data_dir=data)
        imports = profile_imports(data_dir=data)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return StartupResult(
        repeats, stats["bare"], stats["seatside"], imports, profile_bare, profile_seatside, sequence
    )
