"""Heartbeats: the seat's live state, stored and NOTIFYed for every serve process."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request, Response

from desktop.core.hubclient.hub_protocol import API
from desktop.core.hubclient.hub_records import HeartbeatIn
from hub.deps import Pool, bearer, unauthorised
from hub.live import SEAT_CHANNEL
from hub.security import token_hash

router = APIRouter(prefix=API, tags=["live"])

# One statement, one round trip: authenticate the token, upsert the state, note the
# pack version, NOTIFY every serve process. No row back: the token is unknown or revoked.
HEARTBEAT = """
WITH seat AS (
    SELECT id, team_id, name FROM seats WHERE token_hash = %(token)s AND revoked_at IS NULL
), state AS (
    INSERT INTO seat_state AS s (seat_id, team_id, state, scenario_id, scenario_name, steps_done, steps_total,
        mandatory_done, mandatory_total, elapsed_s, banned_count, pack_version, seq, sent_at, received_at)
    SELECT seat.id, seat.team_id, %(state)s, %(scenario_id)s, %(scenario_name)s, %(steps_done)s, %(steps_total)s,
        %(mandatory_done)s, %(mandatory_total)s, %(elapsed_s)s, %(banned_count)s, %(pack_version)s::int, %(seq)s,
        %(sent_at)s::timestamptz, now()
    FROM seat
    ON CONFLICT (seat_id) DO UPDATE SET team_id = excluded.team_id, state = excluded.state,
        scenario_id = excluded.scenario_id, scenario_name = excluded.scenario_name, steps_done = excluded.steps_done,
        steps_total = excluded.steps_total, mandatory_done = excluded.mandatory_done,
        mandatory_total = excluded.mandatory_total, elapsed_s = excluded.elapsed_s,
        banned_count = excluded.banned_count, pack_version = excluded.pack_version, seq = excluded.seq,
        sent_at = excluded.sent_at, received_at = now()
    RETURNING s.seat_id, s.received_at
), packs AS (
    INSERT INTO seat_pack_versions (seat_id, version)
    SELECT seat.id, %(pack_version)s::int FROM seat WHERE %(pack_version)s::int IS NOT NULL
    ON CONFLICT (seat_id) DO UPDATE SET version = excluded.version, reported_at = now()
    WHERE seat_pack_versions.version IS DISTINCT FROM excluded.version
)
SELECT pg_notify(%(channel)s, (%(payload)s::jsonb || jsonb_build_object('seat_id', seat.id, 'team_id', seat.team_id,
    'seat', seat.name, 'received_at', state.received_at))::text)
FROM seat JOIN state ON state.seat_id = seat.id
"""


@router.post("/heartbeat", status_code=204)
async def heartbeat(request: Request, body: HeartbeatIn, pool: Pool) -> Response:
    """The seat's live state (every few seconds, and at once when it changes)."""
    token = bearer(request)
    problems = body.unmasked()
    if problems:
        raise HTTPException(422, f"the heartbeat still holds a full number ({problems[0]}); not stored")
    values = body.model_dump()
    payload = {k: v for k, v in values.items() if k != "sent_at"} | {
        "sent_at": body.sent_at.isoformat() if body.sent_at else None}
    params = values | {"token": token_hash(token), "channel": SEAT_CHANNEL,
                       "payload": json.dumps(payload, ensure_ascii=False)}
    async with pool.connection() as conn:
        row = await (await conn.execute(HEARTBEAT, params)).fetchone()
    if row is None:
        raise unauthorised()
    return Response(status_code=204)
