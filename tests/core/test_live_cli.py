"""``seatside event`` and ``seatside replay``: real HTTP to a real endpoint; every
broken input gives one line on stderr and exit 1 (2 for usage), never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.base.paths import resources_dir
from desktop.core.live.client import read_replay, replay
from desktop.core.live.events import CallEvent, TranscriptEvent
from desktop.platform.live_server import LiveServer, write_live_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def panel_endpoint(isolated_dirs):
    received: list = []
    lock = threading.Lock()

    def deliver(events, at):
        with lock:
            received.extend(events)

    server = LiveServer(deliver)
    server.start()
    write_live_file(isolated_dirs, server.port, server.token)
    server.received = received  # type: ignore[attr-defined]
    yield server
    server.stop()


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_event_is_posted(panel_endpoint, capsys) -> None:
    code = main(["event", "call.answered", "--call-id", "c1", "--caller", "01055500001", "--direction", "in"])
    assert code == 0, capsys.readouterr().err
    code = main(["event", "transcript", "--call-id", "c1", "--speaker", "agent", "--text", "您好", "--at", "1.5"])
    assert code == 0
    assert panel_endpoint.received == [
        CallEvent("call.answered", "c1", "01055500001", "in"), TranscriptEvent("c1", "agent", "您好", True, 1.5)]
    assert "01055500001" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["event", "call.answered"], 2, "'call_id' is missing"),
        (["event", "call.answered", "--call-id"], 2, "--name value pairs"),
        (["event", "call.answered", "call-id", "c1"], 2, "expected --name"),
        (["event", "transcript", "--call-id", "c", "--speaker", "bot", "--text", "x"], 2, "'speaker'"),
        (["event", "transcript", "--call-id", "c", "--speaker", "agent", "--text", "x", "--final", "maybe"], 2,
         "--final"),
        (["replay", "nowhere.jsonl"], 1, "no such file"),
        (["replay", "x.jsonl", "--speed", "0"], 2, "--speed"),
    ],
)
def test_usage_and_input_errors(panel_endpoint, capsys, argv, code, message) -> None:
    assert main(argv) == code
    assert message in one_line(capsys.readouterr().err)
    assert panel_endpoint.received == []


def test_no_running_panel_is_one_line(isolated_dirs, capsys) -> None:
    assert main(["event", "call.ended", "--call-id", "c1"]) == 1
    assert "not running" in one_line(capsys.readouterr().err)
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "live.json").write_text("{broken")
    assert main(["event", "call.ended", "--call-id", "c1"]) == 1
    assert "cannot read" in one_line(capsys.readouterr().err)
    write_live_file(isolated_dirs, 1, "token")  # nothing listens there
    assert main(["event", "call.ended", "--call-id", "c1"]) == 1
    assert "cannot reach the panel" in one_line(capsys.readouterr().err)


def test_a_refusing_panel_is_one_line(panel_endpoint, isolated_dirs, capsys) -> None:
    write_live_file(isolated_dirs, panel_endpoint.port, "not-the-token")
    assert main(["event", "call.ended", "--call-id", "c1"]) == 1
    assert "(401)" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"t": 0, "type": "call.ringing", "call_id": "c"}\n{"t": 1, "type": "call.ringing"\n', ":2: malformed JSON"),
        ('{"t": 5, "type": "call.ringing", "call_id": "c"}\n{"t": 1, "type": "call.ended", "call_id": "c"}\n',
         ":2: 't' must be"),
        ('{"t": "soon", "type": "call.ringing", "call_id": "c"}\n', ":1: 't' must be"),
        ('[1, 2]\n', ":1: an event must be a JSON object"),
        ('{"t": 0, "type": "transcript", "call_id": "c", "speaker": "agent"}\n', ":1: 'text' must be a string"),
        ("\n\n", "no event"),
    ],
)
def test_broken_replay_files_send_nothing(panel_endpoint, tmp_path, capsys, content, message) -> None:
    path = tmp_path / "call.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["replay", str(path)]) == 1
    assert message in one_line(capsys.readouterr().err)
    assert panel_endpoint.received == []


def test_binary_replay_file(panel_endpoint, tmp_path, capsys) -> None:
    path = tmp_path / "call.jsonl"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert main(["replay", str(path)]) == 1
    assert "not UTF-8" in one_line(capsys.readouterr().err)


def test_every_demo_file_is_valid_and_natural() -> None:
    files = sorted((resources_dir() / "demo").glob("*.jsonl"))
    scenarios = sorted(p.stem for p in (resources_dir() / "scenarios").glob("*.yaml"))
    assert [p.stem for p in files] == scenarios  # one per built-in scenario
    for path in files:
        lines = read_replay(path)
        kinds = [line.event.type for line in lines]
        assert kinds[0] == "call.ringing" and kinds[1] == "call.answered" and kinds[-1] == "call.ended"
        said = [line.event for line in lines if isinstance(line.event, TranscriptEvent)]
        assert {e.speaker for e in said} == {"agent", "customer"}
        assert any(not e.final for e in said) and any(e.final for e in said)
        assert all(e.final or any(f.final and f.text.startswith(e.text) for f in said) for e in said)
        caller = next(line.event.caller for line in lines if isinstance(line.event, CallEvent))
        assert not caller.startswith("1"), "no mobile numbers in shipped files"


def test_replay_keeps_the_timing_scaled_by_speed() -> None:
    lines = read_replay(resources_dir() / "demo" / "closing-recap.jsonl")
    clock = [0.0]
    sent_at: list[tuple[float, int]] = []

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    def send(batch) -> int:
        sent_at.append((clock[0], len(batch)))
        return len(batch)

    assert replay(lines, send, speed=2.0, sleep=sleep, clock=lambda: clock[0]) == len(lines)
    assert sent_at[-1][0] == pytest.approx(lines[-1].t / 2, abs=0.01)
    assert sum(n for _, n in sent_at) == len(lines)


def test_replay_through_the_cli_process(panel_endpoint, isolated_dirs) -> None:
    demo = resources_dir() / "demo" / "hold-transfer.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(isolated_dirs), "replay", str(demo), "--speed", "200"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    expected = [json.loads(line) for line in demo.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(panel_endpoint.received) == len(expected)
    ids = {e.call_id for e in panel_endpoint.received}
    assert len(ids) == 1 and next(iter(ids)).startswith("demo-hold-transfer-")  # fresh per run
