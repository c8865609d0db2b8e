"""The Huawei CEC adapter against a simulator of the gateway on real HTTPS (loopback)."""

from __future__ import annotations

import json
import threading

import pytest

from desktop.core.live.cec import CecFormatError, CecTranslator
from desktop.core.live.events import parse_event
from desktop.platform.cec_adapter import CecAdapter, CecError
from tests.live.cec_simulator import CecSimulator


def answer(event_type: str, content) -> dict:
    return {"message": "", "retcode": "0", "event": {"eventType": event_type, "workNo": "49999", "content": content}}


def test_translation_follows_the_documented_events() -> None:
    t = CecTranslator()
    ringing = t.translate(answer("AgentEvent_Ringing", {
        "caller": "01055500001", "called": "49999", "callid": "1456404043-37", "feature": "0", "type": "main"}))
    assert ringing == [{"type": "call.ringing", "call_id": "1456404043-37", "direction": "in", "caller": "01055500001"}]
    talking = t.translate(answer("AgentEvent_Talking", {"callid": "1456404043-37"}))
    assert talking[0]["type"] == "call.answered" and talking[0]["caller"] == "01055500001"
    assert t.translate(answer("AgentEvent_Call_Release", "1456404043-37")) == [
        {"type": "call.ended", "call_id": "1456404043-37"}]
    for event in ringing + talking:
        parse_event(event)  # what the adapter sends passes the endpoint's schema


def test_outbound_calls_take_the_called_number_and_agents_are_not_callers() -> None:
    t = CecTranslator()
    out = t.translate(answer("AgentEvent_Ringing", {"caller": "49999", "called": "01055500002", "callid": "9",
                                                    "feature": "7"}))
    assert out[0]["direction"] == "out" and out[0]["caller"] == "01055500002"
    internal = t.translate(answer("AgentEvent_Ringing", {"caller": "a49997", "called": "49999", "callid": "10"}))
    assert "caller" not in internal[0]


def test_other_events_and_empty_polls_give_nothing() -> None:
    t = CecTranslator()
    assert t.translate({"message": "", "retcode": "0", "event": None}) == []
    assert t.translate(answer("AgentState_Ready", None)) == []
    assert t.translate(answer("AgentEvent_Ringing", {"caller": "1"})) == []


@pytest.mark.parametrize("bad", [[], {"retcode": "000-002", "message": "guid expired"}, {"retcode": "0", "event": 3}])
def test_unexpected_answers_are_errors(bad) -> None:
    with pytest.raises(CecFormatError):
        CecTranslator().translate(bad)


@pytest.fixture
def simulator(tmp_path):
    sim = CecSimulator(tmp_path, wait=0.3)
    sim.start()
    yield sim
    sim.stop()


def run_adapter(adapter: CecAdapter, until) -> tuple[list[dict], threading.Thread, list[BaseException]]:
    """The adapter in a thread until ``until(sent)``; failures are handed back."""
    sent: list[dict] = []
    failure: list[BaseException] = []

    def send(events):
        sent.extend(events)
        if until(sent):
            adapter.stop.set()

    def target():
        try:
            adapter.run(send)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return sent, thread, failure


def test_adapter_signs_in_polls_and_forwards_a_call(simulator) -> None:
    adapter = CecAdapter(simulator.url, "49999", phone="70001", password="s3cret-Pw", ca_file=simulator.ca_file,
                         poll_pause=0.01)
    sent, thread, failure = run_adapter(adapter, lambda s: any(e["type"] == "call.ended" for e in s))
    simulator.push("AgentEvent_Ringing", {"caller": "01055500003", "called": "49999", "callid": "77-1", "feature": "0"})
    simulator.push("AgentState_Busy", None)
    simulator.push("AgentEvent_Talking", {"callid": "77-1", "caller": "01055500003", "called": "49999"})
    simulator.push("AgentEvent_Call_Release", "77-1")
    thread.join(20)
    assert not thread.is_alive() and not failure
    assert [e["type"] for e in sent] == ["call.ringing", "call.answered", "call.ended"]
    assert simulator.signins == 1 and simulator.polls >= 3  # the rotating Guid was followed


def test_adapter_refuses_a_gateway_it_cannot_verify(simulator, tmp_path) -> None:
    adapter = CecAdapter(simulator.url, "49999", phone="70001", password="s3cret-Pw", poll_pause=0.01)
    with pytest.raises(CecError, match="cannot reach"):
        adapter.sign_in()


def test_wrong_password_and_bad_addresses(simulator) -> None:
    adapter = CecAdapter(simulator.url, "49999", phone="70001", password="wrong", ca_file=simulator.ca_file)
    with pytest.raises(CecError, match="sign-in refused"):
        adapter.sign_in()
    with pytest.raises(CecError, match="https://"):
        CecAdapter("http://127.0.0.1:1", "49999")
    with pytest.raises(CecError, match="agent id"):
        CecAdapter(simulator.url, "49999; DROP")


@pytest.mark.expect_log
def test_adapter_gives_up_after_repeated_failures(simulator, caplog) -> None:
    adapter = CecAdapter(simulator.url, "49999", guid="not-the-right-one", ca_file=simulator.ca_file, poll_pause=0.01)
    adapter.stop.wait = lambda timeout=None: False  # type: ignore[method-assign]  # no back-off pauses in tests
    with pytest.raises(CecError, match="retcode 000-002"):
        adapter.run(lambda events: None)
    assert len([r for r in caplog.records if "CEC poll failed" in r.getMessage()]) == 4


def test_garbage_from_the_gateway_is_an_error(simulator) -> None:
    adapter = CecAdapter(simulator.url, "49999", phone="70001", password="s3cret-Pw", ca_file=simulator.ca_file)
    adapter.sign_in()
    simulator.rotate_guid = False
    try:
        check_garbage(adapter, simulator)
    finally:
        adapter.close()


def check_garbage(adapter: CecAdapter, simulator: CecSimulator) -> None:
    simulator.raw_answers.append("<html>busy</html>")
    with pytest.raises(CecError, match="not JSON"):
        adapter.poll_once()
    simulator.raw_answers.append(json.dumps({"retcode": "0", "event": "x"}))
    with pytest.raises(CecError, match="not an object"):
        adapter.poll_once()


def test_cec_command_forwards_gateway_events_to_the_panel(simulator, isolated_dirs) -> None:
    """``seatside cec`` in its own process: gateway simulator → adapter → live endpoint."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from desktop.platform.live_server import LiveServer, write_live_file

    received: list = []
    server = LiveServer(lambda events, at: received.extend(events))
    server.start()
    write_live_file(isolated_dirs, server.port, server.token)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(isolated_dirs), "cec", "--gateway", simulator.url,
         "--agent-id", "49999", "--phone", "70001", "--ca", str(simulator.ca_file)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "SEATSIDE_CEC_PASSWORD": "s3cret-Pw"},
    )
    try:
        deadline = time.monotonic() + 20
        while simulator.signins == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        simulator.push("AgentEvent_Ringing", {"caller": "01055500004", "called": "49999", "callid": "88-1"})
        simulator.push("AgentEvent_Talking", {"callid": "88-1"})
        simulator.push("AgentEvent_Call_Release", "88-1")
        while len(received) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert [e.type for e in received] == ["call.ringing", "call.answered", "call.ended"]
        assert received[1].caller == "01055500004"
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
        server.stop()
    assert proc.returncode == 0, err.decode()


def test_cec_command_errors_are_one_line(isolated_dirs) -> None:
    from desktop.cli import main
    from desktop.platform.live_server import write_live_file

    write_live_file(isolated_dirs, 1, "token")
    import io
    from contextlib import redirect_stderr

    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["cec", "--gateway", "http://127.0.0.1:1", "--agent-id", "49999"]) == 1
    assert err.getvalue().count("\n") == 1 and "https://" in err.getvalue()
