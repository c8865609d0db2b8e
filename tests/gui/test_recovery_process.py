"""The real ``seatside`` process on damaged data: it always shows a window, says in
Chinese what happened, sets the damaged file aside and keeps every call it can read."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.core.records import backup
from desktop.core.records.storage import DB_FILENAME, CallStore
from tests.gui.test_process import wait_for
from tests.helpers import MINIMAL_PACK, make_call, write_pack

CALLS = 400


def start_panel(data: Path) -> subprocess.Popen:
    env = {**os.environ, "SEATSIDE_DATA_DIR": str(data)}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.Popen([sys.executable, "-m", "desktop"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def visible_windows(pid: int, name: str) -> list[str]:
    """X11 ids of the mapped windows of process ``pid`` whose title contains ``name``
    (``--all``: xdotool's search otherwise matches either condition)."""
    found = subprocess.run(["xdotool", "search", "--all", "--onlyvisible", "--pid", str(pid), "--name", name],
                           capture_output=True, text=True)
    return found.stdout.split()


def window_named(proc: subprocess.Popen, name: str, timeout: float = 60) -> str:
    found = wait_for(lambda: proc.poll() is not None or visible_windows(proc.pid, name), timeout=timeout)
    if proc.poll() is not None:
        raise AssertionError(f"the panel exited ({proc.returncode}): {proc.communicate()[1][-2000:]}")
    assert found, f"no window titled {name!r}"
    return found[0]


def fill(data: Path, calls: int = CALLS, start: datetime | None = None) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    store = CallStore(data / DB_FILENAME)
    # Recent calls: the retention purge at start leaves them alone.
    first = start or (datetime.now() - timedelta(days=10)).astimezone()
    for i in range(calls):
        make_call(store, first + timedelta(seconds=200 * i), notes=f"第{i:04d}通：客户称卡被ATM吞了", minutes=1)
    store.close()
    conn = sqlite3.connect(data / DB_FILENAME)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return data / DB_FILENAME


def markers_in(path: Path) -> set[int]:
    """Calls whose notes are physically in the file (each call's notes appear once in a calls row)."""
    raw = path.read_bytes()
    return {i for i in range(CALLS) if f"第{i:04d}通：客户称卡被ATM吞了".encode() in raw}


def calls_in(db: Path) -> set[int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {int(n[1:5]) for (n,) in conn.execute("SELECT notes FROM calls") if n.startswith("第")}
    finally:
        conn.close()


def truncate(db: Path, fraction: float = 0.6) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: int(len(data) * fraction)])


def test_a_truncated_database_is_salvaged_from_its_pages_and_the_seat_told(tmp_path, qapp):
    data = tmp_path / "seat"
    db = fill(data)
    truncate(db)
    present = {i for i in markers_in(db)}
    assert len(present) > 100
    proc = start_panel(data)
    try:
        window_named(proc, "坐席助手启动时遇到问题")
        window_named(proc, "坐席助手")
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
    got = calls_in(db)
    # Every call whose row is whole in the file came back (the outbox holds the notes too,
    # so a marker may be present for a call whose calls row was cut off).
    assert len(got) >= len(present) * 0.9 and got <= present, (len(got), len(present))
    assert list(data.glob(f"{DB_FILENAME}.corrupt-*")), "the damaged original was not kept"


def test_restore_asks_in_chinese_and_merges_without_dropping_a_call(tmp_path, qapp):
    data = tmp_path / "seat"
    db = fill(data, calls=100)
    store = CallStore(db)
    backup.make_backup(store.conn, data, now=datetime.now() - timedelta(days=8))
    for i in range(100, CALLS):  # 300 calls after the backup
        make_call(store, (datetime.now() - timedelta(days=7)).astimezone() + timedelta(seconds=200 * i),
                  notes=f"第{i:04d}通：客户称卡被ATM吞了", minutes=1)
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    truncate(db, 0.7)
    present = markers_in(db)
    proc = start_panel(data)
    try:
        dialog = window_named(proc, "要恢复备份吗")
        subprocess.run(["xdotool", "windowactivate", "--sync", dialog], check=False)
        subprocess.run(["xdotool", "key", "--window", dialog, "alt+y"], check=True)
        window_named(proc, "坐席助手启动时遇到问题")
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
    got = calls_in(db)
    assert set(range(100)) <= got  # the backup's calls
    assert {i for i in present if i >= 100} - got == set() or len(got - set(range(100))) >= len(present) * 0.8
    assert len(got) > 100 + 150  # the calls after the backup that were still in the file were kept


def test_a_damaged_database_and_a_damaged_backup_give_a_window_and_a_salvage(tmp_path, qapp):
    data = tmp_path / "seat"
    db = fill(data)
    store = CallStore(db)
    made = backup.make_backup(store.conn, data, now=datetime.now() - timedelta(days=1))
    store.close()
    made.write_bytes(made.read_bytes()[:3000])
    truncate(db)
    for _attempt in range(2):
        proc = start_panel(data)
        try:
            window_named(proc, "坐席助手")
        finally:
            err = stop(proc)
        assert "Traceback" not in err, err
    assert len(calls_in(db)) > 100
    assert list(data.glob(f"{DB_FILENAME}.corrupt-*"))


def test_a_foreign_database_with_a_calls_table_is_set_aside_once(tmp_path, qapp):
    data = tmp_path / "seat"
    data.mkdir()
    conn = sqlite3.connect(data / DB_FILENAME)
    conn.execute("CREATE TABLE calls (who TEXT, what TEXT)")
    conn.execute("INSERT INTO calls VALUES ('someone', 'something')")
    conn.commit()
    conn.close()
    proc = start_panel(data)
    try:
        window_named(proc, "坐席助手启动时遇到问题")
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
    aside = [p for p in data.glob(f"{DB_FILENAME}.corrupt-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1
    conn = sqlite3.connect(aside[0])
    assert conn.execute("SELECT who FROM calls").fetchall() == [("someone",)]  # kept as it was
    conn.close()
    proc = start_panel(data)  # the second start is a plain one
    try:
        window_named(proc, "坐席助手")
        assert not visible_windows(proc.pid, "遇到问题"), stop(proc)
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err


def test_deeply_nested_settings_and_a_huge_integer_in_a_pack(tmp_path, qapp):
    data = tmp_path / "seat"
    fill(data, calls=3)
    (data / "settings.json").write_text("[" * 200_000, encoding="utf-8")
    write_pack(data / "packs", "good.yaml", MINIMAL_PACK)
    write_pack(data / "packs", "huge.yaml", "pack:\n  name: x\n  version: " + "9" * 200_000 + "\nscenarios: []\n")
    proc = start_panel(data)
    try:
        window_named(proc, "坐席助手启动时遇到问题")
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
    assert list(data.glob("settings.json.corrupt-*"))
    assert len(calls_in(data / DB_FILENAME)) == 3


@pytest.fixture
def read_only_folder(tmp_path):
    """A data folder on a read-only bind mount (root), or with its write bits cleared."""
    data = tmp_path / "seat"
    fill(data, calls=5)
    if os.geteuid() != 0:
        os.chmod(data, 0o500)
        yield data
        os.chmod(data, 0o700)
        return
    mount = tmp_path / "mounted"
    mount.mkdir()
    if subprocess.run(["mount", "--bind", str(data), str(mount)]).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], check=True)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_read_only_data_folder_runs_read_only_and_says_so(read_only_folder, qapp):
    before = {p.name: p.read_bytes() for p in read_only_folder.iterdir() if p.is_file()}
    proc = start_panel(read_only_folder)
    try:
        window_named(proc, "坐席助手启动时遇到问题")
        window_named(proc, "坐席助手")
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
    after = {p.name: p.read_bytes() for p in read_only_folder.iterdir() if p.is_file()}
    assert after == before
    assert shutil.disk_usage(read_only_folder)  # still mounted and readable


def old_calls(path: Path, cutoff: datetime) -> int | None:
    """Calls in the copy at ``path`` that started before ``cutoff`` (None if it cannot be read)."""
    from desktop.core.records import pagewalk

    try:
        tables = {t.name: t for t in pagewalk.walk(path)}
    except OSError:
        return None
    return sum(1 for row in tables["calls"].as_dicts() if row["started_ts"] < cutoff.timestamp())


def test_retention_purges_backups_and_copies_set_aside(tmp_path, qapp):
    data = tmp_path / "seat"
    old = (datetime.now() - timedelta(days=300)).astimezone()
    db = fill(data, calls=150, start=old)
    store = CallStore(db)
    for i in range(150, 200):
        make_call(store, (datetime.now() - timedelta(days=3)).astimezone() + timedelta(minutes=i),
                  notes=f"第{i:04d}通：客户称卡被ATM吞了", minutes=1)
    made = backup.make_backup(store.conn, data, now=datetime.now() - timedelta(days=1))
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    corrupt = data / f"{DB_FILENAME}.corrupt-20260101-000000"
    shutil.copyfile(db, corrupt)
    truncate(corrupt, 0.97)
    cutoff = datetime.now() - timedelta(days=180)
    assert old_calls(made, cutoff) == 150 and (old_calls(corrupt, cutoff) or 0) > 50
    proc = start_panel(data)
    try:
        window_named(proc, "坐席助手")
        # A copy left with no call inside the period goes altogether.
        assert wait_for(lambda: old_calls(made, cutoff) == 0 and (not corrupt.exists() or old_calls(corrupt, cutoff)
                                                                  == 0), timeout=60), (
            old_calls(made, cutoff), old_calls(corrupt, cutoff))
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
    assert made.exists()
    assert {int(r["notes"][1:5]) for t in __import__("desktop.core.records.pagewalk", fromlist=["walk"]).walk(made)
            if t.name == "calls" for r in t.as_dicts()} == set(range(150, 200))


class _Hub:
    """A hub that answers every pack poll with 304 at once (and anything else with {})."""

    def __init__(self):
        import http.server
        import threading

        from desktop.core.hubclient.hub_protocol import b64, fingerprint

        public = bytes(range(32))
        polls: list[float] = []
        self.polls = polls

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _reply(self, code: int, body: bytes = b"{}") -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body) if code != 304 else 0))
                self.end_headers()
                if code != 304:
                    self.wfile.write(body)

            def do_GET(self):
                if "/packs/latest" in self.path:
                    import time

                    polls.append(time.monotonic())
                    return self._reply(304)
                return self._reply(200)

            def do_POST(self):
                import json as _json

                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                if self.path.split("?")[0].endswith("/enrol"):
                    return self._reply(200, _json.dumps({
                        "public_key": b64(public), "token": "t" * 32, "seat": "A001", "team": "一组",
                        "fingerprint": fingerprint(public)}).encode())
                return self._reply(200)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_pack_polls_back_off_with_jitter_when_the_hub_answers_at_once(tmp_path, qapp):
    from desktop.core.hubclient.sync import enroll

    hub = _Hub()
    try:
        data = tmp_path / "seat"
        data.mkdir()
        enroll(data, hub.url, "code")
        proc = start_panel(data)
        try:
            window_named(proc, "坐席助手")
            assert wait_for(lambda: len(hub.polls) >= 5, timeout=120), len(hub.polls)
            seen = len(hub.polls)
        finally:
            err = stop(proc)
        assert "Traceback" not in err, err
        # Without a wait between polls the hub saw thousands by the time five were counted.
        assert seen <= 6, seen
        gaps = [b - a for a, b in zip(hub.polls, hub.polls[1:])]
        assert len(set(round(g, 3) for g in gaps)) == len(gaps)  # jitter: no two waits alike
    finally:
        hub.close()


@pytest.fixture
def small_disk(tmp_path):
    """A data folder on its own 16 MiB tmpfs, which the test can fill (root only)."""
    data = tmp_path / "seat"
    data.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs",
                                             str(data)]).returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        yield data
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)


def fill_disk(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_loses_nothing_typed(small_disk, tmp_path, qapp):
    from tests.gui.test_durability_process import active_notes

    data = small_disk
    log_path = tmp_path / "stderr.txt"
    env = {**os.environ, "SEATSIDE_DATA_DIR": str(data)}
    env.pop("QT_QPA_PLATFORM", None)
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "desktop"], env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    log = lambda: log_path.read_text(errors="replace")  # noqa: E731
    filler = None
    try:
        panel = window_named(proc, "坐席助手")
        for _ in range(20):  # the global hotkey starts a call (its backend comes up just after the panel)
            subprocess.run(["xdotool", "key", "ctrl+alt+c"], check=True)
            if wait_for(lambda: active_notes(data) is not None, timeout=1.5):
                break
        subprocess.run(["xdotool", "windowfocus", "--sync", panel], check=True)
        subprocess.run(["xdotool", "key", "alt+n"], check=True)
        subprocess.run(["xdotool", "type", "--delay", "20", "x"], check=True)
        assert wait_for(lambda: active_notes(data) == "x", timeout=10), "the notes box did not take the typing"
        filler = fill_disk(data)
        first = "customer says the card was kept by the ATM at the branch"
        subprocess.run(["xdotool", "type", "--delay", "30", first], check=True)
        assert wait_for(lambda: "notes cannot be saved" in log(), timeout=30), log()
        subprocess.run(["xdotool", "key", "--delay", "50", "space", "space", "space"], check=True)
        second = "loss reported"
        subprocess.run(["xdotool", "type", "--delay", "30", second], check=True)
        assert "notes are saved again" not in log()  # the warning stays while the disk is full
        assert active_notes(data) != "x" + first + "   " + second
        filler.unlink()
        filler = None
        assert wait_for(lambda: active_notes(data) == "x" + first + "   " + second, timeout=60), active_notes(data)
        assert "notes are saved again" in log()
    finally:
        if filler is not None:
            filler.unlink(missing_ok=True)
        stop(proc)
    # Each failed save is logged with its stack; the panel itself ran on and quit cleanly.
    assert proc.returncode == 0, log()
