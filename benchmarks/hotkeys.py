"""Hotkey → clipboard (in process) and hotkey → text in another program (X11)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.stats import fmt_ms, fmt_ratio, median, percentile

CHILD = Path(__file__).with_name("_hotkeys_child.py")


def run(quick: bool, tiny: bool = False) -> dict:
    repeats = 3 if tiny else 30 if quick else 200
    proc = subprocess.run([sys.executable, str(CHILD), str(repeats)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"hotkey benchmark failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def markdown(result: dict) -> str:
    ip, x11 = result["in_process"], result["x11"]
    ip_med, ip_p99 = median(ip["hotkey"]), percentile(ip["hotkey"], 99)
    x_med, x_max = median(x11["hotkey"]), max(x11["hotkey"])
    rows = [
        "## 6. Hotkeys",
        "",
        "In process: a hotkey fired on the backend's behalf (`FakeHotkeys.press`, delivered through the queued "
        "signal as a real backend's thread does) until the system clipboard holds the rendered phrase; baseline: "
        "`QClipboard.setText` of the same text. On X11: `xdotool key ctrl+alt+N` while another program "
        f"(`tests/gui/target_app.py`) has focus, until that program holds the phrase (paste mode, "
        f"{x11['backend']}); baseline: `xdotool key ctrl+v` with the phrase already on the clipboard — the "
        "part no hotkey tool can avoid.",
        "",
        "| Benchmark | Seatside | Baseline | Ratio | Goal | Met |",
        "| :--- | ---: | ---: | ---: | :--- | :--- |",
        f"| Hotkey → clipboard, median (p99) of {len(ip['hotkey'])} | {fmt_ms(ip_med)} ({fmt_ms(ip_p99)}) | "
        f"{fmt_ms(median(ip['baseline']))} | {fmt_ratio(ip_med / median(ip['baseline']))} | ≤ 5 ms | "
        f"{'yes' if ip_med <= 0.005 else '**no**'} (median) |",
        f"| Hotkey → text in the other program, median (max) of {len(x11['hotkey'])} | {fmt_ms(x_med)} "
        f"({fmt_ms(x_max)}) | {fmt_ms(median(x11['baseline']))} | {fmt_ratio(x_med / median(x11['baseline']))} | "
        f"≤ 150 ms | {'yes' if x_med <= 0.150 else '**no**'} |",
        "",
    ]
    return "\n".join(rows)
