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


def test_wrong_passwords_lock_the_account_even_for_the_right_one(web_hub: WebHub) -> None:
    _new_lead(web_hub, "lead-lock")
    with httpx.Client(base_url=web_hub.base) as client:
        for _ in range(4):
            response = _attempt(client, "lead-lock", "not the password")
            assert response.status_code == 401 and "用户名或密码不对" in response.text
        response = _attempt(client, "lead-lock", "not the password")  # the fifth failure locks
        assert response.status_code == 401 and "账号已暂时锁定" in response.text
        response = _attempt(client, "lead-lock", PASSWORD)
        assert response.status_code == 401 and "账号已暂时锁定" in response.text
        assert "seatside_session" not in client.cookies
    with web_hub.connect() as conn:
        locked = conn.execute("SELECT locked_until > now() FROM leads WHERE name = 'lead-lock'").fetchone()
        actions = [r[0] for r in conn.execute(
            "SELECT action FROM audit_log WHERE actor = 'lead:lead-lock' ORDER BY id")]
        conn.execute("UPDATE leads SET locked_until = now() - interval '1 second' WHERE name = 'lead-lock'")
    assert locked == (True,)
    assert actions == ["lead.login_failed"] * 4 + ["lead.locked", "lead.login_refused"]
    with httpx.Client(base_url=web_hub.base) as client:  # the lock runs out
        assert _attempt(client, "lead-lock", PASSWORD).status_code == 303


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
        short = client.post("/password", data={"csrf_token": token, "current": one_time, "new": "short",
                                               "repeat": "short"})
        assert short.status_code == 400 and "至少要 10 个字符" in short.text
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
