"""The lead's board shows what a real seat is doing: the panel under Xvfb follows a call from
live events, and the board in Chromium (Playwright) shows which mandatory steps are still
open, which banned phrase was said (speech) or typed (notes) and when, the alerts they
raise, and the seat's totals for today once the call is uploaded. Real hub (uvicorn) on a
real PostgreSQL; the seat's own heartbeats and outbox carry everything."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
from playwright.sync_api import Page, expect

from desktop.core.hubclient.sync import enroll
from tests.gui.conftest import type_text
from tests.gui.test_help_request import browser, lead_page  # noqa: F401
from tests.gui.test_live import PACK, endpoint, event, said, started
from tests.hub.conftest import (  # noqa: F401
    HubProcess,
    db,
    hub_db,
    hub_home,
    hub_server,
    pg_cluster,
    run_hub,
)
from tests.live.helpers import post


def test_the_board_shows_a_real_seats_open_steps_banned_phrases_and_totals(
        make_app, qtbot, lead_page: Page, hub_server: HubProcess, db: psycopg.Connection,  # noqa: F811
        isolated_dirs: Path) -> None:
    code = run_hub(hub_server.url, hub_server.home, "seat", "add", "--team", "一组", "A001").stdout.split()[-1]
    enroll(isolated_dirs, hub_server.base, code)
    app = started(make_app(live=True, pack_dirs=[PACK], builtin=False, scenario="live-open"), qtbot)
    model = app.model
    page = lead_page
    seat_id = db.execute("SELECT id FROM seats WHERE name = 'A001'").fetchone()[0]
    # No navigation here: the board already shown reloads itself when the new seat first
    # reports (a goto now would race that reload).
    tile = page.locator(f"#seat-{seat_id}")
    expect(tile.locator('[data-field="state"]')).to_have_text("空闲", timeout=30000)

    port, token = endpoint(app)
    post(port, event("call.answered", call_id="c1", caller="01055500001"), token)
    qtbot.waitUntil(lambda: model.in_call)
    model.choose_scenario("live-loss")
    detail = tile.locator("[data-detail]")
    steps = detail.locator(".open-steps li")
    expect(steps).to_have_text(["确认情况", "挂失", "提醒解挂"], timeout=30000)

    # The seat says a banned phrase (live transcript) and types another in the notes.
    with qtbot.waitSignal(app.live.bannedSpoken, timeout=5000):
        post(port, said("c1", "agent", "这个只能等网点清机以后再取。"), token)
    type_text(app.panel.notes.editor, "客户很急，我说跟我说也没用")
    # The panel's next heartbeat carries both (the Qt loop runs while the seat side is awaited).
    qtbot.waitUntil(lambda: db.execute("SELECT jsonb_array_length(banned) FROM seat_state").fetchone()[0] == 2,
                    timeout=30000)
    expect(detail.locator(".banned-spoken li")).to_have_count(1, timeout=30000)
    expect(detail.locator(".banned-spoken q")).to_have_text("只能")
    expect(detail.locator(".banned-spoken time")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    expect(detail.locator(".banned-typed q")).to_have_text("跟我…说…没用", timeout=30000)
    alerts = page.locator("#alert-list")
    expect(alerts).to_contain_text("说了禁语：“只能”")
    expect(alerts).to_contain_text("写了禁语：“跟我…说…没用”")

    # A mandatory step done: the list shrinks live.
    model.set_step_ticked("confirm", True)
    expect(steps).to_have_text(["挂失", "提醒解挂"], timeout=30000)
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1

    # The call ends with two mandatory steps not done: uploaded, counted today, and an alert.
    model.end_call("resolved")
    qtbot.waitUntil(lambda: db.execute("SELECT count(*) FROM calls").fetchone()[0] == 1, timeout=30000)
    expect(alerts).to_contain_text("结束通话时必做步骤未完成：挂失、提醒解挂", timeout=30000)
    page.reload()
    expect(tile.locator('[data-total="calls"]')).to_have_text("1")
    expect(tile.locator('[data-total="mandatory"]')).to_have_text("33%")
    expect(tile.locator('[data-field="state"]')).to_have_text("空闲", timeout=30000)
    expect(detail.locator(".open-steps")).to_have_count(0)
    kinds = sorted(r[0] for r in db.execute("SELECT kind FROM board_alerts").fetchall())
    assert kinds == ["banned", "banned", "mandatory_skipped"]
