"""Sign-in, sign-out, the first password change and the language switch."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hub.security import hash_password, verify_password
from hub.web.deps import (
    AnyLead,
    check_csrf,
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
    token_hash,
)
from hub.web.templating import gettext, render

router = APIRouter()

MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """Verified against for unknown names, so they take as long as known ones."""
    return hash_password(new_token())


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
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login", dependencies=[Depends(check_csrf)])
async def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/board")) -> Response:
    settings = settings_of(request)
    name = name.strip()[:100]
    password = password[:1000]
    error: str | None = None
    session_token: str | None = None
    async with pool_of(request).connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT id, team_id, password_hash, failed_attempts, locked_until, locked_until > now() AS locked"
            " FROM leads WHERE name = %s FOR UPDATE",
            (name,),
        )
        row = await cur.fetchone()
        if row is None:
            await run_in_threadpool(verify_password, _decoy_hash(), password)
            error = gettext(request, "Wrong name or password.")
            await _audit(cur, None, "web", "lead.login_failed", {"name": name, "reason": "unknown"})
        elif row["locked"]:
            error = gettext(request, "Too many failed attempts: this account is locked for a while. Try again later.")
            await _audit(cur, row["team_id"], f"lead:{name}", "lead.login_refused", {"reason": "locked"})
        elif not await run_in_threadpool(verify_password, row["password_hash"], password):
            failures = row["failed_attempts"] + 1
            if failures >= settings.lead_max_failures:
                await cur.execute(
                    "UPDATE leads SET failed_attempts = 0, locked_until = now() + %s WHERE id = %s",
                    (timedelta(minutes=settings.lead_lock_minutes), row["id"]),
                )
                await _audit(cur, row["team_id"], f"lead:{name}", "lead.locked", {"failures": failures})
                error = gettext(request, "Too many failed attempts: this account is locked for a while. Try again later.")
            else:
                await cur.execute("UPDATE leads SET failed_attempts = %s WHERE id = %s", (failures, row["id"]))
                await _audit(cur, row["team_id"], f"lead:{name}", "lead.login_failed", {"failures": failures})
                error = gettext(request, "Wrong name or password.")
        else:
            session_token = new_token()
            await cur.execute(
                "UPDATE leads SET failed_attempts = 0, locked_until = NULL, last_login_at = now() WHERE id = %s",
                (row["id"],),
            )
            await cur.execute(
                "INSERT INTO lead_sessions (lead_id, token_hash, csrf_token, expires_at) VALUES (%s, %s, %s, now() + %s)",
                (row["id"], token_hash(session_token), csrf_token(session_token),
                 timedelta(hours=settings.lead_session_hours)),
            )
            await _audit(cur, row["team_id"], f"lead:{name}", "lead.login", {})
    if session_token is None:
        return render(request, "login.html", {"next": safe_next(next), "error": error, "name": name}, status_code=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, session_token, max_age=settings.lead_session_hours * 3600,
                        **cookie_options(secure=settings.cert is not None))
    return response


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
    row = None
    async with pool_of(request).connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute("SELECT password_hash FROM leads WHERE id = %s", (lead.id,))
        row = await cur.fetchone()
    error = None
    if row is None or not await run_in_threadpool(verify_password, row["password_hash"], current[:1000]):
        error = gettext(request, "The current password is wrong.")
    elif len(new) < MIN_PASSWORD_LENGTH or len(new) > 1000:
        error = gettext(request, "The new password needs at least 10 characters.")
    elif new != repeat:
        error = gettext(request, "The two new passwords differ.")
    elif new == current:
        error = gettext(request, "Choose a password different from the one-time password.")
    if error:
        return render(request, "password.html", {"error": error}, status_code=400)
    encoded = await run_in_threadpool(hash_password, new)
    async with pool_of(request).connection() as conn, conn.cursor() as cur:
        await cur.execute("UPDATE leads SET password_hash = %s, must_change = false WHERE id = %s", (encoded, lead.id))
        # Other sessions of this lead end with the old password.
        await cur.execute("DELETE FROM lead_sessions WHERE lead_id = %s AND id <> %s", (lead.id, lead.session_id))
        await _audit(cur, lead.team_id, f"lead:{lead.name}", "lead.password", {})
    return RedirectResponse("/board", status_code=303)


@router.post("/lang", dependencies=[Depends(check_csrf)])
async def switch_language(request: Request, lang: str = Form("zh_CN"), next: str = Form("/board")) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400,
                            **cookie_options(secure=settings_of(request).cert is not None))
    return response
