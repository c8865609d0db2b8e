"""The lead answers a seat's raised hand from the board: a short text, a pack phrase, or "coming over"."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from desktop.core.privacy.masking import mask_pii
from hub.live import HELP_CHANNEL, SEAT_CHANNEL
from hub.web.deps import Lead, SignedInLead, check_csrf, fetch_all, pool_of
from hub.web.templating import gettext

router = APIRouter()

MAX_REPLY = 500

ANSWER = """
UPDATE help_requests SET status = %(status)s, reply = %(reply)s, answered_at = now(), answered_by = %(lead)s
 WHERE id = %(id)s AND team_id = %(team)s
RETURNING id, seat_id, team_id
"""


async def team_phrases(request: Request, lead: Lead) -> list[dict[str, str]]:
    """The phrases of the team's newest pack, grouped by scenario name and step as written."""
    from hub.web.packs import bundle_phrases

    rows = await fetch_all(request, "SELECT bundle FROM packs WHERE team_id = %s ORDER BY version DESC LIMIT 1",
                           (lead.team_id,))
    return bundle_phrases(bytes(rows[0]["bundle"])) if rows else []


@router.post("/board/help/{request_id}/answer", dependencies=[Depends(check_csrf)])
async def answer_help(request: Request, lead: SignedInLead, request_id: int,
                      reply: str = Form(""), phrase: str = Form(""), coming: str = Form("")) -> Response:
    """Store the answer (masked), audit it, and wake the seat's long-poll and every board."""
    text = (reply.strip() or phrase.strip())[:MAX_REPLY]
    status = "coming" if coming else "answered"
    if status == "answered" and not text:
        raise HTTPException(400, gettext(request, "write a reply, choose a phrase, or mark that you are coming over"))
    text = mask_pii(text)
    async with pool_of(request).connection() as conn:
        row = await (await conn.execute(ANSWER, {"status": status, "reply": text, "lead": lead.id,
                                                 "id": request_id, "team": lead.team_id})).fetchone()
        if row is None:
            raise HTTPException(404, gettext(request, "no such help request in your team"))
        payload: dict[str, Any] = {"seat_id": row[1], "team_id": row[2], "request_id": row[0]}
        await conn.execute("SELECT pg_notify(%s, %s), pg_notify(%s, %s)",
                           (HELP_CHANNEL, json.dumps(payload), SEAT_CHANNEL, json.dumps(payload)))
        await conn.execute(
            "INSERT INTO audit_log (team_id, actor, action, detail) VALUES (%s, %s, %s, %s::jsonb)",
            (lead.team_id, f"lead:{lead.name}", "help.answer",
             json.dumps({"request": request_id, "seat_id": row[1], "status": status, "reply": text},
                        ensure_ascii=False)))
        await conn.commit()
    return RedirectResponse("/board", status_code=303)
