"""Benchmark 7: live call events.

- Event received → model and panel updated: transcript segments at 20 a second over
  one WebSocket into the running app (a child process), time from the endpoint taking
  the message in to the end of the GUI thread's handling (views updated, banned alert
  shown). Baseline: the same endpoint and queued hand-over to the GUI thread, with a
  slot that does nothing.
- Memory over hours of replayed calls: the demo calls back to back over HTTP (each
  answered, transcribed, ended and stored), resident memory after the first round
  and at the end.
- Idle CPU with the endpoint listening and no events.
- Accuracy of speech ticks and scenario suggestions (``benchmarks.live_accuracy``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks import live_accuracy
from benchmarks.stats import fmt_mib, fmt_ms, fmt_ratio, median, percentile, ratio

ROOT = Path(__file__).resolve().parents[1]
LATENCY_GOAL_MS = 50.0
MEMORY_GOAL_KIB = 5 * 1024
FULL = {"seconds": 600.0, "call_seconds": 2 * 3600.0, "idle": 30.0, "settle": 3.0}
QUICK = {"seconds": 3.0, "call_seconds": 240.0, "idle": 1.0, "settle": 0.5}
TINY = {"seconds": 1.0, "call_seconds": 60.0, "idle": 0.2, "settle": 0.1}


@dataclass
class LiveResult:
    child: dict
    accuracy: live_accuracy.AccuracyResult

    @property
    def p50(self) -> float:
        return median(self.child["latencies"])

    @property
    def p99(self) -> float:
        return percentile(self.child["latencies"], 99)

    @property
    def bare_p50(self) -> float:
        return median(self.child["bare"])

    @property
    def bare_p99(self) -> float:
        return percentile(self.child["bare"], 99)

    @property
    def growth_kib(self) -> int:
        rss = self.child["rss_kib"]
        return rss["end"] - rss.get("warm", rss["start"])


def run(quick: bool = False, tiny: bool = False) -> LiveResult:
    params = TINY if tiny else QUICK if quick else FULL
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._live_child", str(params["seconds"]), str(params["call_seconds"]),
         str(params["idle"]), str(params["settle"])],
        cwd=ROOT, capture_output=True, text=True, timeout=params["seconds"] + 3600, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"live benchmark child failed: {proc.stderr[-2000:]}")
    return LiveResult(json.loads(proc.stdout.strip().splitlines()[-1]), live_accuracy.run())


def markdown(result: LiveResult) -> str:
    c = result.child
    rss = c["rss_kib"]
    out = ["## 7. Live call events", ""]
    out.append(
        f"Transcript segments at 20 a second over one WebSocket for {c['seconds']:.0f} s "
        f"({len(c['latencies'])} segments, partials and finals of the demo calls' words, one call in progress; the "
        f"seat takes each suggestion ({c['switched']} switches), {c['ticked']} steps ticked by speech, "
        f"{c['banned']} banned phrases alerted); baseline: the same "
        f"endpoint handing {len(c['bare'])} segments to a GUI-thread slot that does nothing. Memory: "
        f"{c['calls']} demo calls replayed back to back over HTTP ({c['hours']:.1f} h of call time, each answered, "
        f"transcribed, ended and stored). Idle: {c['idle_s']:.0f} s with the endpoint listening and no events."
    )
    out += ["", "| Benchmark | Seatside | Baseline | Ratio | Goal | Met |", "| :--- | ---: | ---: | ---: | :--- | :--- |"]
    met = "yes" if result.p99 * 1000 <= LATENCY_GOAL_MS else "**no**"
    out.append(f"| Event received → panel updated, p50 | {fmt_ms(result.p50)} | {fmt_ms(result.bare_p50)} | "
               f"{fmt_ratio(ratio(result.p50, result.bare_p50))} | — | — |")
    out.append(f"| Event received → panel updated, p99 | {fmt_ms(result.p99)} | {fmt_ms(result.bare_p99)} | "
               f"{fmt_ratio(ratio(result.p99, result.bare_p99))} | ≤ 50 ms | {met} |")
    out.append(f"| Event received → panel updated, max | {fmt_ms(max(c['latencies']))} | "
               f"{fmt_ms(max(c['bare']))} | — | — | — |")
    alerts = c["alerts"]
    if alerts:
        out.append(f"| Final segment → banned-phrase alert shown, max of {len(alerts)} | {fmt_ms(max(alerts))} | "
                   f"— | — | ≤ 300 ms | {'yes' if max(alerts) <= 0.3 else '**no**'} |")
    else:
        out.append("| Final segment → banned-phrase alert shown | no alert in this run | — | — | ≤ 300 ms | n/a |")
    growth = result.growth_kib
    out.append(f"| Resident memory growth over {c['hours']:.1f} h of calls | {fmt_mib(growth)} "
               f"({fmt_mib(rss.get('warm', rss['start']))} → {fmt_mib(rss['end'])}) | — | — | ≤ 5 MiB | "
               f"{'yes' if growth <= MEMORY_GOAL_KIB else '**no**'} |")
    out.append(f"| Idle CPU, endpoint listening | {100 * c['idle_cpu']:.2f}% of one core | "
               f"{100 * c['idle_base']:.2f}% (same app, no endpoint) | — | ~0 | "
               f"{'yes' if c['idle_cpu'] - c['idle_base'] < 0.005 else '**no**'} |")
    a = result.accuracy
    out += ["", (f"Accuracy with the built-in packs ({a.cued_steps} of {a.steps} steps have `done_when` cues). "
                 "A tick counts per step; a suggestion counts when it names the right scenario."), ""]
    out += ["| Measure | Precision | Recall | Right | Wrong | Missed | Goal | Met |",
            "| :--- | ---: | ---: | ---: | ---: | ---: | :--- | :--- |"]
    out += ["| " + " | ".join(row) + " |" for row in live_accuracy.markdown_rows(a)]
    wrong = a.replay_ticks.wrong + a.set_ticks.wrong + a.replay_suggest.wrong + a.set_suggest.wrong
    if wrong:
        out += ["", "Wrong ones: " + "; ".join(wrong[:12]) + ("; …" if len(wrong) > 12 else "")]
    return "\n".join(out) + "\n"
