"""Sign-in, sign-out, the first password change and the language switch."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from psycopg.types.json import Jsonb
from starlette.responses import RedirectResponse, Response

from hub.signin import (
    MAX_PASSWORD_LENGTH,
    Busy,
    Throttle,
    Verifier,
    decoy_hash,
    device_token,
    device_trusted,
    masked_name,
    password_problem,
)
from hub.web.deps import (
    AnyLead,
    audit,
    check_csrf,
    fetch_one,
    pool_of,
    settings_of,
)
from hub.web.i18n import LANGUAGES
from hub.web.security import (
    LANG_COOKIE,
    SESSION_COOKIE,
    cookie_options,
    csrf_token,
    new_token,
    over_tls,
    token_hash,
)
from hub.web.templating import gettext, render

router = APIRouter()

DEVICE_COOKIE = "seatside_device"


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //): never an open redirect."""
    if not target:
        return "/board"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/board"
    return target


@router.get("/login")
async def login_page(request: Request, next: str = "/board") -> Response:
    return render(request, "login.html", {"next": safe_next(next[:2000]), "error": None})


def _client_address(request: Request) -> str:
    """The browser's address (a trusted proxy's X-Forwarded-For is applied by then)."""
    return request.client.host if request.client else "unknown"


@router.post("/login", dependencies=[Depends(check_csrf)])
async def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/board")) -> Response:
    """One sign-in attempt; see ``hub.signin`` for what keeps it from hurting the service."""
    settings = settings_of(request)
    throttle: Throttle = request.app.state.signin_throttle
    verifier: Verifier = request.app.state.signin_verifier
    loop = asyncio.get_running_loop()
    arrived = loop.time()
    answer_at = arrived + verifier.answer_after()
    name = name.strip()[:100]
    password = password[:MAX_PASSWORD_LENGTH]
    address = _client_address(request)
    row = None
    reason = "throttled"
    ok = False
    # A throttled address costs no database work and no verification.
    if throttle.wait_s(address) <= 0:
        try:
            with verifier.admit():
                # A short read on a pooled connection, given back before the password is looked at.
                async with verifier.db:
                    row = await fetch_one(request, "SELECT id, team_id, password_hash FROM leads WHERE name = %s",
                                          (name,))
                trusted = row is not None and device_trusted(request.cookies.get(DEVICE_COOKIE), row["id"],
                                                             row["password_hash"])
                if throttle.wait_s(address, name, trusted_device=trusted) <= 0:
                    ok = await verifier.verify(row["password_hash"] if row else decoy_hash(), password)
                    reason = "password" if row else "unknown name"
                    ok = ok and row is not None
                if not ok:
                    await _failed(request, throttle, verifier, address, name, row, reason)
                if reason != "throttled":
                    verifier.took(loop.time() - arrived)
        except Busy:
            reason = "busy"
    if not ok:
        await asyncio.sleep(max(0.0, answer_at - loop.time()))
        error = gettext(request, "Wrong name or password, or too many attempts: wait a minute and try again.")
        return render(request, "login.html", {"next": safe_next(next[:2000]), "error": error, "name": name},
                      status_code=401)
    assert row is not None
    throttle.succeeded(address, name)
    session_token = new_token()
    async with pool_of(request).connection() as conn, conn.cursor() as cur:
        await cur.execute("UPDATE leads SET last_login_at = now() WHERE id = %s", (row["id"],))
        await cur.execute(
            "INSERT INTO lead_sessions (lead_id, token_hash, csrf_token, expires_at) VALUES (%s, %s, %s, now() + %s)",
            (row["id"], token_hash(session_token), csrf_token(session_token),
             timedelta(hours=settings.lead_session_hours)),
        )
        await _audit(cur, row["team_id"], f"lead:{name}", "lead.login", {"address": address})
    response = RedirectResponse(safe_next(next[:2000]), status_code=303)
    secure = over_tls(request)
    response.set_cookie(SESSION_COOKIE, session_token, max_age=settings.lead_session_hours * 3600,
                        **cookie_options(secure=secure))
    response.set_cookie(DEVICE_COOKIE, device_token(row["id"], row["password_hash"]), max_age=365 * 86400,
                        **cookie_options(secure=secure))
    return response


async def _failed(request: Request, throttle: Throttle, verifier: Verifier, address: str, name: str,
                  row: dict | None, reason: str) -> None:
    """Count a failure and audit it: under the lead's team, or for every team when the name
    is unknown (masked: people type passwords into the name field). Attempts refused by the
    throttle are audited once, when it starts, not one by one."""
    newly_throttled = reason != "throttled" and throttle.failed(address, name)
    if reason == "throttled" and not newly_throttled:
        return
    team_id = row["team_id"] if row else None
    shown = name if row else masked_name(name)
    async with verifier.db:
        if reason != "throttled":
            await audit(request, None, "lead.login_failed", {"name": shown, "address": address, "reason": reason},
                        team_id=team_id)
        if newly_throttled:
            await audit(request, None, "lead.login_throttled", {"name": shown, "address": address}, team_id=team_id)


async def _audit(cur, team_id: int | None, actor: str, action: str, detail: dict) -> None:
    await cur.execute(
        "INSERT INTO audit_log (team_id, actor, action, detail) VALUES (%s, %s, %s, %s)",
        (team_id, actor, action, Jsonb(detail)),
    )


@router.post("/logout", dependencies=[Depends(check_csrf)])
async def logout(request: Request) -> Response:
    token = getattr(request.state, "session_token", None)
    if token:
        async with pool_of(request).connection() as conn:
            await conn.execute("DELETE FROM lead_sessions WHERE token_hash = %s", (token_hash(token),))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/password")
async def password_page(request: Request, lead: AnyLead) -> Response:
    return render(request, "password.html", {"error": None})


@router.post("/password", dependencies=[Depends(check_csrf)])
async def change_password(
    request: Request, lead: AnyLead,
    current: str = Form(""),
    new: str = Form(""),
    repeat: str = Form(""),
) -> Response:
    row = await fetch_one(request, "SELECT password_hash FROM leads WHERE id = %s", (lead.id,))
    verifier: Verifier = request.app.state.signin_verifier
    error = None
    try:
        current_ok = row is not None and await verifier.verify(row["password_hash"], current[:MAX_PASSWORD_LENGTH])
    except Busy:
        current_ok = False
    problem = await asyncio.to_thread(password_problem, new, user_inputs=(lead.name, lead.team_name, current[:100]))
    if not current_ok:
        error = gettext(request, "The current password is wrong.")
    elif new != repeat:
        error = gettext(request, "The two new passwords differ.")
    elif new == current:
        error = gettext(request, "Choose a password different from the one-time password.")
    elif problem in ("short", "long"):
        error = gettext(request, "The new password needs 12 to 1000 characters.")
    elif problem == "common":
        error = gettext(request, "This password is too common or too easy to guess: choose a longer, less usual one.")
    if error:
        return render(request, "password.html", {"error": error}, status_code=400)
    encoded = await verifier.hash(new)
    async with pool_of(request).connection() as conn, conn.cursor() as cur:
        await cur.execute("UPDATE leads SET password_hash = %s, must_change = false WHERE id = %s", (encoded, lead.id))
        # Other sessions of this lead end with the old password (their streams close at once).
        await cur.execute("DELETE FROM lead_sessions WHERE lead_id = %s AND id <> %s", (lead.id, lead.session_id))
        await _audit(cur, lead.team_id, f"lead:{lead.name}", "lead.password", {})
    response = RedirectResponse("/board", status_code=303)
    response.set_cookie(DEVICE_COOKIE, device_token(lead.id, encoded), max_age=365 * 86400,
                        **cookie_options(secure=over_tls(request)))
    return response


@router.post("/lang", dependencies=[Depends(check_csrf)])
async def switch_language(request: Request, lang: str = Form("zh_CN"), next: str = Form("/board")) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400,
                            **cookie_options(secure=over_tls(request)))
    return response
