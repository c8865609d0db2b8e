"""Packs from the browser's point of view: upload, row-level report, diff, signed publish
that a seat fetches and verifies, which seat runs which version, roll back."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from pathlib import Path

import httpx

from desktop.core.hubclient.hub_protocol import open_bundle
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


def test_uploads_merge_leaving_out_needs_naming_and_retiring_takes_a_scenario_off(web_hub: WebHub) -> None:
    """Team B: a small upload changes the set instead of replacing it; a set that leaves
    scenarios out is published only once each of them is confirmed by name."""
    atm = (SCENARIOS / "atm-cash-retained.yaml").read_bytes()
    points = (SCENARIOS / "points-redemption.yaml").read_bytes()
    opening = (SCENARIOS / "opening-identity.yaml").read_bytes()
    with web_hub.connect() as conn:
        public = bytes(conn.execute("SELECT public_key FROM signing_keys WHERE active").fetchone()[0])

    def files_of(version: int) -> dict[str, str]:
        with web_hub.connect() as conn:
            row = conn.execute("SELECT p.bundle, p.signature FROM packs p JOIN teams t ON t.id = p.team_id"
                               " WHERE t.name = '二组' AND p.version = %s", (version,)).fetchone()
        assert row is not None
        return open_bundle(public, bytes(row[0]), bytes(row[1])).files

    with signed_in(web_hub, "B") as client:
        draft, page = _draft(client, [("atm-cash-retained.yaml", atm), ("points-redemption.yaml", points),
                                      ("opening-identity.yaml", opening)])
        first = _publish(client, draft, page, "three scenarios")
        assert set(files_of(first)) == {"atm-cash-retained.yaml", "points-redemption.yaml", "opening-identity.yaml"}

        # One edited file, under another name: merged by scenario id, the other two stay.
        edited = atm.decode().replace("机器没吐出来的钱不会凭空没了", "机器吞掉的钱一分都不会少").encode()
        draft, page = _draft(client, [("吞钞.yaml", edited)])
        assert 'id="merged"' in page and 'id="drops"' not in page and 'id="check-ok"' in page
        row = re.search(r'<tr class="diff-row change-edited" data-phrase="reassure-safe">.*?</tr>', page, re.DOTALL)
        assert row is not None
        assert "机器没吐出来的钱不会凭空没了" in row.group(0).split('class="new"')[0]  # old text, left
        assert "机器吞掉的钱一分都不会少" in row.group(0).split('class="new"')[1]  # new text, right
        second = _publish(client, draft, page, "softer")
        assert set(files_of(second)) == {"吞钞.yaml", "points-redemption.yaml", "opening-identity.yaml"}
        assert "一分都不会少" in files_of(second)["吞钞.yaml"]

        # Replacing the whole set with one file leaves two out: each must be ticked.
        token = csrf_of(client.get("/packs").text)
        response = client.post("/packs/upload", data={"csrf_token": token, "mode": "replace"},
                               files=[("files", ("吞钞.yaml", edited, "application/octet-stream"))])
        draft = response.headers["location"]
        page = client.get(draft).text
        assert 'id="drops"' in page and 'data-drop="points-redemption"' in page and 'data-drop="opening-identity"' in page
        refused = client.post(draft + "/publish", data={"csrf_token": csrf_of(page), "confirm_drop": "points-redemption"})
        assert refused.status_code == 409
        assert "开场与身份核实 (opening-identity)" in refused.text and "points-redemption" not in refused.text
        with web_hub.connect() as conn:
            assert conn.execute("SELECT max(version) FROM packs p JOIN teams t ON t.id = p.team_id"
                                " WHERE t.name = '二组'").fetchone()[0] == second
        response = client.post(draft + "/publish", data={"csrf_token": csrf_of(page),
                                                         "confirm_drop": ["points-redemption", "opening-identity"]})
        assert response.status_code == 303, response.text
        third = int(response.headers["location"].split("published=")[1])
        assert set(files_of(third)) == {"吞钞.yaml"}

        # Retiring: the scenario's definition goes, a marker takes its place.
        response = client.post("/packs/retire", data={"csrf_token": csrf_of(client.get("/packs").text),
                                                      "ids": "atm-cash-retained"})
        draft = response.headers["location"]
        page = client.get(draft).text
        assert 'id="check-ok"' in page and 'id="drops"' not in page
        assert re.search(r'class="diff-scenario change-retired" data-scenario="atm-cash-retained"', page)
        fourth = _publish(client, draft, page, "retire")
        assert set(files_of(fourth)) == {"retired-atm-cash-retained.yaml"}
        assert "retired: true" in files_of(fourth)["retired-atm-cash-retained.yaml"]
        bad = client.post("/packs/retire", data={"csrf_token": csrf_of(client.get("/packs").text), "ids": "Not An Id"})
        assert bad.status_code == 400


def test_a_seat_reports_why_it_refused_and_when_it_last_synced(web_hub: WebHub) -> None:
    token = web_hub.teams["B"].seats["B01"][1]
    headers = {"authorization": f"Bearer {token}"}
    with signed_in(web_hub, "B") as client:
        before = re.search(r'<tr data-seat="B01">.*?</tr>', client.get("/packs").text, re.DOTALL)
        assert before is not None
        assert httpx.get(web_hub.base + "/api/v1/packs/latest", params={"have": 1}, headers=headers,
                         timeout=30).status_code in (200, 304)
        reason = "version 9 does not pass the pack checks: hub-x.yaml:12: scenario 'x': 'steps' must be a list 13812345678"
        refused = httpx.put(web_hub.base + "/api/v1/packs/refused", headers=headers, timeout=30,
                            json={"version": 9, "kind": "check", "reason": reason})
        assert refused.status_code == 204, refused.text
        assert httpx.put(web_hub.base + "/api/v1/packs/refused", headers=headers, timeout=30,
                         json={"version": 9, "kind": "made-up", "reason": ""}).status_code == 422
        row = re.search(r'<tr data-seat="B01">.*?</tr>', client.get("/packs").text, re.DOTALL)
        assert row is not None
        html = row.group(0)
        assert "拒收第 9 版" in html and "有场景包没有通过检查" in html and "hub-x.yaml:12:" in html
        assert "13812345678" not in html  # masked on arrival
        synced = re.search(r'<td class="seat-synced">(.*?)</td>', html)
        assert synced is not None and synced.group(1) != "–"
        # Once the seat runs that version (or newer), the refusal is no longer news.
        assert httpx.put(web_hub.base + "/api/v1/packs/installed", headers=headers, timeout=30,
                         json={"version": 9}).status_code == 204
        row = re.search(r'<tr data-seat="B01">.*?</tr>', client.get("/packs").text, re.DOTALL)
        assert row is not None and "拒收" not in row.group(0)
