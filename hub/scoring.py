"""Every call scored (自动质检): a 0-100 quality score from what the seat recorded.

``score_call`` is pure: the call's record and the team's :class:`hub.team_settings.ScoreWeights`
in, the score and its reasons out. Reasons are stored as codes with their figures
(``{"code", "points", "n", "detail"}``) and put into words where they are shown
(:func:`hub.web.labels.reason_text`, zh_CN and English), so a page never shows a code.
A call is scored when it arrives and again for each newer revision (``store_scores``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from pydantic import ValidationError

from desktop.core.hubclient.hub_records import CallIn
from desktop.core.packs.patterns import readable
from hub import team_settings
from hub.team_settings import TeamSettings


def _mmss(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def score_call(call: CallIn, settings: TeamSettings) -> tuple[int, list[dict[str, Any]]]:
    """The call's score (100 = nothing wrong, never below 0) and why points were taken off."""
    weights = settings.score
    reasons: list[dict[str, Any]] = []

    def take(code: str, per: float, n: int = 1, detail: str = "") -> None:
        if n > 0 and per > 0:
            reasons.append({"code": code, "points": round(per * n, 1), "n": n, "detail": detail[:300]})

    done = sum(1 for s in call.steps if s.mandatory)
    missed = max(call.mandatory_total - done, 0)
    missed_titles = [s.title or s.step_id for s in call.skipped]
    take("mandatory_missed", weights.mandatory_missed, missed, "、".join(missed_titles))
    typed = call.banned
    take("banned_typed", weights.banned_typed, sum(b.count for b in typed),
         "、".join(f"{readable(b.phrase)}×{b.count}" if b.count > 1 else readable(b.phrase) for b in typed))
    take("banned_spoken", weights.banned_spoken, call.banned_spoken)
    unexplained = [s.title or s.step_id for s in call.skipped if not s.reason.strip()]
    take("no_skip_reason", weights.no_skip_reason, len(unexplained), "、".join(unexplained))
    if not call.disposition.strip():
        take("no_disposition", weights.no_disposition)
    limit = settings.target_handle_s * settings.alerts.over_target_factor
    if call.duration_s is not None and call.duration_s > limit:
        take("over_target", weights.over_target, 1, f"{_mmss(call.duration_s)} > {_mmss(limit)}")
    if call.wrapup_s is not None and call.wrapup_s > weights.long_wrapup_s:
        take("long_wrapup", weights.long_wrapup, 1, f"{_mmss(call.wrapup_s)} > {_mmss(weights.long_wrapup_s)}")
    total = sum(r["points"] for r in reasons)
    return max(0, min(100, round(100 - total))), reasons


UPSERT = """
INSERT INTO call_scores (seat_id, call_uid, revision, team_id, started_at, score, reasons)
SELECT r.seat_id, r.call_uid, r.revision, %s, r.started_at, r.score, r.reasons
  FROM jsonb_to_recordset(%s)
       AS r(seat_id bigint, call_uid text, revision int, started_at timestamptz, score int, reasons jsonb)
ON CONFLICT (seat_id, call_uid) DO UPDATE
   SET revision = excluded.revision, started_at = excluded.started_at, score = excluded.score,
       reasons = excluded.reasons, scored_at = now()
 WHERE call_scores.revision <= excluded.revision
"""


def _score_row(seat_id: int, call: CallIn, settings: TeamSettings) -> dict[str, Any]:
    score, reasons = score_call(call, settings)
    return {"seat_id": seat_id, "call_uid": call.uid, "revision": call.revision,
            "started_at": call.started_at.isoformat(), "score": score, "reasons": reasons}


async def store_scores(conn: AsyncConnection, seat_id: int, team_id: int, calls: Iterable[CallIn],
                       settings: TeamSettings) -> int:
    """Score the newest revision of each call in ``calls`` and keep it, unless a newer
    revision of that call is already scored. Returns how many calls were scored."""
    newest: dict[str, CallIn] = {}
    for call in calls:
        if call.uid not in newest or call.revision > newest[call.uid].revision:
            newest[call.uid] = call
    rows = [_score_row(seat_id, call, settings) for call in newest.values()]
    if rows:
        await conn.execute(UPSERT, (team_id, Jsonb(rows)))
    return len(rows)


def call_from_row(row: dict[str, Any]) -> CallIn:
    """A stored call (``calls`` columns) as the record it came from, for scoring it again."""
    banned = row.get("banned") or []
    return CallIn.model_validate({
        "uid": row["call_uid"], "revision": row["revision"], "started_at": row["started_at"],
        "duration_s": row["duration_s"], "wrapup_s": row["wrapup_s"], "disposition": row["disposition"] or "",
        "mandatory_total": row["mandatory_total"] or 0, "steps": row["steps"] or [], "skipped": row["skipped"] or [],
        "banned": [{"phrase": b["phrase"], "count": b.get("count", 1)} for b in banned
                   if b.get("source", "typed") == "typed"],
        "banned_spoken": sum(int(b.get("count", 1)) for b in banned if b.get("source") == "spoken"),
    })


RESCORE = """
SELECT c.seat_id, c.call_uid, c.revision, c.started_at, c.duration_s, c.wrapup_s, c.disposition,
       c.mandatory_total, c.steps, c.skipped, c.banned
  FROM calls c LEFT JOIN call_scores s ON s.seat_id = c.seat_id AND s.call_uid = c.call_uid
 WHERE c.team_id = %(team)s AND c.latest AND (%(everything)s OR s.revision IS NULL OR s.revision < c.revision)
"""


def rescore(conn: psycopg.Connection, team_id: int, *, everything: bool = False, batch: int = 1000) -> tuple[int, int]:
    """Score the team's calls that have no score yet (calls stored before scoring began), or
    with ``everything`` all of them again with the team's current weights.
    Returns (scored, unreadable); one transaction, so it is all or nothing."""
    row = conn.execute("SELECT target_handle_s, settings FROM teams WHERE id = %s", (team_id,)).fetchone()
    if row is None:
        raise LookupError(f"no team {team_id}")
    settings = team_settings.from_row(row[0], row[1])
    scored = unreadable = 0
    with conn.transaction(), conn.cursor(name="seatside_rescore", row_factory=dict_row) as cur:
        cur.execute(RESCORE, {"team": team_id, "everything": everything})
        while rows := cur.fetchmany(batch):
            out = []
            for stored in rows:
                try:
                    out.append(_score_row(stored["seat_id"], call_from_row(stored), settings))
                except ValidationError:
                    unreadable += 1
            if out:
                conn.execute(UPSERT, (team_id, Jsonb(out)))
                scored += len(out)
    return scored, unreadable
