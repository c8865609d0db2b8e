"""The review queue in Chromium, fed by a real seat: `seatside sync` uploads its calls (one with
a banned phrase typed, one with banned phrases said), the hub scores them, the lead marks
the lowest and sees the mark counted on the queue and on the reports page."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from playwright.sync_api import Page, expect

from desktop.core.records.storage import DB_FILENAME
from hub import admin
from tests.hub.seatside_helpers import add_calls, seatside
from tests.hub.web.conftest import WebHub
from tests.hub.web.test_browser import browser, page, sign_in  # noqa: F401


def test_review_the_lowest_call_of_a_real_seat(page: Page, web_hub: WebHub, tmp_path: Path) -> None:  # noqa: F811
    with web_hub.connect() as conn:
        code = admin.add_seat(conn, web_hub.teams["A"].name, "A21", hours=1)
    data = tmp_path / "seat-A21"
    enrolled = seatside(data, "enroll", web_hub.base, code)
    assert enrolled.returncode == 0, enrolled.stderr
    clean = add_calls(data, 2)
    typed = add_calls(data, 1, notes="客户情绪激动，我说了不归我管。")
    spoken = add_calls(data, 1)
    assert clean and typed and spoken
    db = sqlite3.connect(data / DB_FILENAME)
    with db:  # the live transcript's count, as the panel keeps it; changed before the call is sent
        db.execute("UPDATE calls SET banned_count = 2 WHERE id = ?", (spoken[0],))
    db.close()
    synced = seatside(data, "sync")
    assert synced.returncode == 0, synced.stderr
    with web_hub.connect() as conn:
        seat_id = conn.execute("SELECT id FROM seats WHERE name = 'A21'").fetchone()[0]
        scores = dict(conn.execute("SELECT c.notes LIKE '%%不归我管%%', s.score FROM call_scores s JOIN calls c"
                                   " ON c.seat_id = s.seat_id AND c.call_uid = s.call_uid WHERE s.seat_id = %s"
                                   " AND c.banned_hits > 0", (seat_id,)).fetchall())
    assert scores == {True: 80, False: 60}, scores  # one typed (−20), two said (−40)

    sign_in(page, web_hub)
    page.goto("/review")
    mine = page.locator(f'section.review-call[id^="review-{seat_id}-"]')
    expect(mine).to_have_count(4)
    lowest = mine.first
    expect(lowest.locator(".score")).to_have_text("60")
    expect(lowest.locator(".reasons")).to_contain_text("通话中说出服务禁语 2 次（扣 40 分）")
    expect(lowest.locator(".disposition")).to_have_text("已解决")
    expect(mine.nth(1).locator(".reasons")).to_contain_text("小记里写了 1 次服务禁语：不归…管")
    expect(mine.nth(1).locator(".notes")).to_contain_text("我说了不归我管")

    lowest.locator('input[value="override"]').check()
    lowest.locator('input[name="score"]').fill("85")
    lowest.locator('input[name="reason"]').fill("转写把客户的话记成了坐席的")
    lowest.locator('button[type="submit"]').click()
    expect(page.locator("#overridden-calls")).to_have_text("1")
    lowest = page.locator(f'section.review-call[id^="review-{seat_id}-"]').first
    expect(lowest.locator(".mark")).to_contain_text("改判为 85 分：转写把客户的话记成了坐席的")
    second = page.locator(f'section.review-call[id^="review-{seat_id}-"]').nth(1)
    second.locator('input[value="agree"]').check()
    second.locator('button[type="submit"]').click()
    expect(page.locator("#marked-calls")).to_have_text("2")
    expect(page.locator("#agreed-ratio")).to_have_text("50%")

    page.goto("/reports")
    expect(page.locator("#review-agreed")).to_have_text("50%")
    expect(page.locator("#review-overridden")).to_have_text("1")
    expect(page.locator("#table-scores")).to_contain_text("A21")
    with web_hub.connect() as conn:
        audited = conn.execute("SELECT detail->>'mark' FROM audit_log WHERE action = 'review.mark'"
                               " AND (detail->>'seat_id')::bigint = %s ORDER BY id", (seat_id,)).fetchall()
    assert audited == [("override",), ("agree",)]
