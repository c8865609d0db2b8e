"""What the benchmarks ran on: CPU, cores, memory, OS, Python, Qt, SQLite."""

from __future__ import annotations

import os
import platform
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "Hardware", "cpu model") and value.strip():
            return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def core_count() -> str:
    total = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = total
    if usable and usable != total:
        return f"{usable} usable of {total}"
    return str(total)


def ram() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            kib = int(line.split()[1])
            return f"{kib / (1024 * 1024):.1f} GiB"
    return "unknown"


def os_name() -> str:
    pretty = ""
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            pretty = line.split("=", 1)[1].strip().strip('"')
    base = pretty or platform.system()
    return f"{base}, kernel {platform.release()} ({platform.machine()})"


def filesystem_of(path: str) -> str:
    """The filesystem type of the mount holding ``path`` (from /proc/mounts)."""
    best, kind = "", "unknown"
    real = os.path.realpath(path)
    for line in _read("/proc/mounts").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1]
        if (real == mount or real.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
            best, kind = mount, parts[2]
    return kind


def qt_versions() -> str:
    try:
        import PySide6
        from PySide6.QtCore import qVersion
    except ImportError:
        return "not installed"
    return f"Qt {qVersion()}, PySide6 {PySide6.__version__}"


def describe(display: str) -> list[tuple[str, str]]:
    """Rows of (what, value) for the results file."""
    from desktop import __version__

    tmp = tempfile.gettempdir()
    return [
        ("Date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z (UTC%z)")),
        ("CPU", cpu_model()),
        ("Cores", core_count()),
        ("RAM", ram()),
        ("OS", os_name()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Qt / PySide6", qt_versions()),
        ("SQLite", sqlite3.sqlite_version),
        ("Seatside", __version__),
        ("Display", display),
        ("Temporary files", f"{tmp} ({filesystem_of(tmp)})"),
    ]
