"""Heartbeats: the seat's live state, stored and NOTIFYed for every serve process."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Response

from desktop.core.hub_protocol import API
from hub.deps import Conn, Seat
from hub.live import SEAT_CHANNEL
from hub.records import HeartbeatIn

router = APIRouter(prefix=API, tags=["live"])

UPSERT = """
INSERT INTO seat_state AS s (seat_id, team_id, state, scenario_id, scenario_name, steps_done, steps_total,
    mandatory_done, mandatory_total, elapsed_s, banned_count, pack_version, seq, sent_at, received_at)
VALUES (%(seat_id)s, %(team_id)s, %(state)s, %(scenario_id)s, %(scenario_name)s, %(steps_done)s, %(steps_total)s,
    %(mandatory_done)s, %(mandatory_total)s, %(elapsed_s)s, %(banned_count)s, %(pack_version)s, %(seq)s,
    %(sent_at)s, now())
ON CONFLICT (seat_id) DO UPDATE SET team_id = excluded.team_id, state = excluded.state,
    scenario_id = excluded.scenario_id, scenario_name = excluded.scenario_name, steps_done = excluded.steps_done,
    steps_total = excluded.steps_total, mandatory_done = excluded.mandatory_done,
    mandatory_total = excluded.mandatory_total, elapsed_s = excluded.elapsed_s,
    banned_count = excluded.banned_count, pack_version = excluded.pack_version, seq = excluded.seq,
    sent_at = excluded.sent_at, received_at = now()
RETURNING received_at
"""


@router.post("/heartbeat", status_code=204)
async def heartbeat(body: HeartbeatIn, seat: Seat, conn: Conn) -> Response:
    problems = body.unmasked()
    if problems:
        raise HTTPException(422, f"the heartbeat still holds a full number ({problems[0]}); not stored")
    values = body.model_dump() | {"seat_id": seat.id, "team_id": seat.team_id}
    async with conn.transaction():
        row = await (await conn.execute(UPSERT, values)).fetchone()
        assert row is not None
        if body.pack_version is not None:
            await conn.execute(
                "INSERT INTO seat_pack_versions (seat_id, version) VALUES (%s, %s) ON CONFLICT (seat_id)"
                " DO UPDATE SET version = excluded.version, reported_at = now()"
                " WHERE seat_pack_versions.version IS DISTINCT FROM excluded.version",
                (seat.id, body.pack_version),
            )
        payload = {k: v for k, v in values.items() if k != "sent_at"} | {
            "seat": seat.name, "sent_at": body.sent_at.isoformat() if body.sent_at else None,
            "received_at": row[0].isoformat(),
        }
        await conn.execute("SELECT pg_notify(%s, %s)", (SEAT_CHANNEL, json.dumps(payload, ensure_ascii=False)))
    return Response(status_code=204)
