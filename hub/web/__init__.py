"""The team lead's web dashboard: sign-in, live board, reports, packs and audit.

Everything the browser needs (templates, scripts, styles) is served by the hub
itself; bank intranets have no internet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def _(message: str) -> str:
    """Marks a string for extraction; translated where it is shown."""
    return message


def include(app: FastAPI) -> None:
    """Add the dashboard to the hub's app: pages, static files, headers, error pages."""
    from fastapi.exception_handlers import http_exception_handler
    from fastapi.staticfiles import StaticFiles
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, RedirectResponse, Response

    from desktop.core.hubclient.hub_protocol import API
    from hub.exports_limit import TooManyExports
    from hub.web import audit_page, auth, board, help, packs, reports, review, settings_page
    from hub.web.deps import CsrfRejected, PasswordChangeRequired, SignInRequired
    from hub.web.security import DashboardMiddleware
    from hub.web.templating import STATIC_DIR, gettext, render

    settings = app.state.settings
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (auth, board, help, reports, review, packs, audit_page, settings_page):
        app.include_router(module.router, include_in_schema=False)

    @app.get("/", include_in_schema=False)
    async def home() -> Response:
        return RedirectResponse("/board", status_code=303)

    def wants_page(request: Request) -> bool:
        return not request.url.path.startswith(API)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        if request.url.path.endswith("/events") or request.method != "GET":
            return PlainTextResponse("sign in first", status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def password_change_required(request: Request, exc: PasswordChangeRequired) -> Response:
        if request.method != "GET" or request.url.path.endswith("/events"):
            return PlainTextResponse("change the one-time password first", status_code=403)
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        return render(request, "message.html", {
            "title": gettext(request, "Form expired"),
            "message": gettext(request, "This form is out of date or came from another site. Go back, reload the page and try again."),
        }, status_code=403)

    @app.exception_handler(TooManyExports)
    async def too_many_exports(request: Request, exc: TooManyExports) -> Response:
        return render(request, "message.html", {
            "title": gettext(request, "Too many exports at once"),
            "message": gettext(request, "Your exports already running must finish first. Try again in a moment."),
        }, status_code=429, headers={"retry-after": "10"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not wants_page(request) or request.url.path.startswith("/static/"):
            return await http_exception_handler(request, exc)
        titles = {404: _("Not found"), 400: _("Cannot do that"), 405: _("Cannot do that"), 409: _("Cannot do that")}
        fallback = _("Something went wrong")
        title = gettext(request, titles.get(exc.status_code, fallback))
        # A message raised in English (marked for extraction) reads in the page's language.
        message = gettext(request, "There is no such page for your team.") if exc.status_code == 404 else gettext(request, str(exc.detail))
        return render(request, "message.html", {"title": title, "message": message}, status_code=exc.status_code)

    app.add_middleware(DashboardMiddleware, hsts_seconds=settings.hsts_seconds)
