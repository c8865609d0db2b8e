"""Reports from calls uploaded by real seats' HTTP requests: figures, exports, follow-ups."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import openpyxl

from tests.hub.web.conftest import WebHub, call_record, now_utc, signed_in


def _day(hub: WebHub) -> str:
    return now_utc().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


def test_report_figures_and_streamed_exports(web_hub: WebHub) -> None:
    start = now_utc() - timedelta(minutes=20)
    web_hub.upload_calls("A", "A03", [
        call_record("rep-1", start, notes="=HYPERLINK(\"http://x\")", banned=[{"phrase": "你听我说", "count": 2}]),
        call_record("rep-2", start + timedelta(minutes=1), duration_s=120.0, scenario_name="积分兑换",
                    scenario_id="points", skipped=[]),
        call_record("rep-3", start + timedelta(minutes=2), followups=[
            {"kind": "complaint", "text": "投诉待回复", "created_at": (start - timedelta(days=16)).isoformat()},
            {"kind": "callback", "text": "回电确认到账", "due_at": (start + timedelta(days=2)).isoformat()},
            {"kind": "callback", "text": "已经回过电话", "due_at": (start - timedelta(days=1)).isoformat(),
             "done_at": start.isoformat()},
        ]),
    ])
    day = _day(web_hub)
    with signed_in(web_hub) as client:
        page = client.get("/reports", params={"first": day, "last": day}).text
        assert "<script>" not in page and "<svg" in page
        assert "挂失补卡" in page and "积分兑换" in page and "你听我说" in page and "客户挂断了" in page
        assert "投诉待回复" in page and "已超期" in page  # 16 days old: past the 15-day deadline
        assert "已经回过电话" not in page  # done follow-ups are not listed

        csv_response = client.get("/reports/calls.csv", params={"first": day, "last": day})
        assert csv_response.headers["content-type"].startswith("text/csv")
        assert "attachment" in csv_response.headers["content-disposition"]
        raw = csv_response.content
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0][:3] == ["坐席", "通话", "开始时间"]
        mine = {r[1]: r for r in rows[1:] if r[0] == "A03"}
        assert set(mine) == {"rep-1", "rep-2", "rep-3"}
        assert mine["rep-1"][15].startswith("'=")  # a formula is neutralised
        assert mine["rep-2"][4] == "120.0"

        xlsx = client.get("/reports/seats.xlsx", params={"first": day, "last": day})
        assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
        values = list(book.active.iter_rows(values_only=True))
        book.close()
        assert values[0][0] == "坐席"
        a03 = next(v for v in values[1:] if v[0] == "A03")
        assert a03[1] == 3 and a03[5] == 2  # three calls, two banned-phrase hits

        seat_id = web_hub.teams["A"].seats["A03"][0]
        one_seat = client.get("/reports/calls.csv", params={"first": day, "last": day, "seat": seat_id})
        seats_in = {row[0] for row in csv.reader(io.StringIO(one_seat.content.decode("utf-8-sig")))}
        assert seats_in == {"坐席", "A03"}

        banned_csv = client.get("/reports/banned.csv", params={"first": day, "last": day}).content.decode("utf-8-sig")
        assert "你听我说,A03,2,0,2" in banned_csv  # typed, said, all
    with web_hub.connect() as conn:
        exports = conn.execute("SELECT detail->>'table', detail->>'format' FROM audit_log"
                               " WHERE action = 'report.export' ORDER BY id").fetchall()
    assert ("calls", "csv") in exports and ("seats", "xlsx") in exports


def test_bad_ranges_are_refused_in_a_sentence(web_hub: WebHub) -> None:
    with signed_in(web_hub) as client:
        for params in [{"first": "2026-13-01"}, {"first": "2026-02-02", "last": "2026-02-01"},
                       {"first": "2020-01-01", "last": "2026-01-01"}, {"trend": "year"}]:
            response = client.get("/reports", params=params)
            assert response.status_code == 400 and "Traceback" not in response.text
        assert client.get("/reports/nothing.csv").status_code == 404
        assert client.get("/reports/calls.pdf").status_code == 404
        assert client.get("/reports/trend_seats.csv", params={"trend": "day"}).status_code == 400
        assert client.get("/reports/trend_seats.csv", params={"seat": 1}).status_code == 404
