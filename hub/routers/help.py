"""Help on request (举手): a seat raises its hand; it long-polls for the lead's answer.

The request is stored and NOTIFYed on the seat channel (the lead's board re-reads
and flashes the tile). The lead's answer is NOTIFYed on ``hub.live.HELP_CHANNEL``,
which ends the seat's long-poll at once.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from desktop.core.hubclient.hub_protocol import API
from desktop.core.privacy.masking import mask_pii
from hub.deps import Pool, Seat, Settings
from hub.live import HELP_CHANNEL, SEAT_CHANNEL, Listener

router = APIRouter(prefix=API, tags=["help"])


class HelpIn(BaseModel):
    """What the seat is on when it raises its hand (masked again here)."""

    model_config = ConfigDict(extra="forbid")
    scenario: Annotated[str, Field(max_length=200)] = ""
    step: Annotated[str, Field(max_length=200)] = ""


ASK = """
WITH ask AS (
    INSERT INTO help_requests (seat_id, team_id, scenario, step) VALUES (%(seat)s, %(team)s, %(scenario)s, %(step)s)
    RETURNING id
)
SELECT ask.id, pg_notify(%(channel)s, json_build_object('seat_id', %(seat)s::bigint, 'team_id', %(team)s::bigint,
    'help', ask.id)::text) FROM ask
"""

ANSWER = "SELECT id, status, reply FROM help_requests WHERE id = %s AND seat_id = %s"


@router.post("/help", status_code=201)
async def raise_hand(body: HelpIn, seat: Seat, pool: Pool) -> JSONResponse:
    """Store the seat's request and tell every board of its team."""
    params = {"seat": seat.id, "team": seat.team_id, "scenario": mask_pii(body.scenario)[:200],
              "step": mask_pii(body.step)[:200], "channel": SEAT_CHANNEL}
    async with pool.connection() as conn:
        row = await (await conn.execute(ASK, params)).fetchone()
    assert row is not None  # an INSERT ... RETURNING always gives its row
    return JSONResponse({"id": row[0], "status": "open"}, status_code=201)


@router.get("/help/{request_id}")
async def help_answer(
    request: Request, request_id: int, seat: Seat, pool: Pool, settings: Settings,
    wait: Annotated[float, Query(ge=0, description="long-poll up to this many seconds for the lead's answer")] = 0,
) -> Response:
    """The lead's answer to the seat's request once there is one; else wait up to ``wait`` s, then 304."""
    listener: Listener = request.app.state.listener
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(wait, settings.long_poll_max_s)
    # Subscribe before reading: an answer between the read and the wait is not missed.
    async with listener.subscribe(HELP_CHANNEL) as queue:
        while True:
            async with pool.connection() as conn:
                row = await (await conn.execute(ANSWER, (request_id, seat.id))).fetchone()
            if row is None:
                raise HTTPException(404, "no such help request for this seat")
            if row[1] != "open":
                return JSONResponse({"id": row[0], "status": row[1], "reply": row[2]},
                                    headers={"Cache-Control": "no-store"})
            try:
                while True:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        return Response(status_code=304)
                    payload = await asyncio.wait_for(queue.get(), timeout=remaining)
                    if payload.get("stopping"):
                        return Response(status_code=304)
                    if payload.get("reconnected") or payload.get("request_id") == request_id:
                        break
            except asyncio.TimeoutError:
                return Response(status_code=304)


def answer_payload(seat_id: int, team_id: int, request_id: int) -> str:
    return json.dumps({"seat_id": seat_id, "team_id": team_id, "request_id": request_id})
