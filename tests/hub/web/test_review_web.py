"""Every call scored and the review queue, from calls uploaded by seats over real HTTP to a
real hub on PostgreSQL: the score and its reasons, a new revision rescored, the lead's
mark stored, audited and counted, hostile marks refused in words."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import psycopg

from desktop.core.hubclient.hub_records import CallIn
from hub.scoring import score_call
from hub.team_settings import TeamSettings
from tests.hub.web.conftest import WebHub, call_record, csrf_of, now_utc, signed_in


def _day() -> str:
    return now_utc().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


def _score_of(conn: psycopg.Connection, uid: str) -> tuple[int, int, list[dict[str, object]]]:
    row = conn.execute("SELECT score, revision, reasons FROM call_scores WHERE call_uid = %s", (uid,)).fetchone()
    assert row is not None, f"{uid} was not scored"
    return row[0], row[1], row[2]


def test_score_takes_off_the_team_weights_with_reasons() -> None:
    start = now_utc()
    clean = CallIn.model_validate(call_record("u-clean", start, skipped=[], mandatory_total=1))
    assert score_call(clean, TeamSettings()) == (100, [])
    bad = CallIn.model_validate(call_record(
        "u-bad", start, duration_s=700.0, wrapup_s=200.0, disposition="", banned_spoken=1,
        banned=[{"phrase": "你听我说", "count": 2}],
        skipped=[{"step_id": "remind", "title": "提醒风险", "reason": ""}]))
    score, reasons = score_call(bad, TeamSettings())
    codes = {r["code"]: r for r in reasons}
    # 1 mandatory missed 15, 2 typed 40, 1 spoken 20, no reason 5, no disposition 5, 700 s > 600 s 10, 200 s > 120 s 5
    assert set(codes) == {"mandatory_missed", "banned_typed", "banned_spoken", "no_skip_reason", "no_disposition",
                          "over_target", "long_wrapup"}
    assert codes["banned_typed"]["points"] == 40 and "你听我说×2" in codes["banned_typed"]["detail"]
    assert score == 0
    lenient = TeamSettings.model_validate({"score": {"banned_typed": 1, "banned_spoken": 1, "mandatory_missed": 1}})
    assert score_call(bad, lenient)[0] == 100 - (1 + 2 + 1 + 5 + 5 + 10 + 5)


def test_queue_lists_the_lowest_calls_and_counts_the_marks(web_hub: WebHub) -> None:
    start = now_utc() - timedelta(minutes=30)
    web_hub.upload_calls("A", "A01", [
        call_record("q-good", start, skipped=[], mandatory_total=1),
        call_record("q-poor", start + timedelta(minutes=1), banned=[{"phrase": "你听我说", "count": 1}],
                    notes="客户要求加急补卡"),
        call_record("q-worst", start + timedelta(minutes=2), banned_spoken=2, disposition="",
                    skipped=[{"step_id": "remind", "title": "提醒风险", "reason": ""}]),
    ])
    with web_hub.connect() as conn:
        assert _score_of(conn, "q-good")[0] == 100
        poor, _rev, poor_reasons = _score_of(conn, "q-poor")
        worst = _score_of(conn, "q-worst")[0]
        assert worst < poor < 100 and {r["code"] for r in poor_reasons} == {"mandatory_missed", "banned_typed"}
        banned = conn.execute("SELECT banned_hits, banned FROM calls WHERE call_uid = 'q-worst'").fetchone()
    assert banned is not None and banned[0] == 2 and banned[1] == [{"phrase": "", "count": 2, "source": "spoken"}]

    day = _day()
    seat_id = web_hub.teams["A"].seats["A01"][0]
    with signed_in(web_hub) as client:
        page = client.get("/review", params={"first": day, "last": day})
        assert page.status_code == 200
        order = re.findall(r'id="review-\d+-(q-[a-z]+)"', page.text)
        assert order[:3] == ["q-worst", "q-poor", "q-good"]
        assert "说出服务禁语 2 次" in page.text and "没有选择结束原因" in page.text
        assert "客户要求加急补卡" in page.text  # the call's (masked) notes
        assert "已解决" in page.text and ">resolved<" not in page.text

        csrf = csrf_of(page.text)
        back = f"first={day}&last={day}"
        agree = client.post("/review/mark", data={"csrf_token": csrf, "seat_id": seat_id, "call_uid": "q-poor",
                                                  "mark": "agree", "back": back})
        assert agree.status_code == 303 and agree.headers["location"] == f"/review?{back}"
        override = client.post("/review/mark", data={
            "csrf_token": csrf, "seat_id": seat_id, "call_uid": "q-worst", "mark": "override", "score": "60",
            "reason": "客户先挂断，身份证 110101199003074514 不该记"})
        assert override.status_code == 303

        page = client.get("/review", params={"first": day, "last": day}).text
        assert 'id="marked-calls">2<' in page and 'id="agreed-ratio">50%<' in page
        assert 'id="overridden-calls">1<' in page
        assert "110101199003074514" not in page and "客户先挂断" in page
        reports = client.get("/reports", params={"first": day, "last": day}).text
        assert 'id="review-agreed">50%<' in reports and 'id="review-overridden">1<' in reports
        scores_csv = client.get("/reports/scores.csv", params={"first": day, "last": day}).content.decode("utf-8-sig")
        a01 = next(row for row in csv.reader(io.StringIO(scores_csv)) if row[0] == "A01")
        assert a01[1] == "3" and a01[3:6] == ["2", "1", "1"]  # scored, average, marked, agreed, overridden

        unmarked = client.get("/review", params={"first": day, "last": day, "unmarked": "1"}).text
        assert re.findall(r'id="review-\d+-(q-[a-z]+)"', unmarked) == ["q-good"]
    with web_hub.connect() as conn:
        stored = conn.execute("SELECT mark, score, reason, auto_score FROM call_reviews WHERE call_uid = 'q-worst'").fetchone()
        audited = conn.execute("SELECT detail FROM audit_log WHERE action = 'review.mark' ORDER BY id").fetchall()
    assert stored is not None and stored[0] == "override" and stored[1] == 60 and stored[3] == worst
    assert "110101199003074514" not in stored[2]
    assert [d[0]["call_uid"] for d in audited] == ["q-poor", "q-worst"]


def test_a_new_revision_is_scored_again(web_hub: WebHub) -> None:
    start = now_utc() - timedelta(minutes=40)
    web_hub.upload_calls("A", "A02", [call_record("r-1", start, disposition="")])
    with web_hub.connect() as conn:
        first, revision, _ = _score_of(conn, "r-1")
    assert revision == 1
    web_hub.upload_calls("A", "A02", [call_record("r-1", start, revision=2, skipped=[], mandatory_total=1)])
    # An older revision arriving late does not take the score back.
    web_hub.upload_calls("A", "A02", [call_record("r-1", start, revision=1, disposition="", banned_spoken=3)])
    with web_hub.connect() as conn:
        second, revision, reasons = _score_of(conn, "r-1")
    assert (second, revision, reasons) == (100, 2, []) and first < 100


def test_hostile_marks_are_refused_in_words(web_hub: WebHub) -> None:
    start = now_utc() - timedelta(minutes=50)
    web_hub.upload_calls("B", "B01", [call_record("h-other-team", start)])
    web_hub.upload_calls("A", "A03", [call_record("h-mine", start)])
    other_seat = web_hub.teams["B"].seats["B01"][0]
    mine = web_hub.teams["A"].seats["A03"][0]
    with signed_in(web_hub) as client:
        csrf = csrf_of(client.get("/review").text)
        cases = [
            ({"seat_id": other_seat, "call_uid": "h-other-team", "mark": "agree"}, 404, "找不到"),
            ({"seat_id": mine, "call_uid": "h-mine", "mark": "override", "score": "50", "reason": " "}, 400, "需要写明理由"),
            ({"seat_id": mine, "call_uid": "h-mine", "mark": "override", "score": "101", "reason": "x"}, 400, "0 到 100"),
            ({"seat_id": mine, "call_uid": "h-mine", "mark": "override", "score": "abc", "reason": "x"}, 400, "0 到 100"),
            ({"seat_id": mine, "call_uid": "h-mine", "mark": "maybe"}, 400, "同意"),
            ({"seat_id": mine, "call_uid": "h-mine", "mark": "agree", "reason": "长" * 501}, 400, "500"),
        ]
        for form, status, words in cases:
            response = client.post("/review/mark", data={"csrf_token": csrf, **form})
            assert response.status_code == status, (form, response.text)
            assert words in response.text and "Traceback" not in response.text
        no_csrf = client.post("/review/mark", data={"seat_id": mine, "call_uid": "h-mine", "mark": "agree"})
        assert no_csrf.status_code == 403
    anonymous = httpx.post(web_hub.base + "/review/mark", data={"seat_id": mine, "call_uid": "h-mine", "mark": "agree"})
    assert anonymous.status_code in (401, 403)
    with web_hub.connect() as conn:
        assert conn.execute("SELECT count(*) FROM call_reviews WHERE call_uid LIKE 'h-%'").fetchone() == (0,)
