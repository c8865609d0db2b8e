"""What the live feed keeps on a call: steps ticked by speech, the banned-phrase count,
and the masked transcript when the seat's settings allow it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from desktop.core.base.clock import iso
from desktop.core.privacy.masking import MaskPolicy, mask_pii, mask_segments
from desktop.core.records.storage import CallStore

#: How many consecutive segments of one speaker are masked together.
RUN_SEGMENTS = 4


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


@dataclass
class SpeakerRun:
    """The latest consecutive segments of one speaker on one call, as heard (in memory
    only), and the rows that keep them masked: a number said across two segments
    ("我的手机号是14066" + "970587") is masked as one number."""

    call_id: int | None = None
    speaker: str = ""
    parts: list[str] = field(default_factory=list)
    rows: list[tuple[int, str]] = field(default_factory=list)  # (row id, text as stored)


def keep_segment(
    store: CallStore, call_id: int, speaker: str, text: str, at: datetime, run: SpeakerRun, policy: MaskPolicy
) -> None:
    """Keep a final segment of the transcript, masked together with the segments of the
    same speaker just before it; earlier rows of the run are masked again when the
    join reveals a number they hold part of. Called on the store's worker only."""
    if run.call_id != call_id or run.speaker != speaker:
        run.call_id, run.speaker, run.parts, run.rows = call_id, speaker, [], []
    run.parts.append(text)
    del run.parts[:-RUN_SEGMENTS]
    del run.rows[: max(0, len(run.rows) - (RUN_SEGMENTS - 1))]
    masked = [mask_pii(piece, policy) for piece in mask_segments(run.parts, policy)]
    for index, ((row_id, stored), new) in enumerate(zip(run.rows, masked, strict=False)):
        if new != stored:
            store.conn.execute("UPDATE call_transcripts SET text = ? WHERE id = ?", (new, row_id))
            run.rows[index] = (row_id, new)
    cursor = store.conn.execute(
        "INSERT INTO call_transcripts (call_id, speaker, text, at) VALUES (?, ?, ?, ?)",
        (call_id, speaker, masked[-1], iso(at)),
    )
    run.rows.append((int(cursor.lastrowid or 0), masked[-1]))


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
