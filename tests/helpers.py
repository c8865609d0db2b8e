"""Helpers shared by the core and GUI tests (no Qt here)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from desktop.core.records.storage import CallStore, UsedPhrase

PACKS = Path(__file__).resolve().parents[1] / "resources" / "scenarios"


def make_call(
    store: CallStore,
    started: datetime,
    *,
    scenario: tuple[str, str] = ("card-retained-atm", "ATM吞卡与挂失"),
    notes: str = "客户称卡被ATM吞了，已登记",
    disposition: str = "resolved",
    minutes: float = 4.0,
) -> int:
    """Store one finished call the way the app does."""
    call_id = store.start_call(started)
    store.set_scenario(call_id, *scenario)
    store.tick_step(call_id, scenario[0], "soothe", "安抚情绪", False, started + timedelta(seconds=20))
    store.record_phrase(
        call_id,
        UsedPhrase(scenario[0], "soothe", "soothe-1", "您先别着急", (started + timedelta(seconds=25)).isoformat(), "click"),
    )
    store.save_notes(call_id, notes, started + timedelta(seconds=60))
    store.end_call(call_id, started + timedelta(minutes=minutes), disposition, notes)
    return call_id


def write_pack(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL_PACK = """\
pack:
  name: 测试包
scenarios:
  - id: test-scenario
    name: 测试场景
    keywords: [测试]
    steps:
      - id: first
        title: 第一步
        mandatory: true
        phrases:
          - id: hello
            text: "{称呼}，您好"
          - 请您稍等
      - id: second
        title: 第二步
        phrases: [好的]
"""


def damage_pages(path: Path, spare: tuple[str, ...] = ("sqlite_schema",)) -> None:
    """Overwrite every third page of a database file with garbage (b-tree page headers
    too), sparing the pages of the tables and indexes in ``spare`` (by default the
    schema's own: with those gone nothing at all can be read)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        marks = ", ".join("?" * len(spare))
        schema_pages = {page for (page,) in conn.execute(f"SELECT pageno FROM dbstat WHERE name IN ({marks})", spare)}
    finally:
        conn.close()
    size = Path(path).stat().st_size
    with open(path, "r+b") as handle:
        for offset in range(4096 * 2, size - 4096, 4096 * 3):
            if offset // 4096 + 1 in schema_pages:
                continue
            handle.seek(offset)
            handle.write(b"\xde\xad\xbe\xef" * 256)
