"""Shift summary, XLSX and Markdown exports, demo data (reports, export, demo)."""

from __future__ import annotations

from datetime import datetime, timedelta

import openpyxl
import pytest

from desktop.core.base.paths import builtin_packs_dir
from desktop.core.calls.demo import seed_demo
from desktop.core.packs.loader import load_packs
from desktop.core.privacy.masking import find_pii
from desktop.core.records import export
from desktop.core.records.export import ExportError, export_file, export_markdown, export_xlsx
from desktop.core.records.reports import TOP_PHRASES, format_seconds, summarise
from desktop.core.records.storage import CallRecord, CallStore, FollowUp, TickedStep, UsedPhrase

T0 = datetime(2026, 11, 25, 9, 0).astimezone()
NOW = datetime(2026, 11, 25, 18, 0).astimezone()


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat(timespec="seconds")


def record(
    call_id: int,
    *,
    minutes: float = 0,
    scenario: tuple[str, str] = ("card-retained-atm", "ATM吞卡与挂失"),
    disposition: str = "resolved",
    duration: float | None = 240,
    wrapup: float | None = 30,
    customer: str = "",
    phrases: list[tuple[str, str]] = (),
    followups: list[tuple[str, str, str | None, str | None]] = (),
    notes: str = "客户来电",
    status: str = "ended",
    end_reason: str = "",
) -> CallRecord:
    started = at(minutes)
    ended = None if status == "active" else at(minutes + (duration or 0) / 60)
    return CallRecord(
        id=call_id,
        started_at=started,
        ended_at=ended,
        duration_s=None if status == "active" else duration,
        scenario_id=scenario[0],
        scenario_name=scenario[1],
        notes=notes,
        disposition="" if status == "active" else disposition,
        status=status,
        customer_ref=customer,
        wrapup_s=None if status == "active" else wrapup,
        end_reason=end_reason,
        steps=[TickedStep(scenario[0], "soothe", "安抚情绪", False, at(minutes + 0.5))],
        phrases=[UsedPhrase(scenario[0], "s", pid, text, at(minutes + 1), "click") for pid, text in phrases],
        followups=[
            FollowUp(call_id * 10 + n, call_id, kind, text, due, done, started)
            for n, (kind, text, due, done) in enumerate(followups)
        ],
    )


@pytest.fixture
def shift() -> list[CallRecord]:
    complaint = ("generic-complaint", "通用投诉处理")
    return [
        record(1, minutes=0, customer="*******5678", phrases=[("calm", "您先别慌"), ("where", "在哪台机器？")],
               followups=[("continuity", "取卡时解挂", None, None)]),
        record(2, minutes=20, customer="*******5678", duration=300, wrapup=60, phrases=[("calm", "王先生，您先别慌")],
               disposition="follow-up", followups=[("callback", "回电告知取卡网点", at(60 * 24), None)]),
        record(3, minutes=70, scenario=complaint, duration=600, wrapup=None, disposition="complaint",
               followups=[("complaint", "投诉：15天内答复", at(60 * 24 * 15), None),
                          ("callback", "已回电", at(30), at(25))], end_reason="客户主动挂断"),
        record(4, minutes=130, scenario=complaint, duration=420, wrapup=90, disposition="escalated",
               followups=[("callback", "组长回电 | 说明处理意见", at(120), None)]),
        record(5, minutes=200, status="active"),
    ]


# -- summary ---------------------------------------------------------------------
def test_summary_counts_and_averages(shift):
    summary = summarise(shift, now=NOW)
    assert (summary.calls, summary.ended, summary.active) == (5, 4, 1)
    assert [(s.scenario_id, s.calls) for s in summary.by_scenario] == [("card-retained-atm", 3), ("generic-complaint", 2)]
    assert [(d.code, d.calls) for d in summary.by_disposition] == [
        ("resolved", 1), ("follow-up", 1), ("escalated", 1), ("complaint", 1), ("", 1)
    ]
    assert summary.avg_talk_s == pytest.approx((240 + 300 + 600 + 420) / 4)
    assert summary.avg_wrapup_s == pytest.approx((30 + 60 + 90) / 3)
    assert summary.avg_handle_s == pytest.approx((270 + 360 + 600 + 510) / 4)
    assert summary.by_scenario[1].avg_talk_s == pytest.approx(510)
    assert summary.first_started == at(0) and summary.last_started == at(200)
    assert summary.busiest_hour() == (9, 2)
    assert summary.repeat_customers == [("*******5678", 2)]


def test_summary_phrases_and_followups(shift):
    summary = summarise(shift, now=NOW)
    assert [(p.phrase_id, p.uses, p.text) for p in summary.top_phrases] == [("calm", 2, "您先别慌"), ("where", 1, "在哪台机器？")]
    assert summary.phrases_used == 3
    # open ones only, soonest due first, undated last
    assert [f.text for f in summary.open_followups] == [
        "组长回电 | 说明处理意见", "回电告知取卡网点", "投诉：15天内答复", "取卡时解挂"
    ]
    assert summary.overdue_followups == 1  # due at 11:00, now 18:00
    assert set(summary.briefs) == {1, 2, 3, 4}


def test_top_phrases_are_limited_to_ten():
    calls = [record(n, minutes=n, phrases=[(f"p{k}", f"话术{k}") for k in range(n % 15)]) for n in range(1, 40)]
    top = summarise(calls, now=NOW).top_phrases
    assert len(top) == TOP_PHRASES
    assert [p.uses for p in top] == sorted((p.uses for p in top), reverse=True)
    assert top[0].phrase_id == "p0"


def test_empty_summary():
    summary = summarise([], now=NOW)
    assert summary.calls == 0 and summary.avg_talk_s is None and summary.busiest_hour() is None


def test_format_seconds():
    assert format_seconds(252) == "4分12秒"
    assert format_seconds(3725, "en") == "1 h 2 min 5 s"
    assert format_seconds(None) == "—"


# -- XLSX ------------------------------------------------------------------------
def test_xlsx_calls_sheet_has_typed_cells(shift, tmp_path):
    out = tmp_path / "shift.xlsx"
    assert export_xlsx(shift, out, now=NOW) == 5
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["通话记录", "汇总"]
    sheet = book["通话记录"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["通话编号", "开始时间", "结束时间", "时长(秒)", "整理时长(秒)"]
    for name in ("客户标识", "结束说明", "跟进事项", "衔接提醒", "备注"):
        assert name in header
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}6"
    assert sheet.max_row == 6
    row = {name: cell for name, cell in zip(header, sheet[3])}
    assert row["通话编号"].value == 2 and row["通话编号"].data_type == "n"
    assert row["开始时间"].value == datetime(2026, 11, 25, 9, 20)
    assert row["开始时间"].is_date and "yy" in row["开始时间"].number_format
    assert row["时长(秒)"].value == 300 and row["整理时长(秒)"].value == 60
    assert row["客户标识"].value == "*******5678"
    assert row["处置结果"].value == "需跟进"
    assert row["跟进事项"].value == "回电：回电告知取卡网点（到期 2026-11-26 09:00，未完成）"
    first = {name: cell.value for name, cell in zip(header, sheet[2])}
    assert first["衔接提醒"] == "取卡时解挂" and first["跟进事项"] is None
    third = {name: cell.value for name, cell in zip(header, sheet[4])}
    assert third["整理时长(秒)"] is None and third["结束说明"] == "客户主动挂断"
    active = {name: cell.value for name, cell in zip(header, sheet[6])}
    assert active["结束时间"] is None and active["时长(秒)"] is None
    widths = [sheet.column_dimensions[sheet.cell(1, n).column_letter].width for n in range(1, len(header) + 1)]
    assert all(w and w >= 8 for w in widths) and max(widths) >= 50


def test_xlsx_summary_sheet(shift, tmp_path):
    out = tmp_path / "shift.xlsx"
    export_xlsx(shift, out, title="11月25日早班", now=NOW)
    sheet = openpyxl.load_workbook(out)["汇总"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "11月25日早班"
    by_label: dict = {}
    for row in rows:
        if row[0]:
            by_label.setdefault(row[0], row[1])  # the first row with that label
    assert by_label["通话数"] == 5 and isinstance(by_label["通话数"], int)
    assert by_label["平均通话时长(秒)"] == pytest.approx(390)
    assert by_label["平均整理时长(秒)"] == pytest.approx(60)
    assert by_label["未完成跟进"] == 4 and by_label["其中已逾期"] == 1
    assert by_label["ATM吞卡与挂失"] == 3 and by_label["通用投诉处理"] == 2
    assert by_label["已登记投诉"] == 1
    labels = [row[0] for row in rows]
    for heading in ("按场景", "按处置结果", "常用话术（前 10）", "未完成跟进事项"):
        assert heading in labels
    phrase_rows = [row for row in rows if row[2] == "calm"]
    assert phrase_rows == [("ATM吞卡与挂失", 2, "calm", "您先别慌", None, None)]
    overdue = [row for row in rows if row[5] == "已逾期"]
    assert [row[0] for row in overdue] == ["组长回电 | 说明处理意见"]


def test_xlsx_english(shift, tmp_path):
    out = tmp_path / "en.xlsx"
    export_xlsx(shift, out, lang="en", now=NOW)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Calls", "Summary"]
    assert book["Calls"]["A1"].value == "Call ID"
    assert book["Calls"]["I3"].value == "Follow-up needed"


@pytest.mark.parametrize("value", ["=1+1", "+86 *** **** 5678", "-2", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")"])
def test_xlsx_never_writes_formulas(tmp_path, value):
    call = record(1, notes=value, customer=value, end_reason=value, phrases=[("p", value)])
    out = tmp_path / "f.xlsx"
    export_xlsx([call], out, now=NOW)
    book = openpyxl.load_workbook(out)
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    sheet = book["通话记录"]
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2]))
    assert cells["备注"].value == value and cells["备注"].data_type == "s"
    assert cells["客户标识"].value == value


# -- Markdown ----------------------------------------------------------------------
def test_markdown_report(shift, tmp_path):
    out = tmp_path / "shift.md"
    assert export_markdown(shift, out, now=NOW) == 5
    text = out.read_text(encoding="utf-8")
    assert not text.startswith("\ufeff")
    assert text.startswith("# 班次小结：2026-11-25 09:00 – 12:20\n")
    assert "- 通话 **5** 通（已结束 4，进行中 1）" in text
    assert "平均通话时长 6分30秒；平均整理时长 1分0秒" in text
    assert "- 已登记投诉 1 通，已升级 1 通，需跟进 1 通" in text
    assert "| ATM吞卡与挂失 | 3 | 60% | 4分30秒 |" in text
    assert "| 已登记投诉 | 1 | 20% |" in text
    assert "| 1 | 您先别慌 | ATM吞卡与挂失 | 2 |" in text
    assert "组长回电 \\| 说明处理意见" in text  # a pipe cannot break the table
    assert "**2026-11-25 11:00 已逾期**" in text
    assert "`*******5678`" in text
    assert "## 重复来电" in text
    for line in text.splitlines():
        if line.startswith("| "):
            assert line.endswith(" |")


def test_markdown_lists_the_open_followups_it_is_given(shift, tmp_path):
    older = FollowUp(99, 42, "complaint", "上周的投诉待答复", "2026-11-20T10:00:00+08:00", None, "2026-11-05T10:00:00+08:00")
    out = tmp_path / "shift.md"
    export_markdown(shift, out, open_followups=[older], now=NOW, lang="en", title="Early shift")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Early shift: 2026-11-25 09:00 – 12:20")
    assert "## Open follow-ups" in text
    assert "上周的投诉待答复" in text and "#42" in text
    assert "回电告知取卡网点" not in text
    assert "Open follow-ups 1, of which overdue 1" in text


def test_configured_dispositions_name_the_codes(tmp_path, shift):
    from desktop.core.records.dispositions import Disposition

    items = (Disposition("complaint", "客诉", "Customer complaint"), Disposition("resolved", "办结", "Done"))
    out = tmp_path / "shift.md"
    export_markdown(shift, out, now=NOW, dispositions=items)
    text = out.read_text(encoding="utf-8")
    assert "- 客诉 1 通\n" in text
    assert text.index("| 客诉 | 1 | 20% |") < text.index("| 办结 | 1 | 20% |")
    assert "| follow-up | 1 | 20% |" in text  # a code the list does not know is shown as is
    export_file(shift, tmp_path / "shift.xlsx", "xlsx", dispositions=items)
    sheet = openpyxl.load_workbook(tmp_path / "shift.xlsx")["通话记录"]
    assert [sheet.cell(row, 9).value for row in range(2, 5)] == ["办结", "follow-up", "客诉"]
    export_file(shift, tmp_path / "shift.csv", "csv", dispositions=items)
    assert "办结" in (tmp_path / "shift.csv").read_text(encoding="utf-8-sig")


# -- export_file --------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md"])
def test_export_file_formats_and_progress(tmp_path, fmt):
    calls = [record(n, minutes=n % 600) for n in range(1, 1235)]
    seen: list[tuple[int, int]] = []
    out = tmp_path / f"big.{fmt}"
    assert export_file(calls, out, fmt, progress=lambda done, total: seen.append((done, total))) == 1234
    assert seen == [(0, 1234), (500, 1234), (1000, 1234), (1234, 1234)]
    assert out.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_export_file_unknown_format_writes_nothing(tmp_path, shift):
    with pytest.raises(ExportError, match="unknown export format 'pdf'"):
        export_file(shift, tmp_path / "x.pdf", "pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md"])
def test_export_file_unwritable_path(tmp_path, shift, fmt):
    with pytest.raises(ExportError, match="nothing was written"):
        export_file(shift, tmp_path / "no" / "such" / f"x.{fmt}", fmt)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(ExportError):
        export_file(shift, folder, fmt)
    assert [p.name for p in tmp_path.iterdir()] == ["a-folder"] and list(folder.iterdir()) == []


def test_failure_while_writing_xlsx_leaves_nothing(tmp_path, monkeypatch):
    calls = [record(n, minutes=n) for n in range(1, 50)]
    real = export.call_values

    def breaks_at_30(call, lang="zh", dispositions=export.DISPOSITIONS):
        if call.id == 30:
            raise RuntimeError("disk on fire")
        return real(call, lang, dispositions)

    monkeypatch.setattr(export, "call_values", breaks_at_30)
    out = tmp_path / "shift.xlsx"
    with pytest.raises(RuntimeError):
        export_file(calls, out, "xlsx")
    assert list(tmp_path.iterdir()) == []
    out.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        export_file(calls, out, "xlsx")
    assert out.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["shift.xlsx"]


def test_failure_while_closing_xlsx_leaves_nothing(tmp_path, monkeypatch, shift):
    import xlsxwriter

    def broken_close(self):
        raise xlsxwriter.exceptions.FileCreateError("no space left")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(ExportError, match="no space left"):
        export_file(shift, tmp_path / "shift.xlsx", "xlsx")
    assert list(tmp_path.iterdir()) == []


def test_failure_while_writing_markdown_leaves_nothing(tmp_path, monkeypatch, shift):
    monkeypatch.setattr(export, "markdown_report", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        export_file(shift, tmp_path / "shift.md", "md")
    assert list(tmp_path.iterdir()) == []


# -- demo data -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def library():
    return load_packs([builtin_packs_dir()]).library


def _dump(store: CallStore) -> list[tuple]:
    tables = ["calls", "call_steps", "call_phrases", "followups", "phrase_uses"]
    return [tuple(store.conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()) for t in tables]


def test_demo_data_counts_and_shape(tmp_path, library):
    store = CallStore(tmp_path / "demo.db")
    now = datetime(2026, 11, 25, 15, 30).astimezone()
    assert seed_demo(store, library, 600, days=3, seed=7, now=now) == 600
    assert store.count_calls() == 600
    calls = store.calls_between(now - timedelta(days=4), now)
    assert len(calls) == 600
    assert all(c.status == "ended" and c.ended_at and c.disposition for c in calls)
    days = {c.started_at[:10] for c in calls}
    assert days == {"2026-11-23", "2026-11-24", "2026-11-25"}
    assert all("08:30" <= c.started_at[11:16] <= "20:30" for c in calls)
    assert all(datetime.fromisoformat(c.ended_at) < now for c in calls)
    assert {c.scenario_id for c in calls} <= {s.id for s in library.scenarios}
    assert len({c.scenario_id for c in calls}) >= 8
    assert 120 <= sum(c.duration_s for c in calls) / len(calls) <= 900
    assert sum(c.wrapup_s is not None for c in calls) > 500
    assert 20 <= sum(bool(c.end_reason) for c in calls) <= 150
    # steps are the scenario's own, mandatory ones mostly ticked
    mandatory = ticked = 0
    for call in calls:
        scenario = library.get(call.scenario_id)
        ids = {s.step_id for s in call.steps}
        assert ids <= {s.id for s in scenario.steps}
        missing = [s for s in scenario.steps if s.mandatory and s.id not in ids]
        assert bool(call.end_reason) == bool(missing)  # a skipped mandatory step is explained
        for step in scenario.steps:
            if step.mandatory:
                mandatory += 1
                ticked += step.id in ids
        for phrase in call.phrases:
            assert phrase.phrase_id in {p.id for s in scenario.steps for p in s.phrases}
    assert ticked / mandatory > 0.85
    # repeat callers, follow-ups, continuity reminders
    refs = [c.customer_ref for c in calls if c.customer_ref]
    assert len(refs) > 400 and len(set(refs)) < len(refs)
    followups = [f for c in calls for f in c.followups]
    kinds = {f.kind for f in followups}
    assert kinds == {"callback", "complaint", "continuity"}
    for call in calls:
        for f in call.followups:
            if f.kind == "complaint":
                created = datetime.fromisoformat(f.created_at)
                assert datetime.fromisoformat(f.due_at) - created == timedelta(days=15)
            if f.kind == "continuity":
                assert f.text in library.get(call.scenario_id).continuity
    assert any(f.done for f in followups) and any(not f.done for f in followups)
    assert store.conn.execute("SELECT count(*) FROM phrase_uses").fetchone()[0] == sum(len(c.phrases) for c in calls)
    store.close()


def test_demo_data_is_deterministic(tmp_path, library):
    now = datetime(2026, 11, 25, 15, 30).astimezone()
    dumps = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        store = CallStore(tmp_path / f"{name}.db")
        seed_demo(store, library, 150, days=2, seed=seed, now=now)
        dumps.append(_dump(store))
        store.close()
    assert dumps[0] == dumps[1]
    assert dumps[0] != dumps[2]


def test_demo_data_keeps_no_unmasked_numbers(tmp_path, library):
    store = CallStore(tmp_path / "demo.db")
    seed_demo(store, library, 800, days=2, seed=11, now=datetime(2026, 11, 25, 19, 0).astimezone())
    notes = [row[0] for row in store.conn.execute("SELECT notes FROM calls")]
    assert sum("*" in n for n in notes) > 200  # numbers were there, masked
    for text in notes:
        assert find_pii(text) == [], text
    for (text,) in store.conn.execute(
        "SELECT customer_ref FROM calls UNION ALL SELECT text FROM followups UNION ALL SELECT text FROM call_phrases"
    ):
        assert find_pii(text) == [], text
    store.close()


def test_demo_before_the_working_day_uses_earlier_days(tmp_path, library):
    store = CallStore(tmp_path / "demo.db")
    now = datetime(2026, 11, 25, 7, 0).astimezone()
    seed_demo(store, library, 50, days=1, now=now)
    days = {row[0][:10] for row in store.conn.execute("SELECT started_at FROM calls")}
    assert days == {"2026-11-24"}
    store.close()


def test_banned_phrases_typed_and_said_as_the_hub_counts_them(tmp_path):
    """One definition: typed = the notes' banned phrases as the call record sends them, said =
    the live transcript's count; the shift report shows them apart."""
    from dataclasses import replace

    from desktop.core.hubclient.sync import call_payload
    from desktop.core.packs.banned import typed_banned

    calls = [
        replace(record(1, notes="我说了不归我管，你听我说"), banned_spoken=2),
        record(2, minutes=10, notes="客户说「不归你管」"),  # the customer's words do not count
        replace(record(3, minutes=20), banned_spoken=1),
    ]
    summary = summarise(calls, now=NOW)
    assert (summary.banned_typed, summary.banned_spoken) == (2, 3)
    payload = call_payload(calls[0], "s1:1", 1)
    assert payload["banned_spoken"] == 2
    assert sorted((b["phrase"], b["count"]) for b in payload["banned"]) == [("不归…管", 1), ("你…听我说", 1)]
    assert sum(typed_banned(calls[0].notes).values()) == summary.banned_typed
    out = tmp_path / "shift.md"
    export_markdown(calls, out, now=NOW)
    assert "- 服务禁语：小记中写出 2 次，通话中说出 3 次" in out.read_text(encoding="utf-8")
