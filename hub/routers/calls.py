"""Ended calls from the seat's outbox: idempotent batches, masked again, refused when not."""

from __future__ import annotations

import os
import signal
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from psycopg.types.json import Jsonb

from desktop.core.hubclient.hub_protocol import API
from desktop.core.hubclient.hub_records import CallBatch, CallIn
from hub import alerts, scoring, team_settings
from hub.deps import Conn, Seat, Settings

router = APIRouter(prefix=API, tags=["calls"])

COLUMNS = (
    "call_uid text, revision int, started_at timestamptz, ended_at timestamptz, duration_s real, wrapup_s real,"
    " scenario_id text, scenario_name text, disposition text, end_reason text, customer_ref text, notes text,"
    " pack_version int, steps_done int, steps_total int, mandatory_done int, mandatory_total int, banned_hits int,"
    " steps jsonb, phrases jsonb, followups jsonb, skipped jsonb, banned jsonb"
)
NAMES = ", ".join(part.strip().split()[0] for part in COLUMNS.split(","))

INSERT = (
    f"INSERT INTO calls (seat_id, team_id, {NAMES})"
    f" SELECT %s, %s, {NAMES} FROM jsonb_to_recordset(%s) AS r({COLUMNS})"
    # The unique key holds the partition key (started_at): a revision stored once is never stored
    # again, whatever start it is sent with.
    " WHERE NOT EXISTS (SELECT 1 FROM calls o WHERE o.seat_id = %s AND o.call_uid = r.call_uid"
    " AND o.revision = r.revision)"
    " ON CONFLICT (seat_id, call_uid, revision, started_at) DO NOTHING RETURNING call_uid, revision"
)
# The newest revision of each call is the one reports count.
MARK_LATEST = (
    "UPDATE calls c SET latest = (c.revision = m.top)"
    " FROM (SELECT call_uid, max(revision) AS top FROM calls WHERE seat_id = %s AND call_uid = ANY(%s)"
    "       GROUP BY call_uid HAVING count(*) > 1) m"
    " WHERE c.seat_id = %s AND c.call_uid = m.call_uid AND c.latest IS DISTINCT FROM (c.revision = m.top)"
)


def _row(call: CallIn) -> dict[str, Any]:
    """The stored form. Every text has just been through the masker (``CallIn.unmasked``)
    and a record with anything left to mask was refused, so each text is already its
    own masked form (``mask_pii`` is idempotent and uses the same scan)."""
    return {
        "call_uid": call.uid,
        "revision": call.revision,
        "started_at": call.started_at.isoformat(),
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "duration_s": call.duration_s,
        "wrapup_s": call.wrapup_s,
        "scenario_id": call.scenario_id,
        "scenario_name": call.scenario_name,
        "disposition": call.disposition,
        "end_reason": call.end_reason,
        "customer_ref": call.customer_ref,
        "notes": call.notes,
        "pack_version": call.pack_version,
        "steps_done": len(call.steps),
        "steps_total": max(call.steps_total, len(call.steps)),
        "mandatory_done": sum(1 for s in call.steps if s.mandatory),
        "mandatory_total": max(call.mandatory_total, sum(1 for s in call.steps if s.mandatory)),
        # One definition of banned phrases, as the board counts them: typed in the notes
        # plus said on the call, each entry marked with where it came from.
        "banned_hits": sum(b.count for b in call.banned) + call.banned_spoken,
        "steps": [s.model_dump(mode="json") for s in call.steps],
        "phrases": [p.model_dump(mode="json") for p in call.phrases],
        "followups": [f.model_dump(mode="json") for f in call.followups],
        "skipped": [s.model_dump(mode="json") for s in call.skipped],
        "banned": [{**b.model_dump(mode="json"), "source": "typed"} for b in call.banned]
        + ([{"phrase": "", "count": call.banned_spoken, "source": "spoken"}] if call.banned_spoken else []),
    }


@router.post("/calls")
async def upload_calls(batch: CallBatch, seat: Seat, conn: Conn, settings: Settings) -> JSONResponse:
    """Store a batch in one transaction. Already stored (uid, revision) pairs are reported
    as duplicates, not errors. A record holding a full number refuses the whole batch
    (422, with the refused uids) so the seat can set it aside and send the rest."""
    if len(batch.calls) > settings.max_batch:
        raise HTTPException(422, f"at most {settings.max_batch} calls per upload")
    refused: list[dict[str, Any]] = []
    for call in batch.calls:
        problems = call.unmasked()
        if problems:
            refused.append({"uid": call.uid, "revision": call.revision, "problems": problems})
    if refused:
        first = refused[0]
        message = (f"call {first['uid']} still holds a full number ({', '.join(first['problems'][:3])});"
                   " it was not stored: mask it on the seat")
        return JSONResponse({"detail": message, "refused": refused}, status_code=422)
    rows = [_row(call) for call in batch.calls]
    uids = sorted({row["call_uid"] for row in rows})
    # One pipeline: the transaction's statements go out together, one round trip to PostgreSQL.
    async with conn.pipeline(), conn.transaction():
        # One upload per seat at a time: "latest" stays right under concurrent retries.
        await conn.execute("SELECT pg_advisory_xact_lock(1, %s::int)", (seat.id % 2_000_000_000,))
        cursor = await conn.execute(INSERT, (seat.id, seat.team_id, Jsonb(rows), seat.id))
        await conn.execute(MARK_LATEST, (seat.id, uids, seat.id))
        stored = {(uid, revision) for uid, revision in await cursor.fetchall()}
        skipped = [c for c in batch.calls if (c.uid, c.revision) in stored and c.skipped and c.revision == 1]
        team = await team_settings.load(conn, seat.team_id)
        if stored:
            await scoring.store_scores(conn, seat.id, seat.team_id,
                                       (c for c in batch.calls if (c.uid, c.revision) in stored), team)
        if skipped:
            found = [a for call in skipped for a in alerts.call_alerts(call, team)]
            await alerts.raise_alerts(conn, seat.team_id, seat.id, found)
        await conn.execute("UPDATE seats SET last_seen_at = now() WHERE id = %s", (seat.id,))
    if settings.fault_injection == "calls-after-commit":
        # Tests only: die between the commit and the reply, as a power cut would.
        os.kill(os.getpid(), signal.SIGKILL)
    results = [
        {"uid": c.uid, "revision": c.revision, "status": "stored" if (c.uid, c.revision) in stored else "duplicate"}
        for c in batch.calls
    ]
    return JSONResponse({"stored": len(stored), "duplicates": len(batch.calls) - len(stored), "results": results})


@router.get("/calls")
async def my_calls(
    seat: Seat, conn: Conn, settings: Settings,
    day: Annotated[date, Query(description="YYYY-MM-DD in the centre's time zone")],
) -> dict[str, object]:
    """The seat's own calls of a day (the newest revision of each)."""
    zone = ZoneInfo(settings.timezone)
    start = datetime.combine(day, datetime.min.time(), zone)
    cursor = await conn.execute(
        "SELECT call_uid, revision, started_at, duration_s, scenario_id, disposition, notes FROM calls"
        " WHERE seat_id = %s AND latest AND started_at >= %s AND started_at < %s ORDER BY started_at",
        (seat.id, start, start + timedelta(days=1)),
    )
    calls = [
        {"uid": r[0], "revision": r[1], "started_at": r[2].isoformat(), "duration_s": r[3], "scenario_id": r[4],
         "disposition": r[5], "notes": r[6]}
        for r in await cursor.fetchall()
    ]
    return {"seat": seat.name, "day": day.isoformat(), "calls": calls}


@router.get("/calls/{uid}")
async def my_call(uid: str, seat: Seat, conn: Conn) -> dict[str, object]:
    """One of the seat's own calls; another seat's call is 404, like one that does not exist."""
    row = await (await conn.execute(
        "SELECT call_uid, revision, started_at, notes, disposition, steps, followups FROM calls"
        " WHERE seat_id = %s AND call_uid = %s AND latest",
        (seat.id, uid),
    )).fetchone()
    if row is None:
        raise HTTPException(404, "no such call")
    return {"uid": row[0], "revision": row[1], "started_at": row[2].isoformat(), "notes": row[3],
            "disposition": row[4], "steps": row[5], "followups": row[6]}
