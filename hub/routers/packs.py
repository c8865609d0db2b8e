"""Signed packs for the seat's team: ETag and long-poll; seats report what they run."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from desktop.core.hubclient.hub_protocol import API, b64
from desktop.core.privacy.masking import mask_pii
from hub.deps import Conn, Pool, Seat, Settings, seat_revoked, unauthorised
from hub.live import PACKS_CHANNEL, REVOKED_CHANNEL, Listener
from hub.records import PacksInstalledIn, PacksRefusedIn

router = APIRouter(prefix=API, tags=["packs"])

LATEST = ("SELECT version, bundle, signature, key_fingerprint, note FROM packs WHERE team_id = %s"
          " ORDER BY version DESC LIMIT 1")


# A poll that ends up to date notes when the seat last asked and the version it runs (``have``).
SYNCED = ("INSERT INTO seat_pack_versions (seat_id, version, synced_at) VALUES (%s, %s, now())"
          " ON CONFLICT (seat_id) DO UPDATE SET synced_at = now(), version = excluded.version,"
          " reported_at = CASE WHEN seat_pack_versions.version = excluded.version"
          " THEN seat_pack_versions.reported_at ELSE now() END")


def _etag(team_id: int, version: int) -> str:
    return f'"t{team_id}-v{version}"'


@router.get("/packs/latest")
async def latest_packs(
    request: Request, seat: Seat, pool: Pool, settings: Settings,
    have: Annotated[int, Query(ge=0, description="the version the seat runs")] = 0,
    wait: Annotated[float, Query(ge=0, description="long-poll up to this many seconds for a newer version")] = 0,
) -> Response:
    """The team's newest signed bundle if newer than ``have`` (and than If-None-Match);
    else wait for a publish up to ``wait`` seconds, then 304."""
    listener: Listener = request.app.state.listener
    wait = min(wait, settings.long_poll_max_s)
    known = request.headers.get("if-none-match", "")
    # Subscribe before reading: a publish between the read and the wait is not missed.
    async with listener.subscribe(PACKS_CHANNEL, REVOKED_CHANNEL) as queue:
        loop_deadline = None
        while True:
            # A pooled connection only for the read: waiting seats hold none.
            async with pool.connection() as conn:
                row = await (await conn.execute(LATEST, (seat.team_id,))).fetchone()
            if row is not None and row[0] > have and _etag(seat.team_id, row[0]) != known:
                version, bundle, signature, fingerprint, note = row
                return JSONResponse(
                    {"version": version, "bundle": b64(bytes(bundle)), "signature": b64(bytes(signature)),
                     "fingerprint": fingerprint, "note": note},
                    headers={"ETag": _etag(seat.team_id, version), "Cache-Control": "no-store"},
                )
            loop = asyncio.get_running_loop()
            if loop_deadline is None:
                loop_deadline = loop.time() + wait
            remaining = loop_deadline - loop.time()
            if remaining <= 0:
                # Up to date: note when it asked (after the wait, off the path of a publish;
                # a seat that takes a bundle notes it with PUT /packs/installed or /packs/refused).
                async with pool.connection() as conn:
                    await conn.execute(SYNCED, (seat.id, have))
                headers = {"ETag": _etag(seat.team_id, row[0])} if row is not None else {}
                return Response(status_code=304, headers=headers)
            try:
                while True:
                    payload = await asyncio.wait_for(queue.get(), timeout=remaining)
                    if payload.get("stopping"):
                        return Response(status_code=304)
                    # A revoked seat's wait ends at once (a reconnect may have hidden a revocation).
                    if (payload.get("seat_id") == seat.id or payload.get("reconnected")) and payload.get(
                            "channel") != PACKS_CHANNEL and await seat_revoked(pool, request):
                        raise unauthorised()
                    if payload.get("reconnected") or (payload.get("channel") == PACKS_CHANNEL
                                                      and payload.get("team_id") == seat.team_id):
                        break
            except asyncio.TimeoutError:
                continue


@router.put("/packs/installed", status_code=204)
async def packs_installed(body: PacksInstalledIn, seat: Seat, conn: Conn) -> Response:
    """The seat reports the version it runs (the hub knows which seat runs which)."""
    await conn.execute(
        "INSERT INTO seat_pack_versions (seat_id, version, synced_at) VALUES (%s, %s, now()) ON CONFLICT (seat_id)"
        " DO UPDATE SET version = excluded.version, reported_at = now(), synced_at = now(),"
        " refused_version = CASE WHEN seat_pack_versions.refused_version > excluded.version"
        " THEN seat_pack_versions.refused_version END",
        (seat.id, body.version),
    )
    await conn.commit()
    return Response(status_code=204)


@router.put("/packs/refused", status_code=204)
async def packs_refused(body: PacksRefusedIn, seat: Seat, conn: Conn) -> Response:
    """The seat refused a bundle and keeps its last good packs: the lead sees why."""
    reason = mask_pii(body.reason)
    await conn.execute(
        "INSERT INTO seat_pack_versions (seat_id, version, synced_at, refused_version, refused_kind, refused_reason,"
        " refused_at) VALUES (%s, 0, now(), %s, %s, %s, now()) ON CONFLICT (seat_id) DO UPDATE SET"
        " synced_at = now(), refused_version = excluded.refused_version, refused_kind = excluded.refused_kind,"
        " refused_reason = excluded.refused_reason, refused_at = now()",
        (seat.id, body.version, body.kind, reason),
    )
    await conn.commit()
    return Response(status_code=204)
