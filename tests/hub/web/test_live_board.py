"""The live board's event stream: a heartbeat sent to one serve process reaches a lead
watching another (PostgreSQL LISTEN/NOTIFY), and a silent seat turns grey."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from tests.hub.conftest import HubProcess
from tests.hub.web.conftest import WebHub, signed_in


def events(response: httpx.Response) -> Iterator[tuple[str, Any]]:
    name = "message"
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            yield name, json.loads(line[6:])
            name = "message"


def wait_for_tile(stream: Iterator[tuple[str, Any]], seat_id: int, check: Callable[[dict[str, Any]], bool],
                  seen: set[int], timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    for name, data in stream:
        if name == "tiles":
            seen.update(tile["id"] for tile in data["tiles"])
            for tile in data["tiles"]:
                if tile["id"] == seat_id and check(tile):
                    return tile
        assert time.monotonic() < deadline, "the board did not show the change in time"
    raise AssertionError("the stream ended")


def test_a_heartbeat_on_another_process_reaches_the_board_then_the_seat_goes_grey(web_hub: WebHub) -> None:
    second = HubProcess(web_hub.url, web_hub.home)
    second.start()
    try:
        seat_id = web_hub.teams["A"].seats["A02"][0]
        other_team_seat = web_hub.teams["B"].seats["B01"][0]
        with signed_in(web_hub) as client, client.stream("GET", "/board/events", timeout=30) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            stream = events(response)
            _, first = next(stream)
            assert {tile["id"] for tile in first["tiles"]} == {s[0] for s in web_hub.teams["A"].seats.values()}
            token = web_hub.teams["A"].seats["A02"][1]
            sent = httpx.post(second.base + "/api/v1/heartbeat", headers={"authorization": f"Bearer {token}"},
                              json={"state": "in_call", "scenario_name": "挂失补卡", "steps_done": 2,
                                    "steps_total": 5, "mandatory_done": 1, "mandatory_total": 3,
                                    "elapsed_s": 700, "banned_count": 1, "seq": 1})
            assert sent.status_code == 204
            web_hub.heartbeat("B", "B01", state="in_call", scenario_name="别的组")
            seen: set[int] = set()
            tile = wait_for_tile(stream, seat_id, lambda t: t["state"] == "in_call", seen)
            assert tile["scenario"] == "挂失补卡" and tile["steps_done"] == 2 and tile["mandatory_total"] == 3
            assert tile["banned"] == 1 and tile["stale"] is False
            assert tile["tone"] == "red"  # 700 s is past twice the team's 300 s target
            # No more heartbeats: past the stale limit (3 s in this hub) the tile turns grey.
            grey = wait_for_tile(stream, seat_id, lambda t: t["stale"], seen)
            assert grey["state"] == "in_call"
            # Nothing of the other team ever came down this stream.
            assert other_team_seat not in seen | {t["id"] for t in first["tiles"]}
    finally:
        second.stop()


def test_the_event_stream_needs_a_lead(web_hub: WebHub) -> None:
    response = httpx.get(web_hub.base + "/board/events")
    assert response.status_code == 401
