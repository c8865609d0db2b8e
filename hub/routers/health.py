"""Liveness: the process answers and reaches the database."""

from __future__ import annotations

from fastapi import APIRouter

from desktop.core.hubclient.hub_protocol import API
from hub.deps import Conn

router = APIRouter(prefix=API, tags=["health"])


@router.get("/health")
async def health(conn: Conn) -> dict[str, str]:
    await conn.execute("SELECT 1")
    return {"status": "ok"}
