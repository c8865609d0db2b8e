"""Simulated seats over loopback: calls after a shift offline, heartbeats, a pack publish.

``seatside-hub loadtest`` creates a throw-away team of N seats in the database,
enrols them over HTTP, then measures, as real clients of a running hub:

* calls: every seat uploads M ended calls in batches (as ``seatside sync`` does),
  retrying with backoff when the hub is away; checked against the database:
  all stored, none duplicated;
* live feed: every seat sends a heartbeat every 5 s; a LISTEN connection (the
  one the dashboard's live board uses) times each change from send to arrival;
* packs: every seat long-polls; one publish; the time until the last seat has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import psycopg

from desktop.core.hubclient.hub_protocol import API, HEARTBEAT_INTERVAL_S
from hub.security import new_enrolment_code, token_hash
from hub.settings import HubSettings

NOTES = ["客户咨询信用卡分期手续费，已按标准解释。", "客户反映ATM吞卡，已登记并告知领卡流程。",
         "客户要求调整额度，已提交申请，三个工作日内回复。", "客户投诉等待时间长，已致歉并记录。",
         "客户卡号 6222 **** **** 0128 挂失已办理。", "客户询问积分兑换规则，已说明。"]
SCENARIOS = [("atm-cash-retained", "自助设备吞钞"), ("card-retained-atm", "ATM吞卡"),
             ("generic-complaint", "一般投诉"), ("points-redemption", "积分兑换"), ("opening-identity", "开场与身份核实")]


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def fake_call(n: int, started: datetime) -> dict[str, Any]:
    scenario_id, name = SCENARIOS[n % len(SCENARIOS)]
    duration = 60 + (n * 37) % 600
    return {
        "uid": f"lt-{n}", "revision": 1, "started_at": started.isoformat(),
        "ended_at": (started + timedelta(seconds=duration)).isoformat(), "duration_s": float(duration),
        "wrapup_s": float(10 + n % 50), "scenario_id": scenario_id, "scenario_name": name,
        "disposition": "resolved", "notes": NOTES[n % len(NOTES)], "steps_total": 4, "mandatory_total": 2,
        "steps": [{"scenario_id": scenario_id, "step_id": "s1", "title": "安抚", "mandatory": True},
                  {"scenario_id": scenario_id, "step_id": "s2", "title": "核实", "mandatory": n % 3 != 0}],
        "phrases": [{"scenario_id": scenario_id, "step_id": "s1", "phrase_id": "p1", "text": "您先别着急。"}],
        "banned": [{"phrase": "不知道", "count": 1}] if n % 20 == 0 else [],
    }


def _one(row: tuple[Any, ...] | None) -> Any:
    """The first column of a row that must exist."""
    if row is None:
        raise RuntimeError("the database returned no row")
    return row[0]


def create_seats(db_url: str, seats: int) -> tuple[str, list[tuple[str, str]]]:
    """A throw-away team with ``seats`` seats and their one-time codes."""
    team = f"loadtest-{secrets.token_hex(3)}"
    codes = []
    with psycopg.connect(db_url) as conn, conn.transaction():
        team_id = _one(conn.execute("INSERT INTO teams (name) VALUES (%s) RETURNING id", (team,)).fetchone())
        expires = datetime.now(timezone.utc) + timedelta(hours=2)
        with conn.cursor() as cur:
            for n in range(seats):
                name = f"{team}-s{n:05d}"
                seat_id = _one(cur.execute("INSERT INTO seats (team_id, name) VALUES (%s, %s) RETURNING id",
                                           (team_id, name)).fetchone())
                code = new_enrolment_code()
                cur.execute("INSERT INTO enrolment_codes (seat_id, code_hash, expires_at) VALUES (%s, %s, %s)",
                            (seat_id, token_hash(code), expires))
                codes.append((name, code))
    return team, codes


async def _with_retry(send: Callable[[], Any], deadline: float) -> httpx.Response:
    """Send until the hub answers (it may be restarting): backoff 0.2 s … 2 s."""
    delay = 0.2
    while True:
        try:
            response = await send()
            if response.status_code < 500:
                return response
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the hub did not come back in time")
        await asyncio.sleep(delay * random.uniform(0.5, 1.5))
        delay = min(2.0, delay * 2)


async def _enrol(client: httpx.AsyncClient, codes: list[tuple[str, str]], limit: asyncio.Semaphore) -> list[str]:
    async def one(code: str) -> str:
        async with limit:
            response = await _with_retry(lambda: client.post(API + "/enrol", json={"code": code}),
                                         time.monotonic() + 120)
            response.raise_for_status()
            return response.json()["token"]

    return list(await asyncio.gather(*(one(code) for _, code in codes)))


async def _upload(clients: list[httpx.AsyncClient], tokens: list[str], calls_per_seat: int, limit: asyncio.Semaphore,
                  on_progress: Callable[[int], None] | None, batch: int = 100) -> dict[str, Any]:
    start_day = datetime.now(timezone.utc).replace(hour=1, minute=0, second=0, microsecond=0) - timedelta(days=1)
    sent = 0
    retries = 0

    async def seat(index: int, token: str) -> None:
        nonlocal sent, retries
        client = clients[index % len(clients)]
        headers = {"Authorization": f"Bearer {token}"}
        calls = [fake_call(index * calls_per_seat + n, start_day + timedelta(minutes=5 * n))
                 for n in range(calls_per_seat)]
        for offset in range(0, len(calls), batch):
            chunk = {"calls": calls[offset : offset + batch]}
            async with limit:
                tries = 0

                async def send(body: dict[str, Any] = chunk) -> httpx.Response:
                    nonlocal tries
                    tries += 1
                    return await client.post(API + "/calls", json=body, headers=headers)

                response = await _with_retry(send, time.monotonic() + 300)
                retries += tries - 1
                response.raise_for_status()
            sent += len(chunk["calls"])
            if on_progress is not None:
                on_progress(sent)

    started = time.monotonic()
    await asyncio.gather(*(seat(i, t) for i, t in enumerate(tokens)))
    return {"seconds": round(time.monotonic() - started, 2), "retried_requests": retries}


def _listen_in_thread(db_url: str, team_id: int, arrived: dict[tuple[str, int], float],
                      ready: threading.Event, stop: threading.Event) -> threading.Thread:
    """The live feed, timed in its own thread and event loop, so that the simulated
    seats' work does not delay the clock of arrivals."""
    from hub.live import Listener, seat_events

    async def listen() -> None:
        listener = Listener(db_url)
        await listener.start()
        await asyncio.wait_for(listener.connected.wait(), 30)
        ready.set()
        async for event in seat_events(listener, team_id, keepalive_s=0.2):
            if event and "seq" in event:
                arrived[(event["seat"], event["seq"])] = time.time()
            if stop.is_set():
                break
        await listener.stop()

    thread = threading.Thread(target=asyncio.run, args=(listen(),), name="loadtest-live-feed", daemon=True)
    thread.start()
    return thread


async def _heartbeats(db_url: str, clients: list[httpx.AsyncClient], tokens: list[str], team_id: int, seconds: float,
                      limit: asyncio.Semaphore) -> dict[str, Any]:
    sent: dict[tuple[str, int], float] = {}
    arrived: dict[tuple[str, int], float] = {}
    ready, stop_listening = threading.Event(), threading.Event()
    listener = _listen_in_thread(db_url, team_id, arrived, ready, stop_listening)
    await asyncio.to_thread(ready.wait, 30)
    stop = asyncio.Event()
    seat_names = _names_by_token(db_url, tokens)

    addresses = [_host_port(str(client.base_url)) for client in clients]

    async def seat(index: int, token: str) -> None:
        host, port = addresses[index % len(addresses)]
        # Each seat on its own keep-alive connection, as the panels are; a bare HTTP/1.1
        # writer, so that 1,000 simulated seats cost the machine less than the hub does.
        await asyncio.sleep(random.uniform(0, HEARTBEAT_INTERVAL_S))
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        seq = 0
        while not stop.is_set():
            seq += 1
            beat = {"state": random.choice(["idle", "in_call", "after_call"]), "scenario_id": "generic-complaint",
                    "steps_done": seq % 5, "steps_total": 5, "elapsed_s": float(seq), "seq": seq}
            key = (seat_names[index], seq)
            sent[key] = time.time()
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                await _post(connection, host, API + "/heartbeat", token, beat)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                sent.pop(key, None)
                if connection is not None:
                    connection[1].close()
                connection = None
            try:
                await asyncio.wait_for(stop.wait(), HEARTBEAT_INTERVAL_S)
            except asyncio.TimeoutError:
                pass
        if connection is not None:
            connection[1].close()

    seats = [asyncio.create_task(seat(i, t)) for i, t in enumerate(tokens)]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*seats)
    await asyncio.sleep(3)  # the last notifications
    stop_listening.set()
    await asyncio.to_thread(listener.join, 10)
    latencies = [arrived[key] - at for key, at in sent.items() if key in arrived]
    return {"heartbeats_sent": len(sent), "heartbeats_timed": len(latencies),
            "not_arrived": len(sent) - len(latencies),
            "p50_s": _round(percentile(latencies, 50)), "p99_s": _round(percentile(latencies, 99)),
            "max_s": _round(max(latencies) if latencies else None),
            "rate_per_s": round(len(tokens) / HEARTBEAT_INTERVAL_S, 1)}


def _host_port(url: str) -> tuple[str, int]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError("the heartbeat load needs a plain http:// loopback hub")
    return parts.hostname, parts.port or 80


async def _post(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], host: str, path: str, token: str,
                body: dict[str, Any]) -> int:
    """One keep-alive HTTP/1.1 POST; returns the status (the body, if any, is read and dropped)."""
    import json

    reader, writer = connection
    payload = json.dumps(body).encode()
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


def _names_by_token(db_url: str, tokens: list[str]) -> list[str]:
    with psycopg.connect(db_url) as conn:
        rows: dict[bytes, str] = dict(conn.execute("SELECT token_hash, name FROM seats WHERE token_hash = ANY(%s)",
                                 ([token_hash(t) for t in tokens],)).fetchall())
    return [rows[token_hash(t)] for t in tokens]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


async def _packs(db_url: str, clients: list[httpx.AsyncClient], tokens: list[str], team: str,
                 settings: HubSettings) -> dict[str, Any]:
    from desktop.core.base.paths import builtin_packs_dir
    from hub.admin import publish_packs

    received: list[float] = []
    waiting = 0
    all_waiting = asyncio.Event()
    published_at = 0.0

    async def seat(index: int, token: str) -> None:
        nonlocal waiting
        client = clients[index % len(clients)]
        headers = {"Authorization": f"Bearer {token}"}
        first = True
        while True:
            if first:
                waiting += 1
                if waiting == len(tokens):
                    all_waiting.set()
                first = False
            try:
                response = await client.get(API + "/packs/latest", params={"have": 0, "wait": 30},
                                            headers=headers, timeout=60)
            except httpx.HTTPError:
                await asyncio.sleep(0.5)
                continue
            if response.status_code == 200:
                received.append(time.monotonic())
                return

    tasks = [asyncio.create_task(seat(i, t)) for i, t in enumerate(tokens)]
    await all_waiting.wait()
    await asyncio.sleep(2.0)  # let the polls reach the hub and wait there
    with psycopg.connect(db_url) as conn:
        published_at = time.monotonic()
        version = await asyncio.to_thread(publish_packs, conn, builtin_packs_dir(), team, "loadtest",
                                          settings.signing_key_file, actor="loadtest")
    await asyncio.wait_for(asyncio.gather(*tasks), 120)
    return {"seats_reached": len(received), "version": version.version,
            "all_reached_s": round(max(received) - published_at, 2) if received else None,
            "p50_s": _round(percentile([r - published_at for r in received], 50))}


def run_loadtest(db_url: str, hub_url: str, seats: int, calls_per_seat: int, settings: HubSettings, *,
                 heartbeat_seconds: float = 20.0, concurrency: int = 64,
                 on_progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Run the three measurements against the hub at ``hub_url``; returns the figures."""
    return asyncio.run(_run(db_url, hub_url, seats, calls_per_seat, settings, heartbeat_seconds,
                            concurrency, on_progress))


async def _run(db_url: str, hub_url: str, seats: int, calls_per_seat: int, settings: HubSettings,
               heartbeat_seconds: float, concurrency: int, on_progress: Callable[[int], None] | None) -> dict[str, Any]:
    team, codes = create_seats(db_url, seats)
    limits = httpx.Limits(max_connections=seats + 50, max_keepalive_connections=seats + 50)
    figures: dict[str, Any] = {"seats": seats, "calls_per_seat": calls_per_seat, "team": team}
    urls = [u.strip().rstrip("/") for u in hub_url.split(",") if u.strip()]
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(httpx.AsyncClient(base_url=u, limits=limits, timeout=60))
                   for u in urls]
        limit = asyncio.Semaphore(concurrency)
        tokens = await _enrol(clients[0], codes, limit)
        if calls_per_seat:
            upload = await _upload(clients, tokens, calls_per_seat, limit, on_progress)
            with psycopg.connect(db_url) as conn:
                counted = conn.execute(
                    "SELECT count(*), count(DISTINCT (seat_id, call_uid)) FROM calls c JOIN teams t ON t.id = c.team_id"
                    " WHERE t.name = %s", (team,)).fetchone()
            stored, distinct = counted if counted is not None else (0, 0)
            upload |= {"calls": seats * calls_per_seat, "stored": stored, "duplicates": stored - distinct,
                       "calls_per_s": round(stored / upload["seconds"], 1) if upload["seconds"] else None}
            figures["upload"] = upload
        with psycopg.connect(db_url) as conn:
            team_id = _one(conn.execute("SELECT id FROM teams WHERE name = %s", (team,)).fetchone())
        if heartbeat_seconds > 0:
            figures["heartbeats"] = await _heartbeats(db_url, clients, tokens, team_id, heartbeat_seconds,
                                                      asyncio.Semaphore(concurrency))
        if settings.signing_key_file.exists():
            figures["packs"] = await _packs(db_url, clients, tokens, team, settings)
        else:
            figures["packs"] = {"skipped": f"no signing key at {settings.signing_key_file}"}
    return figures
