"""The SQLite call log: schema version, WAL, migrations, call records."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from desktop.core.records import storage
from desktop.core.records.storage import CallStore, StorageError, UsedPhrase
from tests.helpers import make_call


@pytest.fixture
def store(tmp_path):
    s = CallStore(tmp_path / "seatside.db")
    yield s
    s.close()


def test_new_database_is_versioned_and_in_wal_mode(store):
    assert store.user_version == storage.SCHEMA_VERSION >= 1
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_does_not_migrate_again(tmp_path):
    CallStore(tmp_path / "x.db").close()
    again = CallStore(tmp_path / "x.db")
    assert again.user_version == storage.SCHEMA_VERSION
    again.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StorageError, match="newer"):
        CallStore(path)


def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    def broken(db):
        db["half"].create({"id": int}, pk="id")
        raise RuntimeError("boom")

    good = len(storage.MIGRATIONS)
    monkeypatch.setattr(storage, "MIGRATIONS", [*storage.MIGRATIONS, broken])
    monkeypatch.setattr(storage, "SCHEMA_VERSION", good + 1)
    with pytest.raises(RuntimeError):
        CallStore(tmp_path / "m.db")
    conn = sqlite3.connect(tmp_path / "m.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == good
    assert "half" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(ValueError), store.transaction():
        store.conn.execute("INSERT INTO calls (started_at, started_ts, status) VALUES ('x', 1, 'active')")
        raise ValueError
    assert store.count_calls() == 0


def test_full_call_record(store):
    start = datetime(2026, 11, 25, 9, 30).astimezone()
    call_id = store.start_call(start)
    assert [c.id for c in store.active_calls()] == [call_id]
    store.set_scenario(call_id, "atm-cash-retained", "自助设备吞钞")
    store.tick_step(call_id, "atm-cash-retained", "reassure", "安抚", True, start + timedelta(seconds=10))
    store.tick_step(call_id, "atm-cash-retained", "register", "登记", True, start + timedelta(seconds=50))
    store.untick_step(call_id, "atm-cash-retained", "register")
    store.record_phrase(call_id, UsedPhrase("atm-cash-retained", "reassure", "r-1", "钱不会丢", "t", "key"))
    store.save_notes(call_id, "草稿", start + timedelta(seconds=60))
    store.end_call(call_id, start + timedelta(minutes=3, seconds=5), "follow-up", "老人家很着急，已登记")
    record = store.get_call(call_id)
    assert record.status == "ended"
    assert record.started_at.startswith("2026-11-25T09:30:00")
    assert record.duration_s == 185.0
    assert record.scenario_id == "atm-cash-retained"
    assert record.disposition == "follow-up"
    assert record.notes == "老人家很着急，已登记"
    assert [(s.step_id, s.mandatory) for s in record.steps] == [("reassure", True)]
    assert record.steps[0].ticked_at.startswith("2026-11-25T09:30:10")
    assert [(p.phrase_id, p.via) for p in record.phrases] == [("r-1", "key")]
    assert store.active_calls() == []


def test_calls_between_selects_the_day(store):
    day = datetime(2026, 11, 24, 0, 0).astimezone()
    inside = make_call(store, day + timedelta(hours=10))
    make_call(store, day - timedelta(minutes=1))
    make_call(store, day + timedelta(days=1))
    assert [c.id for c in store.calls_between(day, day + timedelta(days=1))] == [inside]


def test_unreadable_location_is_a_storage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError):
        CallStore(blocker / "sub" / "seatside.db")
