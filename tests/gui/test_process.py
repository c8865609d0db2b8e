"""The real ``seatside`` process: window mapped on X11, clean exit on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import QTimer

from desktop.app import _quit_on_sigterm
from desktop.core.records.storage import SCHEMA_VERSION, CallStore


def visible_windows(pid: int, name: str = "坐席助手") -> list[str]:
    """X11 ids of the mapped windows of process ``pid`` titled ``name``."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", name], capture_output=True, text=True
    )
    return found.stdout.split()


def wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return None


def test_process_shows_panel_and_exits_cleanly_on_sigterm(tmp_path, qapp):
    data = tmp_path / "seat-data"
    env = {**os.environ, "SEATSIDE_DATA_DIR": str(data)}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        windows = wait_for(lambda: visible_windows(proc.pid), timeout=30)
        assert windows, f"no window mapped; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
        state = subprocess.run(["xprop", "-id", windows[0], "_NET_WM_STATE"], capture_output=True, text=True).stdout
        assert "_NET_WM_STATE_ABOVE" in state
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
            raise AssertionError(f"still running 15 s after SIGTERM; its stderr:\n{err}") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    store = CallStore(data / "seatside.db")
    try:
        assert store.user_version == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()


@pytest.fixture
def quit_on_sigterm(qapp):
    """The panel's SIGTERM handling, installed in this process; put back afterwards."""
    import faulthandler

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    ticker = _quit_on_sigterm(qapp)
    deadline = QTimer()  # a lost quit ends the event loop with 1, not the test run
    deadline.setSingleShot(True)
    deadline.setInterval(10_000)
    deadline.timeout.connect(lambda: qapp.exit(1))
    yield deadline
    deadline.stop()
    ticker.stop()
    ticker.deleteLater()
    faulthandler.cancel_dump_traceback_later()
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def test_sigterm_quits_from_the_event_loop_not_inside_the_handler(qapp, quit_on_sigterm):
    """Python runs a signal handler between any two bytecodes of the main thread, in the
    middle of an import too. A quit run right there (the whole shutdown, which waits for
    the database thread) deadlocked when that thread needed the import lock: the handler
    only asks for the quit, which the event loop then runs."""
    during_handler: list[str] = []

    def quitting() -> None:
        during_handler.append("quit")

    qapp.aboutToQuit.connect(quitting)

    def signalled() -> None:
        signal.raise_signal(signal.SIGTERM)  # the handler runs here, on this line
        during_handler.append("handler returned")

    QTimer.singleShot(0, signalled)
    quit_on_sigterm.start()
    try:
        assert qapp.exec() == 0
    finally:
        qapp.aboutToQuit.disconnect(quitting)
    assert during_handler == ["handler returned", "quit"]


def test_sigterm_before_the_event_loop_starts_still_quits(qapp, quit_on_sigterm):
    """The window is mapped a moment before ``qapp.exec()`` starts; a SIGTERM in between
    must not be lost (``quit()`` does nothing while no event loop runs)."""
    signal.raise_signal(signal.SIGTERM)  # Python runs the handler here, before exec()
    quit_on_sigterm.start()
    assert qapp.exec() == 0


def test_self_test_passes():
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--self-test"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"self-test ok: [1-9]\d* scenarios, 0 pack errors, database schema v\d+", result.stdout), result.stdout
    for check in ("4 searches", "keyring", "Ed25519 signatures", "XLSX export", "ICU", "Qt plugins"):
        assert check in result.stdout


def test_sigkill_while_typing_loses_at_most_the_last_moment(tmp_path, qapp):
    """Start a call with the global hotkey, type notes, kill -9: the notes are there."""
    data = tmp_path / "seat-data"
    env = {**os.environ, "SEATSIDE_DATA_DIR": str(data)}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.Popen([sys.executable, "-m", "desktop"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        (panel,) = wait_for(lambda: visible_windows(proc.pid), timeout=30)[:1]
        def stored(query: str):
            import sqlite3

            try:
                with sqlite3.connect(f"file:{data / 'seatside.db'}?mode=ro", uri=True) as db:
                    return db.execute(query).fetchone()
            except sqlite3.Error:
                return None

        def call_started():
            row = stored("SELECT count(*) FROM calls WHERE status = 'active'")
            return row[0] if row else 0

        # The global hotkey starts a call (its backend comes up just after the panel). Each
        # press waits long enough that a slow start is not taken for a missed key: a second
        # press would end the call again.
        for _ in range(6):
            subprocess.run(["xdotool", "key", "ctrl+alt+c"], check=True)
            if wait_for(call_started, timeout=5):
                break
        assert call_started()
        # The panel enables the notes box in the same step that starts the call, before it reads
        # the next X event; X delivers the focus change and the keys in order: no pause needed.
        subprocess.run(["xdotool", "windowfocus", "--sync", panel], check=True)
        subprocess.run(["xdotool", "key", "alt+n"], check=True)  # mnemonic: focus the notes
        # ASCII: xdotool remaps one keycode per CJK character and drops some under load;
        # Chinese typing itself is covered in-process with QInputMethodEvent.
        subprocess.run(["xdotool", "type", "--delay", "15", "card kept by the ATM"], check=True)
        saved = wait_for(
            lambda: (stored("SELECT notes FROM calls WHERE status = 'active'") or ("",))[0] == "card kept by the ATM",
            timeout=15,
        )
        assert saved, stored("SELECT notes FROM calls WHERE status = 'active'")  # this part is on disk
        subprocess.run(["xdotool", "type", "--delay", "15", ", loss reported"], check=True)
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    store = CallStore(data / "seatside.db")
    try:
        (call,) = store.active_calls()
        assert call.notes.startswith("card kept by the ATM"), call.notes
        assert "card kept by the ATM, loss reported".startswith(call.notes)
    finally:
        store.close()
