"""The board's alert list: stored, de-duplicated, pushed live, acknowledged with audit.

An alert is a row of ``board_alerts``; ``(seat, kind, key)`` is unique, so raising the
same alert again (every heartbeat of a call repeats its banned phrases) is a no-op.
Each new row NOTIFYs ``hub.live.SEAT_CHANNEL`` for its team in the same transaction,
which wakes every board of the team on every ``serve`` process.

Kinds (labels in words on the board, never these codes):
``banned`` (a banned phrase typed or said), ``over_target`` (a call past
``alerts.over_target_factor`` x the target), ``mandatory_skipped`` (a call wrapped up
with a mandatory step not done), ``silent`` (no heartbeat for ``alerts.silent_seat_s``),
``help`` (the seat raised its hand).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from desktop.core.hubclient.hub_records import CallIn, HeartbeatIn
from hub.live import SEAT_CHANNEL
from hub.team_settings import TeamSettings

KINDS = ("banned", "over_target", "mandatory_skipped", "silent", "help")
#: A seat whose last heartbeat is older than this is off shift, not silent.
SILENT_HORIZON_H = 12
#: A call's start, when the heartbeat does not give it, is taken to this many seconds.
APPROX_START_S = 600

RAISE = """
WITH raised AS (
    INSERT INTO board_alerts (team_id, seat_id, kind, key, detail)
    SELECT %(team)s, %(seat)s, a.kind, a.key, a.detail
      FROM jsonb_to_recordset(%(alerts)s) AS a(kind text, key text, detail jsonb)
    ON CONFLICT (seat_id, kind, key) DO NOTHING
    RETURNING id
)
SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify(%(channel)s, json_build_object(
    'team_id', %(team)s::bigint, 'seat_id', %(seat)s::bigint, 'alerts', count(*))::text) END
  FROM raised
"""

# Every seat of the team that went quiet: one alert per silence (its last heartbeat is the key).
SWEEP_SILENT = """
WITH raised AS (
    INSERT INTO board_alerts (team_id, seat_id, kind, key, detail)
    SELECT st.team_id, st.seat_id, 'silent', st.received_at::text,
           jsonb_build_object('last_seen', st.received_at, 'state', st.state)
      FROM seat_state st JOIN seats s ON s.id = st.seat_id AND s.revoked_at IS NULL AND s.team_id = st.team_id
     WHERE st.team_id = %(team)s
       AND st.received_at < now() - make_interval(secs => %(silent)s)
       AND st.received_at > now() - make_interval(hours => %(horizon)s)
    ON CONFLICT (seat_id, kind, key) DO NOTHING
    RETURNING id
)
SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify(%(channel)s, json_build_object(
    'team_id', %(team)s::bigint, 'alerts', count(*))::text) END
  FROM raised
"""


def _alert(kind: str, key: str, **detail: Any) -> dict[str, Any]:
    return {"kind": kind, "key": key[:400], "detail": detail}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def heartbeat_alerts(beat: HeartbeatIn, settings: TeamSettings) -> list[dict[str, Any]]:
    """The alerts one heartbeat calls for (most heartbeats: none)."""
    if beat.state == "idle":
        return []
    call = _iso(beat.call_started_at) or ""
    found: list[dict[str, Any]] = []
    if settings.alerts.banned_phrase:
        for said in beat.banned:
            found.append(_alert("banned", f"{call}|{said.via}|{said.phrase}", phrase=said.phrase, via=said.via,
                                at=_iso(said.at), scenario=beat.scenario_name))
    if beat.state == "in_call" and beat.elapsed_s > settings.alerts.over_target_factor * settings.target_handle_s:
        if not call:  # a panel that does not name its call: its start, to the 10 minutes
            started = datetime.now(timezone.utc).timestamp() - beat.elapsed_s
            call = f"about|{int(started // APPROX_START_S)}"
        found.append(_alert("over_target", call, elapsed_s=round(beat.elapsed_s),
                            target_s=settings.target_handle_s, factor=settings.alerts.over_target_factor,
                            scenario=beat.scenario_name))
    return found


def call_alerts(call: CallIn, settings: TeamSettings) -> list[dict[str, Any]]:
    """A call wrapped up with mandatory steps not done (its first revision only)."""
    if not settings.alerts.mandatory_skipped or call.revision != 1 or not call.skipped:
        return []
    steps = [s.title or s.step_id for s in call.skipped][:20]
    return [_alert("mandatory_skipped", call.uid, steps=steps, scenario=call.scenario_name or call.scenario_id,
                   started_at=_iso(call.started_at))]


async def raise_alerts(conn: AsyncConnection, team_id: int, seat_id: int, alerts: list[dict[str, Any]]) -> int:
    """Store the alerts not stored yet and wake the team's boards; the number new."""
    if not alerts:
        return 0
    cur = await conn.execute(RAISE, {"team": team_id, "seat": seat_id, "alerts": Jsonb(alerts),
                                     "channel": SEAT_CHANNEL})
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def sweep_silent(conn: AsyncConnection, team_id: int, settings: TeamSettings) -> int:
    """Raise ``silent`` for the team's seats quiet past the threshold; the number new."""
    cur = await conn.execute(SWEEP_SILENT, {"team": team_id, "silent": settings.alerts.silent_seat_s,
                                            "horizon": SILENT_HORIZON_H, "channel": SEAT_CHANNEL})
    row = await cur.fetchone()
    return int(row[0]) if row else 0


def help_alert_sql() -> str:
    """The INSERT a raised hand runs in the same statement as its request (``key`` = request id)."""
    return ("INSERT INTO board_alerts (team_id, seat_id, kind, key, detail)"
            " SELECT %(team)s, %(seat)s, 'help', ask.id::text,"
            " jsonb_build_object('scenario', %(scenario)s::text, 'step', %(step)s::text) FROM ask"
            " ON CONFLICT (seat_id, kind, key) DO NOTHING")


