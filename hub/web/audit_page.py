"""The audit page: who published, exported, enrolled, revoked or signed in, and when."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response, StreamingResponse

from hub.web.deps import Lead, SignedInLead, audit, fetch_all, fetch_one, settings_of
from hub.web.exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    attachment,
    pooled_export,
)
from hub.web.i18n import translations_for
from hub.web.labels import action_label
from hub.web.templating import gettext, render, request_language

router = APIRouter()

PAGE_ROWS = 100
EXPORT_ROWS = 100_000

#: Failed sign-ins of names no team has are shown to every team: that is how a lead
#: sees a password-spraying run (their names are masked when recorded).
SIGN_IN_FAILURES = ("lead.login_failed", "lead.login_throttled")

AUDIT_SQL = """
SELECT id, at, actor, action, detail FROM audit_log
 WHERE (team_id = %(team)s OR (team_id IS NULL AND action = ANY(%(unowned)s)))
   AND (%(action)s = '' OR action = %(action)s)
   AND (%(before)s::bigint IS NULL OR id < %(before)s)
 ORDER BY id DESC LIMIT %(limit)s
"""

#: The alert on the audit page: failed sign-ins of the team's leads or of unknown names.
ALERT_HOURS = 24
ALERT_AT = 5
ALERT_SQL = """
SELECT count(*) AS failures, count(DISTINCT detail->>'address') AS addresses FROM audit_log
 WHERE (team_id = %(team)s OR team_id IS NULL) AND action = 'lead.login_failed'
   AND at > now() - make_interval(hours => %(hours)s)
"""

Action = Annotated[str, Query(max_length=64)]
#: An audit entry's id: a PostgreSQL bigint.
Before = Annotated[int | None, Query(ge=1, le=2**63 - 1)]


def _params(lead: Lead, action: str, before: int | None, limit: int) -> dict[str, Any]:
    return {"team": lead.team_id, "action": action, "before": before, "limit": limit,
            "unowned": list(SIGN_IN_FAILURES)}


@router.get("/audit")
async def audit_page(request: Request, lead: SignedInLead, action: Action = "", before: Before = None) -> Response:
    rows = await fetch_all(request, AUDIT_SQL, _params(lead, action, before, PAGE_ROWS + 1))
    more = len(rows) > PAGE_ROWS
    rows = rows[:PAGE_ROWS]
    actions = [r["action"] for r in await fetch_all(
        request, "SELECT DISTINCT action FROM audit_log WHERE team_id = %s OR (team_id IS NULL AND action = ANY(%s))"
        " ORDER BY 1", (lead.team_id, list(SIGN_IN_FAILURES)))]
    alert = await fetch_one(request, ALERT_SQL, {"team": lead.team_id, "hours": ALERT_HOURS})
    if alert is None or alert["failures"] < ALERT_AT:
        alert = None
    return render(request, "audit.html", {"rows": rows, "more": more, "action": action, "actions": actions,
                                          "next_before": rows[-1]["id"] if more and rows else None,
                                          "alert": alert, "alert_hours": ALERT_HOURS})


@router.get("/audit.{fmt}")
async def audit_export(request: Request, lead: SignedInLead, fmt: str, action: Action = "") -> Response:
    if fmt not in {"csv", "xlsx"}:
        raise HTTPException(404)
    header = [gettext(request, "When"), gettext(request, "Who"), gettext(request, "Action"), gettext(request, "Detail")]
    await audit(request, lead, "audit.export", {"format": fmt, "action": action})
    zone = ZoneInfo(settings_of(request).timezone)
    words = translations_for(request_language(request)).gettext
    body = await pooled_export(request, lead.id, AUDIT_SQL, _params(lead, action, None, EXPORT_ROWS),
                               lambda r: [r[1], r[2], action_label(r[3], words), _detail(r[4])], fmt, header,
                               gettext(request, "Audit"), zone)
    return StreamingResponse(body, media_type=CSV_MEDIA_TYPE if fmt == "csv" else XLSX_MEDIA_TYPE,
                             headers={"content-disposition": attachment(f"seatside-{lead.team_name}-audit.{fmt}"),
                                      "cache-control": "no-store"})


def _detail(detail: Any) -> str:
    if not isinstance(detail, dict):
        return str(detail)
    return ", ".join(f"{key}={value}" for key, value in sorted(detail.items()))
