"""Every page of the dashboard answers for a signed-in lead, in Chinese by default."""

from __future__ import annotations

import httpx

from tests.hub.web.conftest import WebHub, signed_in


def test_pages_answer_in_chinese(web_hub: WebHub) -> None:
    with signed_in(web_hub) as client:
        for path, words in [("/board", "实时看板"), ("/reports", "各坐席通话量"), ("/packs", "已发布的版本"),
                            ("/audit", "操作记录")]:
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
            assert words in response.text
            assert "script-src 'self'" in response.headers["content-security-policy"]


def test_signed_out_pages_redirect_to_sign_in(web_hub: WebHub) -> None:
    response = httpx.get(web_hub.base + "/reports?first=2026-01-01", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/reports%3Ffirst%3D2026-01-01"


def test_seat_api_answers_carry_no_cookie_but_the_security_headers(web_hub: WebHub) -> None:
    response = httpx.get(web_hub.base + "/api/v1/health")
    assert "set-cookie" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    page = httpx.get(web_hub.base + "/login")
    assert "seatside_pre=" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]


def test_static_files_are_served_by_the_hub(web_hub: WebHub) -> None:
    for name, kind in [("app.css", "text/css"), ("board.js", "javascript"), ("common.js", "javascript")]:
        response = httpx.get(f"{web_hub.base}/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    assert httpx.get(web_hub.base + "/static/../hub/settings.py").status_code == 404
