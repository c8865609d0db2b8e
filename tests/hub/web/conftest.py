"""A real hub (uvicorn subprocess) on a real throw-away PostgreSQL, with two teams,
their leads and seats, shared by the tests of one module; and browser helpers."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from hub import admin
from hub.cluster import EmbeddedCluster
from hub.security import hash_password
from tests.hub.conftest import HubProcess, _drop_database, _new_database, run_hub

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@dataclass
class Team:
    id: int
    name: str
    lead: str
    seats: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (id, token)


@dataclass
class WebHub:
    server: HubProcess
    url: str
    home: Path
    teams: dict[str, Team]

    @property
    def base(self) -> str:
        return self.server.base

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def heartbeat(self, team: str, seat: str, **state: Any) -> None:
        token = self.teams[team].seats[seat][1]
        body = {"state": "idle", "seq": secrets.randbelow(1 << 30)} | state
        response = httpx.post(self.base + "/api/v1/heartbeat", json=body,
                              headers={"authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 204, response.text

    def upload_calls(self, team: str, seat: str, calls: list[dict[str, Any]]) -> None:
        token = self.teams[team].seats[seat][1]
        response = httpx.post(self.base + "/api/v1/calls", json={"calls": calls},
                              headers={"authorization": f"Bearer {token}"}, timeout=30)
        assert response.status_code == 200, response.text


def make_team(conn: psycopg.Connection, name: str, lead: str, seats: list[str]) -> Team:
    team_id = admin.add_team(conn, name)
    admin.add_lead(conn, name, lead)
    conn.execute("UPDATE leads SET password_hash = %s, must_change = false WHERE name = %s",
                 (hash_password(PASSWORD), lead))
    team = Team(team_id, name, lead)
    for seat in seats:
        admin.add_seat(conn, name, seat, hours=1)
        token = "sst_" + secrets.token_urlsafe(32)
        row = conn.execute("UPDATE seats SET token_hash = %s, enrolled_at = now() WHERE name = %s RETURNING id",
                           (hashlib.sha256(token.encode()).digest(), seat)).fetchone()
        assert row is not None
        team.seats[seat] = (row[0], token)
    return team


@pytest.fixture(scope="module")
def web_hub(pg_cluster: EmbeddedCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebHub]:
    name = _new_database(pg_cluster)
    url = pg_cluster.url_for(name)
    home = tmp_path_factory.mktemp("hub-home")
    result = run_hub(url, home, "keys", "init")
    assert result.returncode == 0, result.stderr
    with psycopg.connect(url, autocommit=True) as conn:
        teams = {
            "A": make_team(conn, "一组", "lead-a", ["A01", "A02", "A03"]),
            "B": make_team(conn, "二组", "lead-b", ["B01"]),
        }
    server = HubProcess(url, home, extra_env={"SEATSIDE_HUB_HEARTBEAT_STALE_S": "3"})
    server.start()
    try:
        yield WebHub(server, url, home, teams)
    finally:
        stderr = server.stop()
        _drop_database(pg_cluster, name)
        assert "Traceback" not in stderr, stderr


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@contextmanager
def signed_in(hub: WebHub, team: str = "A", password: str = PASSWORD) -> Iterator[httpx.Client]:
    """An HTTP client holding a lead's session cookie."""
    with httpx.Client(base_url=hub.base, timeout=30, follow_redirects=False) as client:
        page = client.get("/login")
        response = client.post("/login", data={"csrf_token": csrf_of(page.text), "name": hub.teams[team].lead,
                                               "password": password, "next": "/board"})
        assert response.status_code == 303, response.text
        yield client


def call_record(uid: str, started: datetime, **extra: Any) -> dict[str, Any]:
    """A masked, ended call as a seat uploads it."""
    record: dict[str, Any] = {
        "uid": uid, "revision": 1, "started_at": started.isoformat(),
        "ended_at": (started + timedelta(seconds=240)).isoformat(), "duration_s": 240.0, "wrapup_s": 30.0,
        "scenario_id": "card-lost", "scenario_name": "挂失补卡", "disposition": "resolved",
        "steps_total": 4, "mandatory_total": 2,
        "steps": [
            {"scenario_id": "card-lost", "step_id": "verify", "title": "核实身份", "mandatory": True,
             "ticked_at": started.isoformat()},
            {"scenario_id": "card-lost", "step_id": "freeze", "title": "临时冻结", "mandatory": False,
             "ticked_at": started.isoformat()},
        ],
        "skipped": [{"step_id": "remind", "title": "提醒风险", "reason": "客户挂断了"}],
        "phrases": [{"scenario_id": "card-lost", "step_id": "verify", "phrase_id": "verify-1",
                     "text": "麻烦您报一下身份证后四位", "used_at": started.isoformat()}],
        "banned": [],
        "followups": [],
    }
    record.update(extra)
    return record


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
