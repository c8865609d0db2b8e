"""The review queue: a team's lowest-scoring calls of a range, and the lead's own mark on each.

The mark (agree, or override with a score and a reason) is kept in ``call_reviews``,
audited, and counted in the reports (:data:`REVIEW_TOTALS_SQL`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from psycopg.types.json import Jsonb
from starlette.responses import RedirectResponse, Response

from desktop.core.privacy.masking import mask_pii
from hub.web.deps import SignedInLead, check_csrf, fetch_all, fetch_tuples, pool_of, settings_of
from hub.web.labels import disposition_label, reason_text, seat_lang
from hub.web.reports import parse_range
from hub.web.review_sql import REVIEW_TOTALS_SQL, review_totals
from hub.web.templating import gettext, render, request_language

router = APIRouter()

QUEUE_SIZE = 50
MAX_REASON = 500

QUEUE_SQL = """
SELECT s.seat_id, s.call_uid, s.revision, s.score, s.reasons, se.name AS seat, c.id AS call_id,
       c.started_at, c.ended_at, c.duration_s, c.wrapup_s,
       coalesce(nullif(c.scenario_name, ''), c.scenario_id) AS scenario, c.disposition, c.notes,
       c.steps, c.skipped, c.mandatory_done, c.mandatory_total,
       r.mark, r.score AS lead_score, r.reason AS lead_reason, r.marked_at, r.revision AS marked_revision,
       l.name AS marked_by
  FROM call_scores s
  JOIN seats se ON se.id = s.seat_id
  JOIN calls c ON c.seat_id = s.seat_id AND c.call_uid = s.call_uid AND c.revision = s.revision
             AND c.started_at = s.started_at
  LEFT JOIN call_reviews r ON r.seat_id = s.seat_id AND r.call_uid = s.call_uid
  LEFT JOIN leads l ON l.id = r.lead_id
 WHERE s.team_id = %(team)s AND s.started_at >= %(start)s AND s.started_at < %(end)s
   AND (NOT %(unmarked)s OR r.mark IS NULL)
 ORDER BY s.score, s.started_at DESC, s.call_uid
 LIMIT %(limit)s
"""

UPSERT_MARK = """
INSERT INTO call_reviews (seat_id, call_uid, team_id, revision, started_at, auto_score, mark, score, reason, lead_id)
VALUES (%(seat)s, %(uid)s, %(team)s, %(revision)s, %(started)s, %(auto)s, %(mark)s, %(score)s, %(reason)s, %(lead)s)
ON CONFLICT (seat_id, call_uid) DO UPDATE
   SET revision = excluded.revision, started_at = excluded.started_at, auto_score = excluded.auto_score,
       mark = excluded.mark, score = excluded.score, reason = excluded.reason, lead_id = excluded.lead_id,
       marked_at = now()
RETURNING (xmax = 0) AS inserted
"""


@router.get("/review")
async def review_page(request: Request, lead: SignedInLead, first: str | None = None, last: str | None = None,
                      unmarked: str | None = None) -> Response:
    """The lowest-scoring calls of the range, each with its steps, times, masked notes and reasons."""
    span = parse_range(first, last, settings_of(request).timezone)
    params = {"team": lead.team_id, **span.params}
    only_unmarked = unmarked in {"1", "on", "true"}
    rows = await fetch_all(request, QUEUE_SQL, params | {"unmarked": only_unmarked, "limit": QUEUE_SIZE})
    totals = review_totals((await fetch_tuples(request, REVIEW_TOTALS_SQL, params))[0])
    t = lambda message: gettext(request, message)  # noqa: E731
    lang = seat_lang(request_language(request))
    for row in rows:
        row["reason_texts"] = [reason_text(reason, t) for reason in row["reasons"] or []]
        row["disposition_label"] = disposition_label(row["disposition"], lang)
        row["stale_mark"] = row["mark"] is not None and row["marked_revision"] != row["revision"]
    return render(request, "review.html", {
        "span": span, "calls": rows, "totals": totals, "unmarked": only_unmarked, "queue_size": QUEUE_SIZE,
        "query": urlencode({"first": span.first.isoformat(), "last": span.last.isoformat()}
                           | ({"unmarked": "1"} if only_unmarked else {})),
    })


def _score(value: str, request: Request) -> int:
    try:
        score = int(value.strip())
    except ValueError:
        raise HTTPException(400, gettext(request, "the score must be a whole number from 0 to 100")) from None
    if not 0 <= score <= 100:
        raise HTTPException(400, gettext(request, "the score must be a whole number from 0 to 100"))
    return score


@router.post("/review/mark", dependencies=[Depends(check_csrf)])
async def mark_call(
    request: Request, lead: SignedInLead,
    seat_id: int = Form(...), call_uid: str = Form(..., max_length=200), mark: str = Form(""),
    score: str = Form(""), reason: str = Form(""), back: str = Form(""),
) -> Response:
    """Store the lead's mark on one of the team's scored calls, audited; another team's call is 404."""
    if mark not in {"agree", "override"}:
        raise HTTPException(400, gettext(request, "choose whether you agree with the score or override it"))
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise HTTPException(400, gettext(request, "the reason is longer than 500 characters"))
    own_score: int | None = None
    if mark == "override":
        own_score = _score(score, request)
        if not reason:
            raise HTTPException(400, gettext(request, "an override needs a reason"))
    reason = mask_pii(reason)
    async with pool_of(request).connection() as conn:
        row = await (await conn.execute(
            "SELECT revision, started_at, score FROM call_scores WHERE seat_id = %s AND call_uid = %s AND team_id = %s",
            (seat_id, call_uid, lead.team_id))).fetchone()
        if row is None:
            raise HTTPException(404, gettext(request, "no such scored call in your team"))
        revision, started, auto = row
        async with conn.transaction():
            await conn.execute(UPSERT_MARK, {
                "seat": seat_id, "uid": call_uid, "team": lead.team_id, "revision": revision, "started": started,
                "auto": auto, "mark": mark, "score": own_score, "reason": reason, "lead": lead.id,
            })
            await conn.execute(
                "INSERT INTO audit_log (team_id, actor, action, detail) VALUES (%s, %s, %s, %s)",
                (lead.team_id, f"lead:{lead.name}", "review.mark",
                 Jsonb({"seat_id": seat_id, "call_uid": call_uid, "revision": revision, "auto_score": auto,
                        "mark": mark, "score": own_score, "reason": reason})))
    target = "/review" + (f"?{back}" if _safe_query(back) else "")
    return RedirectResponse(target, status_code=303)


def _safe_query(query: str) -> bool:
    """Only a plain query string of the review page goes back into the redirect."""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=&.")
    return bool(query) and len(query) <= 200 and set(query) <= allowed
