"""Enrolment: a one-time code becomes the seat's own token; the seat pins the hub key."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from desktop.core.hubclient.hub_protocol import API, b64
from hub.audit import record_async
from hub.deps import Conn, Seat
from hub.records import EnrolIn
from hub.security import new_token, normalise_code, token_hash

router = APIRouter(prefix=API, tags=["seats"])


async def active_key(conn: Conn) -> tuple[str, bytes]:
    row = await (await conn.execute(
        "SELECT fingerprint, public_key FROM signing_keys WHERE active ORDER BY created_at DESC LIMIT 1"
    )).fetchone()
    if row is None:
        raise HTTPException(503, "the hub has no signing key yet; run `seatside-hub keys init` on the hub")
    return row[0], bytes(row[1])


@router.post("/enrol")
async def enrol(body: EnrolIn, conn: Conn) -> dict[str, object]:
    """Trade a one-time code for a token (the code is spent even if the seat was enrolled before)."""
    problems = body.unmasked()
    if problems:  # a personal number pasted where the code goes: refused, never looked up
        raise HTTPException(422, f"the enrolment code holds a full number ({problems[0]}); not used")
    fingerprint, public = await active_key(conn)
    async with conn.transaction():
        row = await (await conn.execute(
            "UPDATE enrolment_codes c SET used_at = now() FROM seats s JOIN teams t ON t.id = s.team_id"
            " WHERE c.code_hash = %s AND c.used_at IS NULL AND c.expires_at > now() AND s.id = c.seat_id"
            " RETURNING s.id, s.name, s.team_id, t.name",
            (token_hash(normalise_code(body.code)),),
        )).fetchone()
        if row is None:
            raise HTTPException(403, "this enrolment code is unknown, used or expired; ask for a new one")
        seat_id, seat_name, team_id, team = row
        token = new_token()
        await conn.execute(
            "UPDATE seats SET token_hash = %s, enrolled_at = now(), revoked_at = NULL WHERE id = %s",
            (token_hash(token), seat_id),
        )
        await record_async(conn, "seat.enrol", actor=f"seat:{seat_name}", team_id=team_id, seat=seat_name)
    return {"seat": seat_name, "team": team, "token": token, "public_key": b64(public), "fingerprint": fingerprint}


@router.get("/me")
async def me(seat: Seat, conn: Conn) -> dict[str, object]:
    """The seat's own identity, installed pack version and what the hub holds of its calls."""
    row = await (await conn.execute(
        "SELECT (SELECT version FROM seat_pack_versions WHERE seat_id = %s),"
        " (SELECT count(*) FROM calls WHERE seat_id = %s AND latest)",
        (seat.id, seat.id),
    )).fetchone()
    assert row is not None
    return {"seat": seat.name, "team": seat.team, "pack_version": row[0], "calls": row[1]}
