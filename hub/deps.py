"""FastAPI dependencies: settings, the connection pool, the current seat and lead."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from hub.security import token_hash
from hub.settings import HubSettings

#: Name of the lead's session cookie (HttpOnly, SameSite=Strict; set by the sign-in page).
SESSION_COOKIE = "seatside_session"


def get_settings(request: Request) -> HubSettings:
    return request.app.state.settings


def get_pool(request: Request) -> AsyncConnectionPool:
    return request.app.state.pool


async def get_conn(pool: Annotated[AsyncConnectionPool, Depends(get_pool)]) -> AsyncIterator[AsyncConnection]:
    """A pooled connection for the request; committed by the handler, rolled back otherwise."""
    async with pool.connection() as conn:
        yield conn


Conn = Annotated[AsyncConnection, Depends(get_conn)]
Pool = Annotated[AsyncConnectionPool, Depends(get_pool)]
Settings = Annotated[HubSettings, Depends(get_settings)]


@dataclass(frozen=True)
class CurrentSeat:
    id: int
    name: str
    team_id: int
    team: str


@dataclass(frozen=True)
class CurrentLead:
    id: int
    name: str
    team_id: int
    team: str
    session_id: int
    csrf_token: str
    must_change: bool


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        raise HTTPException(401, "a seat token is required (Authorization: Bearer …)",
                            headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


async def current_seat(request: Request, pool: Annotated[AsyncConnectionPool, Depends(get_pool)]) -> CurrentSeat:
    """The enrolled, unrevoked seat whose token the request carries; 401 otherwise."""
    digest = token_hash(bearer(request))
    async with pool.connection() as conn:
        row = await (await conn.execute(
            "SELECT s.id, s.name, s.team_id, t.name FROM seats s JOIN teams t ON t.id = s.team_id"
            " WHERE s.token_hash = %s AND s.revoked_at IS NULL",
            (digest,),
        )).fetchone()
    if row is None:
        raise unauthorised()
    return CurrentSeat(*row)


async def seat_revoked(pool: AsyncConnectionPool, request: Request) -> bool:
    """Whether the request's seat token stopped working since the request began."""
    async with pool.connection() as conn:
        row = await (await conn.execute(
            "SELECT 1 FROM seats WHERE token_hash = %s AND revoked_at IS NULL", (token_hash(bearer(request)),),
        )).fetchone()
    return row is None


def unauthorised() -> HTTPException:
    return HTTPException(401, "this seat token is unknown or revoked; enrol the seat again",
                         headers={"WWW-Authenticate": "Bearer"})


async def optional_lead(request: Request, pool: Annotated[AsyncConnectionPool, Depends(get_pool)]) -> CurrentLead | None:
    """The lead whose unexpired session cookie the request carries, else None."""
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not cookie or len(cookie) > 200:
        return None
    async with pool.connection() as conn:
        row = await (await conn.execute(
            "UPDATE lead_sessions ss SET last_seen_at = now() FROM leads l JOIN teams t ON t.id = l.team_id"
            " WHERE ss.token_hash = %s AND ss.expires_at > now() AND l.id = ss.lead_id"
            " RETURNING l.id, l.name, l.team_id, t.name, ss.id, ss.csrf_token, l.must_change",
            (token_hash(cookie),),
        )).fetchone()
        await conn.commit()
    return CurrentLead(*row) if row else None


async def current_lead(lead: Annotated[CurrentLead | None, Depends(optional_lead)]) -> CurrentLead:
    """The signed-in lead; 401 otherwise (the dashboard turns that into its sign-in page)."""
    if lead is None:
        raise HTTPException(401, "sign in first")
    return lead


Seat = Annotated[CurrentSeat, Depends(current_seat)]
Lead = Annotated[CurrentLead, Depends(current_lead)]
