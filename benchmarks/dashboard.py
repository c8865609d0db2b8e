"""The lead's dashboard at scale: page answer times on a bulk-generated calls table.

Usage: python -m benchmarks.dashboard [--sizes 500000,5000000] [--requests 40] [--keep]

Generates calls with the hub benchmark's bulk generator (60 teams, 1,000 seats, a
year), starts a real ``seatside-hub serve`` on that database, signs a lead in over
HTTP and times every dashboard page (and a day's CSV/XLSX export) as a browser
would fetch it: wall time from request to the last byte, over loopback. Prints one
JSON object; the figures go by hand into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg

from benchmarks.hub import (
    CLUSTER,
    SEATS,
    TEAMS,
    YEAR_START,
    fresh_database,
    generate,
    log,
    p,
    platform_line,
)
from hub.cluster import EmbeddedCluster

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark password"
DATABASE = "bench_dashboard"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str) -> None:
    """A lead for team 1, live state for its seats, a little audit history."""
    from hub.security import hash_password

    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM leads WHERE name = 'bench-lead'").fetchone():
            return
        conn.execute("INSERT INTO leads (team_id, name, password_hash, must_change) VALUES (1, 'bench-lead', %s, false)",
                     (hash_password(PASSWORD),))
        conn.execute(
            "INSERT INTO seat_state (seat_id, team_id, state, scenario_name, steps_done, steps_total, elapsed_s)"
            " SELECT id, team_id, (ARRAY['idle','in_call','after_call'])[1 + id % 3], '积分兑换', 2, 5, 120"
            " FROM seats WHERE team_id = 1 ON CONFLICT DO NOTHING")
        conn.execute("INSERT INTO audit_log (team_id, actor, action, detail)"
                     " SELECT 1, 'lead:bench-lead', 'report.export', '{}' FROM generate_series(1, 5000)")


def serve(url: str, home: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SEATSIDE_HUB_DATABASE_URL=url, SEATSIDE_HUB_HOME=str(home), PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the hub did not start")


def sign_in(client: httpx.Client) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"csrf_token": token, "name": "bench-lead", "password": PASSWORD})
    if response.status_code != 303:
        raise SystemExit(f"sign-in failed: {response.status_code}")


def time_pages(base: str, requests: int, seed: int) -> dict[str, dict[str, float]]:
    rng = random.Random(seed)
    days = [YEAR_START.date() + timedelta(days=rng.randrange(330)) for _ in range(requests)]
    with psycopg.connect(os.environ["BENCH_URL"]) as conn:
        seat = conn.execute("SELECT min(id) FROM seats WHERE team_id = 1").fetchone()[0]
    pages = {
        "board": lambda d: "/board",
        "report (a day)": lambda d: f"/reports?first={d}&last={d}",
        "report (7 days)": lambda d: f"/reports?first={d}&last={d + timedelta(days=6)}",
        "report (31 days)": lambda d: f"/reports?first={d}&last={d + timedelta(days=30)}",
        "seat (a day)": lambda d: f"/seats/{seat}?first={d}&last={d}",
        "packs": lambda d: "/packs",
        "audit": lambda d: "/audit",
        "calls CSV (a day)": lambda d: f"/reports/calls.csv?first={d}&last={d}",
        "calls XLSX (a day)": lambda d: f"/reports/calls.xlsx?first={d}&last={d}",
    }
    results: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base, timeout=120) as client:
        sign_in(client)
        for name, path in pages.items():
            client.get(path(days[0])).raise_for_status()  # warm
            samples = []
            for day in days:
                started = time.perf_counter()
                response = client.get(path(day))
                response.raise_for_status()
                samples.append((time.perf_counter() - started) * 1000)
            results[name] = {"p50_ms": p(samples, 50), "p95_ms": p(samples, 95), "max_ms": round(max(samples), 1)}
            log(f"{name}: {results[name]}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard")
    parser.add_argument("--sizes", default="5000000")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="reuse the calls generated by an earlier run")
    args = parser.parse_args(argv)
    CLUSTER.parent.mkdir(parents=True, exist_ok=True)
    CLUSTER.parent.chmod(0o711)
    cluster = EmbeddedCluster(CLUSTER)
    cluster.start()
    url = cluster.url_for(DATABASE)
    with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
    if not exists or not args.keep:
        url = fresh_database(cluster, DATABASE)
    os.environ["BENCH_URL"] = url
    home = CLUSTER.parent / "dashboard-home"
    home.mkdir(exist_ok=True)
    out: dict = {"machine": f"{os.cpu_count()} CPU, {platform_line()}", "date": date.today().isoformat(),
                 "teams": TEAMS, "seats": SEATS, "requests_per_page": args.requests, "sizes": []}
    for size in sorted(int(s) for s in args.sizes.split(",")):
        seconds = generate(url, size)
        prepare(url)
        port = free_port()
        process = serve(url, home, port)
        try:
            pages = time_pages(f"http://127.0.0.1:{port}", args.requests, size)
        finally:
            process.terminate()
            process.wait(timeout=30)
        out["sizes"].append({"calls": size, "generate_s": round(seconds, 1), "pages": pages})
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
