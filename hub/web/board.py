"""The live board: one tile per seat of the lead's team, kept current by server-sent events.

Heartbeats land in ``seat_state`` and are NOTIFYed on ``hub.live.SEAT_CHANNEL``
in the same transaction. Each ``serve`` process keeps one LISTEN connection
(``hub.live.Listener``); a notification for the lead's team wakes the event
stream, which re-reads the team's tiles from PostgreSQL and sends what changed.
Nothing about a seat lives in process memory, so any number of processes
behave as one. A stream also re-reads every few seconds, which is how a silent
seat turns grey.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from hub.db import database_unavailable_errors
from hub.live import REVOKED_CHANNEL, SEAT_CHANNEL, Listener
from hub.web.deps import (
    Lead,
    SignedInLead,
    fetch_all,
    settings_of,
)
from hub.web.templating import render

router = APIRouter()

RECHECK_S = 5.0
#: How often a stream retries the database during an outage.
OUTAGE_RETRY_S = 1.0
COALESCE_S = 0.1
STREAM_LIFETIME_S = 600.0

BOARD_SQL = """
SELECT s.id, s.name,
       coalesce(st.state, 'idle') AS state,
       coalesce(st.scenario_name, '') AS scenario,
       coalesce(st.steps_done, 0) AS steps_done, coalesce(st.steps_total, 0) AS steps_total,
       coalesce(st.mandatory_done, 0) AS mandatory_done, coalesce(st.mandatory_total, 0) AS mandatory_total,
       -- A silent seat's timer stops at its last heartbeat: nobody can vouch for more.
       CASE WHEN st.state IN ('in_call', 'after_call')
            THEN st.elapsed_s + greatest(0, extract(epoch FROM least(now() - st.received_at,
                                                                      make_interval(secs => %(stale)s))))
            ELSE 0 END AS elapsed,
       coalesce(st.banned_count, 0) AS banned,
       st.pack_version,
       coalesce(st.seq, 0) AS seq,
       (st.received_at IS NULL OR st.received_at < now() - make_interval(secs => %(stale)s)) AS stale,
       coalesce(h.id, 0) AS help_id, coalesce(h.scenario, '') AS help_scenario, coalesce(h.step, '') AS help_step
  FROM seats s LEFT JOIN seat_state st ON st.seat_id = s.id
  LEFT JOIN LATERAL (SELECT id, scenario, step FROM help_requests
                      WHERE seat_id = s.id AND status = 'open' ORDER BY id DESC LIMIT 1) h ON true
 WHERE s.team_id = %(team)s AND s.revoked_at IS NULL
 ORDER BY s.name
"""


def tone(elapsed: float, target: int) -> str:
    """normal, amber past the team's target, red past twice the target."""
    if elapsed > 2 * target:
        return "red"
    if elapsed > target:
        return "amber"
    return "normal"


async def board_tiles(request: Request, lead: Lead) -> list[dict[str, Any]]:
    rows = await fetch_all(request, BOARD_SQL, {"team": lead.team_id, "stale": settings_of(request).heartbeat_stale_s})
    for row in rows:
        row["elapsed"] = round(float(row["elapsed"] or 0), 1)
        row["tone"] = tone(row["elapsed"], lead.target_handle_s) if row["state"] != "idle" else "normal"
    return rows


@router.get("/board")
async def board_page(request: Request, lead: SignedInLead) -> Response:
    from hub.web.help import team_phrases

    tiles = await board_tiles(request, lead)
    return render(request, "board.html", {"tiles": tiles, "target": lead.target_handle_s,
                                          "phrases": await team_phrases(request, lead)})


def _event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def _identity(tile: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a tile worth sending again (elapsed time ticks in the browser)."""
    return tuple(value for key, value in sorted(tile.items()) if key not in {"elapsed", "tone"})


@router.get("/board/events")
async def board_events(request: Request, lead: SignedInLead) -> Response:
    """Tile changes as server-sent events. ``outage`` when the database cannot be read (the
    board stops its timers), every tile again once it can; the stream closes within a
    moment of the lead's session ending (sign-out, password change, lead removed)."""
    listener: Listener = request.app.state.listener
    db_errors = database_unavailable_errors()

    async def stream() -> AsyncIterator[bytes]:
        sent: dict[int, tuple[Any, ...]] = {}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STREAM_LIFETIME_S
        outage = False
        async with listener.subscribe(SEAT_CHANNEL, REVOKED_CHANNEL) as queue:
            yield b"retry: 2000\n\n"
            while loop.time() < deadline:
                try:
                    if outage and not await session_alive(request, lead):
                        return
                    tiles = await board_tiles(request, lead)
                except db_errors:
                    if not outage:
                        outage = True
                        yield _event("outage", {})
                    else:
                        yield b": outage\n\n"
                    sent.clear()  # everything is sent again once the database is back
                else:
                    if outage:
                        outage = False
                        yield _event("restored", {})
                    changed = [tile for tile in tiles if sent.get(tile["id"]) != _identity(tile)]
                    for tile in changed:
                        sent[tile["id"]] = _identity(tile)
                    if changed:
                        yield _event("tiles", {"tiles": changed, "target": lead.target_handle_s})
                    else:
                        yield b": keep-alive\n\n"
                woke = await _wait_for_team(queue, lead, OUTAGE_RETRY_S if outage else RECHECK_S)
                if woke == "changed":
                    await asyncio.sleep(COALESCE_S)  # one read for a burst of heartbeats
                    woke = _drain(queue, lead)
                if woke == "ended":
                    yield _event("ended", {})  # the page goes to the sign-in page
                    return
                if woke == "stopping":
                    return  # the browser reconnects to another process, or to this one restarted
                if await request.is_disconnected():
                    break

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


async def session_alive(request: Request, lead: Lead) -> bool:
    """Whether the lead's session still exists (checked after an outage hid notifications)."""
    row = await fetch_all(request, "SELECT 1 FROM lead_sessions WHERE id = %s AND expires_at > now()",
                          (lead.session_id,))
    return bool(row)


def _ends(payload: dict[str, Any], lead: Lead) -> bool:
    return payload.get("channel") == REVOKED_CHANNEL and payload.get("session_id") == lead.session_id


async def _wait_for_team(queue: asyncio.Queue[dict[str, Any]], lead: Lead, timeout: float) -> str:
    """"changed" when the team's seats change (or the listener reconnects or loses the
    database) within ``timeout``, "ended" when the lead's session ends, else "timeout"."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (remaining := deadline - loop.time()) > 0:
        try:
            payload = await asyncio.wait_for(queue.get(), remaining)
        except asyncio.TimeoutError:
            return "timeout"
        if payload.get("stopping"):
            return "stopping"
        if _ends(payload, lead):
            return "ended"
        if payload.get("reconnected") or payload.get("lost") or (
                payload.get("channel") == SEAT_CHANNEL and payload.get("team_id") == lead.team_id):
            return "changed"
    return "timeout"


def _drain(queue: asyncio.Queue[dict[str, Any]], lead: Lead) -> str:
    """Empty the queue: "ended" or "stopping" when it held that, else "changed"."""
    result = "changed"
    while not queue.empty():
        payload = queue.get_nowait()
        if _ends(payload, lead):
            return "ended"
        if payload.get("stopping"):
            result = "stopping"
    return result
