"""The audit log: enrolments, revocations, publishes, exports, sign-ins."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection, Connection
from psycopg.types.json import Jsonb

INSERT = "INSERT INTO audit_log (team_id, actor, action, detail) VALUES (%s, %s, %s, %s)"


def record(conn: Connection, action: str, *, actor: str, team_id: int | None, **detail: Any) -> None:
    conn.execute(INSERT, (team_id, actor, action, Jsonb(detail)))


async def record_async(conn: AsyncConnection, action: str, *, actor: str, team_id: int | None, **detail: Any) -> None:
    await conn.execute(INSERT, (team_id, actor, action, Jsonb(detail)))
