"""The live endpoint with real HTTP and WebSocket clients: auth, origins, caps, rates."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading

import pytest

from desktop.core.live.events import CallEvent
from desktop.platform.live_server import Limits, LiveServer, RateWindow, write_live_file
from tests.live.helpers import post, ws_exchange, ws_refused

ANSWERED = '{"type": "call.answered", "call_id": "c1", "caller": "01055500001"}'


@pytest.fixture
def server():
    received: list = []
    lock = threading.Lock()

    def deliver(events, at):
        with lock:
            received.extend(events)

    live = LiveServer(deliver, origins=["https://cti.bank.example"], limits=Limits(max_body=4096, requests_per_s=20,
                                                                                 events_per_s=40, max_events=40))
    live.start()
    live.received = received  # type: ignore[attr-defined]
    yield live
    live.stop()


def test_an_event_with_the_token_is_delivered(server) -> None:
    assert post(server.port, ANSWERED, server.token) == (200, {"ok": True, "accepted": 1})
    assert server.received == [CallEvent("call.answered", "c1", "01055500001", "in")]


def test_no_or_wrong_token_is_401(server) -> None:
    assert post(server.port, ANSWERED, None)[0] == 401
    status, payload = post(server.port, ANSWERED, "x" + server.token)
    assert status == 401 and "token" in payload["error"]
    assert post(server.port, ANSWERED, None, {"Authorization": "Basic " + server.token})[0] == 401
    assert server.received == []


def test_a_foreign_origin_is_403_even_with_the_token(server) -> None:
    status, payload = post(server.port, ANSWERED, server.token, {"Origin": "https://evil.example"})
    assert status == 403 and "origin" in payload["error"]
    assert post(server.port, ANSWERED, server.token, {"Origin": "null"})[0] == 403
    assert server.received == []


def test_an_allowed_origin_gets_cors_and_its_preflight(server) -> None:
    origin = {"Origin": "https://cti.bank.example"}
    assert post(server.port, "", None, origin, method="OPTIONS")[0] == 204
    assert post(server.port, ANSWERED, server.token, origin)[0] == 200


def test_a_foreign_host_header_is_refused(server) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 still names its own host."""
    status, payload = post(server.port, ANSWERED, server.token, {"Host": f"evil.example:{server.port}"})
    assert status == 403 and "Host" in payload["error"]


@pytest.mark.parametrize(
    "body, message",
    [("{", "malformed JSON"), ('{"type": "call.ringing"}', "'call_id' is missing"), (b"\xff", "not UTF-8")],
)
def test_malformed_bodies_are_400_with_the_reason(server, body, message) -> None:
    status, payload = post(server.port, body, server.token)
    assert status == 400 and message in payload["error"]
    assert server.received == []


def test_huge_bodies_are_413(server) -> None:
    status, payload = post(server.port, "x" * 5000, server.token)
    assert status == 413 and "larger than 4096" in payload["error"]
    # Chunked, with no length announced: still capped.
    conn = __import__("http.client").client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest("POST", "/events")
    conn.putheader("Authorization", f"Bearer {server.token}")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    for _ in range(10):
        conn.send(b"400\r\n" + b"y" * 1024 + b"\r\n")
    conn.send(b"0\r\n\r\n")
    response = conn.getresponse()
    assert response.status == 413
    conn.close()
    assert post(server.port, ANSWERED, server.token)[0] == 200


def test_floods_are_429_and_the_endpoint_recovers() -> None:
    clock = [100.0]
    window = RateWindow(Limits(requests_per_s=3, events_per_s=5, max_events=5), clock=lambda: clock[0])
    assert [window.take_request() for _ in range(4)] == [True, True, True, False]
    assert window.take_events(5) and not window.take_events(1)
    clock[0] += 1
    assert window.take_request() and window.take_events(5)


def test_a_flood_of_requests_gets_429(server) -> None:
    statuses = [post(server.port, ANSWERED, server.token)[0] for _ in range(60)]
    assert 429 in statuses and statuses.count(200) <= 3 * 20  # at most three one-second windows' worth
    status, payload = post(server.port, "\n".join([ANSWERED] * 45), server.token)
    assert status == 400 and "more than 40 events" in payload["error"]


def test_websocket_feed_with_the_same_rules(server) -> None:
    answers = ws_exchange(server.port, [ANSWERED, "{", ANSWERED + "\n" + ANSWERED], server.token)
    assert answers[0] == {"ok": True, "accepted": 1, "status": 200}
    assert answers[1]["status"] == 400 and "malformed JSON" in answers[1]["error"]
    assert answers[2]["accepted"] == 2
    assert len(server.received) == 3
    assert ws_refused(server.port, None) == 401
    assert ws_refused(server.port, server.token, {"Origin": "https://evil.example"}) == 403


def test_websocket_token_as_a_subprotocol_for_browsers(server) -> None:
    answers = ws_exchange(server.port, [ANSWERED], None, protocols=(f"seatside.bearer.{server.token}",),
                          headers={"Origin": "https://cti.bank.example"})
    assert answers == [{"ok": True, "accepted": 1, "status": 200}]


def test_websocket_messages_are_capped(server) -> None:
    answers = ws_exchange(server.port, ["z" * 5000, ANSWERED], server.token)
    assert answers[0].get("closed") and answers[0]["code"] == 1009


def test_only_loopback_can_be_bound() -> None:
    for host in ("0.0.0.0", "::", "192.168.1.10", "localhost"):
        with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
            LiveServer(lambda e, t: None, host=host)


def non_loopback_addresses() -> list[str]:
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # no packet is sent: picks the outgoing interface
        found.add(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    return sorted(a for a in found if not a.startswith("127."))


def test_not_reachable_on_other_addresses(server) -> None:
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address")
    for address in addresses:
        with pytest.raises(OSError):
            socket.create_connection((address, server.port), timeout=2).close()


def test_live_file_is_private_and_replaced_atomically(tmp_path) -> None:
    path = write_live_file(tmp_path, 4321, "tok")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["port"] == 4321
    write_live_file(tmp_path, 4322, "tok2")
    assert json.loads(path.read_text())["token"] == "tok2"
    assert [p.name for p in tmp_path.iterdir()] == ["live.json"]
