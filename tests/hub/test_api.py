"""The HTTP API under attack, the live feed through LISTEN/NOTIFY, packs by long-poll, TLS."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.hub.conftest import HubProcess, free_port, hub_env, run_hub

ROOT = Path(__file__).resolve().parents[2]


def seat_token(server: HubProcess, team: str = "一组", seat: str = "A001") -> str:
    run_hub(server.url, server.home, "team", "add", team)
    code = run_hub(server.url, server.home, "seat", "add", "--team", team, seat).stdout.strip().splitlines()[-1]
    response = httpx.post(server.base + "/api/v1/enrol", json={"code": code})
    assert response.status_code == 200, response.text
    return response.json()["token"]


def call(uid: str = "x-1", revision: int = 1, notes: str = "已处理") -> dict[str, object]:
    return {"uid": uid, "revision": revision, "started_at": "2026-03-02T09:00:00+08:00",
            "ended_at": "2026-03-02T09:05:00+08:00", "duration_s": 300.0, "notes": notes,
            "steps": [{"step_id": "greet", "title": "问候", "mandatory": True}], "mandatory_total": 2}


def test_hostile_bodies(hub_server: HubProcess, db: psycopg.Connection) -> None:
    token = seat_token(hub_server)
    auth = {"Authorization": f"Bearer {token}"}
    url = hub_server.base + "/api/v1/calls"
    # Huge: refused before it is read.
    huge = httpx.post(url, content=b"{" + b" " * 3_000_000 + b"}", headers=auth | {"content-type": "application/json"})
    assert huge.status_code == 413
    # Malformed JSON, wrong types, unknown fields, too many calls, a bad uid.
    for body in (b"{not json", b"[]", b'{"calls": "x"}', b'{"calls": []}',
                 json.dumps({"calls": [call() | {"evil": 1}]}).encode(),
                 json.dumps({"calls": [call(uid="../../etc")]}).encode(),
                 json.dumps({"calls": [call(str(n)) for n in range(501)]}).encode(),
                 json.dumps({"calls": [call() | {"notes": "x" * 30_000}]}).encode()):
        response = httpx.post(url, content=body, headers=auth | {"content-type": "application/json"})
        assert response.status_code == 422, (body[:40], response.text)
        assert isinstance(response.json()["detail"], str) and "\n" not in response.json()["detail"]
    # Full numbers anywhere in the record: 422, nothing of the batch stored.
    for field, value in (("notes", "卡号6222021234567890128"), ("customer_ref", "13812345678"),
                         ("phrases", [{"text": "请核对 110101199003077774"}])):
        batch = {"calls": [call("ok-1"), call("bad-1") | {field: value}]}
        response = httpx.post(url, json=batch, headers=auth)
        assert response.status_code == 422, response.text
        assert "bad-1" in response.json()["detail"] and response.json()["refused"][0]["uid"] == "bad-1"
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 0
    # No token, a wrong token, a forged one.
    for headers in ({}, {"Authorization": "Bearer sst_nope"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer " + "a" * 5000}):
        assert httpx.post(url, json={"calls": [call()]}, headers=headers).status_code in (401, 431)
    # The clean record goes in once, however often it is sent.
    for _ in range(3):
        ok = httpx.post(url, json={"calls": [call("ok-1")]}, headers=auth)
        assert ok.status_code == 200
    assert ok.json() == {"stored": 0, "duplicates": 1, "results": [{"uid": "ok-1", "revision": 1, "status": "duplicate"}]}
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 1
    # Enrolment codes cannot be guessed into: wrong codes are 403, nothing changes.
    assert httpx.post(hub_server.base + "/api/v1/enrol", json={"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 403
    assert httpx.post(hub_server.base + "/api/v1/enrol", json={"code": 5}).status_code == 422


def test_heartbeats_reach_every_serve_process_through_notify(hub_server: HubProcess, hub_db: str,
                                                             db: psycopg.Connection) -> None:
    """A heartbeat sent to one process is stored and NOTIFYed; a second process on the
    same database (its own LISTEN connection) delivers it to its subscribers."""
    from hub.live import Listener, seat_events

    token = seat_token(hub_server)
    received: list[dict] = []
    ready = threading.Event()

    async def listen() -> None:
        listener = Listener(hub_db)
        await listener.start()
        await asyncio.wait_for(listener.connected.wait(), 30)
        team_id = db.execute("SELECT id FROM teams").fetchone()[0]
        events = seat_events(listener, team_id, keepalive_s=0.5)
        ready.set()
        deadline = time.monotonic() + 30
        async for event in events:
            if event and event.get("state") == "in_call":
                received.append(event)
                break
            if time.monotonic() > deadline:
                break
        await events.aclose()
        await listener.stop()

    thread = threading.Thread(target=asyncio.run, args=(listen(),))
    thread.start()
    assert ready.wait(30)
    beat = {"state": "in_call", "scenario_id": "lost_card", "scenario_name": "挂失", "steps_done": 2,
            "steps_total": 5, "mandatory_done": 1, "mandatory_total": 3, "elapsed_s": 95.0, "banned_count": 1,
            "sent_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    response = httpx.post(hub_server.base + "/api/v1/heartbeat", json=beat,
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204, response.text
    thread.join(40)
    assert received and received[0]["seat"] == "A001" and received[0]["steps_done"] == 2
    row = db.execute("SELECT state, elapsed_s, banned_count FROM seat_state").fetchone()
    assert row == ("in_call", 95.0, 1)
    bad = httpx.post(hub_server.base + "/api/v1/heartbeat", json=beat | {"state": "asleep"},
                     headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422
    assert run_hub(hub_server.url, hub_server.home, "seat", "revoke", "A001").returncode == 0
    revoked = httpx.post(hub_server.base + "/api/v1/heartbeat", json=beat, headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401


def wait_for_row(conn: psycopg.Connection, query: str, params: tuple[object, ...], thread: threading.Thread) -> object:
    """The first column of the query's first row, once there is one (polled while the thread runs)."""
    deadline = time.monotonic() + 30
    while (row := conn.execute(query, params).fetchone()) is None:
        assert thread.is_alive() and time.monotonic() < deadline, f"never true: {query}"
        time.sleep(0.02)
    return row[0]


def test_long_poll_wakes_on_publish_from_another_process(hub_server: HubProcess, hub_db: str, hub_home: Path) -> None:
    token = seat_token(hub_server)
    # Its own application name: the test sees when this process has read the packs and waits.
    second = HubProcess(hub_db, hub_home, extra_env={"PGAPPNAME": "seatside-second-hub"})
    second.start()
    try:
        result: dict[str, object] = {}

        def poll() -> None:
            started = time.monotonic()
            response = httpx.get(second.base + "/api/v1/packs/latest", params={"have": 0, "wait": 25},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=60)
            result["status"] = response.status_code
            result["waited"] = time.monotonic() - started
            result["version"] = response.json().get("version") if response.status_code == 200 else None

        thread = threading.Thread(target=poll)
        # The poll's read of the packs waits behind a lock the test holds; once released, the poll
        # has read "none yet" and waits: only a late publish can wake it (no fixed sleep).
        with psycopg.connect(hub_db) as gate, psycopg.connect(hub_db, autocommit=True) as watch:
            gate.execute("LOCK TABLE packs IN ACCESS EXCLUSIVE MODE")
            thread.start()
            pid = wait_for_row(watch, "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
                               " AND wait_event_type = 'Lock'", ("seatside-second-hub",), thread)
            gate.commit()
            wait_for_row(watch, "SELECT pid FROM pg_stat_activity WHERE pid = %s AND state = 'idle'", (pid,), thread)
        published = run_hub(hub_db, hub_home, "packs", "publish", str(ROOT / "resources" / "scenarios"),
                            "--team", "一组")
        assert published.returncode == 0, published.stderr
        thread.join(60)
        assert result["status"] == 200 and result["version"] == 1
        # Woken by the NOTIFY, not by the 25 s timeout (a ratio, not a timing assertion).
        assert float(result["waited"]) < 25 * 0.8
        etag = httpx.get(second.base + "/api/v1/packs/latest", params={"have": 0},
                         headers={"Authorization": f"Bearer {token}"}).headers["etag"]
        unchanged = httpx.get(second.base + "/api/v1/packs/latest", params={"have": 0},
                              headers={"Authorization": f"Bearer {token}", "If-None-Match": etag})
        assert unchanged.status_code == 304
    finally:
        assert "Traceback" not in second.stop()


def self_signed(cert: Path, key: Path) -> None:
    """A certificate for 127.0.0.1 (the bank's CA would sign the real one)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    key.chmod(0o600)


def test_tls_serving(hub_db: str, hub_home: Path, tmp_path: Path) -> None:
    cert, key = tmp_path / "hub.crt", tmp_path / "hub.key"
    self_signed(cert, key)
    run_hub(hub_db, hub_home, "keys", "init")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(port), "--cert", str(cert),
                                "--key", str(key)], env=hub_env(hub_db, hub_home), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        trusted = ssl.create_default_context(cafile=str(cert))
        while True:  # until the TLS hub answers (polled; the deadline only bounds a failure)
            try:
                response = httpx.get(f"https://127.0.0.1:{port}/api/v1/health", verify=trusted, timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, "the TLS hub did not come up"
                time.sleep(0.1)
        assert response.status_code == 200
        with pytest.raises(httpx.HTTPError):  # not trusted without the CA bundle
            httpx.get(f"https://127.0.0.1:{port}/api/v1/health", timeout=5)
        # The seat verifies the hub against its CA bundle setting.
        from desktop.core.hubclient.sync import SyncError, enroll

        with pytest.raises(SyncError, match="enrolment refused"):
            enroll(tmp_path / "seat", f"https://127.0.0.1:{port}", "AAAA-BBBB-CCCC-DDDD", str(cert))
        with pytest.raises(SyncError, match="cannot be reached"):
            enroll(tmp_path / "seat", f"https://127.0.0.1:{port}", "AAAA-BBBB-CCCC-DDDD")
    finally:
        process.terminate()
        process.wait(30)


def test_loadtest_command(hub_server: HubProcess, db: psycopg.Connection) -> None:
    result = run_hub(hub_server.url, hub_server.home, "loadtest", "--url", hub_server.base, "--seats", "5",
                     "--calls-per-seat", "7", "--heartbeat-seconds", "6")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["upload"]["stored"] == 35 and figures["upload"]["duplicates"] == 0
    assert figures["heartbeats"]["heartbeats_timed"] >= 5
    assert figures["packs"]["seats_reached"] == 5
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 35
    bad = run_hub(hub_server.url, hub_server.home, "loadtest", "--url", hub_server.base, "--seats", "0",
                  "--calls-per-seat", "1")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
