"""End-of-shift exports. Files are written to a temporary file and renamed."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from desktop.core.dispositions import disposition_label
from desktop.core.storage import CallRecord

CSV_COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("通话编号", "Call ID"),
    "started_at": ("开始时间", "Started"),
    "ended_at": ("结束时间", "Ended"),
    "duration_s": ("时长(秒)", "Duration (s)"),
    "scenario_id": ("场景编号", "Scenario ID"),
    "scenario": ("场景", "Scenario"),
    "disposition": ("处置结果", "Disposition"),
    "steps": ("已完成步骤", "Steps ticked"),
    "phrases": ("使用话术", "Phrases used"),
    "notes": ("备注", "Notes"),
}

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Stop a spreadsheet from reading a cell as a formula (CSV injection)."""
    if value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _time_of(timestamp: str) -> str:
    return timestamp[11:19] if len(timestamp) >= 19 else timestamp


def call_row(call: CallRecord, lang: str = "zh") -> list[str]:
    steps = "; ".join(f"{s.title} {_time_of(s.ticked_at)}" for s in call.steps)
    phrases = "; ".join(p.text for p in call.phrases)
    values = [
        str(call.id),
        call.started_at.replace("T", " ")[:19],
        (call.ended_at or "").replace("T", " ")[:19],
        "" if call.duration_s is None else f"{call.duration_s:.0f}",
        call.scenario_id,
        call.scenario_name,
        disposition_label(call.disposition, lang) if call.disposition else "",
        steps,
        phrases,
        call.notes,
    ]
    return [neutralise(v) for v in values]


def write_csv(calls: Iterable[CallRecord], out: IO[str], lang: str = "zh") -> int:
    """Write calls as CSV rows (CRLF line ends); returns the number of calls."""
    writer = csv.writer(out, lineterminator="\r\n")
    index = 0 if lang == "zh" else 1
    writer.writerow([names[index] for names in CSV_COLUMNS.values()])
    count = 0
    for call in calls:
        writer.writerow(call_row(call, lang))
        count += 1
    return count


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[IO[str]], int], encoding: str) -> int:
    """Call ``write`` on a temporary file beside ``path`` and rename it into place.

    On any failure the temporary file is removed and ``path`` is left untouched.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with io.open(fd, "w", encoding=encoding, newline="") as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes it 0600; give it normal permissions
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return result


def export_csv(calls: Iterable[CallRecord], path: Path, lang: str = "zh") -> int:
    """Write a CSV Excel opens with Chinese intact: UTF-8 with BOM, CRLF."""
    return atomic_write(Path(path), lambda handle: write_csv(calls, handle, lang), "utf-8-sig")
