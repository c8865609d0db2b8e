"""Read-side SQL shared by the CLI, the benchmarks and the lead's dashboard."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from hub.errors import HubError
from hub.rollups import rollup_zone


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(zone))
    return start, start + timedelta(days=1)


#: A team's day from the per seat-day rollups (kept by triggers as calls arrive, days in the
#: hub's time zone): a few rows per seat and scenario instead of every call of the day.
TEAM_DAY = """
WITH r AS (
    SELECT seat_id, scenario_id, scenario_name, calls, handle_sum, handle_n, acw_sum, acw_n, md, mt, banned
    FROM rollup_calls WHERE team_id = %(team)s AND day = %(day)s AND calls <> 0
)
SELECT
    (SELECT coalesce(sum(calls), 0) FROM r),
    (SELECT count(DISTINCT seat_id) FROM r),
    (SELECT sum(handle_sum) / nullif(sum(handle_n), 0) FROM r),
    (SELECT sum(acw_sum) / nullif(sum(acw_n), 0) FROM r),
    (SELECT coalesce(sum(md), 0)::bigint FROM r),
    (SELECT coalesce(sum(mt), 0)::bigint FROM r),
    (SELECT coalesce(sum(banned), 0)::bigint FROM r),
    (SELECT coalesce(json_agg(s ORDER BY s.calls DESC, s.scenario_id), '[]') FROM (
        SELECT scenario_id, max(scenario_name) AS scenario_name, sum(calls) AS calls,
               coalesce(sum(md), 0)::bigint AS mandatory_done, coalesce(sum(mt), 0)::bigint AS mandatory_total
        FROM r GROUP BY scenario_id) s)
"""


def team_day(conn: psycopg.Connection, team_id: int, team: str, day: date, zone: str) -> dict[str, Any]:
    """The day summary of a team: calls, seats, per scenario, mandatory completion, banned hits."""
    summed_in = rollup_zone(conn)
    if summed_in != zone:
        raise HubError(f"the rollups are summed by days in {summed_in}, not {zone}:"
                       " run `seatside-hub db upgrade` to sum them again")
    row = conn.execute(TEAM_DAY, {"team": team_id, "day": day}).fetchone()
    assert row is not None
    calls, seats, handle, wrapup, m_done, m_total, banned, scenarios = row
    return {
        "team": team,
        "day": day.isoformat(),
        "calls": calls,
        "seats": seats,
        "avg_handle_s": None if handle is None else round(float(handle), 1),
        "avg_wrapup_s": None if wrapup is None else round(float(wrapup), 1),
        "mandatory_steps": {"done": m_done, "total": m_total,
                            "completion": round(m_done / m_total, 4) if m_total else None},
        "banned_phrase_hits": banned,
        "per_scenario": [
            {**s, "completion": round(s["mandatory_done"] / s["mandatory_total"], 4) if s["mandatory_total"] else None}
            for s in scenarios
        ],
    }


SEAT_DAY = """
SELECT call_uid, revision, started_at, duration_s, wrapup_s, scenario_id, disposition, mandatory_done,
       mandatory_total, banned_hits, notes
FROM calls WHERE seat_id = %(seat)s AND latest AND started_at >= %(start)s AND started_at < %(end)s
ORDER BY started_at
"""


def seat_day(conn: psycopg.Connection, seat_id: int, day: date, zone: str) -> list[tuple[Any, ...]]:
    start, end = day_bounds(day, zone)
    return conn.execute(SEAT_DAY, {"seat": seat_id, "start": start, "end": end}).fetchall()


EXPORT_COLUMNS = ("seat", "call_uid", "started_at", "ended_at", "duration_s", "wrapup_s", "scenario_id",
                  "scenario_name", "disposition", "mandatory_done", "mandatory_total", "banned_hits",
                  "customer_ref", "notes")
EXPORT = """
SELECT s.name, c.call_uid, c.started_at, c.ended_at, c.duration_s, c.wrapup_s, c.scenario_id, c.scenario_name,
       c.disposition, c.mandatory_done, c.mandatory_total, c.banned_hits, c.customer_ref, c.notes
FROM calls c JOIN seats s ON s.id = c.seat_id
WHERE c.team_id = %(team)s AND c.latest AND c.started_at >= %(start)s AND c.started_at < %(end)s
ORDER BY c.started_at, c.id
"""
