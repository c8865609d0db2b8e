"""The audit page: who published, exported, enrolled, revoked or signed in, and when."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response, StreamingResponse

from hub.web.deps import Lead, SignedInLead, audit, fetch_all, settings_of
from hub.web.exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    attachment,
    csv_stream,
    xlsx_stream,
)
from hub.web.templating import gettext, render

router = APIRouter()

PAGE_ROWS = 100
EXPORT_ROWS = 100_000

AUDIT_SQL = """
SELECT id, at, actor, action, detail FROM audit_log
 WHERE team_id = %(team)s AND (%(action)s = '' OR action = %(action)s)
   AND (%(before)s::bigint IS NULL OR id < %(before)s)
 ORDER BY id DESC LIMIT %(limit)s
"""


def _params(lead: Lead, action: str, before: int | None, limit: int) -> dict[str, Any]:
    return {"team": lead.team_id, "action": action[:64], "before": before, "limit": limit}


@router.get("/audit")
async def audit_page(request: Request, lead: SignedInLead, action: str = "", before: int | None = None) -> Response:
    rows = await fetch_all(request, AUDIT_SQL, _params(lead, action, before, PAGE_ROWS + 1))
    more = len(rows) > PAGE_ROWS
    rows = rows[:PAGE_ROWS]
    actions = [r["action"] for r in await fetch_all(
        request, "SELECT DISTINCT action FROM audit_log WHERE team_id = %s ORDER BY 1", (lead.team_id,))]
    return render(request, "audit.html", {"rows": rows, "more": more, "action": action, "actions": actions,
                                          "next_before": rows[-1]["id"] if more and rows else None})


@router.get("/audit.{fmt}")
async def audit_export(request: Request, lead: SignedInLead, fmt: str, action: str = "") -> Response:
    if fmt not in {"csv", "xlsx"}:
        raise HTTPException(404)
    rows = await fetch_all(request, AUDIT_SQL, _params(lead, action, None, EXPORT_ROWS))
    header = [gettext(request, "When"), gettext(request, "Who"), gettext(request, "Action"), gettext(request, "Detail")]
    values = ([r["at"], r["actor"], r["action"], _detail(r["detail"])] for r in rows)
    await audit(request, lead, "audit.export", {"format": fmt, "action": action})
    zone = ZoneInfo(settings_of(request).timezone)
    body = (csv_stream(header, values, zone) if fmt == "csv"
            else xlsx_stream(gettext(request, "Audit"), header, values, zone))
    return StreamingResponse(body, media_type=CSV_MEDIA_TYPE if fmt == "csv" else XLSX_MEDIA_TYPE,
                             headers={"content-disposition": attachment(f"seatside-{lead.team_name}-audit.{fmt}"),
                                      "cache-control": "no-store"})


def _detail(detail: Any) -> str:
    if not isinstance(detail, dict):
        return str(detail)
    return ", ".join(f"{key}={value}" for key, value in sorted(detail.items()))
