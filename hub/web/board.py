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
from datetime import datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from hub import alerts, team_settings
from hub import audit as audit_module
from hub.db import database_unavailable_errors
from hub.live import REVOKED_CHANNEL, SEAT_CHANNEL, Listener
from hub.team_settings import TeamSettings
from hub.web.deps import (
    Lead,
    SignedInLead,
    check_csrf,
    fetch_all,
    pool_of,
    settings_of,
)
from hub.web.reports import FOLLOWUP_DUE, FOLLOWUP_LOOKBACK_DAYS
from hub.web.templating import gettext, render, render_fragment

router = APIRouter()

#: An alert's id: a PostgreSQL bigint.
AlertId = Annotated[int, Path(ge=1, le=2**63 - 1)]

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
       CASE WHEN st.state_since IS NOT NULL
            THEN greatest(0, extract(epoch FROM least(now(), st.received_at + make_interval(secs => %(stale)s))
                                                - st.state_since))
            END AS in_state,
       coalesce(st.banned_count, 0) AS banned,
       coalesce(st.open_steps, '[]') AS open_steps, coalesce(st.banned, '[]') AS banned_said,
       st.pack_version,
       coalesce(st.seq, 0) AS seq,
       (st.received_at IS NULL OR st.received_at < now() - make_interval(secs => %(stale)s)) AS stale,
       coalesce(h.id, 0) AS help_id, coalesce(h.scenario, '') AS help_scenario, coalesce(h.step, '') AS help_step,
       coalesce(d.calls, 0) AS calls_today, d.avg_handle, d.avg_wrapup, d.mandatory_rate
  FROM seats s LEFT JOIN seat_state st ON st.seat_id = s.id
  LEFT JOIN LATERAL (SELECT id, scenario, step FROM help_requests
                      WHERE seat_id = s.id AND status = 'open' ORDER BY id DESC LIMIT 1) h ON true
  -- Today's totals, the day counted in the centre's time zone.
  LEFT JOIN LATERAL (SELECT count(*) AS calls, avg(c.duration_s) AS avg_handle, avg(c.wrapup_s) AS avg_wrapup,
                            sum(c.mandatory_done)::float / nullif(sum(c.mandatory_total), 0) AS mandatory_rate
                       FROM calls c WHERE c.seat_id = s.id AND c.latest
                        AND c.started_at >= %(day_start)s AND c.started_at < %(day_end)s) d ON true
 WHERE s.team_id = %(team)s AND s.revoked_at IS NULL
 ORDER BY s.name
"""

#: The team's alerts: every open one, and those acknowledged in the last hours.
ALERTS_SQL = """
SELECT a.id, a.kind, a.detail, a.raised_at, a.acked_at, s.name AS seat, s.id AS seat_id, l.name AS acked_by
  FROM board_alerts a JOIN seats s ON s.id = a.seat_id LEFT JOIN leads l ON l.id = a.acked_by
 WHERE a.team_id = %(team)s AND (a.acked_at IS NULL OR a.acked_at > now() - make_interval(hours => %(hours)s))
 ORDER BY (a.acked_at IS NULL) DESC, a.raised_at DESC, a.id DESC
 LIMIT %(limit)s
"""
ALERT_ROWS = 100
ACKED_HOURS = 8

#: Follow-ups and complaint deadlines of the team due by the end of today (or overdue).
DUE_SQL = f"""
WITH open AS (
    SELECT se.name AS seat, f->>'kind' AS kind, f->>'text' AS text, c.call_uid,
           {FOLLOWUP_DUE} AS due
      FROM calls c JOIN seats se ON se.id = c.seat_id
           CROSS JOIN LATERAL jsonb_array_elements(c.followups) f
     WHERE c.team_id = %(team)s AND c.latest
       AND c.started_at >= now() - make_interval(days => {FOLLOWUP_LOOKBACK_DAYS})
       AND c.followups <> '[]'::jsonb
       AND coalesce(f->>'done_at', '') = ''
)
SELECT seat, kind, text, due, due < now() AS overdue FROM open
 WHERE due IS NOT NULL AND due < %(day_end)s
 ORDER BY due, seat LIMIT 200
"""



def tone(elapsed: float, target: int) -> str:
    """normal, amber past the team's target, red past twice the target."""
    if elapsed > 2 * target:
        return "red"
    if elapsed > target:
        return "amber"
    return "normal"


def today(zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end of today in the centre's time zone."""
    day = datetime.now(zone).date()
    start = datetime.combine(day, time.min, zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, zone)


async def board_tiles(request: Request, lead: Lead, target: int | None = None) -> list[dict[str, Any]]:
    """One tile per seat, each with its detail (open steps, banned phrases, today's totals)."""
    zone = ZoneInfo(settings_of(request).timezone)
    start, end = today(zone)
    rows = await fetch_all(request, BOARD_SQL, {"team": lead.team_id, "stale": settings_of(request).heartbeat_stale_s,
                                                "day_start": start, "day_end": end})
    target = target or lead.target_handle_s
    for row in rows:
        row["elapsed"] = round(float(row["elapsed"] or 0), 1)
        row["in_state"] = None if row["in_state"] is None else round(float(row["in_state"]), 1)
        row["tone"] = tone(row["elapsed"], target) if row["state"] != "idle" else "normal"
        said = [item for item in row.pop("banned_said") if isinstance(item, dict)]
        row["open_steps"] = [str(title) for title in row["open_steps"]]
        row["banned_typed"] = _said(said, "typed", zone)
        row["banned_spoken"] = _said(said, "spoken", zone)
        row["mandatory_rate"] = None if row["mandatory_rate"] is None else round(float(row["mandatory_rate"]), 3)
        for key in ("avg_handle", "avg_wrapup"):
            row[key] = None if row[key] is None else round(float(row[key]), 1)
        row["detail"] = render_fragment(request, "_seat_detail.html", {"tile": row})
    return rows


def _said(items: list[dict[str, Any]], via: str, zone: ZoneInfo) -> list[dict[str, str]]:
    out = []
    for item in items:
        if item.get("via") != via:
            continue
        try:
            at = datetime.fromisoformat(str(item.get("at"))).astimezone(zone).strftime("%H:%M:%S")
        except ValueError:
            at = ""
        out.append({"phrase": str(item.get("phrase", "")), "at": at})
    return out


async def team_alerts(request: Request, lead: Lead) -> list[dict[str, Any]]:
    rows = await fetch_all(request, ALERTS_SQL, {"team": lead.team_id, "hours": ACKED_HOURS, "limit": ALERT_ROWS})
    for row in rows:
        try:
            row["last_seen"] = datetime.fromisoformat(str(row["detail"].get("last_seen")))
        except ValueError:
            row["last_seen"] = None
    return rows


async def due_items(request: Request, lead: Lead) -> list[dict[str, Any]]:
    _, end = today(ZoneInfo(settings_of(request).timezone))
    return await fetch_all(request, DUE_SQL, {"team": lead.team_id, "day_end": end})


async def _settings_and_sweep(request: Request, lead: Lead) -> TeamSettings:
    """The team's settings, after raising ``silent`` for seats quiet past the threshold."""
    async with pool_of(request).connection() as conn:
        settings = await team_settings.load(conn, lead.team_id)
        await alerts.sweep_silent(conn, lead.team_id, settings)
    return settings


@router.get("/board")
async def board_page(request: Request, lead: SignedInLead) -> Response:
    from hub.web.help import team_phrases

    settings = await _settings_and_sweep(request, lead)
    tiles = await board_tiles(request, lead, settings.target_handle_s)
    return render(request, "board.html", {"tiles": tiles, "target": settings.target_handle_s,
                                          "alerts": await team_alerts(request, lead),
                                          "due": await due_items(request, lead),
                                          "phrases": await team_phrases(request, lead)})


@router.post("/board/alerts/{alert_id}/ack", dependencies=[Depends(check_csrf)])
async def acknowledge(request: Request, lead: SignedInLead, alert_id: AlertId) -> Response:
    """Acknowledge one of the team's alerts (audited, every board of the team updated)."""
    async with pool_of(request).connection() as conn:
        row = await (await conn.execute(ACK, {"id": alert_id, "team": lead.team_id, "lead": lead.id})).fetchone()
        if row is None:
            found = await (await conn.execute("SELECT acked_at FROM board_alerts WHERE id = %s AND team_id = %s",
                                              (alert_id, lead.team_id))).fetchone()
            if found is None:
                raise HTTPException(404, gettext(request, "no such alert in your team"))
            return RedirectResponse("/board#alerts", status_code=303)  # already acknowledged
        await audit_module.record_async(conn, "alert.ack", actor=f"lead:{lead.name}", team_id=lead.team_id,
                                        alert=alert_id, kind=row[1], seat_id=row[2], seat=row[3])
        await conn.execute("SELECT pg_notify(%s, %s)",
                           (SEAT_CHANNEL, json.dumps({"team_id": lead.team_id, "alert": alert_id})))
    return RedirectResponse("/board#alerts", status_code=303)


ACK = """
UPDATE board_alerts a SET acked_at = now(), acked_by = %(lead)s
  FROM seats s
 WHERE a.id = %(id)s AND a.team_id = %(team)s AND a.acked_at IS NULL AND s.id = a.seat_id
RETURNING a.id, a.kind, a.seat_id, s.name
"""


def _event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def _identity(tile: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a tile worth sending again (elapsed time and time in state tick in the browser)."""
    return tuple(repr(value) for key, value in sorted(tile.items()) if key not in {"elapsed", "tone", "in_state"})


@router.get("/board/events")
async def board_events(request: Request, lead: SignedInLead) -> Response:
    """Tile changes as server-sent events. ``outage`` when the database cannot be read (the
    board stops its timers), every tile again once it can; the stream closes within a
    moment of the lead's session ending (sign-out, password change, lead removed)."""
    listener: Listener = request.app.state.listener
    db_errors = database_unavailable_errors()

    async def stream() -> AsyncIterator[bytes]:
        sent: dict[int, tuple[Any, ...]] = {}
        sent_alerts: str | None = None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STREAM_LIFETIME_S
        outage = False
        async with listener.subscribe(SEAT_CHANNEL, REVOKED_CHANNEL) as queue:
            yield b"retry: 2000\n\n"
            while loop.time() < deadline:
                try:
                    if outage and not await session_alive(request, lead):
                        return
                    settings = await _settings_and_sweep(request, lead)
                    tiles = await board_tiles(request, lead, settings.target_handle_s)
                    listed = render_fragment(request, "_alerts.html", {"alerts": await team_alerts(request, lead)})
                except db_errors:
                    if not outage:
                        outage = True
                        yield _event("outage", {})
                    else:
                        yield b": outage\n\n"
                    sent.clear()  # everything is sent again once the database is back
                    sent_alerts = None
                else:
                    if outage:
                        outage = False
                        yield _event("restored", {})
                    changed = [tile for tile in tiles if sent.get(tile["id"]) != _identity(tile)]
                    for tile in changed:
                        sent[tile["id"]] = _identity(tile)
                    if changed:
                        yield _event("tiles", {"tiles": changed, "target": settings.target_handle_s})
                    if listed != sent_alerts:
                        sent_alerts = listed
                        yield _event("alerts", {"html": listed})
                    elif not changed:
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
