"""FastAPI dependencies of the seat API: settings, the connection pool, the current seat.

The dashboard's lead sign-in lives in ``hub.web.deps``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from hub.security import token_hash
from hub.settings import HubSettings


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


Seat = Annotated[CurrentSeat, Depends(current_seat)]
