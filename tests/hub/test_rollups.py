"""Month partitions and the per seat-day rollups, against direct counts of the calls, on real PostgreSQL.

Calls go in through the upload route's own statements (``hub.routers.calls``), so the
triggers see what a seat's upload does: new revisions replacing old ones, in any order.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from alembic import command
from psycopg.types.json import Jsonb

from hub.cluster import EmbeddedCluster
from hub.db import _alembic_config, upgrade
from hub.queries import team_day
from hub.rollups import drop_before, ensure_partitions, sync_zone
from hub.routers.calls import INSERT, MARK_LATEST

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: What the rollups must equal: the same figures counted straight from the latest revisions.
DIRECT_CALLS = """
SELECT seat_id, (started_at AT TIME ZONE %(z)s)::date, scenario_id, scenario_name, count(*),
       round(coalesce(sum(duration_s::float8), 0)::numeric, 2), count(duration_s),
       round(coalesce(sum(wrapup_s::float8), 0)::numeric, 2), count(wrapup_s),
       sum(mandatory_done), sum(mandatory_total), sum(banned_hits)
  FROM calls WHERE latest GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
ROLLED_CALLS = """
SELECT seat_id, day, scenario_id, scenario_name, calls, round(handle_sum::numeric, 2), handle_n,
       round(acw_sum::numeric, 2), acw_n, md, mt, banned
  FROM rollup_calls WHERE calls <> 0 ORDER BY 1, 2, 3, 4
"""
DIRECT_HOURS = """
SELECT seat_id, (started_at AT TIME ZONE %(z)s)::date, extract(hour FROM started_at AT TIME ZONE %(z)s)::int, count(*)
  FROM calls WHERE latest GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
ROLLED_HOURS = "SELECT seat_id, day, hour::int, calls FROM rollup_hours WHERE calls <> 0 ORDER BY 1, 2, 3"
DIRECT_BANNED = """
SELECT c.seat_id, (c.started_at AT TIME ZONE %(z)s)::date, b->>'phrase', sum((b->>'count')::int)
  FROM calls c CROSS JOIN LATERAL jsonb_array_elements(c.banned) b WHERE c.latest GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
ROLLED_BANNED = "SELECT seat_id, day, phrase, hits FROM rollup_banned WHERE hits <> 0 ORDER BY 1, 2, 3"
DIRECT_SKIPS = """
SELECT c.seat_id, (c.started_at AT TIME ZONE %(z)s)::date, coalesce(nullif(c.scenario_name, ''), c.scenario_id),
       s->>'title', s->>'reason', count(*)
  FROM calls c CROSS JOIN LATERAL jsonb_array_elements(c.skipped) s WHERE c.latest
 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
"""
ROLLED_SKIPS = "SELECT seat_id, day, scenario, title, reason, times FROM rollup_skips WHERE times <> 0 ORDER BY 1, 2, 3, 4, 5"
DIRECT_PHRASES = """
SELECT c.seat_id, (c.started_at AT TIME ZONE %(z)s)::date, coalesce(c.pack_version, 0), p->>'phrase_id', count(*)
  FROM calls c CROSS JOIN LATERAL jsonb_array_elements(c.phrases) p WHERE c.latest
 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
ROLLED_PHRASES = """
SELECT seat_id, day, pack_version, phrase_id, sum(uses) FROM rollup_phrases WHERE uses <> 0
 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
PAIRS = [(DIRECT_CALLS, ROLLED_CALLS), (DIRECT_HOURS, ROLLED_HOURS), (DIRECT_BANNED, ROLLED_BANNED),
         (DIRECT_SKIPS, ROLLED_SKIPS), (DIRECT_PHRASES, ROLLED_PHRASES)]


def assert_rollups_match(conn: psycopg.Connection, zone: str, every_kind: bool = False) -> int:
    """Every rollup equals its direct count; returns how many rows were compared. The calls and
    hours always have rows to compare; with ``every_kind`` so must skips, banned phrases and phrases."""
    compared = 0
    for n, (direct_sql, rolled_sql) in enumerate(PAIRS):
        direct = [tuple(row) for row in conn.execute(direct_sql, {"z": zone}).fetchall()]
        rolled = [tuple(row) for row in conn.execute(rolled_sql).fetchall()]
        if n < 2 or every_kind:
            assert direct, f"no rows to compare for {direct_sql.split('FROM')[0]}"
        assert rolled == direct
        compared += len(direct)
    return compared


def record(uid: str, revision: int, started: datetime, rng: random.Random) -> dict:
    scenario = rng.choice([("card-lost", "挂失补卡"), ("points", "积分兑换"), ("atm", "")])
    banned = [{"phrase": rng.choice(["你听我说", "不归我管"]), "count": rng.randint(1, 3)}] if rng.random() < 0.4 else []
    return {
        "call_uid": uid, "revision": revision, "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=4)).isoformat(),
        "duration_s": rng.choice([None, float(rng.randint(30, 900))]), "wrapup_s": float(rng.randint(0, 120)),
        "scenario_id": scenario[0], "scenario_name": scenario[1], "disposition": "resolved", "end_reason": "",
        "customer_ref": "", "notes": f"revision {revision}", "pack_version": rng.choice([None, 1, 2]),
        "steps_done": 2, "steps_total": 4, "mandatory_done": rng.randint(0, 2), "mandatory_total": 2,
        "banned_hits": sum(b["count"] for b in banned), "steps": [], "followups": [],
        "phrases": [{"phrase_id": f"p{rng.randint(1, 4)}", "text": "您好", "scenario_id": scenario[0]}
                    for _ in range(rng.randint(0, 2))],
        "skipped": [{"step_id": "remind", "title": "提醒风险", "reason": rng.choice(["客户挂断了", ""])}]
        if rng.random() < 0.3 else [],
        "banned": banned,
    }


def upload(conn: psycopg.Connection, seat_id: int, team_id: int, rows: list[dict]) -> int:
    """What ``POST /calls`` runs in its transaction; returns the rows stored."""
    with conn.transaction():
        stored = conn.execute(INSERT, (seat_id, team_id, Jsonb(rows), seat_id)).fetchall()
        conn.execute(MARK_LATEST, (seat_id, sorted({r["call_uid"] for r in rows}), seat_id))
    return len(stored)


def seats(conn: psycopg.Connection, count: int) -> tuple[int, list[int]]:
    team = conn.execute("INSERT INTO teams (name) VALUES ('rollups') RETURNING id").fetchone()[0]
    ids = [conn.execute("INSERT INTO seats (team_id, name) VALUES (%s, %s) RETURNING id", (team, f"R{n:02d}")).fetchone()[0]
           for n in range(count)]
    return team, ids


def test_rollups_follow_uploads_and_revisions(hub_db: str) -> None:
    rng = random.Random(28)
    zone = "Asia/Shanghai"
    base = datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc)
    with psycopg.connect(hub_db, autocommit=True) as conn:
        team, seat_ids = seats(conn, 4)
        sent: dict[tuple[int, str], int] = {}
        for batch in range(12):
            for seat in seat_ids:
                rows = []
                for n in range(rng.randint(1, 6)):
                    uid = f"c{seat}-{batch}-{n}"
                    started = base + timedelta(hours=rng.randint(0, 24 * 9), minutes=rng.randint(0, 59))
                    rows.append(record(uid, 1, started, rng))
                    sent[(seat, uid)] = 1
                # Later revisions of earlier calls (a follow-up done): same start, new figures;
                # sometimes an older revision arrives after the newer one.
                for (owner, uid), top in rng.sample(sorted(sent.items()), min(3, len(sent))):
                    if owner != seat:
                        continue
                    started = conn.execute("SELECT started_at FROM calls WHERE seat_id = %s AND call_uid = %s"
                                           " LIMIT 1", (seat, uid)).fetchone()
                    if started is None:
                        continue
                    rows.append(record(uid, top + 2, started[0], rng))
                    rows.append(record(uid, top + 1, started[0], rng))
                    sent[(owner, uid)] = top + 2
                upload(conn, seat, team, rows)
        # A retried batch changes nothing.
        again = [record(uid, top, conn.execute("SELECT started_at FROM calls WHERE seat_id = %s AND call_uid = %s"
                                               " AND revision = %s", (seat, uid, top)).fetchone()[0], rng)
                 for (seat, uid), top in sent.items() if seat == seat_ids[0]]
        assert again and upload(conn, seat_ids[0], team, again) == 0
        revised = conn.execute("SELECT count(*) FROM calls WHERE revision > 1").fetchone()[0]
        assert revised > 10
        latest = conn.execute("SELECT count(*) FROM calls WHERE latest").fetchone()[0]
        assert latest == len(sent)
        assert assert_rollups_match(conn, zone, every_kind=True) > 0
        total = conn.execute("SELECT sum(calls) FROM rollup_calls").fetchone()[0]
        assert total == len(sent)
        # The CLI's and the benchmark's team day reads the rollups: it equals a direct count.
        for day in conn.execute("SELECT DISTINCT (started_at AT TIME ZONE %s)::date FROM calls", (zone,)).fetchall():
            summary = team_day(conn, team, "rollups", day[0], zone)
            direct = conn.execute(
                "SELECT count(*), count(DISTINCT seat_id), sum(mandatory_done), sum(banned_hits) FROM calls"
                " WHERE latest AND (started_at AT TIME ZONE %s)::date = %s", (zone, day[0])).fetchone()
            assert (summary["calls"], summary["seats"], summary["mandatory_steps"]["done"],
                    summary["banned_phrase_hits"]) == direct
            assert sum(s["calls"] for s in summary["per_scenario"]) == direct[0]
        # A call deleted by hand (say a test call) leaves the rollups too.
        conn.execute("DELETE FROM calls WHERE call_uid = %s", (next(iter(sent))[1],))
        assert conn.execute("SELECT sum(calls) FROM rollup_calls").fetchone()[0] == len(sent) - 1
        assert_rollups_match(conn, zone)


def test_days_follow_the_hub_time_zone(hub_db: str) -> None:
    rng = random.Random(5)
    with psycopg.connect(hub_db, autocommit=True) as conn:
        team, (seat,) = seats(conn, 1)
        assert sync_zone(conn, "America/New_York") is True
        assert sync_zone(conn, "America/New_York") is False
        ny = ZoneInfo("America/New_York")
        late = datetime(2026, 3, 7, 23, 59, tzinfo=ny)  # the evening before a DST change
        early = datetime(2026, 3, 8, 0, 1, tzinfo=ny)
        rows = [record("late", 1, late, rng), record("early", 1, early, rng)]
        for row in rows:
            row["banned"] = [{"phrase": "你听我说", "count": 1}]
            row["skipped"] = [{"step_id": "remind", "title": "提醒风险", "reason": ""}]
            row["phrases"] = [{"phrase_id": "p1", "text": "您好"}]
        upload(conn, seat, team, rows)
        days = conn.execute("SELECT day, sum(calls) FROM rollup_calls GROUP BY 1 ORDER BY 1").fetchall()
        assert days == [(date(2026, 3, 7), 1), (date(2026, 3, 8), 1)]
        hours = conn.execute("SELECT day, hour FROM rollup_hours ORDER BY 1").fetchall()
        assert hours == [(date(2026, 3, 7), 23), (date(2026, 3, 8), 0)]
        assert_rollups_match(conn, "America/New_York", every_kind=True)
        # In Shanghai (UTC+8) both calls fall on the 8th, in the afternoon.
        assert sync_zone(conn, "Asia/Shanghai") is True
        assert conn.execute("SELECT day, sum(calls) FROM rollup_calls GROUP BY 1").fetchall() == [(date(2026, 3, 8), 2)]
        assert_rollups_match(conn, "Asia/Shanghai")
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            sync_zone(conn, "Mars/Olympus")
        assert conn.execute("SELECT zone FROM rollup_zone").fetchone()[0] == "Asia/Shanghai"


def partitions(conn: psycopg.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                                       " WHERE i.inhparent = 'calls'::regclass ORDER BY 1").fetchall()]


def test_retention_drops_whole_months(hub_db: str) -> None:
    rng = random.Random(9)
    zone = ZoneInfo("Asia/Shanghai")
    with psycopg.connect(hub_db, autocommit=True) as conn:
        team, seat_ids = seats(conn, 2)
        for month in (1, 2, 3):
            conn.execute("SELECT calls_add_month(%s)", (date(2026, month, 1),))
        # The first and last minutes of each month, in the hub's zone.
        for n, seat in enumerate(seat_ids):
            rows = []
            for month in (1, 2, 3):
                first = datetime(2026, month, 1, 0, 0, tzinfo=zone)
                last = datetime(2026, month + 1, 1, tzinfo=zone) - timedelta(minutes=1)
                rows += [record(f"m{month}-a-{n}", 1, first, rng), record(f"m{month}-z-{n}", 1, last, rng)]
            upload(conn, seat, team, rows)
        assert {"calls_p202601", "calls_p202602", "calls_p202603", "calls_default"} <= set(partitions(conn))
        placed = dict(conn.execute("SELECT tableoid::regclass::text, count(*) FROM calls GROUP BY 1").fetchall())
        assert placed == {"calls_p202601": 4, "calls_p202602": 4, "calls_p202603": 4}
        assert conn.execute("SELECT sum(calls) FROM rollup_calls WHERE day < '2026-03-01'").fetchone()[0] == 8

        dropped = drop_before(conn, date(2026, 3, 1))
        assert sorted(dropped) == ["calls_p202601", "calls_p202602"]
        assert "calls_p202601" not in partitions(conn) and "calls_p202603" in partitions(conn)
        assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == 4
        assert conn.execute("SELECT min(day) FROM rollup_calls").fetchone()[0] == date(2026, 3, 1)
        assert_rollups_match(conn, "Asia/Shanghai")


def test_a_month_without_its_partition_waits_in_the_default_one(hub_db: str) -> None:
    rng = random.Random(3)
    with psycopg.connect(hub_db, autocommit=True) as conn:
        team, (seat,) = seats(conn, 1)
        far = datetime(2031, 5, 20, 10, tzinfo=timezone.utc)
        upload(conn, seat, team, [record("far", 1, far, rng), record("far2", 1, far + timedelta(days=1), rng)])
        assert conn.execute("SELECT DISTINCT tableoid::regclass::text FROM calls").fetchall() == [("calls_default",)]
        assert conn.execute("SELECT calls_add_month('2031-05-01')").fetchone()[0] is True
        assert conn.execute("SELECT DISTINCT tableoid::regclass::text FROM calls").fetchall() == [("calls_p203105",)]
        # Moving rows between partitions is not a new call: the rollups stay as they were.
        assert conn.execute("SELECT sum(calls) FROM rollup_calls").fetchone()[0] == 2
        assert ensure_partitions(conn) == 0  # the migration made the coming months already
        assert_rollups_match(conn, "Asia/Shanghai")


def test_migration_converts_a_populated_table(pg_cluster: EmbeddedCluster) -> None:
    with psycopg.connect(pg_cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS rollup_migration WITH (FORCE)")
        conn.execute("CREATE DATABASE rollup_migration")
    url = pg_cluster.url_for("rollup_migration")
    try:
        command.upgrade(_alembic_config(url), "0120_team_settings")
        with psycopg.connect(url, autocommit=True) as conn:
            team, seat_ids = seats(conn, 3)
            # A year of calls in the old table, with revisions (latest set as the old hub did).
            conn.execute("""
                INSERT INTO calls (seat_id, team_id, call_uid, revision, latest, started_at, duration_s, wrapup_s,
                                   scenario_id, scenario_name, mandatory_done, mandatory_total, banned_hits,
                                   banned, skipped, phrases, pack_version)
                SELECT (%(seats)s::bigint[])[1 + g %% 3], %(team)s, 'old-' || (g / 2), 1 + g %% 2, g %% 2 = 1,
                       '2025-01-01 00:00+08'::timestamptz + (g / 2) * interval '2 hours', 100 + g %% 50, g %% 7,
                       'card-lost', '挂失补卡', g %% 3, 2, g %% 2,
                       CASE WHEN g %% 2 = 1 THEN '[{"phrase": "你听我说", "count": 1}]'::jsonb ELSE '[]' END,
                       '[{"title": "提醒风险", "reason": ""}]', '[{"phrase_id": "p1", "text": "您好"}]', 1
                  FROM generate_series(0, 5999) g
            """, {"seats": seat_ids, "team": team})
            conn.execute("UPDATE calls SET seat_id = (SELECT seat_id FROM calls c2 WHERE c2.call_uid = calls.call_uid"
                         " AND c2.revision = 1)")  # both revisions on one seat
            before = conn.execute("SELECT count(*), count(*) FILTER (WHERE latest), max(id) FROM calls").fetchone()
        assert upgrade(url) >= "0150"
        with psycopg.connect(url, autocommit=True) as conn:
            after = conn.execute("SELECT count(*), count(*) FILTER (WHERE latest), max(id) FROM calls").fetchone()
            assert after == before
            assert conn.execute("SELECT relkind FROM pg_class WHERE relname = 'calls'").fetchone()[0] == "p"
            months = [p for p in partitions(conn) if p.startswith("calls_p2025")]
            assert len(months) == 9  # 3,000 calls two hours apart: January to September 2025
            assert conn.execute("SELECT count(*) FROM calls_default").fetchone()[0] == 0
            assert assert_rollups_match(conn, "Asia/Shanghai", every_kind=True) > 0
            # New calls after the conversion: new ids, rollups kept by the triggers.
            stored = upload(conn, seat_ids[0], team, [record("new-1", 1, datetime(2025, 9, 1, 12, tzinfo=timezone.utc),
                                                             random.Random(1))])
            assert stored == 1
            assert conn.execute("SELECT id FROM calls WHERE call_uid = 'new-1'").fetchone()[0] == before[2] + 1
            assert_rollups_match(conn, "Asia/Shanghai")
    finally:
        with psycopg.connect(pg_cluster.url_for("postgres"), autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS rollup_migration WITH (FORCE)")


def test_retention_command(hub_db: str, hub_home: Path) -> None:
    from tests.hub.conftest import run_hub

    rng = random.Random(11)
    with psycopg.connect(hub_db, autocommit=True) as conn:
        team, (seat,) = seats(conn, 1)
        conn.execute("SELECT calls_add_month('2025-03-01')")
        upload(conn, seat, team, [record("old", 1, datetime(2025, 3, 10, 4, tzinfo=timezone.utc), rng),
                                  record("recent", 1, datetime.now(timezone.utc) - timedelta(hours=1), rng)])
    refused = run_hub(hub_db, hub_home, "db", "retention", "--keep-months", "0")
    assert refused.returncode == 2 and "at least 1" in refused.stderr and "Traceback" not in refused.stderr
    done = run_hub(hub_db, hub_home, "db", "retention", "--keep-months", "12")
    assert done.returncode == 0, done.stderr
    assert "calls_p202503" in done.stdout
    with psycopg.connect(hub_db, autocommit=True) as conn:
        assert [r[0] for r in conn.execute("SELECT call_uid FROM calls").fetchall()] == ["recent"]
        assert "calls_p202503" not in partitions(conn)
        audit = conn.execute("SELECT detail FROM audit_log WHERE action = 'calls.retention'").fetchone()
        assert audit is not None and "calls_p202503" in audit[0]["dropped"]
        assert_rollups_match(conn, "Asia/Shanghai")
