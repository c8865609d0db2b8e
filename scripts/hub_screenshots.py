"""Render the README screenshots of the team lead's dashboard in Debian's chromium.

Usage: python scripts/hub_screenshots.py OUTPUT_DIR

Starts a throw-away PostgreSQL and a real hub, fills a team of twelve seats with a
day of synthetic (masked) calls and live heartbeats, and writes hub-board.png (the
live board), hub-help.png (a seat's raised hand on its tile), hub-alerts.png (the
alert list and what is due today), hub-settings.png (the team settings page),
hub-reports.png (the day's report) and hub-review.png (the review queue of the
lowest-scoring calls).
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "screenshots only"
SCENARIOS = [("card-lost", "信用卡挂失", 260), ("atm-cash-retained", "自助设备吞钞", 330),
             ("points-redemption", "积分兑换", 180), ("generic-complaint", "服务投诉", 520),
             ("bank-code-lookup", "查询联行号", 120)]
SKIP_REASONS = ["客户着急挂电话", "客户已在网点办理", "系统查询超时", "客户拒绝配合核实"]
BANNED = ["你听我说", "这个我不清楚", "这是规定"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def calls_for(seat: int, day_start: datetime, rng: random.Random) -> list[dict]:
    calls = []
    moment = day_start + timedelta(hours=8, minutes=rng.randint(0, 40))
    limit = datetime.now(timezone.utc) - timedelta(minutes=10)
    n = 0
    while moment < limit and moment < day_start + timedelta(hours=20):
        scenario_id, name, typical = rng.choice(SCENARIOS)
        duration = max(40.0, rng.gauss(typical, typical * 0.3))
        skipped = ([{"step_id": "remind", "title": "提醒风险", "reason": rng.choice(SKIP_REASONS)}]
                   if rng.random() < 0.12 else [])
        followups = []
        if scenario_id == "generic-complaint":
            followups.append({"kind": "complaint", "text": "投诉需在期限内回复客户",
                              "created_at": (moment - timedelta(days=rng.choice([0, 3, 16]))).isoformat()})
        calls.append({
            "uid": f"shot-{seat}-{n}", "revision": 1, "started_at": moment.isoformat(),
            "ended_at": (moment + timedelta(seconds=duration)).isoformat(), "duration_s": round(duration, 1),
            "wrapup_s": round(max(5.0, rng.gauss(35, 12)), 1), "scenario_id": scenario_id, "scenario_name": name,
            "disposition": "resolved", "steps_total": 5, "mandatory_total": 2 + len(skipped),
            "steps": [{"scenario_id": scenario_id, "step_id": f"s{i}", "title": f"步骤{i}", "mandatory": i < 2,
                       "ticked_at": moment.isoformat()} for i in range(rng.randint(3, 5))],
            "skipped": skipped, "followups": followups,
            "banned": [{"phrase": rng.choice(BANNED), "count": 1}] if rng.random() < 0.08 else [],
            "banned_spoken": 1 if rng.random() < 0.05 else 0,
            "phrases": [{"scenario_id": scenario_id, "step_id": "s0", "phrase_id": f"{scenario_id}-p{rng.randint(1, 4)}",
                         "text": "您好，请问有什么可以帮您？"}],
        })
        moment += timedelta(seconds=duration + rng.randint(60, 900))
        n += 1
    return calls


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: hub_screenshots.py OUTPUT_DIR", file=sys.stderr)
        return 2
    import httpx
    import psycopg
    from playwright.sync_api import sync_playwright

    from hub import admin
    from hub.cluster import EmbeddedCluster
    from hub.db import upgrade
    from hub.security import hash_password

    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("hub_screenshots: Debian's chromium is missing (make system-deps installs it)", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="seatside-shots-"))
    work.chmod(0o711)
    cluster = EmbeddedCluster(work / "pg", fast=True)
    server = None
    try:
        cluster.start()
        with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE shots")
        url = cluster.url_for("shots")
        upgrade(url)
        rng = random.Random(7)
        tokens: dict[str, str] = {}
        with psycopg.connect(url, autocommit=True) as conn:
            admin.add_team(conn, "零售一组")
            admin.add_lead(conn, "零售一组", "wang.li")
            conn.execute("UPDATE leads SET password_hash = %s, must_change = false", (hash_password(PASSWORD),))
            for n in range(1, 13):
                seat = f"8{n:03d}"
                admin.add_seat(conn, "零售一组", seat, hours=1)
                token = "sst_" + secrets.token_urlsafe(32)
                conn.execute("UPDATE seats SET token_hash = %s, enrolled_at = now() WHERE name = %s",
                             (hashlib.sha256(token.encode()).digest(), seat))
                tokens[seat] = token
        port = free_port()
        env = dict(os.environ, SEATSIDE_HUB_DATABASE_URL=url, SEATSIDE_HUB_HOME=str(work / "home"),
                   PYTHONPATH=str(ROOT))
        server = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("hub_screenshots: the hub did not start", file=sys.stderr)
                return 1
            time.sleep(0.1)
        zone = ZoneInfo("Asia/Shanghai")
        day_start = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        with httpx.Client(base_url=base, timeout=60) as client:
            for n, token in enumerate(tokens.values()):
                auth = {"authorization": f"Bearer {token}"}
                calls = calls_for(n, day_start, rng)
                if n < 2:  # one overdue complaint reply and one callback due later today
                    now = datetime.now(timezone.utc)
                    calls.append({"uid": f"shot-due-{n}", "revision": 1, "duration_s": 300.0, "wrapup_s": 40.0,
                                  "scenario_id": "generic-complaint", "scenario_name": "服务投诉",
                                  "disposition": "follow-up", "started_at": (now - timedelta(hours=1)).isoformat(),
                                  "ended_at": (now - timedelta(minutes=55)).isoformat(), "followups": [
                        {"kind": "complaint", "text": "信用卡年费争议：答复客户处理结果",
                         "created_at": (now - timedelta(days=16)).isoformat()} if n == 0 else
                        {"kind": "callback", "text": "回电告知挂失补卡进度",
                         "due_at": min(now + timedelta(minutes=50),
                                       day_start + timedelta(days=1, minutes=-1)).isoformat()}]})
                for i in range(0, len(calls), 200):
                    client.post("/api/v1/calls", json={"calls": calls[i:i + 200]}, headers=auth).raise_for_status()

        def send_live(client: httpx.Client) -> None:
            live = [("idle", 0, 0), ("in_call", 95, 1), ("in_call", 340, 2), ("after_call", 20, 5),
                    ("in_call", 640, 3), ("idle", 0, 0), ("in_call", 45, 0), ("in_call", 210, 2),
                    ("after_call", 55, 5), ("idle", 0, 0), ("in_call", 150, 1)]
            for token, (state, elapsed, steps) in zip(tokens.values(), live):  # the 12th seat is silent
                scenario = rng.choice(SCENARIOS)
                body = {"state": state, "elapsed_s": elapsed, "seq": 1,
                        "state_since": (datetime.now(timezone.utc) - timedelta(seconds=elapsed or 420)).isoformat()}
                if state != "idle":
                    now = datetime.now(timezone.utc)
                    said = ([{"phrase": "这是规定", "via": "spoken", "at": (now - timedelta(seconds=200)).isoformat()},
                             {"phrase": "不知道", "via": "typed", "at": (now - timedelta(seconds=90)).isoformat()}]
                            if elapsed > 600 else [])
                    body |= {"scenario_id": scenario[0], "scenario_name": scenario[1], "steps_done": steps,
                             "steps_total": 5, "mandatory_done": min(steps, 2), "mandatory_total": 2,
                             "banned_count": len(said), "banned": said,
                             "open_steps": ["核实身份", "提醒风险"][min(steps, 2):],
                             "call_started_at": (now - timedelta(seconds=elapsed)).isoformat(),
                             "state_since": (now - timedelta(seconds=elapsed)).isoformat()}
                client.post("/api/v1/heartbeat", json=body,
                            headers={"authorization": f"Bearer {token}"}).raise_for_status()
            # The seat 640 s into its call raises its hand (举手).
            asking = list(tokens.values())[4]
            client.post("/api/v1/help", json={"scenario": "服务投诉", "step": "记录投诉内容并告知处理时限"},
                        headers={"authorization": f"Bearer {asking}"}).raise_for_status()

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 760}, locale="zh-CN")
            page.goto("/login")
            page.fill("#name", "wang.li")
            page.fill("#password", PASSWORD)
            page.click("#sign-in")
            page.wait_for_selector("#live-status.connected")
            # The seats' live state now, so no tile has gone grey while the browser started.
            with httpx.Client(base_url=base, timeout=60) as client:
                send_live(client)
            page.reload()
            page.wait_for_selector("#live-status.connected")
            page.wait_for_selector(".tile.needs-help")
            page.screenshot(path=str(out / "hub-board.png"))
            page.locator(".tile.needs-help").first.screenshot(path=str(out / "hub-help.png"), animations="disabled")
            page.locator(".board-side").screenshot(path=str(out / "hub-alerts.png"))
            page.goto("/settings")
            page.screenshot(path=str(out / "hub-settings.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 1500})
            page.goto("/reports")
            page.wait_for_selector("svg.chart")
            page.screenshot(path=str(out / "hub-reports.png"))
            page.set_viewport_size({"width": 1280, "height": 1100})
            page.goto("/review")
            page.wait_for_selector("section.review-call")
            page.screenshot(path=str(out / "hub-review.png"))
            browser.close()
        print(f"wrote hub-board.png, hub-help.png, hub-alerts.png, hub-settings.png, hub-reports.png"
              f" and hub-review.png in {out}")
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
