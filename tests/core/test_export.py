"""CSV export: Excel-friendly, injection-safe, atomic."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

import pytest

from desktop.core.records import export
from desktop.core.records.export import export_csv, neutralise
from desktop.core.records.storage import CallStore
from tests.helpers import make_call


@pytest.fixture
def store(tmp_path):
    s = CallStore(tmp_path / "seatside.db")
    yield s
    s.close()


def test_csv_has_bom_crlf_and_chinese(store, tmp_path):
    start = datetime(2026, 11, 25, 9, 0).astimezone()
    make_call(store, start, notes="客户王先生，卡号已核实")
    out = tmp_path / "shift.csv"
    assert export_csv(store.calls_between(start, start + timedelta(days=1)), out) == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["通话编号", "开始时间", "结束时间"]
    row = dict(zip(rows[0], rows[1]))
    assert row["场景"] == "ATM吞卡与挂失"
    assert row["处置结果"] == "已解决"
    assert row["时长(秒)"] == "240"
    assert row["备注"] == "客户王先生，卡号已核实"
    assert row["已完成步骤"] == "安抚情绪 09:00:20"
    assert row["使用话术"] == "您先别着急"


def test_english_headers(store, tmp_path):
    start = datetime(2026, 11, 25, 9, 0).astimezone()
    make_call(store, start)
    out = tmp_path / "en.csv"
    export_csv(store.calls_between(start, start + timedelta(days=1)), out, lang="en")
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Call ID,Started,Ended")
    assert "Resolved" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("value", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value


def test_failed_export_leaves_no_file(store, tmp_path, monkeypatch):
    start = datetime(2026, 11, 25, 9, 0).astimezone()
    make_call(store, start)
    out = tmp_path / "shift.csv"

    def broken_row(call, lang="zh", dispositions=()):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export, "call_row", broken_row)
    with pytest.raises(RuntimeError):
        export_csv(store.calls_between(start, start + timedelta(days=1)), out)
    assert list(tmp_path.glob("*.csv*")) == [] and not out.exists()


def test_failed_export_keeps_the_previous_file(store, tmp_path, monkeypatch):
    out = tmp_path / "shift.csv"
    out.write_text("old", encoding="utf-8")
    monkeypatch.setattr(export, "call_row", lambda call, lang="zh", dispositions=(): 1 / 0)
    start = datetime(2026, 11, 25, 9, 0).astimezone()
    make_call(store, start)
    with pytest.raises(ZeroDivisionError):
        export_csv(store.calls_between(start, start + timedelta(days=1)), out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".shift")] == []


def test_export_has_normal_file_permissions(store, tmp_path):
    import os

    out = tmp_path / "perm.csv"
    export_csv([], out)
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_csv_has_wrapup_customer_followups_and_continuity(store, tmp_path):
    start = datetime(2026, 11, 25, 9, 0).astimezone()
    call_id = store.start_call(start)
    store.set_scenario(call_id, "card-retained-atm", "ATM吞卡与挂失")
    store.set_customer_ref(call_id, "+86 *** **** 5678")
    store.add_followup(call_id, "callback", "回电告知\n取卡网点", start + timedelta(days=1), start)
    done = store.add_followup(call_id, "complaint", "投诉待答复", None, start)
    store.set_followup_done(done, start + timedelta(hours=2))
    store.add_followup(call_id, "continuity", "取卡时解挂", None, start)
    store.end_call(call_id, start + timedelta(minutes=5), "follow-up", "备注", wrapup_s=42.4, end_reason="客户主动挂断")
    out = tmp_path / "shift.csv"
    export_csv(store.calls_between(start, start + timedelta(days=1)), out)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    row = dict(zip(rows[0], rows[1]))
    assert row["整理时长(秒)"] == "42"
    assert row["客户标识"] == "'+86 *** **** 5678"  # neutralised: it starts with +
    assert row["结束说明"] == "客户主动挂断"
    assert row["跟进事项"] == "回电：回电告知 取卡网点（到期 2026-11-26 09:00，未完成）; 投诉：投诉待答复（已完成）"
    assert row["衔接提醒"] == "取卡时解挂"
    assert len(rows) == 2


def test_csv_columns_match_xlsx_columns():
    assert [names[0] for names in export.CSV_COLUMNS.values()] == [c.zh for c in export.COLUMNS]
    assert len(export.call_row(_blank_call())) == len(export.call_values(_blank_call())) == len(export.COLUMNS)


def _blank_call():
    from desktop.core.records.storage import CallRecord

    return CallRecord(1, "2026-11-25T09:00:00+08:00", None, None, "", "", "", "", "active")
