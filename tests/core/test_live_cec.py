"""The Huawei CEC adapter against a simulator of the gateway on real HTTPS (loopback)."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from typing import Any

import pytest

from desktop.core.live.cec import CecFormatError, CecTranslator
from desktop.core.live.events import parse_event
from desktop.platform.cec_adapter import CecAdapter, CecError, CecSubscriber
from tests.live.cec_simulator import CecSimulator, ToolbarClient, assert_toolbar_saw_everything


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


# -- the read-only subscription beside the production toolbar ------------------------------
def calls(n: int) -> list[tuple[str, Any]]:
    """``n`` inbound calls as the gateway reports them."""
    out: list[tuple[str, Any]] = []
    for i in range(n):
        callid = f"1456404043-{i}"
        out += [("AgentEvent_Ringing", {"caller": f"0105550{i:04d}", "called": "49999", "callid": callid,
                                        "feature": "0", "type": "main"}),
                ("AgentEvent_Talking", {"callid": callid, "caller": f"0105550{i:04d}", "called": "49999"}),
                ("AgentEvent_Call_Release", callid)]
    return out


def seen(events: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    return [(kind, content["callid"] if isinstance(content, dict) else content) for kind, content in events]


def wait_until(predicate, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.fixture
def toolbar(simulator):
    client = ToolbarClient(simulator)
    client.start()
    yield client
    client.close()


def start_subscriber(simulator, **kwargs) -> tuple[CecSubscriber, list[dict], threading.Thread, list]:
    subscriber = CecSubscriber(simulator.url, "49999", account="101", password="cfg-Pw",
                               ca_file=simulator.ca_file, handshake_every=0.2, **kwargs)
    sent: list[dict] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            subscriber.run(sent.extend)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    wait_until(lambda: simulator.subscriptions or failure, "the subscription")
    assert not failure, failure
    return subscriber, sent, thread, failure


def test_the_subscriber_runs_beside_the_toolbar_which_misses_nothing(simulator, toolbar) -> None:
    subscriber, sent, thread, failure = start_subscriber(simulator)
    try:
        pushed = calls(5)
        for kind, content in pushed:
            simulator.push(kind, content)
        simulator.push_recognition("1456404043-4", "customer", "我的卡被吞了")
        simulator.push_recognition("1456404043-4", "agent", "我帮您挂失", final=False)
        wait_until(lambda: len(sent) == 17 and len(toolbar.events) == 15, "both clients to see every event")
    finally:
        subscriber.stop.set()
        thread.join(30)
    assert not failure
    assert_toolbar_saw_everything(toolbar, seen(pushed))
    assert simulator.signins == 1  # only the toolbar signed in as the agent; Seatside has its own account
    assert [e["type"] for e in sent[:3]] == ["call.ringing", "call.answered", "call.ended"]
    assert sum(e["type"] == "call.ringing" for e in sent) == 5
    assert sent[-2:] == [
        {"type": "transcript", "call_id": "1456404043-4", "speaker": "customer", "text": "我的卡被吞了", "final": True},
        {"type": "transcript", "call_id": "1456404043-4", "speaker": "agent", "text": "我帮您挂失", "final": False}]
    for event in sent:
        parse_event(event)  # all of it passes the endpoint's schema


@pytest.mark.expect_log
def test_sharing_the_toolbars_guid_makes_it_miss_events_and_the_check_says_so(simulator, toolbar) -> None:
    """The old way (polling with the toolbar's Guid) fails the same check: here with a
    static Guid, so both keep polling the one queue and each takes events from the other."""
    simulator.rotate_guid = False
    wait_until(lambda: toolbar.guid == simulator.guid, "the toolbar's current Guid")
    adapter = CecAdapter(simulator.url, "49999", guid=toolbar.guid, ca_file=simulator.ca_file, poll_pause=0.0)
    adapter.stop.wait = lambda timeout=None: adapter.stop.is_set()  # type: ignore[method-assign]
    got: list[dict] = []
    thread = threading.Thread(target=lambda: _swallow(adapter, got))
    thread.start()
    pushed = calls(5)
    try:
        for kind, content in pushed:
            simulator.push(kind, content)
        wait_until(lambda: len(got) + len(toolbar.events) >= 15, "the events consumed")
        assert got  # the adapter took some of them …
    finally:
        adapter.stop.set()
        thread.join(30)
    with pytest.raises(AssertionError, match="toolbar"):
        assert_toolbar_saw_everything(toolbar, seen(pushed))


def _swallow(adapter: CecAdapter, got: list) -> None:
    try:
        adapter._loop(got.extend)
    except CecError:
        pass
    finally:
        adapter.close()


def test_the_subscriber_signs_in_again_and_registers_again(simulator) -> None:
    subscriber, sent, thread, failure = start_subscriber(simulator)
    try:
        simulator.expire_config_guids()  # the integration account's Guid expires
        wait_until(lambda: subscriber.logins == 2 and subscriber.registrations == 2, "a new sign-in")
        simulator.forget_subscriptions()  # the gateway restarts and forgets the subscription
        wait_until(lambda: subscriber.registrations == 3 and simulator.subscriptions, "a new registration")
        for kind, content in calls(1):
            simulator.push(kind, content)
        wait_until(lambda: len(sent) == 3, "the events after reconnecting")
    finally:
        subscriber.stop.set()
        thread.join(30)
    assert not failure and simulator.config_logins == 2


@pytest.mark.expect_log
def test_the_subscriber_rides_out_a_gateway_outage(simulator) -> None:
    subscriber, sent, thread, failure = start_subscriber(simulator)
    try:
        simulator.down = True
        simulator.forget_subscriptions()  # and it comes back without the subscription
        wait_until(lambda: subscriber.failures >= 2, "the outage noticed")
        simulator.down = False
        wait_until(lambda: simulator.subscriptions, "the subscription registered again")
        for kind, content in calls(1):
            simulator.push(kind, content)
        wait_until(lambda: len(sent) == 3, "the events after the outage")
    finally:
        subscriber.stop.set()
        thread.join(30)
    assert not failure and subscriber.registrations == 2


def test_the_callback_refuses_pushes_without_the_token(simulator) -> None:
    import http.client as client

    subscriber, sent, thread, _failure = start_subscriber(simulator)
    try:
        url = urllib.parse.urlsplit(subscriber.callback_url)
        conn = client.HTTPConnection(url.hostname, url.port, timeout=10)
        body = json.dumps({"workNo": "49999", "eventList": [{"eventType": "AgentEvent_Call_Release",
                                                              "workNo": "49999", "content": "x"}]})
        conn.request("POST", url.path, body=body, headers={"service_token": "guess", "Content-Type": "application/json"})
        assert conn.getresponse().status == 401
        conn.close()
        conn = client.HTTPConnection(url.hostname, url.port, timeout=10)
        other_seat = json.dumps({"workNo": "40000", "eventList": [{"eventType": "AgentEvent_Call_Release",
                                                                    "workNo": "40000", "content": "y"}]})
        conn.request("POST", url.path, body=other_seat, headers={"service_token": subscriber.token})
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        subscriber.stop.set()
        thread.join(30)
    assert sent == [] and subscriber.refused_pushes == 1  # another seat's events are never forwarded


def test_outbound_campaign_calls_are_outbound_and_the_access_number_is_never_the_customer() -> None:
    t = CecTranslator(agent_id="49999", phone="70001", access_numbers=frozenset({"95588"}))
    predictive = t.event({"eventType": "AgentEvent_Ringing", "content": {
        "caller": "95588", "called": "49999", "callid": "p1", "feature": "44"}})
    assert predictive == [{"type": "call.ringing", "call_id": "p1", "direction": "out"}]  # no customer, not 95588
    with_customer = t.event({"eventType": "AgentEvent_Ringing", "content": {
        "caller": "13800138000", "called": "49999", "callid": "p2", "feature": "44"}})
    assert with_customer[0]["direction"] == "out" and with_customer[0]["caller"] == "13800138000"
    t.event({"eventType": "AgentEvent_Preview_CallOut", "content": {"controlid": "0", "dialeddigits": "13900139000"}})
    preview = t.event({"eventType": "AgentEvent_Ringing", "content": {
        "caller": "95588", "called": "70001", "callid": "v1", "feature": "43"}})
    assert preview[0]["direction"] == "out" and preview[0]["caller"] == "13900139000"
    answered = t.event({"eventType": "AgentEvent_Talking", "content": {"callid": "v1"}})
    assert answered[0] == {"type": "call.answered", "call_id": "v1", "direction": "out", "caller": "13900139000"}
    inbound_from_hotline = t.event({"eventType": "AgentEvent_Ringing", "content": {
        "caller": "95588", "called": "49999", "callid": "i1", "feature": "0"}})
    assert "caller" not in inbound_from_hotline[0]


def test_cec_command_subscribes_beside_the_toolbar(simulator, toolbar, isolated_dirs) -> None:
    """``seatside cec --account`` in its own process: the toolbar keeps every event."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from desktop.platform.live_server import LiveServer, write_live_file

    received: list = []
    server = LiveServer(lambda events, at: received.extend(events))
    server.start()
    write_live_file(isolated_dirs, server.port, server.token)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(isolated_dirs), "cec", "--gateway", simulator.url,
         "--agent-id", "49999", "--account", "101", "--access-number", "95588", "--ca", str(simulator.ca_file)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "SEATSIDE_CEC_PASSWORD": "cfg-Pw"},
    )
    pushed = calls(2)
    try:
        wait_until(lambda: simulator.subscriptions or proc.poll() is not None, "the subscription")
        for kind, content in pushed:
            simulator.push(kind, content)
        simulator.push_recognition("1456404043-1", "customer", "卡被吞了")
        wait_until(lambda: len(received) == 7 or proc.poll() is not None, "the events at the panel")
        assert [e.type for e in received] == ["call.ringing", "call.answered", "call.ended"] * 2 + ["transcript"]
        wait_until(lambda: len(toolbar.events) == len(pushed), "the toolbar's events")
        assert_toolbar_saw_everything(toolbar, seen(pushed))
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
        server.stop()
    assert proc.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()
