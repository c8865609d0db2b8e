"""Packs from the browser's point of view: upload, row-level report, diff, signed publish
that a seat fetches and verifies, which seat runs which version, roll back."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from pathlib import Path

import httpx

from desktop.core.hub_protocol import open_bundle
from tests.hub.web.conftest import WebHub, call_record, csrf_of, now_utc, signed_in

SCENARIOS = Path(__file__).resolve().parents[3] / "resources" / "scenarios"


def _upload(client: httpx.Client, files: list[tuple[str, bytes]]) -> httpx.Response:
    token = csrf_of(client.get("/packs").text)
    return client.post("/packs/upload", data={"csrf_token": token},
                       files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def _draft(client: httpx.Client, files: list[tuple[str, bytes]]) -> tuple[str, str]:
    response = _upload(client, files)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    return location, client.get(location).text


def _publish(client: httpx.Client, draft: str, page: str, note: str) -> int:
    response = client.post(draft + "/publish", data={"csrf_token": csrf_of(page), "note": note})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("published=")[1])


def _seat_fetch(hub: WebHub, seat: str, have: int = 0) -> httpx.Response:
    token = hub.teams["A"].seats[seat][1]
    return httpx.get(hub.base + "/api/v1/packs/latest", params={"have": have},
                     headers={"authorization": f"Bearer {token}"}, timeout=30)


def test_upload_diff_publish_seat_pickup_and_roll_back(web_hub: WebHub) -> None:
    atm = (SCENARIOS / "atm-cash-retained.yaml").read_bytes()
    points = (SCENARIOS / "points-redemption.yaml").read_bytes()
    with signed_in(web_hub) as client:
        draft, page = _draft(client, [("团队话术/atm-cash-retained.yaml", atm), ("团队话术/points-redemption.yaml", points),
                                      ("团队话术/说明.txt", b"not a pack")])
        assert 'id="check-ok"' in page and "说明.txt" in page  # the text file is listed as ignored
        assert "+ scenario 自助设备吞钞" in page
        v1 = _publish(client, draft, page, "first")
        assert v1 == 1

        fetched = _seat_fetch(web_hub, "A01")
        assert fetched.status_code == 200
        body = fetched.json()
        with web_hub.connect() as conn:
            public = bytes(conn.execute("SELECT public_key FROM signing_keys WHERE active").fetchone()[0])
            by = conn.execute("SELECT published_by FROM packs WHERE version = 1").fetchone()[0]
        bundle = open_bundle(public, base64.b64decode(body["bundle"]), base64.b64decode(body["signature"]))
        assert bundle.version == 1 and set(bundle.files) == {"atm-cash-retained.yaml", "points-redemption.yaml"}
        assert by == "lead:lead-a"
        token = web_hub.teams["A"].seats["A01"][1]
        assert httpx.put(web_hub.base + "/api/v1/packs/installed", json={"version": 1},
                         headers={"authorization": f"Bearer {token}"}).status_code == 204
        row = re.search(r'<tr data-seat="A01">.*?</tr>', client.get("/packs").text, re.DOTALL)
        assert row and "v1" in row.group(0)

        edited = atm.decode().replace("您先放心，机器没吐出来的钱不会凭空没了", "您先别急，机器没吐出来的钱一分都不会少").encode()
        draft, page = _draft(client, [("atm-cash-retained.yaml", edited), ("points-redemption.yaml", points)])
        assert "~ phrase 自助设备吞钞" in page and "一分都不会少" in page
        assert _publish(client, draft, page, "softer opening") == 2
        assert _seat_fetch(web_hub, "A01", have=1).json()["version"] == 2

        versions = client.get("/packs").text
        rollback = client.post("/packs/versions/1/rollback", data={"csrf_token": csrf_of(versions)})
        assert rollback.status_code == 303 and rollback.headers["location"] == "/packs?published=3"
        latest = _seat_fetch(web_hub, "A01", have=2).json()
        restored = open_bundle(public, base64.b64decode(latest["bundle"]), base64.b64decode(latest["signature"]))
        assert restored.version == 3 and restored.files == bundle.files
        assert "~ phrase" in client.get("/packs/versions/3").text
        # Phrases of version 1 that no call used: every one but the one a call ran with.
        web_hub.upload_calls("A", "A01", [call_record("unused-1", now_utc() - timedelta(minutes=3), pack_version=1,
                                                      phrases=[{"phrase_id": "reassure-safe", "text": "x"}])])
        unused = client.get("/reports/unused.csv").content.decode("utf-8-sig")
        assert "钱扣了却没拿到手" in unused and "机器没吐出来的钱不会凭空没了" not in unused
        assert unused.splitlines()[0] == "话术包版本,场景,步骤,话术"
    with web_hub.connect() as conn:
        assert conn.execute("SELECT rolled_back_from FROM packs WHERE version = 3").fetchone() == (1,)
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_log WHERE actor = 'lead:lead-a'"
                                               " AND action LIKE 'packs.%' ORDER BY id")]
    assert actions == ["packs.publish", "packs.publish", "packs.publish", "packs.rollback"]


def test_broken_packs_are_reported_by_line_and_cannot_be_published(web_hub: WebHub) -> None:
    broken = b"pack:\n  id: x\nscenarios:\n  - id: a\n    name: [unclosed\n"
    with signed_in(web_hub) as client:
        draft, page = _draft(client, [("broken.yaml", broken)])
        assert 'id="check-failed"' in page and "broken.yaml:" in page and "YAML" in page
        assert 'id="publish"' not in page
        response = client.post(draft + "/publish", data={"csrf_token": csrf_of(page)})
        assert response.status_code == 409
        draft, page = _draft(client, [("gbk.yaml", "场景".encode("gbk"))])
        assert "not UTF-8" in page
        assert _upload(client, [("notes.txt", b"x")]).status_code == 400


def test_spreadsheet_with_a_bad_row_shows_the_row(web_hub: WebHub) -> None:
    bad = "场景,步骤,话术\n挂失补卡,核实身份,请您报一下卡号后四位\n挂失补卡,,这一行缺步骤\n".encode()
    good = "场景,步骤,话术\n挂失补卡,核实身份,麻烦您报一下卡号后四位\n挂失补卡,办理挂失,我现在就帮您把卡挂失\n".encode()
    with signed_in(web_hub) as client:
        _, page = _draft(client, [("话术库.csv", bad)])
        assert 'id="check-failed"' in page and "话术库.csv:3:" in page
        _, page = _draft(client, [("话术库.csv", good)])
        assert 'id="check-ok"' in page and "+ scenario 挂失补卡" in page
