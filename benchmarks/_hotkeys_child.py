"""Hotkey benchmarks in a fresh process on an X11 display; prints one JSON line.

    python benchmarks/_hotkeys_child.py REPEATS
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

del sys.path[0]  # this folder; keep its modules from shadowing anything
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    repeats = int(sys.argv[1])
    from PySide6.QtCore import QEventLoop
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from desktop.app import build
    from desktop.platform.hotkeys import FakeHotkeys
    from desktop.platform.insertion import FakeInserter

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="seatside-bench-hotkeys-") as tmp:
        # 1. In-process: a hotkey fires on another thread's behalf -> the clipboard holds the phrase.
        app = build(Path(tmp) / "a", hotkey_backend=FakeHotkeys, inserter=FakeInserter())
        app.model.choose_scenario("atm-cash-retained")
        number = next(i for i, c in enumerate(app.phrases.current_choices()) if "{" not in c.text) + 1
        expected = app.phrases.current_choices()[number - 1].text
        clipboard = QGuiApplication.clipboard()
        hotkey, baseline = [], []
        for i in range(repeats):
            clipboard.setText(f"other {i}")
            start = time.perf_counter()
            app.hotkeys.backend.press(f"ctrl+alt+{number}")
            while clipboard.text() != expected:
                QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
                if time.perf_counter() > start + 10:
                    raise SystemExit(f"hotkey {number}: the clipboard never held {expected!r}")
            hotkey.append(time.perf_counter() - start)
            start = time.perf_counter()
            clipboard.setText(expected + str(i))
            baseline.append(time.perf_counter() - start)
        results["in_process"] = {"hotkey": hotkey, "baseline": baseline}
        app.panel.close()
        app.shutdown()

        # 2. Real X11: xdotool presses the hotkey while another program has focus.
        app = build(Path(tmp) / "b", insert_mode="paste")
        app.start_hooks()  # normally a moment after the panel is shown
        app.model.choose_scenario("atm-cash-retained")
        expected = app.phrases.current_choices()[number - 1].text
        out = Path(tmp) / "received.txt"
        target = subprocess.Popen([sys.executable, str(ROOT / "tests" / "gui" / "target_app.py"), str(out)],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        target.stdout.readline()
        subprocess.run(["xdotool", "search", "--sync", "--name", "seatside-test-target", "windowfocus", "--sync"],
                       check=True, capture_output=True)
        arrive, paste_only = [], []
        for _ in range(max(3, repeats // 10)):
            subprocess.run(["xdotool", "key", "ctrl+a", "BackSpace"], check=True)
            deadline = time.perf_counter() + 5
            while out.exists() and out.read_text(encoding="utf-8") and time.perf_counter() < deadline:
                QApplication.processEvents()
            start = time.perf_counter()
            subprocess.Popen(["xdotool", "key", f"ctrl+alt+{number}"])
            while time.perf_counter() < start + 10:
                QApplication.processEvents()
                if out.exists() and out.read_text(encoding="utf-8") == expected:
                    break
            arrive.append(time.perf_counter() - start)
            QApplication.processEvents()
            time.sleep(0.5)  # let the clipboard be restored
            for _ in range(50):
                QApplication.processEvents()
            # baseline: the same key press path without Seatside: xdotool pastes what is on the clipboard
            subprocess.run(["xdotool", "key", "ctrl+a", "BackSpace"], check=True)
            clipboard.setText(expected)
            start = time.perf_counter()
            subprocess.Popen(["xdotool", "key", "ctrl+v"])
            while time.perf_counter() < start + 10:
                QApplication.processEvents()
                if out.exists() and out.read_text(encoding="utf-8") == expected:
                    break
            paste_only.append(time.perf_counter() - start)
        target.terminate()
        target.wait()
        target.stdout.close()
        results["x11"] = {"hotkey": arrive, "baseline": paste_only, "backend": app.hotkeys.backend.name}
        app.panel.close()
        app.shutdown()
    sys.stdout.write(json.dumps(results) + "\n")
    sys.stdout.flush()


main()
os._exit(0)  # two apps were built in this process: skip Qt's teardown at interpreter exit
