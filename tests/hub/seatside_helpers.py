"""A seat's data folder with real calls in its SQLite log, and `seatside` as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from desktop.core.records.storage import DB_FILENAME, CallStore

ROOT = Path(__file__).resolve().parents[2]


def add_calls(data: Path, count: int, *, notes: str = "客户咨询额度，已解释。", start: datetime | None = None) -> list[int]:
    """``count`` ended calls, each with two ticked steps (one mandatory) and a phrase."""
    from desktop.core.records.storage import UsedPhrase

    store = CallStore(data / DB_FILENAME)
    base = start or datetime.now().astimezone().replace(microsecond=0) - timedelta(hours=2)
    ids = []
    try:
        for n in range(count):
            began = base + timedelta(seconds=30 * n)
            with store.transaction():
                call_id = store.start_call(began)
                store.set_scenario(call_id, "opening", "开场与身份核实")
                store.tick_step(call_id, "opening", "greet", "问候", True, began + timedelta(seconds=5))
                store.tick_step(call_id, "opening", "verify", "核实身份", False, began + timedelta(seconds=20))
                store.record_phrase(call_id, UsedPhrase("opening", "greet", "p1", "您好，很高兴为您服务。",
                                                        began.isoformat(), "key"))
                store.end_call(call_id, began + timedelta(seconds=25), "resolved", notes, wrapup_s=12.0)
            ids.append(call_id)
    finally:
        store.close()
    return ids


def seatside(data: Path, *args: str, timeout: float = 120, wait: bool = True):
    env = dict(os.environ, SEATSIDE_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "desktop", *args]
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
