"""Reports a lead can trust, in Chromium: times in the centre's zone on the page and in the CSV,
「今天到期」 meaning today there, labels instead of codes, phrases grouped as the pack writes
them, banned phrases typed and said shown apart, and no "no calls" over calls."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.hub.web.conftest import WebHub, call_record, now_utc, signed_in
from tests.hub.web.test_browser import browser, page, sign_in  # noqa: F401
from tests.hub.web.test_packs_web import SCENARIOS, _draft, _publish

ZONE = ZoneInfo("Asia/Shanghai")


def _download_csv(tab: Page, link: str, tmp_path: Path) -> list[list[str]]:
    with tab.expect_download() as caught:
        tab.click(link)
    saved = tmp_path / caught.value.suggested_filename
    caught.value.save_as(saved)
    return list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines()))


def test_reports_read_in_the_centres_words_and_time(page: Page, web_hub: WebHub, tmp_path: Path) -> None:  # noqa: F811
    with signed_in(web_hub) as client:
        draft, text = _draft(client, [("points-redemption.yaml", (SCENARIOS / "points-redemption.yaml").read_bytes())])
        version = _publish(client, draft, text, "points")
    now = now_utc()
    local_now = now.astimezone(ZONE)
    today_end = datetime.combine(local_now.date() + timedelta(days=1), time(), ZONE)
    due_today = now + (today_end - now) / 2  # later today in Shanghai, whatever the hour
    due_tomorrow = today_end + timedelta(hours=10)
    start = now - timedelta(minutes=30)

    def phrase(filled: str) -> dict[str, str]:
        return {"scenario_id": "points-redemption", "step_id": "soothe", "phrase_id": "soothe-empathy",
                "text": filled, "used_at": start.isoformat()}

    common = {"scenario_id": "points-redemption", "scenario_name": "积分兑换权益争议", "pack_version": version}
    web_hub.upload_calls("A", "A01", [
        call_record("t-1", start, **common, phrases=[phrase("张先生，您别急，慢慢说。")], disposition="escalated",
                    followups=[{"kind": "complaint", "text": "商户态度投诉", "created_at": start.isoformat(),
                                "due_at": due_today.isoformat()}],
                    banned=[{"phrase": "不归…{4}管", "count": 1}], banned_spoken=2),
        call_record("t-2", start + timedelta(minutes=1), **common, phrases=[phrase("李女士，您别急，慢慢说。")],
                    followups=[{"kind": "callback", "text": "回电告知结果", "due_at": due_tomorrow.isoformat()}]),
    ])
    first = (local_now.date() - timedelta(days=1)).isoformat()
    last = (local_now.date() + timedelta(days=2)).isoformat()

    sign_in(page, web_hub)
    page.goto(f"/reports?first={first}&last={last}")
    followups = page.locator("#table-followups")
    complaint = followups.locator("tr", has_text="商户态度投诉")
    callback = followups.locator("tr", has_text="回电告知结果")
    expect(complaint).to_contain_text("投诉")
    expect(complaint).to_contain_text("今天到期")
    expect(callback).to_contain_text("回电")
    expect(callback).to_contain_text("未到期")  # due tomorrow: not 「今天到期」 although inside the range
    page_due = complaint.locator("td").nth(3).inner_text()
    assert page_due == due_today.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")
    assert "complaint" not in followups.inner_text() and "callback" not in followups.inner_text()

    phrases = page.locator("#table-phrases")
    expect(phrases.locator("tbody tr")).to_have_count(1)  # one phrase of the pack, two customers
    expect(phrases).to_contain_text("积分兑换权益争议")
    expect(phrases).to_contain_text("安抚情绪")
    expect(phrases).to_contain_text("{称呼}，您别急，慢慢说。")
    expect(phrases.locator("tbody tr td").last).to_have_text("2")

    banned = page.locator("#table-banned")
    expect(banned).to_contain_text("不归…管")
    expect(banned).to_contain_text("通话中说出（不保留原话）")
    assert "{4}" not in banned.inner_text()

    rows = _download_csv(page, "#export-followups-csv", tmp_path)
    csv_row = next(r for r in rows if "商户态度投诉" in r)
    assert csv_row[1] == "投诉" and csv_row[4] == "今天到期"
    assert csv_row[3].startswith(page_due)  # the same time on the page and in the CSV
    calls = _download_csv(page, "#export-calls-csv", tmp_path)
    t1 = next(r for r in calls if r[1] == "t-1")
    assert t1[7] == "已升级" and t1[2] == start.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S")
    said = _download_csv(page, "#export-banned-csv", tmp_path)
    assert said[0][2:4] == ["小记中写出", "通话中说出"]
    assert ["通话中说出（不保留原话）", "A01", "0", "2", "2"] in said
    assert ["不归…管", "A01", "1", "0", "1"] in said

    # The call's own page: labels, and the due time in the centre's zone.
    with web_hub.connect() as conn:
        call_id = conn.execute("SELECT id FROM calls WHERE call_uid = 't-1'").fetchone()[0]
    page.goto(f"/calls/{call_id}")
    expect(page.locator(".disposition")).to_have_text("已升级")
    expect(page.locator(".due")).to_have_text(page_due)

    # A range with calls but no banned phrase does not say there were no calls.
    quiet_day = (local_now.date() - timedelta(days=3))
    web_hub.upload_calls("A", "A02", [call_record("t-quiet", datetime.combine(quiet_day, time(10), ZONE))])
    page.goto(f"/reports?first={quiet_day.isoformat()}&last={quiet_day.isoformat()}")
    expect(page.locator("#total-calls")).to_have_text("1")
    expect(page.locator("figure", has_text="服务禁语").first).to_contain_text("这段时间没有服务禁语")
    assert "这段时间没有通话" not in page.locator("figure", has_text="服务禁语").first.inner_text()

    page.goto("/audit")
    expect(page.locator("table")).to_contain_text("导出报表")
    expect(page.locator("table")).not_to_contain_text("report.export")
