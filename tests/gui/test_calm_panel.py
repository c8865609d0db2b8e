"""The real panel process under Xvfb, fed by real HTTP clients: its width, the
suggestion bar between calls, the CRM keeping focus when a call ends, a call answered
during the wrap-up, and the feed-status dot. A separate program stands in for the CRM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.live.helpers import post

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "gui" / "panel_child.py"
CRM = ROOT / "tests" / "gui" / "target_app.py"
PACK = ROOT / "tests" / "data" / "calm"
WAIT = 60.0  # a generous bound on waiting for a condition, never a measured time
CARD = "6222021234567890128"


def wait_for(predicate, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Panel:
    def __init__(self, tmp_path: Path):
        self.data = tmp_path / "seat-data"
        self.state_file = tmp_path / "state.json"
        env = {**os.environ, "SEATSIDE_DATA_DIR": str(self.data), "PYTHONPATH": str(ROOT)}
        env.pop("QT_QPA_PLATFORM", None)
        self.proc = subprocess.Popen([sys.executable, str(CHILD), str(self.data), str(PACK), str(self.state_file)],
                                     env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.state(lambda s: s["listening"], "the live endpoint")
        info = json.loads((self.data / "live.json").read_text())
        self.port, self.token = info["port"], info["token"]

    def read(self) -> dict:
        if self.proc.poll() is not None:
            raise AssertionError(f"the panel exited: {self.proc.stderr.read() if self.proc.stderr else ''}")
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    def state(self, predicate, what: str) -> dict:
        return wait_for(lambda: (lambda s: s if s and predicate(s) else None)(self.read()), what)

    def send(self, **event) -> None:
        status, payload = post(self.port, json.dumps(event, ensure_ascii=False), self.token)
        assert status == 200, payload

    def said(self, call_id: str, text: str, speaker: str = "customer") -> None:
        self.send(type="transcript", call_id=call_id, speaker=speaker, text=text, final=True)

    def finish(self, disposition: str = "resolved") -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"finish {disposition}\n")
        self.proc.stdin.flush()

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            _out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _out, err = self.proc.communicate()
        return err or ""


@pytest.fixture
def panel(tmp_path, qapp):
    made = Panel(tmp_path)
    yield made
    err = made.stop()
    assert "Traceback" not in err, err


@pytest.fixture
def crm(tmp_path, qapp):
    """The CRM stand-in: holds the keyboard focus, writes what it is typed to a file."""
    out = tmp_path / "crm.txt"
    env = {**os.environ}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.Popen([sys.executable, str(CRM), str(out)], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    window = wait_for(lambda: subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "seatside-test-target"],
                                             capture_output=True, text=True).stdout.split(), "the CRM window")[0]
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
    yield window, out
    proc.terminate()
    proc.communicate(timeout=30)


def focused() -> str:
    return subprocess.run(["xdotool", "getwindowfocus"], capture_output=True, text=True).stdout.strip()


def on_screen(state: dict) -> bool:
    """Left, right and top edges inside the screen (the panel is taller than a small test screen)."""
    x, y, w, _h = state["frame"]
    sx, sy, sw, _sh = state["screen"]
    return sx <= x and x + w <= sx + sw and sy <= y


def test_a_long_transcript_line_wraps_masked_and_the_panel_keeps_its_width(panel) -> None:
    before = panel.state(lambda s: s["frame"][2] > 0, "the panel on screen")
    panel.send(type="call.answered", call_id="w1", caller="01055500001")
    panel.state(lambda s: s["in_call"], "the call")
    long_line = "我的卡号是" + CARD + "，" + "然后取款机一直没有反应，我在网点门口等了很久也没有人来处理，" * 8
    panel.said("w1", long_line)
    state = panel.state(lambda s: "反应" in s["heard"], "the words heard")
    assert CARD not in state["heard"] and CARD not in json.dumps(state, ensure_ascii=False)
    assert state["frame"][2] == before["frame"][2]  # the same width as before the long line …
    assert on_screen(state)  # … and every edge inside the screen
    # What X11 says, from outside the process: the panel's window is as wide as before.
    windows = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(panel.proc.pid), "--name", "坐席助手"],
                             capture_output=True, text=True).stdout.split()
    assert windows
    geometry = subprocess.run(["xdotool", "getwindowgeometry", windows[0]], capture_output=True, text=True).stdout
    assert f"Geometry: {400}x" in geometry


def test_the_suggestion_bar_never_outlives_its_call_and_speaks_in_words(panel) -> None:
    panel.send(type="call.answered", call_id="s1", caller="01055500001")
    panel.state(lambda s: s["in_call"], "the first call")
    panel.said("s1", "我的卡今天在取款机那里被吞了")
    shown = panel.state(lambda s: s["suggestion_visible"], "the suggestion")
    assert "吞卡挂失" in shown["suggestion_text"]
    for raw in ("{", "}", "…{8}"):  # the pattern's syntax never shows
        assert raw not in shown["suggestion_text"] and raw not in shown["suggestion_tip"]
    assert "被吞" in shown["suggestion_text"]
    panel.send(type="call.ended", call_id="s1")
    ending = panel.state(lambda s: s["wrapups"] == 1, "the wrap-up")
    assert ending["in_call"]
    panel.finish()
    after = panel.state(lambda s: not s["in_call"], "the end of the call")
    assert not after["suggestion_visible"] and after["suggestion_text"] == ""
    panel.send(type="call.answered", call_id="s2", caller="01055500002")
    second = panel.state(lambda s: s["in_call"] and s["call_id"] == "s2", "the second call")
    assert not second["suggestion_visible"]


def test_the_crm_keeps_the_keyboard_when_the_call_ends(panel, crm) -> None:
    window, typed = crm
    assert focused() == window
    panel.send(type="call.answered", call_id="f1", caller="01055500001")
    panel.state(lambda s: s["in_call"], "the call")
    panel.said("f1", "我的卡今天在取款机那里被吞了")
    panel.send(type="call.ended", call_id="f1")
    panel.state(lambda s: s["wrapups"] == 1, "the wrap-up on screen")
    wrapup = wait_for(lambda: subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(panel.proc.pid),
                                              "--name", "结束通话|End call"], capture_output=True, text=True)
                      .stdout.split(), "the wrap-up window mapped")
    assert wrapup
    assert focused() == window  # the CRM still has the keyboard …
    subprocess.run(["xdotool", "type", "--delay", "20", "crm-notes"], check=True)
    wait_for(lambda: typed.exists() and typed.read_text(encoding="utf-8") == "crm-notes", "the typing in the CRM")
    assert focused() == window  # … and the keys went there


def test_a_call_answered_during_wrap_up_waits_behind_it(panel) -> None:
    panel.send(type="call.answered", call_id="q1", caller="01055500001")
    panel.state(lambda s: s["in_call"], "the first call")
    panel.said("q1", "我的卡今天在取款机那里被吞了")
    panel.send(type="call.ended", call_id="q1")
    panel.state(lambda s: s["wrapups"] == 1, "the wrap-up")
    panel.send(type="call.answered", call_id="q2", caller="01055500002")
    panel.said("q2", "你好我想查一下开户行")
    waiting = panel.state(lambda s: s["waiting"] == 2, "the next call waiting")
    assert waiting["call_id"] == "q1" and waiting["wrapups"] == 1  # the wrap-up is not disturbed
    panel.finish()
    second = panel.state(lambda s: s["in_call"] and s["call_id"] == "q2", "the waiting call started")
    assert second["waiting"] == 0 and "开户行" in second["heard"]
    import sqlite3

    def calls() -> list:
        try:
            with sqlite3.connect(f"file:{panel.data / 'seatside.db'}?mode=ro", uri=True) as db:
                return db.execute("SELECT status FROM calls ORDER BY id").fetchall()
        except sqlite3.Error:
            return []

    assert wait_for(lambda: calls() == [("ended",), ("active",)], "both calls stored")


def test_hotkeys_take_the_suggestion_and_hand_overs_are_filed_only_when_kept(panel) -> None:
    panel.state(lambda s: s["hotkeys"], "the global hotkeys")
    panel.send(type="call.answered", call_id="h1", caller="01055500001")
    panel.state(lambda s: s["in_call"], "the call")
    panel.said("h1", "我的卡今天在取款机那里被吞了")
    panel.state(lambda s: s["suggestion_visible"], "the suggestion")
    subprocess.run(["xdotool", "key", "ctrl+alt+y"], check=True)  # accept, from any window
    taken = panel.state(lambda s: s["scenario"] == "calm-loss", "the scenario switched by the hotkey")
    assert not taken["suggestion_visible"]
    panel.send(type="call.ended", call_id="h1")
    ending = panel.state(lambda s: s["wrapups"] == 1 and s["continuity"], "the wrap-up with its hand-overs")
    assert ending["continuity"] == [["取卡时当场解挂", True], ["三个工作日内回访", True]]  # suggestions, ticked
    assert panel.proc.stdin is not None
    panel.proc.stdin.write("untick 1\n")  # the seat unticks the one that does not apply
    panel.proc.stdin.flush()
    panel.state(lambda s: s["continuity"] == [["取卡时当场解挂", True], ["三个工作日内回访", False]], "the untick")
    panel.finish()
    panel.state(lambda s: not s["in_call"], "the end")
    import sqlite3

    def followups() -> list:
        try:
            with sqlite3.connect(f"file:{panel.data / 'seatside.db'}?mode=ro", uri=True) as db:
                return db.execute("SELECT kind, text FROM followups ORDER BY id").fetchall()
        except sqlite3.Error:
            return []

    assert wait_for(followups, "the kept hand-over stored") == [("continuity", "取卡时当场解挂")]


def test_the_dismiss_hotkey_waves_the_suggestion_away(panel) -> None:
    panel.state(lambda s: s["hotkeys"], "the global hotkeys")
    panel.send(type="call.answered", call_id="x1", caller="01055500001")
    panel.state(lambda s: s["in_call"], "the call")
    panel.said("x1", "我的卡今天在取款机那里被吞了")
    panel.state(lambda s: s["suggestion_visible"], "the suggestion")
    subprocess.run(["xdotool", "key", "ctrl+alt+shift+y"], check=True)
    gone = panel.state(lambda s: not s["suggestion_visible"], "the suggestion dismissed")
    assert gone["scenario"] != "calm-loss"


def test_the_feed_status_dot(panel) -> None:
    idle = panel.state(lambda s: s["dot"] == "live", "the dot: endpoint listening")
    assert "—" in idle["dot_text"]  # nothing heard yet, said as a dash, not a code
    panel.send(type="call.answered", call_id="d1", caller="01055500001")
    quiet = panel.state(lambda s: s["in_call"] and s["dot"] == "quiet", "the dot: no speech yet on the call")
    assert "话务" in quiet["dot_text"] or "CTI" in quiet["dot_text"]  # the phone system, in words
    panel.said("d1", "你好")
    live = panel.state(lambda s: s["dot"] == "live" and "—" not in s["dot_text"], "the dot: both feeds heard")
    assert ("语音" in live["dot_text"] or "ASR" in live["dot_text"]) and live["dot_tip"]
