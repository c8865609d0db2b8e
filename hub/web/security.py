"""Browser-facing security: the content-security policy, session cookies and CSRF tokens.

The policy allows no inline script at all: every script is a static file served
by the hub, so no nonce is needed. CSRF tokens are derived from a secret the
browser holds in an HttpOnly cookie (the session token once signed in, a
pre-session value before), so a page of another origin can neither read nor
forge them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Literal, TypedDict

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# One digest for seat tokens, codes and lead sessions (re-exported for the dashboard).
from hub.security import token_hash as token_hash

SESSION_COOKIE = "seatside_session"
PRESESSION_COOKIE = "seatside_pre"
LANG_COOKIE = "seatside_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class DashboardMiddleware:
    """Pure ASGI middleware (safe for streamed and server-sent responses).

    Adds the security headers above to every response, and puts on the request
    state the page language and the CSRF seed: the session cookie when there is
    one, else a pre-session cookie, created (HttpOnly, SameSite=Strict) when the
    browser has neither.
    """

    def __init__(self, app: ASGIApp, *, hsts_seconds: int = 0) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_seconds}".encode() if hsts_seconds > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from hub.web.i18n import pick_language

        connection = HTTPConnection(scope)
        cookies = connection.cookies
        state = scope.setdefault("state", {})
        state["language"] = pick_language(cookies.get(LANG_COOKIE), connection.headers.get("accept-language"))
        session = cookies.get(SESSION_COOKIE)
        pre = cookies.get(PRESESSION_COOKIE)
        new_pre = None
        if not session and not pre and not str(scope.get("path", "")).startswith(("/api/", "/static/")):
            new_pre = pre = new_token()  # pages only: seats' API calls get no cookie
        state["session_token"] = session
        state["csrf_seed"] = session or pre
        # Over TLS, directly or through a trusted proxy (whose X-Forwarded-Proto set the scheme).
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers.extend(item for item in SECURITY_HEADERS if item[0] not in present)
                if tls and self.hsts is not None:
                    headers.append((b"strict-transport-security", self.hsts))
                if new_pre:
                    headers.append((b"set-cookie", cookie_header(PRESESSION_COOKIE, new_pre, secure=tls)))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def over_tls(request: HTTPConnection) -> bool:
    """Whether the browser reached the hub over TLS (directly, or via a trusted proxy)."""
    return request.url.scheme == "https"


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None = None) -> bytes:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode("latin-1")


def new_token() -> str:
    """A random token for a session or a pre-session cookie (256 bits)."""
    return secrets.token_urlsafe(32)


def csrf_token(seed: str) -> str:
    """The CSRF token of the browser holding ``seed`` in an HttpOnly cookie."""
    return hmac.new(seed.encode(), b"seatside-csrf", hashlib.sha256).hexdigest()


def csrf_valid(seed: str | None, submitted: str | None) -> bool:
    """Constant-time check of a submitted token against the cookie's seed."""
    if not seed or not submitted:
        return False
    return hmac.compare_digest(csrf_token(seed), submitted)


class CookieOptions(TypedDict):
    """The keyword arguments of ``Response.set_cookie`` every cookie of the site shares."""

    httponly: bool
    samesite: Literal["lax", "strict", "none"]
    secure: bool
    path: str


def cookie_options(*, secure: bool) -> CookieOptions:
    """HttpOnly, SameSite=Strict, Secure over TLS, for the whole site."""
    return {"httponly": True, "samesite": "strict", "secure": secure, "path": "/"}
