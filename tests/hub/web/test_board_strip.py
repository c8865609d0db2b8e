"""The board's state strip in Chromium: seats per state (通话中 / 话后处理 / 空闲 / 离线), kept
current by the event stream; a silent seat counts as offline."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.hub.web.conftest import WebHub
from tests.hub.web.test_browser import browser, page, sign_in  # noqa: F401


def test_the_state_strip_counts_the_team_by_state(page: Page, web_hub: WebHub) -> None:  # noqa: F811
    sign_in(page, web_hub)
    strip = page.locator("#state-strip")
    expect(strip).to_contain_text("通话中")
    expect(strip).to_contain_text("离线")
    count = {key: strip.locator(f'[data-count="{key}"]') for key in ("in_call", "after_call", "idle", "offline")}
    expect(count["offline"]).to_have_text("3")  # team A's three seats, none has sent a heartbeat
    web_hub.heartbeat("A", "A01", state="in_call", scenario_name="信用卡挂失")
    web_hub.heartbeat("A", "A02", state="after_call")
    web_hub.heartbeat("A", "A03", state="idle")
    expect(count["in_call"]).to_have_text("1")
    expect(count["after_call"]).to_have_text("1")
    expect(count["idle"]).to_have_text("1")
    expect(count["offline"]).to_have_text("0")
    # No more heartbeats: past the stale limit (3 s in this hub) every seat counts as offline.
    expect(count["offline"]).to_have_text("3", timeout=15_000)
    expect(count["in_call"]).to_have_text("0")
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
