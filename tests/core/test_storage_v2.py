"""Schema v2: follow-ups, personal phrases, favourites, use counts, notes search."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
import sqlite_utils

from desktop.core.records import storage
from desktop.core.records.storage import SCHEMA_VERSION, CallStore
from tests.helpers import make_call

T0 = datetime(2026, 11, 25, 9, 0).astimezone()


@pytest.fixture
def store(tmp_path):
    s = CallStore(tmp_path / "seatside.db")
    yield s
    s.close()


def test_v1_database_is_migrated_with_its_notes_searchable(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    storage._v1(sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO calls (started_at, started_ts, status, notes) VALUES (?, ?, 'ended', ?)",
        (T0.isoformat(), T0.timestamp(), "客户反映ATM吞钞两百元"),
    )
    conn.close()
    store = CallStore(path)
    assert store.user_version == SCHEMA_VERSION
    (call,) = store.search_notes("ATM吞钞")
    assert call.customer_ref == "" and call.followups == []
    store.close()


def test_notes_search_trigram_and_short_queries(store):
    a = make_call(store, T0, notes="客户的卡被他行ATM吞了，需联系他行")
    b = make_call(store, T0 + timedelta(hours=1), notes="积分兑换洗车券有争议")
    assert [c.id for c in store.search_notes("他行ATM")] == [a]
    assert [c.id for c in store.search_notes("积分")] == [b]  # two characters: LIKE
    assert [c.id for c in store.search_notes("卡")] == [a]
    assert store.search_notes("不存在的内容") == []
    assert store.search_notes('"; DROP TABLE calls; --') == []
    assert store.search_notes("100%") == []
    store.save_notes(b, "改成了别的内容", T0)
    assert store.search_notes("洗车券") == []
    assert [c.id for c in store.search_notes("别的内容")] == [b]
    # a call in progress is searchable once it ends
    active = store.start_call(T0 + timedelta(hours=2))
    store.save_notes(active, "正在通话的备注内容", T0)
    store.save_notes(active, "正在通话的备注内容，补充", T0)
    assert store.search_notes("备注内容") == []
    store.end_call(active, T0 + timedelta(hours=3), "resolved", "正在通话的备注内容，补充完毕")
    assert [c.id for c in store.search_notes("备注内容")] == [active]
    store.conn.execute("DELETE FROM call_steps WHERE call_id = ?", (a,))
    store.conn.execute("DELETE FROM call_phrases WHERE call_id = ?", (a,))
    store.conn.execute("DELETE FROM calls WHERE id = ?", (a,))
    store.conn.execute("INSERT INTO calls_fts(calls_fts, rank) VALUES ('integrity-check', 1)")


def test_caller_history_by_reference(store):
    first = make_call(store, T0)
    second = make_call(store, T0 + timedelta(days=3))
    other = make_call(store, T0 + timedelta(days=4))
    store.set_customer_ref(first, "尾号1234")
    store.set_customer_ref(second, "尾号1234")
    store.set_customer_ref(other, "尾号9999")
    assert [c.id for c in store.calls_by_customer("尾号1234")] == [second, first]
    assert [c.id for c in store.calls_by_customer("尾号1234", exclude_call=second)] == [first]
    assert store.calls_by_customer("  ") == []


def test_followups_open_done_and_on_the_record(store):
    call = make_call(store, T0)
    later = store.add_followup(call, "callback", "回电确认到账", T0 + timedelta(days=2), T0)
    sooner = store.add_followup(call, "complaint", "投诉处理时限", T0 + timedelta(days=1), T0)
    undated = store.add_followup(call, "continuity", "取卡时解挂", None, T0)
    assert [f.id for f in store.open_followups()] == [sooner, later, undated]
    store.set_followup_done(sooner, T0 + timedelta(hours=5))
    assert [f.id for f in store.open_followups()] == [later, undated]
    record = store.get_call(call)
    assert [(f.kind, f.done) for f in record.followups] == [("callback", False), ("complaint", True), ("continuity", False)]


def test_end_call_stores_wrapup_and_reason(store):
    call = store.start_call(T0)
    store.end_call(call, T0 + timedelta(minutes=2), "other", "", wrapup_s=31.26, end_reason="客户挂断")
    record = store.get_call(call)
    assert record.wrapup_s == 31.3 and record.end_reason == "客户挂断"


def test_personal_phrases_favourites_and_usage(store):
    pid = store.add_personal_phrase("card-retained-atm", "soothe", "您别急，我马上帮您处理", T0)
    general = store.add_personal_phrase("", "", "稍等，我查一下", T0)
    store.update_personal_phrase(pid, "card-retained-atm", "soothe", "您别着急，我马上处理", T0)
    store.set_favourite(f"personal/{general}", True, T0)
    store.set_favourite("card-retained-atm/soothe-calm", True, T0)
    store.set_favourite("card-retained-atm/soothe-calm", True, T0)
    phrases = store.personal_phrases()
    assert [(p.id, p.text, p.favourite) for p in phrases] == [
        (pid, "您别着急，我马上处理", False),
        (general, "稍等，我查一下", True),
    ]
    assert store.favourites() == {f"personal/{general}", "card-retained-atm/soothe-calm"}
    store.delete_personal_phrase(general)
    assert [p.id for p in store.personal_phrases()] == [pid]
    assert store.favourites() == {"card-retained-atm/soothe-calm"}
    store.record_use("a/b", T0)
    store.record_use("a/b", T0 + timedelta(days=1))
    assert store.phrase_usage() == {"a/b": [T0.timestamp(), (T0 + timedelta(days=1)).timestamp()]}
    assert store.phrase_usage(since=T0 + timedelta(hours=1)) == {"a/b": [(T0 + timedelta(days=1)).timestamp()]}


def test_callers_with_the_same_masked_tail_are_told_apart(store):
    store.history_key = b"k" * 32  # as the OS secret store would hand it over
    first = make_call(store, T0)
    second = make_call(store, T0 + timedelta(hours=1))
    same_person = make_call(store, T0 + timedelta(days=1))
    key_a, key_b = store.customer_key("13812345678"), store.customer_key("13912345678")
    assert key_a != key_b and key_a == store.customer_key("13812345678") and store.customer_key(" ") == ""
    store.set_customer_ref(first, "*******5678", key_a)
    store.set_customer_ref(second, "*******5678", key_b)
    store.set_customer_ref(same_person, "*******5678", key_a)
    assert [c.id for c in store.calls_by_customer("*******5678", key=key_a)] == [same_person, first]
    assert len(store.calls_by_customer("*******5678")) == 3  # by the masked tail alone: all three
    assert "13812345678" not in str(store.conn.execute("SELECT * FROM calls").fetchall())


def test_short_searches_read_only_the_newest_calls(store, monkeypatch):
    old = make_call(store, T0, notes="旧的记录里有积分")
    new = make_call(store, T0 + timedelta(days=1), notes="新的记录里有积分")
    monkeypatch.setattr(CallStore, "LIKE_SCAN_CALLS", 1)
    assert [c.id for c in store.search_notes("积分")] == [new]
    monkeypatch.setattr(CallStore, "LIKE_SCAN_CALLS", 100)
    assert [c.id for c in store.search_notes("积分")] == [new, old]


def test_outbox_gets_each_ended_call_and_later_changes_as_revisions(store):
    """Triggers fill the hub outbox in the same transaction as the change."""
    call = make_call(store, T0, notes="已处理")
    rows = store.conn.execute("SELECT call_id, revision, status FROM outbox").fetchall()
    assert rows == [(call, 1, "pending")]
    # A change while pending is covered by the pending row (the record is read when sent).
    store.add_followup(call, "callback", "回电", None, T0)
    assert store.conn.execute("SELECT count(*), max(changes) FROM outbox").fetchone() == (1, 1)
    store.conn.execute("UPDATE outbox SET status = 'sent'")
    followup = store.open_followups()[0].id
    store.set_followup_done(followup, T0 + timedelta(hours=1))
    assert store.conn.execute("SELECT revision, status FROM outbox ORDER BY id").fetchall() == [
        (1, "sent"), (2, "pending")]
    # A call in progress is not in the outbox.
    store.start_call(T0 + timedelta(hours=2))
    assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 2


def test_outbox_migration_is_idempotent(tmp_path):
    store = CallStore(tmp_path / "seatside.db")
    db = sqlite_utils.Database(store.conn)
    storage._v_outbox(db)  # run again: nothing breaks, nothing doubles
    make_call(store, T0)
    assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    store.close()


def test_a_followup_the_app_made_is_worded_in_the_readers_language(tmp_path):
    store = CallStore(tmp_path / "seatside.db")
    try:
        call = make_call(store, T0)
        store.add_followup(call, "complaint", "", T0 + timedelta(days=15), T0)
        store.add_followup(call, "callback", "客户要求明早回电", T0 + timedelta(days=1), T0)
        store.add_followup(call, "continuity", "", None, T0)
        complaint, callback, odd = store.get_call(call).followups
        assert complaint.label("zh") == "投诉处理时限" and complaint.label("en") == "Complaint handling deadline"
        assert callback.label("en") == "客户要求明早回电"  # the seat's own words stay as written
        assert odd.label("en") == "continuity"  # an unknown empty one shows its kind, never nothing
    finally:
        store.close()
