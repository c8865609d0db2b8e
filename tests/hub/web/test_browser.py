"""The dashboard in a real browser: Debian's chromium driven by Playwright (no browser
download), against a real hub (uvicorn) on a real PostgreSQL, with seats as real
HTTP clients and a real `seatside` process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from hub import admin
from tests.hub.seatside_helpers import seatside
from tests.hub.web.conftest import PASSWORD, WebHub

SCENARIOS = Path(__file__).resolve().parents[3] / "resources" / "scenarios"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Debian's chromium is not installed (scripts/system-deps.sh installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, web_hub: WebHub) -> Iterator[Page]:
    context = browser.new_context(base_url=web_hub.base, locale="zh-CN", accept_downloads=True)
    tab = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(message.text)

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    yield tab
    context.close()
    # A refused inline script, a blocked outside resource or a script error would show here.
    assert not problems, problems


def sign_in(page: Page, hub: WebHub) -> None:
    page.goto("/board")
    expect(page).to_have_url(hub.base + "/login?next=/board")
    page.fill("#name", hub.teams["A"].lead)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    expect(page).to_have_url(hub.base + "/board")


def test_sign_in_and_watch_a_seat_start_a_call(page: Page, web_hub: WebHub) -> None:
    sign_in(page, web_hub)
    seat_id = web_hub.teams["A"].seats["A01"][0]
    tile = page.locator(f"#seat-{seat_id}")
    expect(tile).to_contain_text("A01")
    expect(page.locator("#live-status")).to_have_text("实时更新中")
    web_hub.heartbeat("A", "A01", state="idle")
    expect(tile).to_contain_text("空闲")
    web_hub.heartbeat("A", "A01", state="in_call", scenario_name="信用卡挂失", steps_done=1, steps_total=4,
                      mandatory_done=0, mandatory_total=2, elapsed_s=320, banned_count=1)
    expect(tile).to_have_class("tile state-in_call tone-amber")  # 320 s: past the 300 s target
    expect(tile.locator('[data-field="state"]')).to_have_text("通话中")
    expect(tile.locator('[data-field="scenario"]')).to_have_text("信用卡挂失")
    expect(tile.locator('[data-field="mandatory_total"]')).to_have_text("2")
    expect(tile.locator('[data-field="banned"]')).to_have_text("1")
    expect(tile.locator('[data-field="elapsed"]')).to_contain_text("5:")
    # The page was never reloaded: the change came by the event stream.
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    # The seat stops sending heartbeats: the tile turns grey.
    expect(tile).to_have_class("tile state-in_call tone-normal stale", timeout=15_000)
    expect(tile.locator('[data-field="state"]')).to_have_text("失去联系")


def test_publish_a_pack_and_see_a_real_seat_pick_it_up(page: Page, web_hub: WebHub, tmp_path: Path) -> None:
    with web_hub.connect() as conn:
        code = admin.add_seat(conn, web_hub.teams["A"].name, "A09", hours=1)
    data = tmp_path / "seat-A09"
    enrolled = seatside(data, "enroll", web_hub.base, code)
    assert enrolled.returncode == 0, enrolled.stderr

    sign_in(page, web_hub)
    page.goto("/packs")
    page.set_input_files("#files", [str(SCENARIOS / "atm-cash-retained.yaml"),
                                    str(SCENARIOS / "points-redemption.yaml")])
    page.click("#upload")
    expect(page.locator("#check-ok")).to_be_visible()
    expect(page.locator("#changes")).to_contain_text("自助设备吞钞")
    page.fill("#note", "新增吞钞和积分场景")
    page.click("#publish")
    expect(page.locator("#published-note")).to_be_visible()
    version = int(page.url.split("published=")[1])

    synced = seatside(data, "sync")
    assert synced.returncode == 0, synced.stderr
    assert f"packs: version {version} installed" in synced.stdout
    assert any(path.name.endswith("atm-cash-retained.yaml") for path in (data / "packs").iterdir())

    page.goto("/packs")
    expect(page.locator('tr[data-seat="A09"] .seat-version')).to_contain_text(f"v{version}")


def test_export_xlsx_from_the_reports_page(page: Page, web_hub: WebHub, tmp_path: Path) -> None:
    from datetime import timedelta

    from tests.hub.web.conftest import call_record, now_utc

    web_hub.upload_calls("A", "A02", [call_record(f"browser-{n}", now_utc() - timedelta(minutes=5 + n))
                                      for n in range(3)])
    sign_in(page, web_hub)
    page.goto("/reports")
    expect(page.locator("#table-seats")).to_contain_text("A02")
    with page.expect_download() as caught:
        page.click("#export-seats-xlsx")
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0][:2] == ("坐席", "通话数")
    assert ("A02", 3) in {(row[0], row[1]) for row in rows[1:]}


def test_trends_by_month_and_week_from_uploaded_calls(page: Page, web_hub: WebHub, tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.hub.web.conftest import call_record

    shanghai = ZoneInfo("Asia/Shanghai")
    # September: 2 calls, October: 1, November: 3 (one of them the first minute of the 1st, Shanghai time).
    starts = [datetime(2026, 9, 14, 10, tzinfo=shanghai), datetime(2026, 9, 15, 10, tzinfo=shanghai),
              datetime(2026, 10, 20, 15, tzinfo=shanghai), datetime(2026, 11, 1, 0, 0, 30, tzinfo=shanghai),
              datetime(2026, 11, 2, 9, tzinfo=shanghai), datetime(2026, 11, 30, 23, 50, tzinfo=shanghai)]
    web_hub.upload_calls("A", "A03", [
        call_record(f"trend-{n}", start, scenario_id="trend-x", scenario_name="趋势甲") for n, start in enumerate(starts)])
    # A later revision of an October call moves it to another scenario: counted once, in the new one.
    web_hub.upload_calls("A", "A03", [call_record("trend-2", starts[2], revision=2, scenario_id="trend-y",
                                                  scenario_name="趋势乙")])
    sign_in(page, web_hub)
    page.goto("/reports?first=2026-09-01&last=2026-11-30")
    page.select_option("#trend-unit", "month")
    page.locator("#trend-form button").click()
    expect(page).to_have_url(web_hub.base + "/reports?first=2026-09-01&last=2026-11-30&trend=month")
    seats = page.locator("#table-trend_seats")
    expect(seats.locator("th.period")).to_have_text(["2026-09", "2026-10", "2026-11"])
    row = seats.locator("tr", has_text="A03")
    expect(row.locator("td .calls")).to_have_text(["2", "1", "3"])
    scenarios = page.locator("#table-trend_scenarios")
    expect(scenarios.locator("tr", has_text="趋势甲").locator("td").nth(1)).to_have_text("–")  # October moved
    expect(scenarios.locator("tr", has_text="趋势乙").locator("td .calls")).to_have_text(["1"])

    page.select_option("#trend-unit", "week")
    page.locator("#trend-form button").click()
    expect(seats.locator("th.period").first).to_have_text("2026-W38")
    expect(seats.locator("th.period").last).to_have_text("2026-W49")  # Monday 30 November
    with page.expect_download() as caught:
        page.click("#export-trend_scenarios-csv")
    saved = tmp_path / caught.value.suggested_filename
    caught.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("周期,场景,通话数")
    weekly = [line for line in lines[1:] if "趋势" in line]
    assert weekly and all(line.split(",")[0] >= "2026-09-14" for line in weekly)
    assert sum(int(line.split(",")[2]) for line in weekly) == 6
