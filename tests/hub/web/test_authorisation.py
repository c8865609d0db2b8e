"""A lead sees only their own team: another team's ids are not found (404), lists hold none of it."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.hub.web.conftest import WebHub, call_record, now_utc, signed_in


def test_another_teams_ids_are_not_found(web_hub: WebHub) -> None:
    started = now_utc() - timedelta(minutes=30)
    web_hub.upload_calls("A", "A01", [call_record("authz-a-1", started)])
    with web_hub.connect() as conn:
        call_id = conn.execute("SELECT id FROM calls WHERE call_uid = 'authz-a-1'").fetchone()[0]
        pack_id = conn.execute(
            "INSERT INTO packs (team_id, version, bundle, signature, key_fingerprint, sha256, files, scenarios,"
            " published_by) SELECT %s, 7, %s, '\\x00', fingerprint, 'x', 1, 1, 'test' FROM signing_keys LIMIT 1"
            " RETURNING version", (web_hub.teams["A"].id, b'{"files": {}}')).fetchone()[0]
        lead_a = conn.execute("SELECT id FROM leads WHERE name = 'lead-a'").fetchone()[0]
        draft_id = conn.execute(
            "INSERT INTO pack_drafts (team_id, lead_id, files, report, ok) VALUES (%s, %s, '{}', '{}', false)"
            " RETURNING id", (web_hub.teams["A"].id, lead_a)).fetchone()[0]
    seat_a = web_hub.teams["A"].seats["A01"][0]
    own = {f"/seats/{seat_a}", f"/calls/{call_id}", f"/packs/versions/{pack_id}", f"/packs/drafts/{draft_id}"}
    with signed_in(web_hub, "A") as client:
        for path in own:
            assert client.get(path).status_code == 200, path
    with signed_in(web_hub, "B") as client:
        for path in own:
            response = client.get(path)
            assert response.status_code == 404, path
            assert "authz-a-1" not in response.text
        page = client.get("/board").text
        csrf = page.split('name="csrf_token" value="')[1][:64]
        for path in [f"/packs/versions/{pack_id}/rollback", f"/packs/drafts/{draft_id}/publish"]:
            assert client.post(path, data={"csrf_token": csrf}).status_code == 404, path
        assert "A01" not in page and "B01" in page
        export = client.get("/reports/calls.csv", params={"first": (started - timedelta(days=1)).date().isoformat(),
                                                          "last": (started + timedelta(days=1)).date().isoformat()})
        assert export.status_code == 200 and "authz-a-1" not in export.text and "A01" not in export.text
        assert client.get("/reports/calls.csv", params={"seat": seat_a}).status_code == 404
        assert client.get("/reports/seats.csv", params={"seat": seat_a}).status_code == 404
        assert "A01" not in client.get("/packs").text
        assert "lead-a" not in client.get("/audit").text


def test_a_seat_token_is_no_lead_session(web_hub: WebHub) -> None:
    token = web_hub.teams["A"].seats["A01"][1]

    with httpx.Client(base_url=web_hub.base, cookies={"seatside_session": token}) as client:
        response = client.get("/board")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
