"""The review figures the reports page and the review queue share."""

from __future__ import annotations

from typing import Any

#: Scored calls of a range and the lead's marks on them (the reports count these).
REVIEW_TOTALS_SQL = """
SELECT count(*), avg(s.score),
       count(r.mark), count(*) FILTER (WHERE r.mark = 'agree'), count(*) FILTER (WHERE r.mark = 'override')
  FROM call_scores s LEFT JOIN call_reviews r ON r.seat_id = s.seat_id AND r.call_uid = s.call_uid
 WHERE s.team_id = %(team)s AND s.started_at >= %(start)s AND s.started_at < %(end)s
"""


def review_totals(row: tuple[Any, ...]) -> dict[str, Any]:
    """The figures of :data:`REVIEW_TOTALS_SQL` as the pages show them."""
    scored, average, marked, agreed, overridden = row
    return {
        "scored": scored,
        "average": None if average is None else round(float(average), 1),
        "marked": marked,
        "agreed": agreed,
        "agreed_ratio": round(agreed / marked, 3) if marked else None,
        "overridden": overridden,
    }
