"""The live endpoint in a child process with the panel's open-file limit (1,024),
driven by real clients: half-open and slow connections, hostile text, huge numbers,
full batches, and one budget per kind of event."""

from __future__ import annotations

import json
import os
import queue
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.live.helpers import post, ws_exchange

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "live" / "endpoint_child.py"
WAIT = 60.0  # generous bound on waiting for a condition (never a measured time)


class Child:
    def __init__(self, **limits):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, str(CHILD), json.dumps(limits)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        self.pumps = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True),
                      threading.Thread(target=self._pump, args=(self.proc.stderr, self.err.append), daemon=True)]
        for pump in self.pumps:
            pump.start()
        ready = self.expect("ready")
        _, port, self.token = ready.split()
        self.port = int(port)

    @staticmethod
    def _pump(stream, put) -> None:
        for line in stream:
            put(line.rstrip("\n"))

    def expect(self, prefix: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, "the endpoint died:\n" + "\n".join(self.err)
                continue
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no '{prefix}' line from the endpoint")

    def stats(self) -> dict:
        assert self.proc.stdin is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return json.loads(self.expect("stats ").split(" ", 1)[1])

    def close(self) -> str:
        assert self.proc.stdin is not None
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
        self.proc.wait(30)
        for pump in self.pumps:
            pump.join(30)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        return "\n".join(self.err)


@pytest.fixture
def child():
    made: list[Child] = []

    def start(**limits) -> Child:
        made.append(Child(**limits))
        return made[-1]

    yield start
    for one in made:
        err = one.close()
        assert "Traceback" not in err, err


def answered(call_id: str = "c1") -> str:
    return json.dumps({"type": "call.answered", "call_id": call_id, "caller": "01055500001"})


def said(text: str, call_id: str = "c1", ascii_only: bool = True) -> str:
    return json.dumps({"type": "transcript", "call_id": call_id, "speaker": "customer", "text": text,
                       "final": True}, ensure_ascii=ascii_only)


def closed_by_peer(sock: socket.socket) -> bool:
    sock.settimeout(WAIT)
    try:
        return sock.recv(1) == b""
    except (TimeoutError, ConnectionResetError):
        return isinstance(sys.exc_info()[1], ConnectionResetError)


def test_the_child_runs_with_the_desktop_open_file_limit(child) -> None:
    live = child()
    limits = Path(f"/proc/{live.proc.pid}/limits").read_text()
    row = next(line for line in limits.splitlines() if line.startswith("Max open files"))
    assert row.split()[3] == "1024"


def test_a_thousand_half_open_connections_do_not_lock_out_the_feed(child) -> None:
    live = child(header_timeout=2.0, max_connections=64)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 1300:
        pytest.skip("this machine allows fewer than 1,300 open files to the test")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1300), hard))
    idle = []
    try:
        for _ in range(1100):  # more than the endpoint's own open-file limit
            idle.append(socket.create_connection(("127.0.0.1", live.port), timeout=10))
        # A prompt client still gets through while they are all open.
        assert post(live.port, answered(), live.token) == (200, {"ok": True, "accepted": 1})
        # Every silent connection is closed by the endpoint, at the cap or at the deadline.
        assert all(closed_by_peer(sock) for sock in idle)
    finally:
        for sock in idle:
            sock.close()
    stats = live.stats()
    assert stats["dropped"] + stats["timed_out"] >= 1100 - 64
    assert post(live.port, answered("c2"), live.token)[0] == 200


def test_a_slow_header_is_cut_at_the_deadline_and_an_idle_keepalive_too(child) -> None:
    live = child(header_timeout=1.0, idle_timeout=1.0)
    slow = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    slow.sendall(b"POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the rest
    assert closed_by_peer(slow)
    slow.close()
    keep = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    body = answered().encode()
    keep.sendall(b"POST /events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (live.port, live.token.encode(), len(body), body))
    reply = b""
    while b"\r\n\r\n" not in reply:
        reply += keep.recv(4096)
    assert reply.startswith(b"HTTP/1.1 200")
    assert closed_by_peer(keep)  # kept alive, then idle: closed
    keep.close()
    assert live.stats()["timed_out"] >= 2


def test_a_lone_surrogate_is_stored_as_a_replacement_and_the_feed_goes_on(child) -> None:
    live = child()
    status, payload = post(live.port, said("卡号\ud800被吞"), live.token)
    assert (status, payload) == (200, {"ok": True, "accepted": 1})
    assert post(live.port, said("下一句"), live.token)[0] == 200
    texts = live.stats()["texts"]
    assert texts == ["卡号\ufffd被吞", "下一句"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_line_separators_inside_text_do_not_split_a_batch(child, separator) -> None:
    live = child()
    body = said(f"第一句{separator}第二句", ascii_only=False) + "\n" + answered()
    status, payload = post(live.port, body, live.token)
    assert (status, payload) == (200, {"ok": True, "accepted": 2})
    assert live.stats()["texts"] == ["第一句 第二句"]


def test_a_five_thousand_digit_number_is_refused_cleanly_over_http_and_websocket(child) -> None:
    live = child()
    huge = '{"type": "call.answered", "call_id": ' + "9" * 5000 + "}"
    status, payload = post(live.port, huge, live.token)
    assert status == 400 and "number longer than" in payload["error"]
    answers = ws_exchange(live.port, [huge, answered(), '{"type": "transcript", "at": 1e99999}'], live.token)
    assert answers[0]["status"] == 400 and "number longer than" in answers[0]["error"]
    assert answers[1] == {"ok": True, "accepted": 1, "status": 200}  # the socket lives on
    assert answers[2]["status"] == 400


def test_batches_up_to_five_hundred_as_documented(child) -> None:
    live = child()
    batch = "\n".join(said(f"第{n}句", call_id="b") for n in range(500))
    assert post(live.port, batch, live.token) == (200, {"ok": True, "accepted": 500})
    status, payload = post(live.port, batch + "\n" + said("多一句", call_id="b"), live.token)
    assert status == 400 and "more than 500 events" in payload["error"]
    array = "[" + ",".join(answered(f"a{n}") for n in range(500)) + "]"
    assert post(live.port, array, live.token) == (200, {"ok": True, "accepted": 500})


def test_a_chatty_transcript_feed_cannot_starve_call_events(child) -> None:
    live = child(transcript_requests_per_s=5, transcript_events_per_s=500, requests_per_s=50)
    deadline = time.monotonic() + WAIT
    statuses: list[int] = []
    while 429 not in statuses and time.monotonic() < deadline:
        statuses.append(post(live.port, said("一句话"), live.token)[0])
    assert 429 in statuses  # the transcripts ran out of their budget this second …
    status, payload = post(live.port, answered(), live.token)
    assert (status, payload) == (200, {"ok": True, "accepted": 1})  # … the call event did not


def test_seatside_event_and_replay_never_send_what_the_endpoint_refuses(child, tmp_path) -> None:
    live = child()
    data = tmp_path / "data"
    data.mkdir()
    (data / "live.json").write_text(json.dumps({"port": live.port, "token": live.token}))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEATSIDE_DATA_DIR": str(data)}
    run = [sys.executable, "-m", "desktop"]
    done = subprocess.run([*run, "event", "transcript", "--call-id", "c1", "--speaker", "customer",
                                 "--text", "甲\u2028乙\u0085丙"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    recorded = tmp_path / "call.jsonl"
    lines = [{"t": 0, "type": "call.answered", "call_id": "r1", "caller": "01055500001"}]
    lines += [{"t": 0.0, "type": "transcript", "call_id": "r1", "speaker": "agent", "text": f"第{n}句\u2028LONE",
               "final": True} for n in range(600)]
    # Raw U+2028 in the file, and a lone surrogate as the JSON escape a recorder writes.
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).replace("LONE", "\\ud800")
    recorded.write_text(text, encoding="utf-8")
    done = subprocess.run([*run, "replay", str(recorded), "--speed", "1000"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    stats = live.stats()
    assert stats["refused"] == {}
    assert stats["texts"][0] == "甲 乙 丙"
    assert len(stats["texts"]) == 601 and stats["texts"][1] == "第0句 \ufffd"
