"""Help on request at the hub: a seat raises its hand, the board's event stream shows it,
the lead answers, and the seat's long-poll ends with the answer (real hub, real PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from tests.hub.web.conftest import WebHub, csrf_of, signed_in
from tests.hub.web.test_live_board import events, wait_for_tile


def seat_client(hub: WebHub, team: str, seat: str) -> httpx.Client:
    token = hub.teams[team].seats[seat][1]
    return httpx.Client(base_url=hub.base + "/api/v1", headers={"authorization": f"Bearer {token}"}, timeout=40)


def test_a_raised_hand_reaches_the_board_and_the_answer_ends_the_seat_long_poll(web_hub: WebHub) -> None:
    seat_id = web_hub.teams["A"].seats["A03"][0]
    with signed_in(web_hub) as lead, seat_client(web_hub, "A", "A03") as seat, \
            lead.stream("GET", "/board/events", timeout=30) as response:
        stream = events(response)
        next(stream)
        asked = seat.post("/help", json={"scenario": "信用卡挂失", "step": "核实身份 13812345678"})
        assert asked.status_code == 201, asked.text
        request_id = asked.json()["id"]
        tile = wait_for_tile(stream, seat_id, lambda t: t["help_id"] == request_id, set())
        assert tile["help_scenario"] == "信用卡挂失"
        assert "13812345678" not in tile["help_step"] and tile["help_step"].startswith("核实身份")
        # Nothing yet: the long-poll answers 304 after its wait.
        assert seat.get(f"/help/{request_id}", params={"wait": 0}).status_code == 304

        answer: dict[str, Any] = {}
        poll = threading.Thread(target=lambda: answer.update(
            response=seat.get(f"/help/{request_id}", params={"wait": 25})))
        poll.start()
        csrf = csrf_of(lead.get("/board").text)
        empty = lead.post(f"/board/help/{request_id}/answer", data={"csrf_token": csrf})
        assert empty.status_code == 400
        sent = lead.post(f"/board/help/{request_id}/answer",
                         data={"csrf_token": csrf, "reply": "请客户再报一次卡号 6222021234567890123"})
        assert sent.status_code == 303
        poll.join(timeout=30)
        assert not poll.is_alive()
        body = answer["response"].json()
        assert body["status"] == "answered"
        assert body["reply"].startswith("请客户再报一次卡号") and "6222021234567890123" not in body["reply"]
        cleared = wait_for_tile(stream, seat_id, lambda t: t["help_id"] == 0, set())
        assert cleared["id"] == seat_id
    with web_hub.connect() as conn:
        rows = conn.execute("SELECT detail->>'status', detail->>'seat_id' FROM audit_log"
                            " WHERE action = 'help.answer'").fetchall()
    assert ("answered", str(seat_id)) in rows


def test_help_requests_stay_within_their_team(web_hub: WebHub) -> None:
    with seat_client(web_hub, "B", "B01") as seat_b, seat_client(web_hub, "A", "A01") as seat_a:
        request_id = seat_b.post("/help", json={"scenario": "", "step": ""}).json()["id"]
        # Another team's seat cannot read it, another team's lead cannot answer it.
        assert seat_a.get(f"/help/{request_id}").status_code == 404
        with signed_in(web_hub, "A") as lead_a:
            csrf = csrf_of(lead_a.get("/board").text)
            refused = lead_a.post(f"/board/help/{request_id}/answer", data={"csrf_token": csrf, "coming": "1"})
            assert refused.status_code == 404
            # No CSRF token: refused before anything is stored.
            assert lead_a.post(f"/board/help/{request_id}/answer", data={"coming": "1"}).status_code in (400, 403)
        assert seat_b.get(f"/help/{request_id}").status_code == 304
        assert httpx.post(web_hub.base + "/api/v1/help", json={}).status_code == 401
        assert seat_b.post("/help", json={"scenario": "x" * 201}).status_code == 422
