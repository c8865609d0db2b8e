"""What every dashboard route needs: the pool, the settings, the signed-in lead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from hub.settings import HubSettings
from hub.web.security import csrf_valid, token_hash


class SignInRequired(Exception):
    """Raised by a page that needs a lead; answered by a redirect to the sign-in page."""


class PasswordChangeRequired(Exception):
    """The lead still has the one-time password; answered by a redirect to the change page."""


class CsrfRejected(Exception):
    """A form came without the CSRF token of this browser."""


@dataclass(frozen=True)
class Lead:
    id: int
    name: str
    team_id: int
    team_name: str
    target_handle_s: int
    must_change: bool
    session_id: int


def pool_of(request: Request) -> AsyncConnectionPool:
    return request.app.state.pool


def settings_of(request: Request) -> HubSettings:
    return request.app.state.settings


async def fetch_all(request: Request, sql: str, params: Any = None) -> list[dict[str, Any]]:
    async with pool_of(request).connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(sql, params)
        return await cur.fetchall()


async def fetch_tuples(request: Request, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    async with pool_of(request).connection() as conn, conn.cursor() as cur:
        await cur.execute(sql, params)
        return await cur.fetchall()


async def fetch_one(request: Request, sql: str, params: Any = None) -> dict[str, Any] | None:
    rows = await fetch_all(request, sql, params)
    return rows[0] if rows else None


async def optional_lead(request: Request) -> Lead | None:
    """The lead of this browser's session cookie, if it is a live session."""
    token = getattr(request.state, "session_token", None)
    if not token:
        return None
    row = await fetch_one(
        request,
        """
        UPDATE lead_sessions s SET last_seen_at = now()
          FROM leads l JOIN teams t ON t.id = l.team_id
         WHERE s.token_hash = %s AND s.expires_at > now() AND l.id = s.lead_id
        RETURNING s.id AS session_id, l.id, l.name, l.team_id, t.name AS team_name,
                  t.target_handle_s, l.must_change
        """,
        (token_hash(token),),
    )
    if row is None:
        return None
    lead = Lead(**row)
    request.state.lead = lead
    return lead


async def any_lead(request: Request) -> Lead:
    """A signed-in lead, even one who must still change the one-time password."""
    lead = await optional_lead(request)
    if lead is None:
        raise SignInRequired()
    return lead


async def current_lead(request: Request) -> Lead:
    """A signed-in lead with a password of their own (every page but the change page)."""
    lead = await any_lead(request)
    if lead.must_change:
        raise PasswordChangeRequired()
    return lead


SignedInLead = Annotated[Lead, Depends(current_lead)]
AnyLead = Annotated[Lead, Depends(any_lead)]


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries this browser's CSRF token (form field or header)."""
    submitted = request.headers.get("x-csrf-token")
    if submitted is None:
        form = await request.form()
        value = form.get("csrf_token")
        submitted = value if isinstance(value, str) else None
    if not csrf_valid(getattr(request.state, "csrf_seed", None), submitted):
        raise CsrfRejected()


async def audit(request: Request, lead: Lead | None, action: str, detail: dict[str, Any], *, team_id: int | None = None) -> None:
    from psycopg.types.json import Jsonb

    async with pool_of(request).connection() as conn:
        await conn.execute(
            "INSERT INTO audit_log (team_id, actor, action, detail) VALUES (%s, %s, %s, %s)",
            (team_id if team_id is not None else (lead.team_id if lead else None),
             f"lead:{lead.name}" if lead else "web", action, Jsonb(detail)),
        )


def now_utc() -> datetime:
    from datetime import timezone

    return datetime.now(timezone.utc)
