"""Sign-in, lock-out, sessions, CSRF, the one-time password and sign-out, over real HTTP."""

from __future__ import annotations

import httpx

from hub import admin
from hub.security import hash_password
from tests.hub.web.conftest import PASSWORD, WebHub, csrf_of, signed_in


def _attempt(client: httpx.Client, name: str, password: str) -> httpx.Response:
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_of(page.text), "name": name, "password": password})


def _new_lead(hub: WebHub, name: str, *, must_change: bool = False) -> str:
    with hub.connect() as conn:
        one_time = admin.add_lead(conn, hub.teams["A"].name, name)
        if not must_change:
            conn.execute("UPDATE leads SET password_hash = %s, must_change = false WHERE name = %s",
                         (hash_password(PASSWORD), name))
    return one_time


def test_session_cookie_is_httponly_strict_and_only_a_hash_is_stored(web_hub: WebHub) -> None:
    with httpx.Client(base_url=web_hub.base) as client:
        response = _attempt(client, "lead-a", PASSWORD)
        assert response.status_code == 303 and response.headers["location"] == "/board"
        cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("seatside_session="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        token = cookie.split(";")[0].split("=", 1)[1]
        with web_hub.connect() as conn:
            stored = [bytes(r[0]) for r in conn.execute("SELECT token_hash FROM lead_sessions")]
        assert token.encode() not in stored and all(len(h) == 32 for h in stored)


def _from(hub: WebHub, address: str, **options: object) -> httpx.Client:
    """A client whose connections leave from ``address`` (any 127.x.y.z is loopback on Linux)."""
    return httpx.Client(base_url=hub.base, transport=httpx.HTTPTransport(local_address=address), **options)  # type: ignore[arg-type]  # options are httpx.Client's own


WRONG = "用户名或密码不对，或尝试次数太多"


def test_unknown_names_are_audited_for_every_team_with_an_alert(web_hub: WebHub) -> None:
    with _from(web_hub, "127.0.0.6") as sprayer:
        for n in range(5):
            response = _attempt(sprayer, f"zhangsan{n}", "Spring2024!")
            assert response.status_code == 401 and WRONG in response.text
    with web_hub.connect() as conn:
        rows = conn.execute("SELECT team_id, detail->>'name', detail->>'reason' FROM audit_log"
                            " WHERE detail->>'address' = '127.0.0.6' ORDER BY id").fetchall()
    assert rows and all(row == (None, "zh***", "unknown name") for row in rows)
    for team in ("A", "B"):
        with signed_in(web_hub, team) as client:
            page = client.get("/audit")
        assert page.status_code == 200
        assert 'id="signin-alert"' in page.text and "zh***" in page.text
        assert "zhangsan" not in page.text  # what was typed as a name is not shown in full


def test_unknown_name_gets_the_same_answer_as_a_wrong_password(web_hub: WebHub) -> None:
    with httpx.Client(base_url=web_hub.base) as client:
        response = _attempt(client, "nobody-here", PASSWORD)
    assert response.status_code == 401 and "用户名或密码不对" in response.text


def test_forms_without_this_browsers_csrf_token_are_refused(web_hub: WebHub) -> None:
    with httpx.Client(base_url=web_hub.base) as client:
        client.get("/login")
        response = client.post("/login", data={"name": "lead-a", "password": PASSWORD})
        assert response.status_code == 403
        response = client.post("/login", data={"csrf_token": "0" * 64, "name": "lead-a", "password": PASSWORD})
        assert response.status_code == 403
    with httpx.Client(base_url=web_hub.base) as other:  # a token from another browser does not carry over
        token = csrf_of(other.get("/login").text)
    with httpx.Client(base_url=web_hub.base) as client:
        client.get("/login")
        response = client.post("/login", data={"csrf_token": token, "name": "lead-a", "password": PASSWORD})
        assert response.status_code == 403
    with signed_in(web_hub) as client:  # signed in, the sign-out form needs the session's token too
        assert client.post("/logout").status_code == 403
        assert client.get("/board").status_code == 200


def test_sign_out_ends_the_session_on_the_server(web_hub: WebHub) -> None:
    with signed_in(web_hub) as client:
        page = client.get("/board")
        cookie = client.cookies["seatside_session"]
        assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    with httpx.Client(base_url=web_hub.base, cookies={"seatside_session": cookie}) as replay:
        response = replay.get("/board")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_one_time_password_must_be_changed_first(web_hub: WebHub) -> None:
    one_time = _new_lead(web_hub, "lead-new", must_change=True)
    with httpx.Client(base_url=web_hub.base) as client:
        assert _attempt(client, "lead-new", one_time).status_code == 303
        response = client.get("/board")
        assert response.status_code == 303 and response.headers["location"] == "/password"
        page = client.get("/password")
        token = csrf_of(page.text)
        for weak, message in [("short", "12 到 1000 个字符"), ("zhaomin123", "12 到 1000 个字符"),
                              ("111111111111", "太常见"), ("password1234", "太常见"), ("zhaomin12345", "太常见"),
                              ("woaini1314520", "太常见")]:
            refused = client.post("/password", data={"csrf_token": token, "current": one_time, "new": weak,
                                                     "repeat": weak})
            assert refused.status_code == 400 and message in refused.text, weak
            assert client.get("/board").headers["location"] == "/password"
        done = client.post("/password", data={"csrf_token": token, "current": one_time,
                                              "new": "a much longer one", "repeat": "a much longer one"})
        assert done.status_code == 303
        assert client.get("/board").status_code == 200
    with httpx.Client(base_url=web_hub.base) as client:
        assert _attempt(client, "lead-new", one_time).status_code == 401
        assert _attempt(client, "lead-new", "a much longer one").status_code == 303


def test_after_sign_in_only_a_local_path_is_followed(web_hub: WebHub) -> None:
    with httpx.Client(base_url=web_hub.base) as client:
        for target in ["//evil.example/x", "https://evil.example/", "/\\evil.example"]:
            page = client.get("/login")
            response = client.post("/login", data={"csrf_token": csrf_of(page.text), "name": "lead-a",
                                                   "password": PASSWORD, "next": target})
            assert response.headers["location"] == "/board"


def test_english_on_request(web_hub: WebHub) -> None:
    with signed_in(web_hub) as client:
        page = client.get("/board")
        response = client.post("/lang", data={"csrf_token": csrf_of(page.text), "lang": "en", "next": "/reports"})
        assert response.headers["location"] == "/reports"
        assert "Calls per seat" in client.get("/reports").text
        assert "Live board" in client.get("/board").text
