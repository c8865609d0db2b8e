"""Seats and hub end to end: real `seatside` processes against a real hub and PostgreSQL."""

from __future__ import annotations

import json
import stat
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest

from desktop.core.records.storage import DB_FILENAME, CallStore
from hub.settings import HubSettings
from tests.hub.conftest import HubProcess, run_hub
from tests.hub.seatside_helpers import ROOT, add_calls, seatside

PACKS = ROOT / "resources" / "scenarios"


def enrolled_seat(server: HubProcess, tmp_path: Path, team: str = "一组", seat: str = "A001") -> Path:
    run_hub(server.url, server.home, "team", "add", team)
    added = run_hub(server.url, server.home, "seat", "add", "--team", team, seat)
    assert added.returncode == 0, added.stderr
    code = added.stdout.strip().splitlines()[-1]
    data = tmp_path / f"seat-{seat}"
    result = seatside(data, "enroll", server.base, code)
    assert result.returncode == 0, result.stderr
    assert seat in result.stdout and "SHA256:" in result.stdout
    return data


def test_enrol_push_pull_and_revisions(hub_server: HubProcess, tmp_path: Path, db: psycopg.Connection) -> None:
    data = enrolled_seat(hub_server, tmp_path)
    token_file = data / "hub-token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "hub.json").stat().st_mode) == 0o600
    token = token_file.read_text().strip()
    assert db.execute("SELECT count(*) FROM seats WHERE token_hash IS NOT NULL").fetchone()[0] == 1
    assert token.encode() not in bytes(db.execute("SELECT token_hash FROM seats").fetchone()[0])

    published = run_hub(hub_server.url, hub_server.home, "packs", "publish", str(PACKS), "--team", "一组",
                        "--note", "首版")
    assert published.returncode == 0, published.stderr
    add_calls(data, 3)

    first = seatside(data, "sync")
    assert first.returncode == 0, first.stderr
    assert "calls: 3 sent, 0 already on the hub" in first.stdout
    assert "packs: version 1 installed (首版)" in first.stdout
    installed = sorted(p.name for p in (data / "packs").glob("hub-*.yaml"))
    assert installed == sorted("hub-" + p.name for p in PACKS.glob("*.yaml"))
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 3
    assert db.execute("SELECT version FROM seat_pack_versions").fetchone()[0] == 1
    row = db.execute("SELECT steps_done, mandatory_done, notes, pack_version FROM calls LIMIT 1").fetchone()
    assert row[0] == 2 and row[1] == 1 and row[2] == "客户咨询额度，已解释。" and row[3] is None
    add_calls(data, 1)  # ended with the hub packs installed: notes their version
    assert "calls: 1 sent" in seatside(data, "sync").stdout
    assert db.execute("SELECT pack_version FROM calls ORDER BY id DESC LIMIT 1").fetchone()[0] == 1

    again = seatside(data, "sync")
    assert again.returncode == 0, again.stderr
    assert "calls: 0 sent" in again.stdout and "packs: up to date (version 1)" in again.stdout

    # A follow-up done after the call ended goes again as revision 2; reports count it once.
    store = CallStore(data / DB_FILENAME)
    from datetime import datetime

    call_id = store.conn.execute("SELECT min(id) FROM calls").fetchone()[0]
    followup = store.add_followup(call_id, "callback", "回电客户", None, datetime.now().astimezone())
    store.set_followup_done(followup, datetime.now().astimezone())
    store.close()
    third = seatside(data, "sync")
    assert "calls: 1 sent" in third.stdout, third.stdout
    assert db.execute("SELECT count(*), count(*) FILTER (WHERE latest) FROM calls").fetchone() == (5, 4)
    latest = db.execute("SELECT revision, followups FROM calls WHERE latest AND revision > 1").fetchone()
    assert latest[0] == 2 and latest[1][0]["done_at"]

    status = seatside(data, "sync", "--status")
    assert status.returncode == 0
    assert "outbox: 0 waiting, 5 sent, 0 refused" in status.stdout and "packs: version 1" in status.stdout

    # The code was spent.
    code_again = seatside(tmp_path / "other", "enroll", hub_server.base, "AAAA-BBBB-CCCC-DDDD")
    assert code_again.returncode == 1 and "enrolment refused" in code_again.stderr


def test_a_record_left_unmasked_is_masked_on_the_way_out(hub_server: HubProcess, tmp_path: Path,
                                                          db: psycopg.Connection) -> None:
    data = enrolled_seat(hub_server, tmp_path)
    add_calls(data, 2)
    # A record the seat's store let through (an older build, a bug): the seat masks every
    # text again at the network boundary, so the hub gets and keeps the masked form only.
    # (The hub's own refusal of a full number, 422, is tested in test_api and test_hub_masking.)
    add_calls(data, 1, notes="客户卡号 6222 0212 3456 7890 128，已挂失")
    store = CallStore(data / DB_FILENAME)
    store.conn.execute("UPDATE calls SET notes = '客户手机 13812345678 要求回电' WHERE id = 3")
    store.close()
    result = seatside(data, "sync")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "calls: 3 sent" in result.stdout and "0 refused" in result.stdout
    assert "Traceback" not in result.stderr
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 3
    dump = json.dumps(db.execute("SELECT json_agg(c) FROM calls c").fetchone()[0], ensure_ascii=False)
    assert "13812345678" not in dump and "客户手机 *******5678 要求回电" in dump


def test_revoked_token_is_refused(hub_server: HubProcess, tmp_path: Path) -> None:
    data = enrolled_seat(hub_server, tmp_path)
    token = (data / "hub-token").read_text().strip()
    assert run_hub(hub_server.url, hub_server.home, "seat", "revoke", "A001").returncode == 0
    response = httpx.get(hub_server.base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    add_calls(data, 1)
    result = seatside(data, "sync")
    assert result.returncode == 1
    assert "refused this seat's token" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bad_signature_and_older_versions_are_refused(hub_server: HubProcess, tmp_path: Path,
                                                      db: psycopg.Connection) -> None:
    data = enrolled_seat(hub_server, tmp_path)
    run_hub(hub_server.url, hub_server.home, "packs", "publish", str(PACKS), "--team", "一组")
    assert "version 1 installed" in seatside(data, "sync").stdout
    before = {p.name: p.read_bytes() for p in (data / "packs").glob("hub-*")}

    # A bundle altered on the way (or in the database) is refused; the last good packs stay.
    run_hub(hub_server.url, hub_server.home, "packs", "publish", str(PACKS), "--team", "一组")
    db.execute("UPDATE packs SET bundle = convert_to(replace(convert_from(bundle, 'UTF8'), '\"note\":\"\"',"
               " '\"note\":\"x\"'), 'UTF8') WHERE version = 2")
    assert db.execute("SELECT convert_from(bundle, 'UTF8') LIKE '%\"note\":\"x\"%' FROM packs WHERE version = 2"
                      ).fetchone()[0]
    result = seatside(data, "sync")
    assert result.returncode == 1
    assert "refused a bundle, keeping version 1" in result.stdout and "signature" in result.stdout
    assert {p.name: p.read_bytes() for p in (data / "packs").glob("hub-*")} == before
    assert db.execute("SELECT version, refused_version, refused_kind FROM seat_pack_versions").fetchone() == (
        1, 2, "signature")

    # An old, validly signed bundle served as a newer version is refused too.
    db.execute("UPDATE packs SET bundle = (SELECT bundle FROM packs WHERE version = 1),"
               " signature = (SELECT signature FROM packs WHERE version = 1) WHERE version = 2")
    result = seatside(data, "sync")
    assert "refused a bundle, keeping version 1" in result.stdout and "not newer" in result.stdout
    assert json.loads((data / "hub-packs.json").read_text())["version"] == 1
    assert db.execute("SELECT version, refused_version, refused_kind FROM seat_pack_versions").fetchone() == (
        1, 2, "older")

    # A validly signed bundle whose pack does not pass the seat's checks: refused with file:line.
    from datetime import datetime, timezone

    from desktop.core.hubclient.hub_protocol import encode_bundle
    from hub.signing import load_key

    bad = "scenarios:\n  - id: broken\n    name: 坏的\n    steps: []\n"
    bundle = encode_bundle("一组", 3, {"broken.yaml": bad}, note="",
                           published_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    (key_file,) = hub_server.home.glob("**/signing-key.pem")
    signature = load_key(key_file).sign(bundle)
    db.execute("INSERT INTO packs (team_id, version, bundle, signature, key_fingerprint, sha256, files, scenarios,"
               " published_by) SELECT team_id, 3, %s, %s, key_fingerprint, '', 1, 1, 'test' FROM packs"
               " WHERE version = 1", (bundle, signature))
    result = seatside(data, "sync")
    assert result.returncode == 1 and "broken.yaml:4:" in result.stdout
    assert json.loads((data / "hub-packs.json").read_text())["version"] == 1
    row = db.execute("SELECT version, refused_version, refused_kind, refused_reason FROM seat_pack_versions").fetchone()
    assert row[:3] == (1, 3, "check") and "broken.yaml:4:" in row[3]


def test_a_seat_sees_only_its_own_calls(hub_server: HubProcess, tmp_path: Path) -> None:
    data_a = enrolled_seat(hub_server, tmp_path, "一组", "A001")
    run_hub(hub_server.url, hub_server.home, "team", "add", "二组")
    added = run_hub(hub_server.url, hub_server.home, "seat", "add", "--team", "二组", "B001")
    data_b = tmp_path / "seat-B"
    assert seatside(data_b, "enroll", hub_server.base, added.stdout.strip().splitlines()[-1]).returncode == 0
    # The hub counts days in its time zone: build the day there, whatever the local clock says.
    zone = ZoneInfo(HubSettings.model_fields["timezone"].default)
    start = datetime.now(zone).replace(microsecond=0) - timedelta(hours=2)
    start = min(start, start.replace(hour=23, minute=0, second=0))  # the three calls stay inside the day
    day = start.date().isoformat()
    add_calls(data_a, 2, start=start)
    add_calls(data_b, 1, start=start)
    assert seatside(data_a, "sync").returncode == 0
    assert seatside(data_b, "sync").returncode == 0
    token_a = (data_a / "hub-token").read_text().strip()
    token_b = (data_b / "hub-token").read_text().strip()
    own = httpx.get(hub_server.base + "/api/v1/calls", params={"day": day},
                    headers={"Authorization": f"Bearer {token_b}"}).json()
    assert own["seat"] == "B001" and len(own["calls"]) == 1
    mine = httpx.get(hub_server.base + "/api/v1/calls", params={"day": day},
                     headers={"Authorization": f"Bearer {token_a}"}).json()
    assert mine["seat"] == "A001" and len(mine["calls"]) == 2
    assert not {c["uid"] for c in mine["calls"]} & {c["uid"] for c in own["calls"]}
    for call in mine["calls"]:
        other = httpx.get(hub_server.base + f"/api/v1/calls/{call['uid']}",
                          headers={"Authorization": f"Bearer {token_b}"})
        assert other.status_code == 404
        own_call = httpx.get(hub_server.base + f"/api/v1/calls/{call['uid']}",
                             headers={"Authorization": f"Bearer {token_a}"})
        assert own_call.status_code == 200


@pytest.mark.parametrize("victim", ["seat", "hub"])
def test_kill_9_mid_sync_loses_and_duplicates_nothing(victim: str, hub_server: HubProcess, tmp_path: Path,
                                                       db: psycopg.Connection) -> None:
    data = enrolled_seat(hub_server, tmp_path)
    total = 1500
    add_calls(data, total)
    sync = seatside(data, "sync", wait=False)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stored = db.execute("SELECT count(*) FROM calls").fetchone()[0]
        if stored > 0 or sync.poll() is not None:
            break
        time.sleep(0.01)
    assert sync.poll() is None, "the sync finished before it could be interrupted"
    if victim == "seat":
        sync.kill()
    else:
        hub_server.kill()
    sync.wait(timeout=60)
    sync.stdout.close()
    sync.stderr.close()
    interrupted_at = db.execute("SELECT count(*) FROM calls").fetchone()[0]
    assert 0 < interrupted_at < total
    if victim == "hub":
        hub_server.start()
    result = seatside(data, "sync")
    assert result.returncode == 0, result.stderr
    assert db.execute("SELECT count(*), count(DISTINCT call_uid), max(revision) FROM calls").fetchone() == (
        total, total, 1)
    status = seatside(data, "sync", "--status")
    assert f"outbox: 0 waiting, {total} sent, 0 refused" in status.stdout
