"""Render the screenshots of docs/hub.md's walk-through: a lead edits a phrase, the seat uses it.

Usage: python scripts/packs_screenshots.py OUTPUT_DIR

Starts a throw-away PostgreSQL and a real hub, publishes the built-in scenarios to a team,
enrols two real seats (`seatside enroll`, `seatside sync`), then in Debian's chromium:
uploads one edited scenario file (packs-upload.png), shows the side-by-side check report
(packs-diff.png) and publishes it; one seat syncs, the other is handed a set altered after
signing and refuses it (packs-seats.png). Last, the first seat's panel on a virtual X11
display at the edited step (packs-panel.png) with its About box (packs-about.png).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "screenshots only"
TEAM = "信用卡二组"
OLD = "{称呼}，您先放心，机器没吐出来的钱不会凭空没了，机器清点对账的时候会核对出来，我们有专门的流程跟进到底。"
NEW = "{称呼}，您放心，机器吞掉的钱一分都不会少，我们二组跟进到底，三个工作日内给您回电。"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seatside(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SEATSIDE_DATA_DIR", None)
    result = subprocess.run([sys.executable, "-m", "desktop", *args], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    return result


def panel_shots(data: str, out: str) -> int:
    """In a process of its own: the seat's panel at the edited step, and its About box."""
    from pyvirtualdisplay import Display

    display = Display(visible=False, size=(1280, 900), color_depth=24)
    display.start()
    try:
        from PySide6.QtWidgets import QApplication

        from desktop.app import build
        from desktop.platform.clipboard import FakeClipboard
        from desktop.platform.insertion import FakeInserter

        app = build(data, clipboard=FakeClipboard(), inserter=FakeInserter())
        app.start_hooks()
        app.panel.show()
        app.model.start_call()
        app.model.choose_scenario("atm-cash-retained")
        app.panel.notes.customer.setText("王先生")
        app.model.set_customer("王先生")
        for _ in range(30):
            QApplication.processEvents()
        app.panel.grab().save(str(Path(out) / "packs-panel.png"))
        app.panel.show_about()
        for _ in range(30):
            QApplication.processEvents()
        assert app.panel.about_box is not None
        app.panel.about_box.grab().save(str(Path(out) / "packs-about.png"))
        app.panel.about_box.close()
        app.model.end_call("resolved", end_reason="screenshot")
        app.panel.close()
        app.shutdown()
    finally:
        display.stop()
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "--panel":
        return panel_shots(argv[1], argv[2])
    if len(argv) != 1:
        print("usage: packs_screenshots.py OUTPUT_DIR", file=sys.stderr)
        return 2
    import httpx
    import psycopg
    from playwright.sync_api import sync_playwright

    from desktop.core.base.paths import builtin_packs_dir
    from hub import admin
    from hub.cluster import EmbeddedCluster
    from hub.db import upgrade
    from hub.security import hash_password

    out = Path(argv[0]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("packs_screenshots: Debian's chromium is missing (make system-deps installs it)", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="seatside-pack-shots-"))
    work.chmod(0o711)
    cluster = EmbeddedCluster(work / "pg", fast=True)
    server = None
    try:
        cluster.start()
        with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE shots")
        url = cluster.url_for("shots")
        upgrade(url)
        env = dict(os.environ, SEATSIDE_HUB_DATABASE_URL=url, SEATSIDE_HUB_HOME=str(work / "home"),
                   PYTHONPATH=str(ROOT))
        hub_cli = [sys.executable, "-m", "hub.cli"]
        subprocess.run([*hub_cli, "keys", "init"], env=env, check=True, capture_output=True)
        with psycopg.connect(url, autocommit=True) as conn:
            admin.add_team(conn, TEAM)
            admin.add_lead(conn, TEAM, "zhang.li")
            conn.execute("UPDATE leads SET password_hash = %s, must_change = false", (hash_password(PASSWORD),))
            codes = {seat: admin.add_seat(conn, TEAM, seat, hours=1) for seat in ("8001", "8002")}
            admin.add_seat(conn, TEAM, "8003", hours=1)  # added, not enrolled yet
        subprocess.run([*hub_cli, "packs", "publish", str(builtin_packs_dir()), "--team", TEAM, "--note", "内置场景"],
                       env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([*hub_cli, "serve", "--port", str(port)], env=env,
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
                print("packs_screenshots: the hub did not start", file=sys.stderr)
                return 1
            time.sleep(0.1)
        seats = {seat: work / f"seat-{seat}" for seat in codes}
        for seat, code in codes.items():
            for args in (("enroll", base, code), ("sync",)):
                done = seatside(*args, "--data-dir", str(seats[seat]))
                if done.returncode != 0:
                    print(f"packs_screenshots: seatside {args[0]} failed: {done.stderr.strip()}", file=sys.stderr)
                    return 1
        edited = work / "lead" / "atm-cash-retained.yaml"
        edited.parent.mkdir()
        edited.write_text((builtin_packs_dir() / "atm-cash-retained.yaml").read_text(encoding="utf-8")
                          .replace(OLD, NEW), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.goto("/packs")
            page.fill("#name", "zhang.li")
            page.fill("#password", PASSWORD)
            page.click("#sign-in")
            page.wait_for_selector("#versions")
            page.set_input_files("#files", [str(edited)])
            page.screenshot(path=str(out / "packs-upload.png"))
            page.click("#upload")
            page.wait_for_selector("#diff")
            page.fill("#note", "吞钞安抚话术：写明三个工作日内回电")
            page.locator("#diff").scroll_into_view_if_needed()
            page.screenshot(path=str(out / "packs-diff.png"), full_page=True)
            page.click("#publish")
            page.wait_for_selector("#published-note")
            version = int(page.url.split("published=")[1])
            if seatside("sync", "--data-dir", str(seats["8001"])).returncode != 0:
                print("packs_screenshots: the first seat did not take the new version", file=sys.stderr)
                return 1
            # The second seat is handed the set altered after it was signed, then the hub's copy is put back.
            with psycopg.connect(url, autocommit=True) as conn:
                row = conn.execute("SELECT bundle FROM packs WHERE version = %s", (version,)).fetchone()
                assert row is not None
                conn.execute("UPDATE packs SET bundle = %s WHERE version = %s",
                             (bytes(row[0]).replace("三个工作日".encode(), "一个工作日".encode()), version))
                refused = seatside("sync", "--data-dir", str(seats["8002"]))
                conn.execute("UPDATE packs SET bundle = %s WHERE version = %s", (bytes(row[0]), version))
            if "signature" not in refused.stdout:
                print("packs_screenshots: the second seat did not refuse the altered set", file=sys.stderr)
                return 1
            page.set_viewport_size({"width": 1280, "height": 1100})
            page.goto("/packs")
            page.locator("#seat-versions").scroll_into_view_if_needed()
            page.screenshot(path=str(out / "packs-seats.png"), full_page=True)
            browser.close()
        shots = subprocess.run([sys.executable, __file__, "--panel", str(seats["8001"]), str(out)],
                               env=dict(os.environ, PYTHONPATH=str(ROOT)), check=False)
        if shots.returncode != 0:
            return 1
        print(f"wrote packs-upload.png, packs-diff.png, packs-seats.png, packs-panel.png, packs-about.png in {out}")
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
