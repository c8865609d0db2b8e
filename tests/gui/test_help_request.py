"""Help on request (举手) end to end: the panel under Xvfb raises its hand with Ctrl+Alt+H,
the lead's board in Chromium (Playwright) flashes the seat with its scenario and step, the
lead answers with a phrase from the pack, and the answer reaches the panel, where Ctrl+Alt+J
inserts it. Real hub (uvicorn) on a real PostgreSQL; delivery by LISTEN/NOTIFY long-polls."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from desktop.core.hubclient.sync import enroll
from hub.security import hash_password
from tests.gui.test_hub_panel import publish
from tests.hub.conftest import (  # noqa: F401
    HubProcess,
    db,
    hub_db,
    hub_home,
    hub_server,
    pg_cluster,
    run_hub,
)

PASSWORD = "correct horse battery"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium is not installed (scripts/system-deps.sh installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def lead_page(browser: Browser, hub_server: HubProcess, db: psycopg.Connection) -> Iterator[Page]:  # noqa: F811
    """The lead of 一组 signed in on the board; closed before the hub stops (its event stream with it)."""
    server = hub_server
    run_hub(server.url, server.home, "team", "add", "一组")
    run_hub(server.url, server.home, "lead", "add", "--team", "一组", "lead-a")
    db.execute("UPDATE leads SET password_hash = %s, must_change = false WHERE name = 'lead-a'",
               (hash_password(PASSWORD),))
    page = browser.new_context(base_url=server.base, locale="zh-CN").new_page()
    page.goto("/login?next=/board")
    page.fill("#name", "lead-a")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    expect(page).to_have_url(server.base + "/board")
    yield page
    page.context.close()


def test_raise_hand_reaches_the_board_and_the_answer_reaches_the_panel(
        make_app, qtbot, lead_page: Page, hub_server: HubProcess, db: psycopg.Connection,  # noqa: F811
        isolated_dirs: Path, tmp_path: Path) -> None:
    code = run_hub(hub_server.url, hub_server.home, "seat", "add", "--team", "一组", "A001").stdout.split()[-1]
    enroll(isolated_dirs, hub_server.base, code)
    publish(hub_server, tmp_path / "packs", "1.0")
    page = lead_page
    page.goto("/board")  # the board as the lead opens it once the seat and the pack are there
    app = make_app()
    qtbot.waitUntil(lambda: app.model.library.get("centre-callback") is not None, timeout=30000)
    assert app.help_box is not None and app.help_box.isVisibleTo(app.panel)
    app.model.start_call()
    app.model.choose_scenario("centre-callback")
    seat_id = db.execute("SELECT id FROM seats WHERE name = 'A001'").fetchone()[0]
    tile = page.locator(f"#seat-{seat_id}")
    expect(tile.locator('[data-field="state"]')).to_have_text("通话中", timeout=30000)
    form = tile.locator("form.help")
    expect(form).to_be_hidden()

    # The seat presses Ctrl+Alt+H (through the hotkey backend, as a global hotkey arrives).
    app.hotkeys.backend.press("ctrl+alt+h")
    qtbot.waitUntil(lambda: app.help_box.status == "open", timeout=5000)
    expect(form).to_be_visible(timeout=30000)
    expect(tile).to_have_class("tile state-in_call tone-normal needs-help")
    expect(form.locator('[data-field="help_scenario"]')).to_have_text("中心回访")
    expect(form.locator('[data-field="help_step"]')).to_have_text("问候并说明来意")
    # The page was never reloaded: the hand came by the event stream.
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    # A second press while the hand is up does not ask again (one row below).
    with qtbot.waitSignal(app.hub_sync.message, timeout=5000,
                          check_params_cb=lambda text: "already raised" in text or "已经举手" in text):
        app.hotkeys.backend.press("ctrl+alt+h")

    # The lead answers with a phrase from the pack (grouped under the scenario's name).
    phrase = "上次您反映的问题，现在都处理好了吗？"
    assert form.locator('optgroup[label="中心回访"] option').count() == 2
    form.locator("select[name=phrase]").select_option(phrase)
    form.locator("button[name=send]").click()
    expect(page).to_have_url(hub_server.base + "/board")
    qtbot.waitUntil(lambda: app.help_box.status == "answered", timeout=30000)
    assert app.help_box.reply == phrase
    assert phrase in app.help_box.answer_label.text()
    assert app.help_box.insert_button.isVisibleTo(app.help_box)
    expect(page.locator(f"#seat-{seat_id} form.help")).to_be_hidden()
    rows = db.execute("SELECT status, reply, answered_by IS NOT NULL FROM help_requests").fetchall()
    assert rows == [("answered", phrase, True)]
    audit = db.execute("SELECT actor, detail->>'status' FROM audit_log WHERE action = 'help.answer'").fetchall()
    assert audit == [("lead:lead-a", "answered")]

    # Ctrl+Alt+J inserts the lead's reply into the focused program.
    with qtbot.waitSignal(app.insertion.inserted, timeout=5000) as inserted:
        app.hotkeys.backend.press("ctrl+alt+j")
    assert inserted.args[0] == phrase

    # A second hand, answered with "coming over".
    app.hotkeys.backend.press("ctrl+alt+h")
    qtbot.waitUntil(lambda: app.help_box.status == "open", timeout=5000)
    form = page.locator(f"#seat-{seat_id} form.help")
    expect(form).to_be_visible(timeout=30000)
    form.locator("button[name=coming]").click()
    qtbot.waitUntil(lambda: app.help_box.status == "coming", timeout=30000)
    assert app.help_box.reply == "" and not app.help_box.insert_button.isVisibleTo(app.help_box)
    assert db.execute("SELECT count(*) FROM help_requests WHERE status = 'coming'").fetchone()[0] == 1
