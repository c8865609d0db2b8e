"""The board to act on, in Chromium: alerts appear live and are acknowledged (audited), each
seat shows which mandatory steps are open and which banned phrases were typed or said,
today's totals and due follow-ups; the team settings page saves with audit. Real hub
(uvicorn) on a real PostgreSQL; heartbeats and calls arrive as seats send them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.hub.web.conftest import WebHub, call_record, csrf_of, now_utc, signed_in
from tests.hub.web.test_browser import browser, sign_in  # noqa: F401

#: The settings form refused answers 400 (the page names what to correct): the one expected console line.
REFUSED_FORM = "the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def page(browser: Browser, web_hub: WebHub) -> Iterator[Page]:  # noqa: F811
    """A tab that fails the test on any script error or failed load but a refused form."""
    context = browser.new_context(base_url=web_hub.base, locale="zh-CN")
    tab = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") and REFUSED_FORM not in message.text:
            problems.append(message.text)

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    yield tab
    context.close()
    assert not problems, problems

ZONE = ZoneInfo("Asia/Shanghai")  # the hub's default centre time zone


def alert_rows(hub: WebHub, seat: str, kind: str) -> list[tuple[int, object]]:
    with hub.connect() as conn:
        return conn.execute("SELECT a.id, a.acked_at FROM board_alerts a JOIN seats s ON s.id = a.seat_id"
                            " WHERE s.name = %s AND a.kind = %s ORDER BY a.id", (seat, kind)).fetchall()


def test_alerts_appear_live_then_are_acknowledged_with_audit(page: Page, web_hub: WebHub) -> None:
    sign_in(page, web_hub)
    alerts = page.locator("#alert-list")
    expect(alerts).to_contain_text("暂无提醒")
    started = now_utc() - timedelta(minutes=11)
    beat = {"state": "in_call", "scenario_name": "信用卡挂失", "elapsed_s": 660, "mandatory_total": 2,
            "call_started_at": started.isoformat(), "open_steps": ["核实身份"],
            "banned": [{"phrase": "不知道", "via": "typed", "at": now_utc().isoformat()},
                       {"phrase": "这不归我管", "via": "spoken", "at": now_utc().isoformat()}]}
    web_hub.heartbeat("A", "A01", **beat)
    # Pushed by the event stream, labelled in words.
    expect(alerts).to_contain_text("写了禁语：“不知道”")
    expect(alerts).to_contain_text("说了禁语：“这不归我管”")
    expect(alerts).to_contain_text("通话超过目标时长的 2.0 倍：已 11:00，目标 5:00")
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    # The same call's next heartbeats raise nothing new.
    web_hub.heartbeat("A", "A01", **beat)
    web_hub.heartbeat("A", "A01", **(beat | {"elapsed_s": 700}))
    typed = alert_rows(web_hub, "A01", "banned")
    assert len(typed) == 2 and len(alert_rows(web_hub, "A01", "over_target")) == 1

    # A call wrapped up with a mandatory step not done (uploaded as the seat's outbox sends it).
    web_hub.upload_calls("A", "A02", [call_record("board-skip-1", now_utc() - timedelta(minutes=5))])
    expect(alerts).to_contain_text("结束通话时必做步骤未完成：提醒风险")
    # A raised hand.
    token = web_hub.teams["A"].seats["A03"][1]
    asked = httpx.post(web_hub.base + "/api/v1/help", json={"scenario": "挂失补卡", "step": "临时冻结"},
                       headers={"authorization": f"Bearer {token}"}, timeout=10)
    assert asked.status_code == 201
    expect(alerts).to_contain_text("举手求助: 挂失补卡 · 临时冻结")

    # Acknowledge the spoken banned phrase: the row says who and when, and the audit page has it.
    spoken = alerts.locator("li.alert-item", has_text="这不归我管")
    spoken.get_by_role("button", name="确认").click()
    expect(page).to_have_url(web_hub.base + "/board#alerts")
    acked = page.locator("#alert-list li.alert-item", has_text="这不归我管")
    expect(acked).to_have_class("alert-item kind-banned acked")
    expect(acked).to_contain_text("lead-a 已于")
    with web_hub.connect() as conn:
        row = conn.execute("SELECT actor, detail->>'kind', detail->>'seat' FROM audit_log"
                           " WHERE action = 'alert.ack' ORDER BY id DESC LIMIT 1").fetchone()
    assert row == ("lead:lead-a", "banned", "A01")
    page.goto("/audit?action=alert.ack")
    expect(page.locator("#audit tbody tr")).to_have_count(1)
    expect(page.locator("#audit")).to_contain_text("lead:lead-a")
    ids = [alert_id for alert_id, acked_at in alert_rows(web_hub, "A01", "banned") if acked_at is not None]
    assert len(ids) == 1


def test_a_silent_seat_raises_one_alert_per_silence(page: Page, web_hub: WebHub) -> None:
    web_hub.heartbeat("A", "A02", state="idle")
    with web_hub.connect() as conn:  # as if the seat had gone quiet five minutes ago
        conn.execute("UPDATE seat_state SET received_at = now() - interval '5 minutes'"
                     " WHERE seat_id = %s", (web_hub.teams["A"].seats["A02"][0],))
    sign_in(page, web_hub)
    item = page.locator("#alert-list li.alert-item.kind-silent", has_text="A02")
    expect(item).to_contain_text("起没有心跳")
    page.reload()
    expect(page.locator("#alert-list li.alert-item.kind-silent", has_text="A02")).to_have_count(1)
    assert len(alert_rows(web_hub, "A02", "silent")) == 1


def test_each_seat_shows_open_steps_banned_phrases_totals_and_due_items(page: Page, web_hub: WebHub) -> None:
    seat_id = web_hub.teams["A"].seats["A03"][0]
    local_now = datetime.now(ZONE)
    # Two calls today and one yesterday (the day counted in the centre's time zone).
    midnight = datetime.combine(local_now.date(), datetime.min.time(), ZONE)
    today_calls = [call_record(f"board-today-{n}", max(midnight + timedelta(minutes=1), local_now - timedelta(minutes=30 + n)),
                               duration_s=200.0 + 100 * n, wrapup_s=20.0 + 20 * n) for n in range(2)]
    yesterday = call_record("board-yesterday", midnight - timedelta(hours=2), duration_s=900.0)
    overdue = call_record("board-complaint", local_now - timedelta(days=16), followups=[
        {"kind": "complaint", "text": "答复客户投诉处理结果", "created_at": (local_now - timedelta(days=16)).isoformat()}])
    later = call_record("board-later", local_now - timedelta(hours=1), followups=[
        {"kind": "callback", "text": "下周回电", "due_at": (local_now + timedelta(days=3)).isoformat()}])
    web_hub.upload_calls("A", "A03", [*today_calls, yesterday, overdue, later])
    sign_in(page, web_hub)
    tile = page.locator(f"#seat-{seat_id}")
    expect(tile.locator('[data-total="calls"]')).to_have_text("3")  # two today, plus "board-later"
    due = page.locator("#due-list")
    expect(due).to_contain_text("答复客户投诉处理结果")
    expect(due).to_contain_text("投诉答复（15 天）")
    expect(due.locator("tr.overdue")).to_have_count(1)
    expect(due).not_to_contain_text("下周回电")

    token = web_hub.teams["A"].seats["A03"][1]
    unmasked = httpx.post(web_hub.base + "/api/v1/heartbeat", headers={"authorization": f"Bearer {token}"},
                          json={"state": "in_call", "open_steps": ["提醒风险 13812345678"]}, timeout=10)
    assert unmasked.status_code == 422 and "open_steps[0]" in unmasked.text  # a full number is never stored
    web_hub.heartbeat("A", "A03", state="in_call", scenario_name="挂失补卡", mandatory_total=2,
                      call_started_at=now_utc().isoformat(), state_since=(now_utc() - timedelta(seconds=90)).isoformat(),
                      open_steps=["核实身份", "提醒风险"],
                      banned=[{"phrase": "你自己看", "via": "spoken", "at": "2026-12-08T01:02:03+00:00"}])
    detail = tile.locator("[data-detail]")
    expect(detail.locator(".open-steps li")).to_have_count(2)
    expect(detail.locator(".open-steps")).to_contain_text("核实身份")
    expect(detail.locator(".banned-spoken")).to_contain_text("你自己看")
    expect(detail.locator(".banned-spoken time")).to_have_text("09:02:03")  # the centre's time zone
    expect(detail.locator(".banned-typed")).to_have_count(0)
    expect(tile.locator('[data-field="in_state"]')).to_contain_text("1:3")
    # The mandatory step done: the list shrinks live.
    web_hub.heartbeat("A", "A03", state="in_call", open_steps=["提醒风险"], banned=[],
                      call_started_at=now_utc().isoformat())
    expect(detail.locator(".open-steps li")).to_have_count(1)
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_team_settings_are_edited_with_errors_in_words_and_audited(page: Page, web_hub: WebHub) -> None:
    sign_in(page, web_hub)
    page.click("nav >> text=班组设置")
    expect(page).to_have_url(web_hub.base + "/settings")
    target = page.locator("#f-target_handle_s")
    expect(target).to_have_value("300")
    target.fill("abc")
    page.fill("#f-alerts-over_target_factor", "99")
    page.click("#save-settings")
    expect(page.locator("#settings-errors")).to_be_visible()
    expect(page.locator('[data-error-for="target_handle_s"]')).to_have_text("请输入整数")
    expect(page.locator('[data-error-for="alerts.over_target_factor"]')).to_have_text("请输入 1.0 到 10.0 之间的数")
    page.fill("#f-target_handle_s", "240")
    page.fill("#f-alerts-over_target_factor", "1.5")
    page.uncheck("#f-alerts-banned_phrase")
    page.click("#save-settings")
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#f-target_handle_s")).to_have_value("240")
    expect(page.locator("#f-alerts-banned_phrase")).not_to_be_checked()
    page.goto("/audit?action=team.settings")
    row = page.locator("#audit tbody tr").first
    expect(row).to_contain_text("lead:lead-a")
    expect(row).to_contain_text("target_handle_s")
    page.goto("/board")
    expect(page.locator(".legend")).to_contain_text("4:00")
    with web_hub.connect() as conn:
        stored = conn.execute("SELECT target_handle_s, settings->'alerts'->>'banned_phrase' FROM teams"
                              " WHERE id = %s", (web_hub.teams["A"].id,)).fetchone()
        assert stored == (240, "false")
        conn.execute("UPDATE teams SET target_handle_s = 300, settings = '{}' WHERE id = %s",
                     (web_hub.teams["A"].id,))


def test_hostile_acknowledgements_and_settings_are_refused_in_words(web_hub: WebHub) -> None:
    token = web_hub.teams["B"].seats["B01"][1]
    httpx.post(web_hub.base + "/api/v1/help", json={"scenario": "别的组"},
               headers={"authorization": f"Bearer {token}"}, timeout=10)
    other = alert_rows(web_hub, "B01", "help")
    assert other, "team B's help request raised no alert"
    with signed_in(web_hub, "A") as lead:
        csrf = csrf_of(lead.get("/board").text)
        forged = lead.post(f"/board/alerts/{other[0][0]}/ack", data={"csrf_token": csrf})
        assert forged.status_code == 404 and "找不到" in forged.text
        assert alert_rows(web_hub, "B01", "help")[0][1] is None  # still open for team B
        for bad in ("0", "-1", "abc", str(2**63), "1e3"):
            response = lead.post(f"/board/alerts/{bad}/ack", data={"csrf_token": csrf})
            assert response.status_code in (400, 404), (bad, response.status_code)
        assert lead.post(f"/board/alerts/{other[0][0]}/ack", data={}).status_code == 403  # no CSRF token

        page = lead.get("/settings")
        csrf = csrf_of(page.text)
        valid = {"target_handle_s": "300", "alerts.over_target_factor": "2", "alerts.silent_seat_s": "120",
                 "score.mandatory_missed": "15", "score.banned_typed": "20", "score.banned_spoken": "20",
                 "score.no_skip_reason": "5", "score.over_target": "10", "score.long_wrapup": "5",
                 "score.long_wrapup_s": "120"}
        with web_hub.connect() as conn:
            before = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'team.settings'").fetchone()
        for name, value in [("alerts.over_target_factor", "nan"), ("alerts.over_target_factor", "inf"),
                            ("score.long_wrapup", "1e999"), ("target_handle_s", "9" * 5000),
                            ("target_handle_s", ""), ("alerts.silent_seat_s", "12.5"), ("score.over_target", "-1")]:
            response = lead.post("/settings", data=valid | {name: value, "csrf_token": csrf})
            assert response.status_code == 400, (name, value, response.status_code)
            assert "没有保存" in response.text and "Traceback" not in response.text
        assert lead.post("/settings", data=valid).status_code == 403  # no CSRF token
        with web_hub.connect() as conn:
            after = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'team.settings'").fetchone()
            assert after == before
            assert conn.execute("SELECT target_handle_s FROM teams WHERE id = %s",
                                (web_hub.teams["A"].id,)).fetchone() == (300,)
