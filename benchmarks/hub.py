"""The hub at scale on this machine (``make bench-hub``): prints JSON figures and a Markdown table.

    python -m benchmarks.hub                      # everything (loadtest, then 0.5M, 1M, 5M stored calls)
    python -m benchmarks.hub --stage load --seats 200 --calls-per-seat 20 --heartbeat-seconds 10
    python -m benchmarks.hub --stage bulk --sizes 500000,1000000

A private PostgreSQL cluster under ``.benchmarks/hub-pg`` (fsync on, as in
production) and real ``seatside-hub serve`` processes on loopback. The load stage
is ``seatside-hub loadtest`` with one twist: halfway through the upload the hub is
killed (SIGKILL) and started again. The bulk stage fills a separate database with
generated calls (``INSERT … SELECT generate_series``) and times the reads the
dashboards and exports make.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg

from hub.cluster import EmbeddedCluster
from hub.db import upgrade
from hub.settings import HubSettings

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / ".benchmarks" / "hub-pg"
ZONE = "Asia/Shanghai"
YEAR_START = datetime(2025, 1, 1, tzinfo=ZoneInfo(ZONE))
TEAMS, SEATS = 60, 1000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fresh_database(cluster: EmbeddedCluster, name: str) -> str:
    with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = cluster.url_for(name)
    upgrade(url)
    return url


class Hub:
    """A ``seatside-hub serve`` process that can be killed and started again."""

    def __init__(self, url: str, home: Path, port: int):
        self.url, self.home, self.port = url, home, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = dict(os.environ, SEATSIDE_HUB_DATABASE_URL=self.url, SEATSIDE_HUB_HOME=str(self.home),
                   PYTHONPATH=str(ROOT), SEATSIDE_HUB_POOL_MAX="20")
        self.process = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(self.port)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # e.g. the port is taken: never measure another hub
                raise RuntimeError(f"the hub on port {self.port} exited at start")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=10).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the hub did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)

    def rss_mb(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as handle:  # type: ignore[union-attr]
                for line in handle:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except (OSError, AttributeError):
            pass
        return 0.0


def load_stage(cluster: EmbeddedCluster, seats: int, calls_per_seat: int, heartbeat_seconds: float,
               processes: int = 1) -> dict:
    from hub.cli import main as hub_cli
    from hub.loadtest import run_loadtest

    url = fresh_database(cluster, "bench_load")
    home = Path(tempfile.mkdtemp(prefix="seatside-bench-hub-"))
    assert hub_cli(["--database-url", url, "--home", str(home), "keys", "init"]) == 0
    hubs = [Hub(url, home, 18765 + n) for n in range(processes)]
    for each in hubs:
        each.start()
    hub = hubs[0]
    peak = {"rss_mb": 0.0}
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            peak["rss_mb"] = max(peak["rss_mb"], *(each.rss_mb() for each in hubs))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    total = seats * calls_per_seat
    chaos: dict = {"killed_at_calls": None, "restart_s": None}

    def restart() -> None:
        started = time.monotonic()
        hub.kill()
        hub.start()
        chaos["restart_s"] = round(time.monotonic() - started, 2)

    def on_progress(sent: int) -> None:
        if chaos["killed_at_calls"] is None and sent >= total // 2:
            chaos["killed_at_calls"] = sent
            threading.Thread(target=restart, daemon=True).start()

    log(f"load: {seats} seats x {calls_per_seat} calls on {processes} serve process(es),"
        " the first one killed once halfway")
    try:
        figures = run_loadtest(url, ",".join(f"http://127.0.0.1:{each.port}" for each in hubs), seats, calls_per_seat,
                               HubSettings(database_url=url, home=home), heartbeat_seconds=heartbeat_seconds,
                               on_progress=on_progress)
    finally:
        sampling.set()
        for each in hubs:
            each.stop()
    if "upload" in figures:
        figures["upload"] |= chaos
    figures["hub_peak_rss_mb"] = round(peak["rss_mb"], 1)
    figures["serve_processes"] = processes
    return figures


def generate(url: str, upto: int) -> float:
    """Fill ``calls`` with generated rows up to ``upto``; returns the seconds it took."""
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT count(*) FROM teams").fetchone()[0] == 0:
            conn.execute("INSERT INTO teams (id, name) SELECT g, 'team-' || lpad(g::text, 2, '0')"
                         " FROM generate_series(1, %s) g", (TEAMS,))
            conn.execute("INSERT INTO seats (id, team_id, name) SELECT g, 1 + (g - 1) %% %s,"
                         " 'seat-' || lpad(g::text, 4, '0') FROM generate_series(1, %s) g", (TEAMS, SEATS))
        # The year's month partitions (the hub makes the coming months' itself, not past years').
        conn.execute("SELECT calls_add_month(m::date) FROM generate_series(%s::date, %s::date, interval '1 month') m",
                     (YEAR_START.date(), YEAR_START.date() + timedelta(days=364)))
        have = conn.execute("SELECT coalesce(max(id), 0) FROM calls").fetchone()[0]
        chunk = 250_000
        for low in range(have + 1, upto + 1, chunk):
            high = min(upto, low + chunk - 1)
            conn.execute(BULK, {"low": low, "high": high, "year": YEAR_START, "seats": SEATS, "teams": TEAMS})
            log(f"bulk: {high:,} calls ({time.monotonic() - started:.0f} s)")
        conn.execute("ANALYZE calls")
    return time.monotonic() - started


BULK = """
INSERT INTO calls (id, seat_id, team_id, call_uid, revision, started_at, ended_at, duration_s, wrapup_s, scenario_id,
    scenario_name, disposition, notes, customer_ref, steps_done, steps_total, mandatory_done, mandatory_total,
    banned_hits, steps, phrases)
SELECT g, 1 + g %% %(seats)s, 1 + (g %% %(seats)s) %% %(teams)s, 'b' || g, 1, t, t + make_interval(secs => d), d,
    10 + g %% 90, (ARRAY['atm-cash-retained','card-retained-atm','generic-complaint','points-redemption',
    'opening-identity'])[1 + g %% 5], (ARRAY['自助设备吞钞','ATM吞卡','一般投诉','积分兑换','开场与身份核实'])[1 + g %% 5],
    (ARRAY['resolved','follow-up','escalated'])[1 + g %% 3],
    (ARRAY['客户咨询信用卡分期手续费，已按标准解释。','客户反映ATM吞卡，已登记并告知领卡流程。',
     '客户要求调整额度，已提交申请，三个工作日内回复。','客户投诉等待时间长，已致歉并记录。',
     '客户卡号 6222 **** **** 0128 挂失已办理。','客户询问积分兑换规则，已说明。'])[1 + g %% 6],
    '*******' || lpad((g %% 10000)::text, 4, '0'), 3, 5, 1 + g %% 2, 2, (g %% 20 = 0)::int,
    '[{"step_id":"s1","title":"安抚","mandatory":true},{"step_id":"s2","title":"核实","mandatory":false}]'::jsonb,
    '[{"phrase_id":"p1","text":"您先别着急，我来帮您处理。","via":"key"}]'::jsonb
FROM (SELECT g, %(year)s::timestamptz + random() * interval '365 days' AS t, 60 + (g * 37) %% 600 AS d
      FROM generate_series(%(low)s::bigint, %(high)s::bigint) g) s
"""


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    from hub.loadtest import percentile

    return round(percentile(values, q) or 0.0, 2)


def read_stage(url: str, size: int) -> dict:
    from hub.export import csv_chunks, write_xlsx
    from hub.queries import day_bounds, seat_day, team_day

    rng = random.Random(size)
    days = [YEAR_START.date() + timedelta(days=rng.randrange(365)) for _ in range(400)]
    with psycopg.connect(url) as conn:
        conn.execute("SET jit = off")
        team_ms = timed(lambda: team_day(conn, rng.randint(1, TEAMS), "t", rng.choice(days), ZONE), 100)
        seat_ms = timed(lambda: seat_day(conn, rng.randint(1, SEATS), rng.choice(days), ZONE), 200)
        span = timedelta(days=365 * 100_000 / size)
        start = datetime.combine(date(2025, 3, 1), datetime.min.time(), ZoneInfo(ZONE))
        end = start + span
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            written = 0
            with open(Path(folder) / "calls.csv", "wb") as out:
                for chunk in csv_chunks(conn, None, start, end):
                    written += len(chunk)
                    out.write(chunk)
            csv_s = time.perf_counter() - started
            started = time.perf_counter()
            rows = write_xlsx(conn, None, start, end, str(Path(folder) / "calls.xlsx"))
            xlsx_s = time.perf_counter() - started
            xlsx_mb = (Path(folder) / "calls.xlsx").stat().st_size / 2**20
        del day_bounds
    return {"calls": size, "team_day_p50_ms": p(team_ms, 50), "team_day_p95_ms": p(team_ms, 95),
            "seat_day_p50_ms": p(seat_ms, 50), "seat_day_p95_ms": p(seat_ms, 95), "export_rows": rows,
            "csv_s": round(csv_s, 2), "csv_mb": round(written / 2**20, 1), "xlsx_s": round(xlsx_s, 2),
            "xlsx_mb": round(xlsx_mb, 1)}


def bulk_stage(cluster: EmbeddedCluster, sizes: list[int], keep: bool) -> list[dict]:
    url = cluster.url_for("bench_bulk")
    with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_bulk'").fetchone()
    if not exists or not keep:
        url = fresh_database(cluster, "bench_bulk")
    results = []
    for size in sorted(sizes):
        seconds = generate(url, size)
        figures = read_stage(url, size)
        figures["generate_s"] = round(seconds, 1)
        with psycopg.connect(url) as conn:
            figures["database_mb"] = round(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
                                           / 2**20)
        log(json.dumps(figures))
        results.append(figures)
    return results


def reports_stage(cluster: EmbeddedCluster, size: int, requests: int, keep: bool) -> dict:
    """The lead's report pages at ``size`` stored calls through a real ``serve``: a day, 31 days, a year
    (and the year's trends by month), then retention: the oldest month dropped as a whole partition."""
    from benchmarks.dashboard import DATABASE, free_port, prepare, serve, sign_in

    url = cluster.url_for(DATABASE)
    with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
    if not exists or not keep:
        url = fresh_database(cluster, DATABASE)
    generated = generate(url, size)
    os.environ["BENCH_URL"] = url
    prepare(url)
    home = CLUSTER.parent / "dashboard-home"
    home.mkdir(exist_ok=True)
    rng = random.Random(size)
    first = YEAR_START.date() + timedelta(days=1)  # the retention step drops January afterwards
    days = [first + timedelta(days=rng.randrange(330)) for _ in range(requests)]
    pages = {
        "report_day": lambda d: f"/reports?first={d}&last={d}",
        "report_31_days": lambda d: f"/reports?first={d}&last={d + timedelta(days=30)}",
        "report_year": lambda d: f"/reports?first={first}&last={first + timedelta(days=364)}",
        "report_year_by_month": lambda d: f"/reports?first={first}&last={first + timedelta(days=364)}&trend=month",
        "seats_csv_31_days": lambda d: f"/reports/seats.csv?first={d}&last={d + timedelta(days=30)}",
    }
    port = free_port()
    process = serve(url, home, port)
    results: dict = {"calls": size, "generate_s": round(generated, 1), "requests_per_page": requests}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            sign_in(client)
            for name, path in pages.items():
                client.get(path(days[0])).raise_for_status()  # warm
                samples = []
                for day in days:
                    started = time.perf_counter()
                    client.get(path(day)).raise_for_status()
                    samples.append((time.perf_counter() - started) * 1000)
                results[name] = {"p50_ms": p(samples, 50), "p95_ms": p(samples, 95), "max_ms": round(max(samples), 1)}
                log(f"{name}: {results[name]}")
    finally:
        process.terminate()
        process.wait(timeout=30)
    results["sql_31_days"] = rollups_vs_calls(url, max(5, requests // 3), 31)
    results["sql_year"] = rollups_vs_calls(url, max(3, requests // 10), 365)
    with psycopg.connect(url, autocommit=True) as conn:
        cutoff = YEAR_START.date().replace(month=2)
        rows = conn.execute("SELECT count(*) FROM calls WHERE started_at < %s",
                            (datetime.combine(cutoff, datetime.min.time(), ZoneInfo(ZONE)),)).fetchone()[0]
        started = time.perf_counter()
        dropped = conn.execute("SELECT calls_drop_before(%s)", (cutoff,)).fetchall()
        results["retention"] = {"partitions_dropped": len(dropped), "calls_dropped": rows,
                                "seconds": round(time.perf_counter() - started, 3)}
    return results


#: The reports page's reads before the rollups (as of 0120): the same figures from every call of the range.
CALLS_SQL = {
    "seats": """SELECT se.name, coalesce(a.calls, 0), a.handle, a.acw, a.md, a.mt, coalesce(a.banned, 0) FROM seats se
        LEFT JOIN (SELECT c.seat_id, count(*) AS calls, avg(c.duration_s) AS handle, avg(c.wrapup_s) AS acw,
                          sum(c.mandatory_done) AS md, sum(c.mandatory_total) AS mt, sum(c.banned_hits) AS banned
                     FROM calls c WHERE {range} GROUP BY c.seat_id) a ON a.seat_id = se.id
        WHERE se.team_id = %(team)s ORDER BY se.name""",
    "scenarios": """SELECT coalesce(nullif(c.scenario_name, ''), c.scenario_id), count(*), avg(c.duration_s),
        avg(c.wrapup_s), sum(c.mandatory_done), sum(c.mandatory_total) FROM calls c WHERE {range}
        GROUP BY 1 ORDER BY 2 DESC, 1""",
    "phrases": """SELECT c.pack_version, coalesce(p->>'scenario_id', ''), p->>'text', count(*)
        FROM calls c CROSS JOIN LATERAL jsonb_array_elements(c.phrases) p WHERE {range} GROUP BY 1, 2, 3""",
    "hours": """SELECT extract(hour FROM c.started_at AT TIME ZONE %(tz)s)::int, count(*) FROM calls c
        WHERE {range} GROUP BY 1""",
    "totals": """SELECT count(*), avg(c.duration_s), avg(c.wrapup_s), sum(c.mandatory_done), sum(c.mandatory_total),
        coalesce(sum(c.banned_hits), 0) FROM calls c WHERE {range}""",
}
CALLS_RANGE = "c.team_id = %(team)s AND c.latest AND c.started_at >= %(start)s AND c.started_at < %(end)s"


def rollups_vs_calls(url: str, requests: int, days: int) -> dict:
    """The page's main reads from the rollups against the same figures from the calls, interleaved on
    one connection in the same run (a ratio that holds on a loaded machine)."""
    from hub.web.reports import HOURLY_SQL, TABLES, TOTALS_SQL

    rollup_sql = [TABLES["seats"].sql, TABLES["scenarios"].sql, TABLES["phrases"].sql, HOURLY_SQL, TOTALS_SQL]
    calls_sql = [sql.format(range=CALLS_RANGE) for sql in CALLS_SQL.values()]
    rng = random.Random(days)
    old_ms: list[float] = []
    new_ms: list[float] = []
    with psycopg.connect(url) as conn:
        conn.execute("SET jit = off")
        for _ in range(requests):
            first = YEAR_START.date() + timedelta(days=rng.randrange(max(1, 365 - days)))
            start = datetime.combine(first, datetime.min.time(), ZoneInfo(ZONE))
            params = {"team": rng.randint(1, TEAMS), "start": start, "end": start + timedelta(days=days),
                      "first": first, "last": first + timedelta(days=days - 1), "tz": ZONE, "unit": "week"}
            for sqls, out in ((calls_sql, old_ms), (rollup_sql, new_ms)):
                started = time.perf_counter()
                for sql in sqls:
                    conn.execute(sql, params).fetchall()
                out.append((time.perf_counter() - started) * 1000)
    return {"days": days, "requests": requests, "calls_p50_ms": p(old_ms, 50), "calls_p95_ms": p(old_ms, 95),
            "rollups_p50_ms": p(new_ms, 50), "rollups_p95_ms": p(new_ms, 95),
            "speed_up_p50": round(p(old_ms, 50) / max(p(new_ms, 50), 0.01), 1)}


def help_stage(cluster: EmbeddedCluster, rounds: int) -> dict:
    """Help on request: seat press -> the lead's board event stream, and the lead's reply -> the
    seat's long-poll, each against a heartbeat -> board in the same run (the board's own path)."""
    import hashlib
    import re
    import secrets

    from hub import admin
    from hub.security import hash_password

    url = fresh_database(cluster, "bench_help")
    home = Path(tempfile.mkdtemp(prefix="seatside-bench-help-"))
    password = secrets.token_urlsafe(12)
    token = "sst_" + secrets.token_urlsafe(32)
    with psycopg.connect(url, autocommit=True) as conn:
        admin.add_team(conn, "bench")
        admin.add_lead(conn, "bench", "bench-lead")
        conn.execute("UPDATE leads SET password_hash = %s, must_change = false", (hash_password(password),))
        admin.add_seat(conn, "bench", "S0001", hours=1)
        conn.execute("UPDATE seats SET token_hash = %s, enrolled_at = now()", (hashlib.sha256(token.encode()).digest(),))
    hub = Hub(url, home, 18765)
    hub.start()
    base = f"http://127.0.0.1:{hub.port}"
    csrf_re = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
    seen: dict[str, threading.Event] = {}
    arrived: dict[str, float] = {}

    streaming = threading.Event()

    def watch(lead: httpx.Client) -> None:
        try:
            with lead.stream("GET", "/board/events", timeout=None) as response:
                for line in response.iter_lines():
                    if not line.startswith("data: "):
                        continue
                    streaming.set()
                    on_tiles(line)
        except httpx.HTTPError:
            pass  # the client closed at the end of the stage

    def on_tiles(line: str) -> None:
        for tile in json.loads(line[6:]).get("tiles", ()):
            for key in (f"help:{tile.get('help_id')}", f"seq:{tile.get('seq')}"):
                if key in seen and not seen[key].is_set():
                    arrived[key] = time.perf_counter()
                    seen[key].set()

    press: list[float] = []
    reply: list[float] = []
    beat: list[float] = []
    try:
        with httpx.Client(base_url=base, timeout=30) as lead, \
                httpx.Client(base_url=base + "/api/v1", headers={"authorization": f"Bearer {token}"}, timeout=40) as seat:
            page = lead.get("/login")
            lead.post("/login", data={"csrf_token": csrf_re.findall(page.text)[0], "name": "bench-lead",
                                      "password": password, "next": "/board"})
            csrf = csrf_re.findall(lead.get("/board").text)[0]
            with httpx.Client(base_url=base, timeout=30, cookies=lead.cookies) as stream_client:
                threading.Thread(target=watch, args=(stream_client,), daemon=True).start()
                if not streaming.wait(30):
                    raise RuntimeError("the board's event stream did not start")
                for n in range(rounds):
                    # Baseline: a heartbeat reaching the board.
                    key = f"seq:{n + 1}"
                    seen[key] = threading.Event()
                    started = time.perf_counter()
                    seat.post("/heartbeat", json={"state": "in_call", "scenario_name": "bench", "seq": n + 1})
                    if seen[key].wait(10):
                        beat.append((arrived[key] - started) * 1000)
                    # The seat raises its hand.
                    started = time.perf_counter()
                    request_id = seat.post("/help", json={"scenario": "bench", "step": "step"}).json()["id"]
                    key = f"help:{request_id}"
                    seen.setdefault(key, threading.Event())
                    if seen[key].wait(10):
                        press.append((arrived[key] - started) * 1000)
                    # The seat long-polls; the lead answers.
                    answer: dict = {}
                    poll = threading.Thread(target=lambda rid=request_id, answer=answer: answer.update(
                        r=seat.get(f"/help/{rid}", params={"wait": 20}), at=time.perf_counter()))
                    poll.start()
                    time.sleep(0.05)  # the long-poll is waiting (else this measures an immediate read)
                    started = time.perf_counter()
                    lead.post(f"/board/help/{request_id}/answer", data={"csrf_token": csrf, "reply": "ok"})
                    poll.join(30)
                    if answer.get("r") is not None and answer["r"].status_code == 200:
                        reply.append((answer["at"] - started) * 1000)
    finally:
        hub.stop()

    def summary(values: list[float]) -> dict:
        return {"n": len(values), "p50_ms": p(values, 50), "p99_ms": p(values, 99)}

    out = {"rounds": rounds, "heartbeat_to_board": summary(beat), "press_to_board": summary(press),
           "reply_to_seat": summary(reply)}
    if beat:
        base_p50 = p(beat, 50)
        out["press_to_board_vs_heartbeat_p50"] = round(p(press, 50) / base_p50, 2) if press else None
        out["reply_to_seat_vs_heartbeat_p50"] = round(p(reply, 50) / base_p50, 2) if reply else None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hub")
    parser.add_argument("--stage", choices=["all", "load", "bulk", "help", "reports", "reports-sql"], default="all")
    parser.add_argument("--requests", type=int, default=40, help="requests a report page (reports stage)")
    parser.add_argument("--help-rounds", type=int, default=100, help="help-on-request round trips to time")
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--calls-per-seat", type=int, default=100)
    parser.add_argument("--heartbeat-seconds", type=float, default=30.0)
    parser.add_argument("--processes", type=int, default=1, help="serve processes (seats split between them)")
    parser.add_argument("--sizes", default="500000,1000000,5000000")
    parser.add_argument("--keep", action="store_true", help="add to the generated calls of an earlier run")
    parser.add_argument("--cluster", type=Path, default=CLUSTER,
                        help="folder of the benchmark's own PostgreSQL (two runs at once need two)")
    args = parser.parse_args(argv)
    args.cluster.parent.mkdir(parents=True, exist_ok=True)
    args.cluster.parent.chmod(0o711)
    cluster = EmbeddedCluster(args.cluster)
    cluster.start()
    out: dict = {"machine": f"{os.cpu_count()} CPU, {platform_line()}", "date": date.today().isoformat()}
    try:
        if args.stage in ("all", "load"):
            out["load"] = load_stage(cluster, args.seats, args.calls_per_seat, args.heartbeat_seconds, args.processes)
            log(json.dumps(out["load"]))
        if args.stage in ("all", "help"):
            out["help"] = help_stage(cluster, args.help_rounds)
            log(json.dumps(out["help"]))
        if args.stage in ("all", "bulk"):
            out["bulk"] = bulk_stage(cluster, [int(s) for s in args.sizes.split(",")], args.keep)
        if args.stage == "reports-sql":  # the rollups against the calls only, on the calls already generated
            url = cluster.url_for("bench_dashboard")
            out["reports_sql"] = [rollups_vs_calls(url, args.requests, 31), rollups_vs_calls(url, 5, 365)]
        if args.stage in ("all", "reports"):
            out["reports"] = reports_stage(cluster, max(int(s) for s in args.sizes.split(",")), args.requests,
                                           args.keep)
            log(json.dumps(out["reports"]))
    finally:
        cluster.stop()  # never leave the benchmark's PostgreSQL running
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def platform_line() -> str:
    import platform

    return f"{platform.system()} {platform.release()}, Python {platform.python_version()}"


if __name__ == "__main__":
    sys.exit(main())
