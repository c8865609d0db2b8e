"""What the live feed keeps on a call: steps ticked by speech, the banned-phrase count,
and the masked transcript when the seat's settings allow it."""

from __future__ import annotations

from datetime import datetime

from desktop.core.clock import iso
from desktop.core.storage import CallStore


def mark_speech_tick(store: CallStore, call_id: int, scenario_id: str, step_id: str) -> None:
    store.conn.execute(
        "UPDATE call_steps SET by_speech = 1 WHERE call_id = ? AND scenario_id = ? AND step_id = ?",
        (call_id, scenario_id, step_id),
    )


def set_banned_count(store: CallStore, call_id: int, count: int) -> None:
    store.conn.execute("UPDATE calls SET banned_count = ? WHERE id = ?", (count, call_id))


def add_transcript_segment(store: CallStore, call_id: int, speaker: str, masked_text: str, at: datetime) -> None:
    """``masked_text`` must already be masked: the caller masks at this boundary."""
    store.conn.execute(
        "INSERT INTO call_transcripts (call_id, speaker, text, at) VALUES (?, ?, ?, ?)",
        (call_id, speaker, masked_text, iso(at)),
    )


def speech_ticks(store: CallStore, call_id: int) -> list[tuple[str, str]]:
    rows = store.conn.execute(
        "SELECT scenario_id, step_id FROM call_steps WHERE call_id = ? AND by_speech = 1 ORDER BY id", (call_id,)
    )
    return [(r[0], r[1]) for r in rows]


def banned_count(store: CallStore, call_id: int) -> int:
    row = store.conn.execute("SELECT banned_count FROM calls WHERE id = ?", (call_id,)).fetchone()
    return int(row[0]) if row else 0


def transcript(store: CallStore, call_id: int) -> list[tuple[str, str]]:
    rows = store.conn.execute("SELECT speaker, text FROM call_transcripts WHERE call_id = ? ORDER BY id", (call_id,))
    return [(r[0], r[1]) for r in rows]
