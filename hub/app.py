"""The FastAPI application: ``create_app(settings)``; routers by domain under ``hub.routers``."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from desktop.core.hubclient.hub_protocol import API
from hub.db import database_unavailable_errors, first_line, make_pool
from hub.exports_limit import ExportSlots
from hub.live import Listener
from hub.settings import HubSettings
from hub.signin import Throttle, Verifier

log = logging.getLogger(__name__)


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes (413), declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self._refuse(send)
                    return
        seen = 0
        too_big = False

        async def limited() -> Message:
            nonlocal seen, too_big
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    too_big = True
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = f'{{"detail":"request body larger than {self.limit} bytes"}}'.encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"invalid request: {where + ': ' if where else ''}{first.get('msg', 'invalid')}{more}"


def _parameter_errors_only(exc: RequestValidationError) -> bool:
    """A bad query string, path or header (400), not a bad body (422)."""
    errors = exc.errors()
    return bool(errors) and all(str((e.get("loc") or ("body",))[0]) in {"query", "path", "header", "cookie"}
                                for e in errors)


def create_app(settings: HubSettings, database_url: str | None = None) -> FastAPI:
    """The hub's ASGI app on ``database_url`` (default: the settings' resolved URL)."""
    url = database_url or settings.resolved_database_url()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = make_pool(url, settings)
        await app.state.pool.open(wait=True, timeout=30)
        app.state.listener = Listener(url)
        await app.state.listener.start()
        app.state.signin_verifier = Verifier(settings)
        app.state.signin_throttle = Throttle(settings)
        app.state.exports = ExportSlots(settings)
        if settings.fault_injection:
            log.warning("FAULT INJECTION ENABLED (%s): for tests only", settings.fault_injection)
        try:
            yield
        finally:
            app.state.signin_verifier.close()
            await app.state.listener.stop()
            await app.state.pool.close()

    app = FastAPI(title="Seatside Hub", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.database_url = url
    web_pages = importlib.util.find_spec("hub.web") is not None  # the leads' web dashboard

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        status = 400 if _parameter_errors_only(exc) else 422
        if status == 400 and not request.url.path.startswith(API) and web_pages:
            from hub.web.templating import gettext, render

            return render(request, "message.html", {
                "title": gettext(request, "Cannot do that"),
                "message": gettext(request, "This address holds a value the page cannot use. Go back and try again."),
            }, status_code=400)
        return JSONResponse({"detail": _validation_message(exc)}, status_code=status)

    @app.exception_handler(psycopg.DataError)
    async def data_error(request: Request, exc: psycopg.DataError) -> Response:
        # A value the database cannot hold (a number out of range...) that got past validation.
        return JSONResponse({"detail": "invalid request: a value is out of range"}, status_code=400)

    async def unavailable(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable: %s", first_line(exc))
        if not request.url.path.startswith(API) and web_pages:
            from hub.web.templating import render

            return render(request, "unavailable.html", {}, status_code=503, headers={"retry-after": "5"})
        return JSONResponse({"detail": "the database is unreachable; try again shortly"}, status_code=503,
                            headers={"retry-after": "5", "cache-control": "no-store"})

    for error in database_unavailable_errors():
        app.add_exception_handler(error, unavailable)

    from hub.routers import calls, enrol, health, heartbeats, help, packs

    for module in (health, enrol, calls, heartbeats, packs, help):
        app.include_router(module.router)
    if web_pages:
        from hub.web import include as include_web

        include_web(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    trusted = [item.strip() for item in settings.trusted_proxies.split(",") if item.strip()]
    if trusted:
        # Outermost: the scheme and client address are the browser's before anything reads them.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    return app
