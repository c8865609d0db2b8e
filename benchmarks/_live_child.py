"""Child process of the live-feed benchmark: the whole app with its live endpoint, fed
by real WebSocket and HTTP clients in another thread. Prints one JSON object."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RATE = 20  # transcript segments a second


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def demo_texts() -> list[tuple[str, str]]:
    """(speaker, final text) of every demo call, in order: what the feed will say."""
    from desktop.core.base.paths import resources_dir
    from desktop.core.live.client import read_replay
    from desktop.core.live.events import TranscriptEvent

    texts = []
    for path in sorted((resources_dir() / "demo").glob("*.jsonl")):
        for line in read_replay(path):
            if isinstance(line.event, TranscriptEvent) and line.event.final:
                texts.append((line.event.speaker, line.event.text))
    return texts


def feed_segments(port: int, token: str, call_id: str, seconds: float, done: threading.Event) -> None:
    """``RATE`` segments a second over one WebSocket: partial, partial, final of each text."""
    import aiohttp

    texts = demo_texts()

    async def run() -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(
            f"http://127.0.0.1:{port}/ws", headers={"Authorization": f"Bearer {token}"}
        ) as ws:
            start, n = time.monotonic(), 0
            while time.monotonic() - start < seconds:
                speaker, text = texts[(n // 3) % len(texts)]
                part = n % 3
                shown = text if part == 2 else text[: max(1, len(text) * (part + 1) // 3)]
                await ws.send_str(json.dumps({"type": "transcript", "call_id": call_id, "speaker": speaker,
                                              "text": shown, "final": part == 2}, ensure_ascii=False))
                reply = await ws.receive()
                assert json.loads(reply.data)["ok"], reply.data
                n += 1
                delay = start + n / RATE - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)

    try:
        asyncio.run(run())
    finally:
        done.set()


def replay_calls(port: int, token: str, call_seconds: float, done: threading.Event, marks: dict) -> None:
    """Demo calls back to back over HTTP, as fast as the rate limit lets, until their
    recorded durations add up to ``call_seconds``."""
    from desktop.core.base.paths import resources_dir
    from desktop.core.live.client import Endpoint, Poster, fresh_call_ids, read_replay

    poster = Poster(Endpoint(port, token))
    files = sorted((resources_dir() / "demo").glob("*.jsonl"))
    replayed, calls = 0.0, 0
    try:
        while replayed < call_seconds:
            lines = read_replay(files[calls % len(files)])
            events = fresh_call_ids(lines)
            for start in range(0, len(events), 20):
                t0 = time.monotonic()
                poster.post(events[start : start + 20])
                time.sleep(max(0.0, 0.15 - (time.monotonic() - t0)))  # ~130 events/s, under the limits
            replayed += lines[-1].t
            calls += 1
            if calls == len(files):
                marks["warm"] = threading.Event()
                marks["warm"].wait(30)  # the GUI thread takes the warm reading
        marks["calls"] = calls
        marks["hours"] = replayed / 3600
    finally:
        poster.close()
        done.set()


def measure_idle(seconds: float, settle: float = 3.0) -> float:
    """CPU time of this process (all threads) per second of wall time, doing nothing,
    after ``settle`` seconds for work started earlier (index builds, warm-up) to end."""
    from PySide6.QtCore import QEventLoop, QTimer

    def wait(duration: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(duration * 1000), loop.quit)
        loop.exec()

    wait(settle)
    cpu0, wall0 = time.process_time(), time.monotonic()
    wait(seconds)
    return (time.process_time() - cpu0) / (time.monotonic() - wall0)


def main() -> int:
    seconds, call_seconds, idle = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    settle = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0
    from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal

    from desktop import app as app_module
    from desktop.platform.clipboard import FakeClipboard
    from desktop.platform.hotkeys import FakeHotkeys
    from desktop.platform.insertion import FakeInserter
    from desktop.platform.live_server import LiveServer

    qapp = app_module.ensure_qapp()

    def run_until(done: threading.Event, check=None) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(20)
        def poll() -> None:
            if check is not None:
                check()
            if done.is_set():
                loop.quit()

        timer.timeout.connect(poll)
        timer.start()
        loop.exec()
        timer.stop()
        qapp.processEvents()

    with tempfile.TemporaryDirectory(prefix="seatside-bench-live-") as tmp:
        app = app_module.build(tmp, clipboard=FakeClipboard(), hotkey_backend=FakeHotkeys, inserter=FakeInserter())
        app.start_hooks()
        app.panel.show()
        # Idle baseline: the same app before its live endpoint starts.
        idle_base = measure_idle(idle, settle)
        app_module.start_live(app, wait=True)
        live = app.live
        assert live is not None and live.server is not None
        # No seat to fill in a wrap-up here: the platform's "ended" ends the call.
        live.wrapUpRequested.disconnect(app.panel.open_wrapup)
        live.wrapUpRequested.connect(lambda: app.model.end_call("resolved"))
        port, token = live.server.port, live.server.token

        # -- baseline: the same endpoint delivering to a slot that does nothing --------
        class Bare(QObject):
            got = Signal(object, float)

        bare_lat: list[float] = []
        bare = Bare()
        bare.got.connect(lambda events, received: bare_lat.append(time.monotonic() - received),
                         Qt.ConnectionType.QueuedConnection)
        bare_server = LiveServer(bare.got.emit)
        bare_server.start()
        done = threading.Event()
        threading.Thread(target=feed_segments, args=(bare_server.port, bare_server.token, "b", min(seconds, 60.0),
                                                     done)).start()
        run_until(done)
        bare_server.stop()

        # -- Seatside: event received -> model and panel updated -------------------
        from desktop.core.live.client import Endpoint, Poster

        poster = Poster(Endpoint(port, token))
        poster.post([{"type": "call.answered", "call_id": "bench", "caller": "01055500123"}])
        poster.close()
        latencies: list[float] = []
        alert_latencies: list[float] = []
        alerted = [False]
        switched = [0]

        def applied(received: float) -> None:
            latency = time.monotonic() - received
            latencies.append(latency)
            if alerted[0]:
                alert_latencies.append(latency)
                alerted[0] = False

        def seat_switches(scenario_id: str, keyword: str) -> None:
            """The seat takes each suggestion, so the seat's words tick that scenario's steps."""
            if scenario_id:
                switched[0] += 1
                app.model.choose_scenario(scenario_id)

        live.applied.connect(applied)
        live.bannedSpoken.connect(lambda said, softer: alerted.__setitem__(0, True))
        app.model.scenarioSuggested.connect(seat_switches)
        ticks_seen: set = set()
        app.model.stepsChanged.connect(lambda: ticks_seen.update(app.model.speech_ticked))
        done = threading.Event()
        threading.Thread(target=feed_segments, args=(port, token, "bench", seconds, done)).start()
        run_until(done)
        live.applied.disconnect()
        app.model.scenarioSuggested.disconnect(seat_switches)
        banned = app.model.banned_count
        ticked = len(ticks_seen)
        app.model.end_call("resolved")

        # -- memory over hours of replayed calls ------------------------------------
        qapp.processEvents()
        marks: dict = {}
        readings: dict[str, int] = {"start": rss_kib()}

        def warm_check() -> None:
            warm = marks.get("warm")
            if warm is not None and not warm.is_set():
                app.worker.call(lambda store: None)  # the calls so far are written
                readings["warm"] = rss_kib()
                warm.set()

        done = threading.Event()
        threading.Thread(target=replay_calls, args=(port, token, call_seconds, done, marks)).start()
        run_until(done, warm_check)
        app.worker.call(lambda store: None)
        qapp.processEvents()
        readings["end"] = rss_kib()
        calls_stored = app.worker.call(lambda store: store.count_calls())

        # -- idle: endpoint listening, no call, no events ------------------------------
        idle_cpu = measure_idle(idle, settle)
        app.panel.close()
        app.shutdown()

    print(json.dumps({
        "seconds": seconds, "segments": len(latencies), "latencies": latencies, "bare": bare_lat,
        "banned": banned, "ticked": ticked, "alerts": alert_latencies, "switched": switched[0], "rss_kib": readings,
        "calls": marks.get("calls", 0),
        "hours": marks.get("hours", 0.0), "calls_stored": calls_stored, "idle_s": idle, "idle_cpu": idle_cpu, "idle_base": idle_base,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
