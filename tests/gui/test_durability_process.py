"""Real ``seatside`` processes: kill -9 in steady typing, two panels at once, a
socket someone else put at the old predictable name."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from desktop.core.records.storage import DB_FILENAME
from tests.gui.test_process import visible_windows, wait_for

#: Ten characters a second, no pause: the rhythm of a seat typing steadily.
TYPING_DELAY_MS = 100


def start_panel(data: Path) -> subprocess.Popen:
    env = {**os.environ, "SEATSIDE_DATA_DIR": str(data)}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.Popen([sys.executable, "-m", "desktop"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def active_notes(data: Path) -> str | None:
    try:
        conn = sqlite3.connect(f"file:{data / DB_FILENAME}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT notes FROM calls WHERE status = 'active' ORDER BY id DESC").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row is None else row[0]


def test_kill_9_in_steady_typing_loses_at_most_a_second(tmp_path, qapp):
    data = tmp_path / "seat-data"
    proc = start_panel(data)
    try:
        (panel,) = wait_for(lambda: visible_windows(proc.pid), timeout=30)[:1]
        for _ in range(20):  # the global hotkey starts a call (its backend comes up just after the panel)
            subprocess.run(["xdotool", "key", "ctrl+alt+c"], check=True)
            if wait_for(lambda: active_notes(data) is not None, timeout=1.5):
                break
        assert active_notes(data) == ""
        subprocess.run(["xdotool", "windowfocus", "--sync", panel], check=True)
        subprocess.run(["xdotool", "key", "alt+n"], check=True)  # mnemonic: focus the notes
        subprocess.run(["xdotool", "type", "--delay", "20", "x"], check=True)
        assert wait_for(lambda: active_notes(data) == "x", timeout=10), "the notes box did not take the typing"
        # Steady typing: the first stretch, then more with no pause in between, and the
        # panel is killed the moment the first stretch is typed.
        first = "the customer says the ATM kept the card after the withdrawal, loss"
        rest = " reported"
        subprocess.run(["xdotool", "type", "--delay", str(TYPING_DELAY_MS), first], check=True)
        more = subprocess.Popen(["xdotool", "type", "--delay", str(TYPING_DELAY_MS), rest])
        proc.kill()
        proc.wait(timeout=10)
        # Let the typing finish: an xdotool killed between key down and key up would
        # leave that key held (auto-repeating) for whatever the display runs next.
        more.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    saved = active_notes(data)
    assert saved is not None
    typed = "x" + first
    assert typed.startswith(saved) or (typed + rest).startswith(saved), saved
    lost = len(typed) - len(saved)
    chars_per_second = 1000 // TYPING_DELAY_MS
    print(f"typed {len(typed)} characters, saved {len(saved)}, lost {lost}")
    assert lost <= chars_per_second, f"lost {lost} characters (more than one second of typing): {saved!r}"


def test_two_panels_started_at_the_same_moment_only_one_runs(tmp_path, qapp):
    data = tmp_path / "seat-data"
    first, second = start_panel(data), start_panel(data)
    try:
        loser = wait_for(lambda: next((p for p in (first, second) if p.poll() is not None), None), timeout=60)
        assert loser is not None, "both panels kept running"
        winner = second if loser is first else first
        err = loser.stderr.read()
        assert loser.returncode == 0 and "already running" in err and "Traceback" not in err, err
        assert wait_for(lambda: visible_windows(winner.pid), timeout=30)
        assert winner.poll() is None
        # A later launch reaches the running panel through its private socket.
        third = start_panel(data)
        _, err = third.communicate(timeout=60)
        assert third.returncode == 0 and "brought its panel forward" in err, err
        assert winner.poll() is None
    finally:
        errors = [stop(p) for p in (first, second)]
    assert all("Traceback" not in e for e in errors), errors


def old_socket_name(data: Path) -> str:
    """Where the socket used to be: /tmp/seatside-<sha1(uid:path)>, anyone could take it first."""
    key = f"{os.getuid()}:{data.resolve()}"
    return os.path.join(tempfile.gettempdir(), "seatside-" + hashlib.sha1(key.encode()).hexdigest()[:16])


def test_a_socket_taken_first_at_the_old_predictable_name_does_not_stop_the_start(tmp_path, qapp):
    data = tmp_path / "seat-data"
    data.mkdir()
    squatter = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path = old_socket_name(data)
    if os.path.exists(path):
        os.unlink(path)
    squatter.bind(path)
    squatter.listen(5)
    proc = start_panel(data)
    try:
        windows = wait_for(lambda: visible_windows(proc.pid) or proc.poll() is not None, timeout=30)
        assert proc.poll() is None and windows, "Seatside did not start"
    finally:
        err = stop(proc)
        squatter.close()
        os.unlink(path)
    assert "already running" not in err and "Traceback" not in err, err


def test_the_socket_is_in_a_private_directory(tmp_path, qapp):
    from desktop.platform.single_instance import server_name

    name = Path(server_name(tmp_path))
    info = name.parent.stat()
    assert info.st_uid == os.getuid() and info.st_mode & 0o077 == 0
    assert not str(name).startswith(old_socket_name(tmp_path))


def test_peer_uid_is_read_from_the_socket():
    from desktop.platform.single_instance import peer_uid, same_user

    left, right = socket.socketpair(socket.AF_UNIX)
    try:
        if sys.platform.startswith("linux"):
            assert peer_uid(left.fileno()) == os.getuid()
        assert same_user(left.fileno())
    finally:
        left.close()
        right.close()




def test_a_socket_directory_someone_else_could_use_is_refused(tmp_path, monkeypatch):
    from desktop.platform import single_instance

    open_dir = tmp_path / "open"
    open_dir.mkdir(mode=0o755)
    open_dir.chmod(0o755)
    with pytest.raises(single_instance.UnsafeDirectory, match="open to other users"):
        single_instance._private_dir(open_dir)
    (tmp_path / "target").mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(single_instance.UnsafeDirectory, match="not a directory"):
        single_instance._private_dir(tmp_path / "link")
    if os.getuid() == 0:
        theirs = tmp_path / "theirs"
        theirs.mkdir(mode=0o700)
        os.chown(theirs, 65534, 65534)
        with pytest.raises(single_instance.UnsafeDirectory, match="another user"):
            single_instance._private_dir(theirs)
    # Every candidate taken by someone else: no socket (the folder lock still keeps one instance).
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(single_instance.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "tmp" / f"seatside-{os.getuid()}").mkdir(mode=0o777)
    (tmp_path / "tmp" / f"seatside-{os.getuid()}").chmod(0o777)
    data = tmp_path / "seat"
    data.mkdir()
    (data / "run").mkdir(mode=0o777)
    (data / "run").chmod(0o777)
    with pytest.raises(single_instance.UnsafeDirectory):
        single_instance.server_name(data)
    assert not single_instance.ask_running_instance(data)


#: The other user may not be able to read this checkout's virtualenv: the client needs only the stdlib.
SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin") or sys.executable

CLIENT = """
import os, socket, sys
if len(sys.argv) > 2:
    os.setgid(65534)
    os.setuid(65534)
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(sys.argv[1])
try:
    client.sendall(b"show-" + str(os.getuid()).encode() + b"\\n")
    client.recv(1)  # returns when the server drops the connection
except OSError:
    pass  # dropped even before the message was sent
"""


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to run a client as another user")
def test_the_server_drops_a_client_of_another_user(qtbot, qapp):
    """Even where another user can reach the socket, the server drops what they send."""
    from desktop.platform.single_instance import InstanceServer

    shared = Path(tempfile.mkdtemp(prefix="seatside-shared-"))
    shared.chmod(0o777)
    server = InstanceServer(shared, qapp)
    server._server.setSocketOptions(server._server.SocketOption.WorldAccessOption)
    path = str(shared / "seatside-test")
    received: list[str] = []
    server.messageReceived.connect(received.append)
    try:
        assert server._server.listen(path)
        stranger = subprocess.Popen([SYSTEM_PYTHON, "-c", CLIENT, path, "nobody"], cwd="/", stderr=subprocess.PIPE)
        try:
            qtbot.waitUntil(lambda: stranger.poll() is not None, timeout=10_000)  # dropped: its recv returned
        finally:
            if stranger.poll() is None:
                stranger.kill()
            stranger.wait(timeout=10)
            errors = stranger.stderr.read()
            stranger.stderr.close()
        assert stranger.returncode == 0, errors  # it connected (the directory let it), then was dropped
        own = subprocess.Popen([sys.executable, "-c", CLIENT, path])
        try:
            qtbot.waitUntil(lambda: received != [], timeout=10_000)
        finally:
            own.kill()
            own.wait(timeout=10)
    finally:
        server.close()
        server.deleteLater()
        shutil.rmtree(shared, ignore_errors=True)
    assert received == [f"show-{os.getuid()}"]
