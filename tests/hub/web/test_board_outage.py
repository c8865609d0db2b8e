"""The live board in Chromium while its PostgreSQL is stopped and started again: it says
so, stops every timer and greys the tiles, then catches up on the same page."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from hub.cluster import EmbeddedCluster
from hub.db import upgrade
from tests.hub.test_attack import _setup, own_cluster
from tests.hub.web.conftest import PASSWORD
from tests.hub.web.test_browser import CHROMIUM_ARGS, chromium_path

__all__ = ["own_cluster"]  # the fixture, used by name below


def test_board_shows_the_outage_stops_timers_and_catches_up(own_cluster: EmbeddedCluster, hub_home: Path) -> None:
    upgrade(own_cluster.url)
    hub = _setup(own_cluster.url, hub_home, {"SEATSIDE_HUB_HEARTBEAT_STALE_S": "600"})  # never stale here
    try:
        import httpx

        response = httpx.post(hub.base + "/api/v1/heartbeat", json={"state": "in_call", "seq": 1, "elapsed_s": 30},
                              headers=hub.seat_headers("A", "A01"), timeout=30)
        assert response.status_code == 204
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=hub.base, locale="zh-CN",
                                          extra_http_headers={"accept-language": "zh-CN,zh;q=0.9"})
            page = context.new_page()
            page.goto("/login?next=/board")
            page.fill("#name", "lead-a")
            page.fill("#password", PASSWORD)
            page.click("#sign-in")
            expect(page).to_have_url(hub.base + "/board", timeout=60_000)  # Argon2 is slow on a busy machine
            status = page.locator("#live-status")
            tile = page.locator(f"#seat-{hub.teams['A'].seats['A01'][0]}")
            expect(status).to_have_class("live-status connected")
            expect(tile).to_have_attribute("data-ticking", "true")

            own_cluster.stop()
            expect(status).to_have_class("live-status outage", timeout=30_000)
            expect(status).to_have_text("数据库连接中断：计时已暂停")
            expect(tile).to_have_attribute("data-ticking", "false")
            expect(tile).to_have_class("tile state-in_call tone-normal unknown")
            frozen = tile.locator("[data-field=elapsed]").text_content()
            ticks = int(page.locator("#board").get_attribute("data-ticks") or 0)
            deadline = time.monotonic() + 30
            while int(page.locator("#board").get_attribute("data-ticks") or 0) < ticks + 3:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            assert tile.locator("[data-field=elapsed]").text_content() == frozen  # three repaints later

            own_cluster.start()
            expect(status).to_have_class("live-status connected", timeout=60_000)
            response = httpx.post(hub.base + "/api/v1/heartbeat",
                                  json={"state": "in_call", "seq": 2, "elapsed_s": 95},
                                  headers=hub.seat_headers("A", "A01"), timeout=30)
            assert response.status_code == 204
            expect(tile).to_have_attribute("data-ticking", "true", timeout=30_000)
            expect(tile.locator("[data-field=elapsed]")).to_contain_text("1:3")
            context.close()
            browser.close()
    finally:
        log = hub.server.stop()
    assert "Traceback" not in log, log
