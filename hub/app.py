"""The FastAPI application: ``create_app(settings)``; routers by domain under ``hub.routers``."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.db import make_pool
from hub.live import Listener
from hub.settings import HubSettings


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


def create_app(settings: HubSettings, database_url: str | None = None) -> FastAPI:
    """The hub's ASGI app on ``database_url`` (default: the settings' resolved URL)."""
    url = database_url or settings.resolved_database_url()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = make_pool(url, settings)
        await app.state.pool.open(wait=True, timeout=30)
        app.state.listener = Listener(url)
        await app.state.listener.start()
        try:
            yield
        finally:
            await app.state.listener.stop()
            await app.state.pool.close()

    app = FastAPI(title="Seatside Hub", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.database_url = url

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    from hub.routers import calls, enrol, health, heartbeats, help, packs

    for module in (health, enrol, calls, heartbeats, packs, help):
        app.include_router(module.router)
    if importlib.util.find_spec("hub.web") is not None:  # the leads' web dashboard
        from hub.web import include as include_web

        include_web(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
