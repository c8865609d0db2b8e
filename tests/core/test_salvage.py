"""Salvage reads what is physically in a damaged file: for each kind of damage, the
calls recovered are counted against the calls whose rows are still in the file."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.core.records import integrity, pagewalk
from desktop.core.records.recovery import recover_at_start
from desktop.core.records.storage import DB_FILENAME, CallStore
from tests.helpers import make_call

CALLS = 400


def marker(i: int) -> bytes:
    return f"第{i:04d}通：".encode()


def filled(folder: Path) -> tuple[Path, dict[int, bytes], int]:
    """A checkpointed database of CALLS calls; each call's leaf page bytes (from dbstat) and the page size."""
    store = CallStore(folder / DB_FILENAME)
    start = datetime(2026, 3, 2, 0, 5).astimezone()
    for i in range(CALLS):
        make_call(store, start + timedelta(seconds=200 * i), notes=marker(i).decode() + "客户称卡被ATM吞了", minutes=1)
    store.close()
    db = folder / DB_FILENAME
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'calls' AND pagetype = 'leaf'")]
    finally:
        conn.close()
    assert len(leaves) > 5
    data = db.read_bytes()
    return db, {p: data[(p - 1) * size : p * size] for p in leaves}, size


def physically_present(db: Path, leaves: dict[int, bytes], size: int) -> set[int]:
    """Calls whose marker is still on an unchanged (or, cut at the end, unchanged as far as
    it goes) leaf page of the calls table: what a salvage could at best read back."""
    data = db.read_bytes()
    found = set()
    for page, original in leaves.items():
        now = data[(page - 1) * size : page * size]
        if not now or original[: len(now)] != now or len(now) < 16:
            continue
        for i in range(CALLS):
            at = now.find(marker(i))
            # a whole record: its marker and the rest of its text are on the page
            if at >= 0 and now.find("客户称卡被ATM吞了".encode(), at) >= 0:
                found.add(i)
    return found


def recovered(db: Path) -> set[int]:
    conn = sqlite3.connect(db)
    try:
        notes = [n for (n,) in conn.execute("SELECT notes FROM calls")]
    finally:
        conn.close()
    assert all(n.startswith("第") and n.endswith("客户称卡被ATM吞了") for n in notes), notes[:3]
    return {int(n[1:5]) for n in notes}


def truncate(fraction: float):
    def damage(db: Path, size: int) -> None:
        data = db.read_bytes()
        db.write_bytes(data[: int(len(data) * fraction)])

    return damage


def zero_header(db: Path, size: int) -> None:
    with open(db, "r+b") as handle:
        handle.write(b"\x00" * 100)


def wrong_page_count(db: Path, size: int) -> None:
    with open(db, "r+b") as handle:
        handle.seek(28)
        handle.write((10).to_bytes(4, "big"))


def garbage_every_third_page(db: Path, size: int) -> None:
    with open(db, "r+b") as handle:
        for offset in range(size * 2, db.stat().st_size - size, size * 3):
            handle.seek(offset)
            handle.write(b"\xde\xad\xbe\xef" * (size // 4))


def interior_pages_lost(db: Path, size: int) -> None:
    conn = sqlite3.connect(db)
    try:
        interior = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'calls' AND pagetype = 'internal'")]
    finally:
        conn.close()
    assert interior
    with open(db, "r+b") as handle:
        for page in interior:
            handle.seek((page - 1) * size)
            handle.write(b"\x00" * size)


def schema_page_lost(db: Path, size: int) -> None:
    with open(db, "r+b") as handle:
        handle.write(b"\x00" * size)


DAMAGE = {
    "truncated-45%": truncate(0.45),
    "truncated-60%": truncate(0.6),
    "truncated-mid-page": truncate(0.77),
    "header-zeroed": zero_header,
    "wrong-page-count": wrong_page_count,
    "garbage-pages": garbage_every_third_page,
    "interior-pages-lost": interior_pages_lost,
    "schema-page-lost": schema_page_lost,
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_salvage_recovers_every_call_still_in_the_file(tmp_path, kind):
    db, leaves, size = filled(tmp_path)
    DAMAGE[kind](db, size)
    present = physically_present(db, leaves, size)
    assert present, "the damage left no call to recover: the case tests nothing"
    recovery = recover_at_start(tmp_path, DB_FILENAME, lambda b, r: pytest.fail("no backup"))
    assert recovery is not None and recovery.salvaged is not None
    got = recovered(db)
    assert present <= got, f"{kind}: {len(got)} recovered of {len(present)} in the file"
    assert recovery.salvaged.calls == len(got)
    assert recovery.moved_to is not None and recovery.moved_to.exists()  # the original is kept
    assert integrity.check(db).ok


def test_a_truncated_file_that_sqlite_reads_nothing_from(tmp_path):
    """The case from the field: SQLite alone read 0 of 400 calls back."""
    db, leaves, size = filled(tmp_path)
    truncate(0.6)(db, size)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT count(*) FROM calls").fetchall()
    finally:
        conn.close()
    tables = {t.name: t for t in pagewalk.walk(db)}
    assert len(tables["calls"].rows) == len(physically_present(db, leaves, size)) > 100


def test_deleted_calls_stay_deleted(tmp_path):
    db, _leaves, size = filled(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA secure_delete = OFF")  # the worst case: deleted rows left on free pages
    for table in ("call_steps", "call_phrases", "outbox"):
        conn.execute(f"DELETE FROM {table} WHERE call_id <= 300")
    conn.execute("DELETE FROM calls WHERE id <= 300")
    conn.commit()
    conn.close()
    truncate(0.9)(db, size)
    recover_at_start(tmp_path, DB_FILENAME, lambda b, r: pytest.fail("no backup"))
    assert recovered(db) and min(recovered(db)) >= 300


def test_retention_rewrites_a_damaged_copy_that_holds_expired_calls(tmp_path):
    from desktop.core.records.retention import purge_copies

    store = CallStore(tmp_path / DB_FILENAME)
    now = datetime.now().astimezone()
    for i in range(60):
        when = now - timedelta(days=300 if i < 30 else 2) + timedelta(minutes=i)
        make_call(store, when, notes=marker(i).decode() + "客户称卡被ATM吞了", minutes=1)
    store.close()
    db = tmp_path / DB_FILENAME
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    aside = tmp_path / f"{DB_FILENAME}.corrupt-20260101-000000"
    aside.write_bytes(db.read_bytes())
    with open(aside, "r+b") as handle:
        handle.write(b"\x00" * 100)  # the header: SQLite refuses the file, its pages are intact
    assert purge_copies(tmp_path, DB_FILENAME, 180, now.replace(tzinfo=None)) >= 30
    assert integrity.check(aside).ok and recovered(aside) == set(range(30, 60))
    # Retention 400 days: nothing expired, a damaged copy stays exactly as set aside.
    untouched = tmp_path / f"{DB_FILENAME}.corrupt-20260102-000000"
    untouched.write_bytes(b"\x00" * 100 + db.read_bytes()[100:])
    before = untouched.read_bytes()
    purge_copies(tmp_path, DB_FILENAME, 400, now.replace(tzinfo=None))
    assert untouched.read_bytes() == before
