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
