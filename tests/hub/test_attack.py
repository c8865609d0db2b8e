"""The hub under attack and outage, against real processes on loopback.

A sign-in flood beside seat heartbeats, name enumeration by timing, revocation during a
long-poll and an event stream, hostile query parameters, parallel exports, PostgreSQL
stopped and restarted under load, and a hub killed between commit and reply.

Speed is reported (printed with -s) and held only to bounds far from what the faults
they guard against cost: the figures against which the issue set its goals are in
docs/hub.md.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from hub import admin
from hub.cluster import EmbeddedCluster
from hub.db import upgrade
from hub.security import hash_password
from tests.hub.conftest import ROOT, HubProcess, run_hub
from tests.hub.web.conftest import PASSWORD, Team, call_record, csrf_of, make_team, now_utc

WRONG = "用户名或密码不对，或尝试次数太多"


@dataclass
class Hub:
    server: HubProcess
    url: str
    home: Path
    teams: dict[str, Team]

    @property
    def base(self) -> str:
        return self.server.base

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def seat_headers(self, team: str = "A", seat: str | None = None) -> dict[str, str]:
        seats = self.teams[team].seats
        token = seats[seat or next(iter(seats))][1]
        return {"authorization": f"Bearer {token}"}


def _setup(url: str, home: Path, env: dict[str, str] | None = None, **options: object) -> Hub:
    result = run_hub(url, home, "keys", "init")
    assert result.returncode == 0, result.stderr
    with psycopg.connect(url, autocommit=True) as conn:
        teams = {"A": make_team(conn, "一组", "lead-a", ["A01", "A02", "A03"]),
                 "B": make_team(conn, "二组", "lead-b", ["B01"])}
    server = HubProcess(url, home, extra_env=env or {}, **options)  # type: ignore[arg-type]  # HubProcess's own fields
    server.start()
    return Hub(server, url, home, teams)


@pytest.fixture
def make_hub(hub_db: str, hub_home: Path) -> Iterator:
    """Start one hub on this test's database with the given environment."""
    started: list[Hub] = []

    def start(env: dict[str, str] | None = None, **options: object) -> Hub:
        hub = _setup(hub_db, hub_home, env, **options)
        started.append(hub)
        return hub

    yield start
    for hub in started:
        log = hub.server.stop()
        assert "Traceback" not in log, log


def sign_in(base: str, name: str = "lead-a", password: str = PASSWORD, **options: object) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, **options)  # type: ignore[arg-type]  # httpx.Client's own
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_of(page.text), "name": name, "password": password})
    assert response.status_code == 303, response.text
    return client


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# -- a sign-in flood -------------------------------------------------------------------


def test_a_sign_in_flood_leaves_seat_heartbeats_fast_and_memory_bounded(make_hub, tmp_path: Path) -> None:
    hub = make_hub()
    assert hub.server.process is not None
    pid = hub.server.process.pid
    seats = list(hub.teams["A"].seats)

    def heartbeats(client: httpx.Client, count: int) -> list[float]:
        took = []
        for n in range(count):
            started = time.perf_counter()
            response = client.post("/api/v1/heartbeat", json={"state": "in_call", "seq": n},
                                   headers=hub.seat_headers("A", seats[n % len(seats)]))
            took.append(time.perf_counter() - started)
            assert response.status_code == 204, response.text
        return took

    with httpx.Client(base_url=hub.base, timeout=30) as client:
        heartbeats(client, 20)  # warm
        baseline = heartbeats(client, 200)
        rss_before = rss_mb(pid)
        stop = tmp_path / "stop"
        # The attacker's CPU is not the hub's in real life: here it runs at a lower priority.
        flood = subprocess.Popen(["nice", "-n", "10", sys.executable, "-m", "tests.hub.flood", hub.base, "80", str(stop)],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while not (tmp_path / "stop.running").exists():  # the flood is at full strength
                if flood.poll() is not None or time.monotonic() > deadline:
                    stop.touch()
                    raise AssertionError(f"the flood did not start: {flood.communicate(timeout=60)}")
                time.sleep(0.05)
            under_flood: list[float] = []
            rss_peak = rss_before
            for _ in range(10):
                under_flood += heartbeats(client, 40)
                rss_peak = max(rss_peak, rss_mb(pid))
        finally:
            stop.touch()
            out, _ = flood.communicate(timeout=120)
    answers = json.loads(out)
    print(f"\nsign-in flood (80 clients): answers {answers}; heartbeat p50/p99 "
          f"{statistics.median(baseline) * 1000:.1f}/{percentile(baseline, 0.99) * 1000:.1f} ms before, "
          f"{statistics.median(under_flood) * 1000:.1f}/{percentile(under_flood, 0.99) * 1000:.1f} ms during "
          f"({len(under_flood)} heartbeats); hub memory {rss_before:.0f} -> {rss_peak:.0f} MB")
    assert answers.get("401", 0) >= 80, answers  # the flood really ran, and was refused
    assert not any(key.startswith(("5", "page 5")) for key in answers), answers
    # The goal is p99 <= 200 ms (from 7.8 s); on a shared two-core test machine the
    # bound is generous, the measured figure is printed above and kept in docs/hub.md.
    assert percentile(under_flood, 0.99) < 1.0
    assert rss_peak - rss_before < 250  # was +640 MB: one Argon2 verification at a time


# -- throttling, not lock-out -------------------------------------------------------------


def _attempt(client: httpx.Client, name: str, password: str) -> httpx.Response:
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_of(page.text), "name": name, "password": password})


def _new_lead(hub: Hub, name: str) -> None:
    with hub.connect() as conn:
        admin.add_lead(conn, hub.teams["A"].name, name)
        conn.execute("UPDATE leads SET password_hash = %s, must_change = false WHERE name = %s",
                     (hash_password(PASSWORD), name))


def _from(hub: Hub, address: str) -> httpx.Client:
    """A client whose connections leave from ``address`` (any 127.x.y.z is loopback on Linux)."""
    return httpx.Client(base_url=hub.base, transport=httpx.HTTPTransport(local_address=address), timeout=60)


def test_failures_slow_an_address_down_but_never_lock_the_lead_out(make_hub) -> None:
    # Waits of 600 s: a busy machine cannot outlast one between two attempts (Throttle's
    # growing and ending waits are tested on a clock of their own in test_signin.py).
    web_hub = make_hub({"SEATSIDE_HUB_SIGNIN_DELAY_S": "600"})
    _new_lead(web_hub, "lead-slow")
    with _from(web_hub, "127.0.0.2") as attacker:
        for _ in range(6):  # five free failures, the sixth makes the address wait
            response = _attempt(attacker, "lead-slow", "not the password")
            assert response.status_code == 401 and WRONG in response.text
        # Throttled: even the right password gets the same answer, and is not verified.
        response = _attempt(attacker, "lead-slow", PASSWORD)
        assert response.status_code == 401 and WRONG in response.text
        assert "seatside_session" not in attacker.cookies
        with _from(web_hub, "127.0.0.3") as lead:  # the lead, elsewhere, is not kept out
            assert _attempt(lead, "lead-slow", PASSWORD).status_code == 303
    with web_hub.connect() as conn:
        rows = conn.execute(
            "SELECT action, detail->>'reason', detail->>'address' FROM audit_log"
            " WHERE detail->>'name' = 'lead-slow' AND team_id = %s ORDER BY id", (web_hub.teams["A"].id,)).fetchall()
    assert rows == [("lead.login_failed", "password", "127.0.0.2")] * 6 + [("lead.login_throttled", None, "127.0.0.2")]


def test_a_name_under_attack_still_opens_on_the_leads_own_browser(make_hub) -> None:
    web_hub = make_hub({"SEATSIDE_HUB_SIGNIN_DELAY_S": "600"})
    _new_lead(web_hub, "lead-target")
    with _from(web_hub, "127.0.0.4") as own:
        assert _attempt(own, "lead-target", PASSWORD).status_code == 303
        assert "seatside_device" in own.cookies
        own.cookies.delete("seatside_session")
        for n in range(11):  # failures on the name from many addresses make the name wait
            with _from(web_hub, f"127.0.1.{n + 1}") as attacker:
                assert _attempt(attacker, "lead-target", "not the password").status_code == 401
        with _from(web_hub, "127.0.0.5") as stranger:  # a new browser waits like everyone
            response = _attempt(stranger, "lead-target", PASSWORD)
            assert response.status_code == 401 and WRONG in response.text
        # The browser that signed in before carries a device cookie and is let through.
        assert _attempt(own, "lead-target", PASSWORD).status_code == 303



# -- name enumeration --------------------------------------------------------------------


def test_unknown_names_wrong_passwords_and_throttled_attempts_take_the_same_time(make_hub) -> None:
    # Per-address throttling after 3 failures with a long wait; names never throttle here,
    # so the unknown and wrong-password attempts are really verified every time.
    hub = make_hub({"SEATSIDE_HUB_SIGNIN_FREE_PER_ADDRESS": "3", "SEATSIDE_HUB_SIGNIN_FREE_PER_NAME": "100000",
                    "SEATSIDE_HUB_SIGNIN_DELAY_S": "600"})

    def attempt(address: str, name: str, password: str) -> tuple[float, httpx.Response]:
        transport = httpx.HTTPTransport(local_address=address)
        with httpx.Client(base_url=hub.base, transport=transport, timeout=30) as client:
            token = csrf_of(client.get("/login").text)
            started = time.perf_counter()
            response = client.post("/login", data={"csrf_token": token, "name": name, "password": password})
            return time.perf_counter() - started, response

    for _ in range(4):
        attempt("127.0.4.1", "lead-b", "not the password")  # this address is now throttled
    times: dict[str, list[float]] = {"unknown": [], "wrong": [], "throttled": []}
    bodies = set()
    for n in range(25):
        cases = [("unknown", f"127.0.2.{n + 1}", f"nobody-{n}"), ("wrong", f"127.0.3.{n + 1}", "lead-a"),
                 ("throttled", "127.0.4.1", "lead-a")]
        for kind, address, name in cases[n % 3:] + cases[: n % 3]:  # interleaved, order rotating
            took, response = attempt(address, name, "not the password")
            assert response.status_code == 401 and WRONG in response.text
            times[kind].append(took)
            bodies.add(re.sub(r"[0-9a-f]{64}", "TOKEN", response.text.replace(name, "NAME")))
    assert len(bodies) == 1  # the very same page for all three
    medians = {kind: statistics.median(values) * 1000 for kind, values in times.items()}
    print(f"\nsign-in answer medians (25 each): {', '.join(f'{k} {v:.1f} ms' for k, v in medians.items())}")
    assert abs(medians["unknown"] - medians["wrong"]) < 10
    assert abs(medians["throttled"] - medians["wrong"]) < 10
    with hub.connect() as conn:
        throttled = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'lead.login_throttled'"
                                 " AND detail->>'address' = '127.0.4.1'").fetchone()
    assert throttled == (1,)  # one entry when the throttle started, not one per attempt


# -- revocation ---------------------------------------------------------------------------


def test_revocation_ends_a_long_poll_and_the_board_stream_at_once(make_hub) -> None:
    hub = make_hub()
    result: dict[str, object] = {}

    def long_poll() -> None:
        with httpx.Client(base_url=hub.base, timeout=60) as client:
            response = client.get("/api/v1/packs/latest", params={"wait": 25},
                                  headers=hub.seat_headers("A", "A01"))
            result["status"] = response.status_code
            result["at"] = time.time()

    poller = threading.Thread(target=long_poll)
    poller.start()
    with hub.connect() as conn:  # the long-poll is waiting on the listener
        deadline = time.monotonic() + 30
        while not conn.execute("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'LISTEN%'").fetchone():
            assert time.monotonic() < deadline
            time.sleep(0.05)
    # The CLI's own start takes far longer than the poll's first read: it revokes a waiting poll.
    revoked = run_hub(hub.url, hub.home, "seat", "revoke", "A01")
    assert revoked.returncode == 0, revoked.stderr
    poller.join(timeout=30)
    assert result.get("status") == 401, result  # not the 304 of the 25 s timeout
    seat_latency = float(result["at"]) - committed_at(hub, "seat.revoke")  # type: ignore[arg-type]  # set by the thread
    response = httpx.post(hub.base + "/api/v1/heartbeat", json={"state": "idle", "seq": 1},
                          headers=hub.seat_headers("A", "A01"))
    assert response.status_code == 401

    # A lead's open board stream ends when the lead is removed.
    client = sign_in(hub.base, "lead-b")
    events: list[str] = []
    ended_at: list[float] = []

    def stream() -> None:
        with client.stream("GET", "/board/events", timeout=60) as response:
            assert response.status_code == 200
            for line in response.iter_lines():
                if line.startswith("event: "):
                    events.append(line[7:])
        ended_at.append(time.time())

    reader = threading.Thread(target=stream)
    reader.start()
    deadline = time.monotonic() + 30
    while "tiles" not in events:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    removed = run_hub(hub.url, hub.home, "lead", "remove", "lead-b")
    assert removed.returncode == 0, removed.stderr
    removed_at = committed_at(hub, "lead.remove")
    reader.join(timeout=30)
    assert not reader.is_alive() and events[-1] == "ended", events
    assert client.get("/board").status_code == 303  # the session is gone too
    client.close()
    print(f"\nrevocation: long-poll answered 401 {seat_latency * 1000:.0f} ms after the revocation's commit; "
          f"board stream ended {(ended_at[0] - removed_at) * 1000:.0f} ms after the lead's removal")
    # The goal is 1 s; generous here (a busy machine), the figure is printed above.
    assert seat_latency < 5 and ended_at[0] - removed_at < 5


def committed_at(hub: Hub, action: str) -> float:
    """When the transaction of an audited action ran (the database and the test share a clock)."""
    with hub.connect() as conn:
        row = conn.execute("SELECT extract(epoch FROM at) FROM audit_log WHERE action = %s ORDER BY id DESC LIMIT 1",
                           (action,)).fetchone()
    assert row is not None
    return float(row[0])


# -- bounded parameters and exports --------------------------------------------------------


HOSTILE_PAGES = [
    "/audit?before=99999999999999999999", "/audit?before=-5", "/audit?before=abc", "/audit?action=" + "x" * 5000,
    "/audit.csv?action=" + "x" * 5000, "/reports?first=99999-99-99", "/reports?first=2026-13-45&last=x",
    "/reports?first=0001-01-01&last=9999-12-31", "/seats/99999999999999999999", "/seats/-1",
    "/calls/99999999999999999999", "/reports/calls.csv?seat=99999999999999999999",
    "/reports/calls.csv?first=99999999999999999999", "/login?next=" + "/" * 5000,
]
HOSTILE_API = [
    "/api/v1/packs/latest?have=99999999999999999999", "/api/v1/packs/latest?wait=1e308",
    "/api/v1/packs/latest?wait=nan", "/api/v1/packs/latest?have=-1", "/api/v1/calls?day=99999-01-01",
    "/api/v1/calls?day=x", "/api/v1/calls/" + "x" * 5000,
]


def test_hostile_query_parameters_are_refused_never_a_server_error(make_hub) -> None:
    # A huge ``wait`` is capped at the long-poll limit: keep that limit well under the client's timeout.
    hub = make_hub({"SEATSIDE_HUB_LONG_POLL_MAX_S": "2"})
    with closing(sign_in(hub.base)) as client:
        statuses = {path[:60]: client.get(path).status_code for path in HOSTILE_PAGES}
        assert client.get("/audit?before=99999999999999999999").status_code == 400
    with httpx.Client(base_url=hub.base, headers=hub.seat_headers(), timeout=30) as seat:
        statuses |= {path[:60]: seat.get(path).status_code for path in HOSTILE_API}
    print(f"\n{statuses}")
    assert statuses and all(status < 500 for status in statuses.values()), statuses


def test_exports_share_the_pool_with_a_limit_per_lead(make_hub) -> None:
    hub = make_hub({"SEATSIDE_HUB_POOL_MAX": "6", "SEATSIDE_HUB_EXPORTS_PER_LEAD": "2"})
    started = now_utc() - timedelta(hours=1)
    calls = [call_record(f"c{n:05d}", started + timedelta(seconds=n)) for n in range(400)]
    response = httpx.post(hub.base + "/api/v1/calls", json={"calls": calls}, headers=hub.seat_headers(),
                          timeout=60)
    assert response.status_code == 200 and response.json()["stored"] == 400
    day = started.date().isoformat()
    peak = 0
    with closing(sign_in(hub.base)) as client, hub.connect() as conn:
        cookies = dict(client.cookies)

        def export(n: int) -> int:
            with httpx.Client(base_url=hub.base, cookies=cookies, timeout=120) as c:
                fmt = "csv" if n % 2 else "xlsx"
                return c.get(f"/reports/calls.{fmt}?first={day}&last={day}").status_code

        with ThreadPoolExecutor(40) as pool:
            futures = [pool.submit(export, n) for n in range(40)]
            while not all(f.done() for f in futures):
                row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                   " AND pid <> pg_backend_pid()").fetchone()
                peak = max(peak, row[0] if row else 0)
                time.sleep(0.01)
            statuses = [f.result() for f in futures]
    print(f"\n40 exports at once: {statuses.count(200)} served, {statuses.count(429)} asked to wait;"
          f" at most {peak} hub connections to the database")
    assert statuses.count(200) >= 2 and set(statuses) <= {200, 429}
    assert peak <= 6 + 1  # the pool and the listener: never one connection per export


# -- PostgreSQL stopped and restarted under load --------------------------------------------


@pytest.fixture
def own_cluster() -> Iterator[EmbeddedCluster]:
    """A cluster of its own: this test stops it."""
    home = Path(tempfile.mkdtemp(prefix="seatside-hub-outage-"))
    home.chmod(0o711)
    cluster = EmbeddedCluster(home, fast=True)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


PAGES = ["/board", "/reports", "/audit", "/packs", "/password"]


def test_postgres_stopped_and_restarted_under_load(own_cluster: EmbeddedCluster, hub_home: Path) -> None:
    upgrade(own_cluster.url)
    hub = _setup(own_cluster.url, hub_home)
    try:
        _outage(hub, own_cluster)
    finally:
        log = hub.server.stop()
    assert "Traceback" not in log, log


def _outage(hub: Hub, cluster: EmbeddedCluster) -> None:
    started = now_utc() - timedelta(hours=1)
    per_seat = 40
    sent: dict[str, int] = {}
    errors: dict[str, int] = {}
    outage = threading.Event()
    give_up = time.monotonic() + 300  # the uploaders' own end, should the test fail first

    def seat(name: str) -> None:
        """Upload one call at a time, each retried until stored, as the seat's outbox does."""
        headers = hub.seat_headers("A", name)
        with httpx.Client(base_url=hub.base, timeout=10) as client:
            for n in range(per_seat):
                record = call_record(f"{name}-{n:03d}", started + timedelta(seconds=n))
                while time.monotonic() < give_up:
                    try:
                        response = client.post("/api/v1/calls", json={"calls": [record]}, headers=headers)
                        if response.status_code == 200:
                            break
                        assert response.status_code == 503, response.text
                    except httpx.HTTPError:
                        pass
                    errors[name] = errors.get(name, 0) + 1
                    time.sleep(0.2)  # the outbox's retry pause
                sent[name] = n + 1
                if n == per_seat // 2:
                    outage.wait(timeout=120)  # half before the outage, half during and after

    board = sign_in(hub.base)
    events: list[str] = []

    def stream() -> None:
        try:
            with board.stream("GET", "/board/events", timeout=120) as response:
                for line in response.iter_lines():
                    if line.startswith("event: "):
                        events.append(line[7:])
                    if events[-2:] == ["restored", "tiles"]:
                        return
        except httpx.HTTPError as exc:
            events.append(type(exc).__name__)

    reader = threading.Thread(target=stream, daemon=True)
    reader.start()
    uploaders = [threading.Thread(target=seat, args=(name,), daemon=True) for name in hub.teams["A"].seats]
    for thread in uploaders:
        thread.start()
    deadline = time.monotonic() + 120
    while sum(sent.values()) < len(uploaders) * (per_seat // 2):
        assert time.monotonic() < deadline
        time.sleep(0.05)

    cluster.stop()
    outage.set()
    # Pages fail fast with the outage page; the API says 503; the board stream says outage.
    for path in PAGES:
        began = time.monotonic()
        response = board.get(path)
        took = time.monotonic() - began
        assert response.status_code == 503, (path, response.status_code)
        assert "数据库暂时连不上" in response.text and "Traceback" not in response.text
        assert took < 5, (path, took)  # the goal is 2 s (the pool's wait); generous on a busy machine
    with httpx.Client(base_url=hub.base, cookies=dict(board.cookies) | {"seatside_lang": "en"}) as english:
        page = english.get("/board")
    assert page.status_code == 503 and "Database unreachable" in page.text
    api = httpx.post(hub.base + "/api/v1/heartbeat", json={"state": "idle", "seq": 1}, headers=hub.seat_headers())
    assert api.status_code == 503 and "database" in api.json()["detail"]
    deadline = time.monotonic() + 30
    while "outage" not in events:
        assert time.monotonic() < deadline, events
        time.sleep(0.05)

    cluster.start()
    for thread in uploaders:
        thread.join(timeout=180)
    reader.join(timeout=60)
    assert events[-2:] == ["restored", "tiles"], events  # the board caught up, on the same stream
    # Every page is back without restarting the hub.
    for path in PAGES:
        deadline = time.monotonic() + 60
        while (status := board.get(path).status_code) != 200:
            assert status == 503 and time.monotonic() < deadline, (path, status)
            time.sleep(0.2)
    board.close()
    with hub.connect() as conn:
        rows = conn.execute("SELECT count(*), count(DISTINCT (seat_id, call_uid, revision)) FROM calls").fetchone()
    assert sent == {name: per_seat for name in hub.teams["A"].seats}
    assert rows == (per_seat * len(uploaders), per_seat * len(uploaders))  # none lost, none twice
    assert sum(errors.values()) > 0  # the outage really hit the uploads
    print(f"\noutage: {sum(errors.values())} refused uploads retried; {rows[0]} calls stored once each")


# -- kill -9 between commit and reply ------------------------------------------------------


def test_kill_between_commit_and_reply_loses_and_duplicates_nothing(hub_db: str, hub_home: Path) -> None:
    hub = _setup(hub_db, hub_home, {"SEATSIDE_HUB_FAULT_INJECTION": "calls-after-commit"})
    started = now_utc() - timedelta(hours=1)
    batch = [call_record(f"k{n:03d}", started + timedelta(seconds=n)) for n in range(25)]
    with pytest.raises(httpx.HTTPError):  # the reply never comes: the process died after the commit
        httpx.post(hub.base + "/api/v1/calls", json={"calls": batch}, headers=hub.seat_headers(), timeout=30)
    assert hub.server.process is not None
    assert hub.server.process.wait(timeout=30) == -9
    with psycopg.connect(hub_db) as conn:
        stored = conn.execute("SELECT count(*) FROM calls").fetchone()
    assert stored == (25,)  # committed before the kill
    restarted = HubProcess(hub_db, hub_home)
    restarted.start()
    try:
        response = httpx.post(restarted.base + "/api/v1/calls", json={"calls": batch}, headers=hub.seat_headers(),
                              timeout=30)
        assert response.status_code == 200, response.text
        assert response.json()["stored"] == 0 and response.json()["duplicates"] == 25
    finally:
        log = restarted.stop()
    assert "Traceback" not in log, log
    with psycopg.connect(hub_db) as conn:
        again = conn.execute("SELECT count(*), count(DISTINCT call_uid) FROM calls").fetchone()
    assert again == (25, 25)
    assert "FAULT INJECTION ENABLED" in hub.server.log.read_text(encoding="utf-8")
