"""The local live-event endpoint: aiohttp on 127.0.0.1 in a background thread.

Every request needs ``Authorization: Bearer <token>``; a request with an ``Origin``
header is refused unless that origin is allow-listed (so a web page the seat opens
cannot drive the panel); the ``Host`` header must name the loopback address (no DNS
rebinding). Bodies are capped, requests and events are rate-limited per second.

Accepted events go to ``deliver(events, received_at)`` on the server thread; the
caller hands them over to its own thread (the panel uses a queued Qt signal).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiohttp import WSMsgType, web

from desktop.core.live.events import MAX_BATCH, Event, EventError, parse_body

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
LIVE_FILE = "live.json"
WS_PROTOCOL_PREFIX = "seatside.bearer."

Deliver = Callable[[list[Event], float], None]


@dataclass(frozen=True)
class Limits:
    max_body: int = 256 * 1024  # bytes per request or WebSocket message
    requests_per_s: int = 50
    events_per_s: int = 200
    max_events: int = MAX_BATCH


class RateWindow:
    """Fixed one-second window: how many requests and events were taken this second."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic):
        self.limits, self.clock = limits, clock
        self.second = -1
        self.requests = self.events = 0

    def _roll(self) -> None:
        now = int(self.clock())
        if now != self.second:
            self.second, self.requests, self.events = now, 0, 0

    def take_request(self) -> bool:
        self._roll()
        self.requests += 1
        return self.requests <= self.limits.requests_per_s

    def take_events(self, count: int) -> bool:
        self._roll()
        if self.events + count > self.limits.events_per_s:
            return False
        self.events += count
        return True


def write_live_file(folder: Path, port: int, token: str) -> Path:
    """``live.json`` with the port and token, 0600, replaced atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LIVE_FILE
    fd, tmp = tempfile.mkstemp(prefix=".live.", dir=folder)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"port": port, "token": token, "pid": os.getpid()}, handle)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status, headers=headers)


class LiveServer:
    """Start with ``start()`` (returns the port), stop with ``stop()``."""

    def __init__(
        self,
        deliver: Deliver,
        *,
        token: str | None = None,
        origins: Sequence[str] = (),
        limits: Limits = Limits(),
        host: str = LOOPBACK,
        port: int = 0,
    ):
        if host != LOOPBACK:
            raise ValueError(f"the live endpoint listens on {LOOPBACK} only, not on {host!r}")
        self.deliver = deliver
        self.token = token or secrets.token_urlsafe(32)
        self.origins = frozenset(o.rstrip("/") for o in origins)
        self.limits = limits
        self.host, self.port = host, port
        self.rate = RateWindow(limits)
        self.refused: dict[int, int] = {}  # status -> count (shown in diagnostics and tests)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._sockets: set[web.WebSocketResponse] = set()

    # -- life cycle -----------------------------------------------------------
    def start(self, timeout: float = 10.0) -> int:
        self._thread = threading.Thread(target=self._run, name="seatside-live", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise OSError("the live endpoint did not start in time")
        if self._failure is not None:
            raise OSError(f"the live endpoint cannot listen: {self._failure}") from self._failure
        return self.port

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._cleanup())
            loop.close()

    async def _serve(self) -> None:
        app = web.Application(client_max_size=self.limits.max_body, middlewares=[self._guard])
        app.router.add_post("/events", self._post_events)
        app.router.add_get("/ws", self._websocket)
        app.router.add_get("/health", self._health)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=False)
        await site.start()
        self.port = int(self._runner.addresses[0][1])  # the port the system chose

    async def _cleanup(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    # -- checks on every request ---------------------------------------------
    def _count(self, status: int) -> None:
        self.refused[status] = self.refused.get(status, 0) + 1

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        offered = header[7:].strip() if header[:7].lower() == "bearer " else ""
        if not offered and request.path == "/ws":
            for protocol in request.headers.get("Sec-WebSocket-Protocol", "").split(","):
                protocol = protocol.strip()
                if protocol.startswith(WS_PROTOCOL_PREFIX):
                    offered = protocol[len(WS_PROTOCOL_PREFIX) :]
        return bool(offered) and hmac.compare_digest(offered.encode(), self.token.encode())

    def _cors(self, origin: str | None) -> dict[str, str]:
        if not origin:
            return {}
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        host = request.headers.get("Host", "")
        if host not in {f"{LOOPBACK}:{self.port}", f"localhost:{self.port}"}:
            self._count(403)
            return _error(403, "unexpected Host header")
        origin = request.headers.get("Origin")
        if origin is not None and origin.rstrip("/") not in self.origins:
            self._count(403)
            return _error(403, "this origin is not allowed to send events")
        if request.method == "OPTIONS" and origin is not None:  # a browser's preflight
            return web.Response(status=204, headers={
                **self._cors(origin),
                "Access-Control-Allow-Methods": "POST, GET",
                "Access-Control-Allow-Headers": "Authorization, Content-Type",
                "Access-Control-Max-Age": "600",
            })
        cors = self._cors(origin)
        if not self._authorised(request):
            self._count(401)
            return _error(401, "missing or wrong bearer token (see live.json)", {**cors, "WWW-Authenticate": "Bearer"})
        if not self.rate.take_request():
            self._count(429)
            return _error(429, "too many requests this second; slow down", {**cors, "Retry-After": "1"})
        try:
            response = await handler(request)
        except web.HTTPRequestEntityTooLarge:
            self._count(413)
            return _error(413, f"the body is larger than {self.limits.max_body} bytes", cors)
        except web.HTTPException as exc:
            self._count(exc.status)
            return _error(exc.status, exc.reason, cors)
        response.headers.update(cors)
        return response

    # -- handlers ----------------------------------------------------------------
    def _accept(self, body: bytes | str, received: float) -> tuple[int, dict]:
        try:
            events = parse_body(body, self.limits.max_events)
        except EventError as exc:
            self._count(400)
            return 400, {"ok": False, "error": str(exc)}
        if not self.rate.take_events(len(events)):
            self._count(429)
            return 429, {"ok": False, "error": f"more than {self.limits.events_per_s} events this second; slow down"}
        self.deliver(events, received)
        return 200, {"ok": True, "accepted": len(events)}

    async def _post_events(self, request: web.Request) -> web.Response:
        received = time.monotonic()
        length = request.content_length
        if length is not None and length > self.limits.max_body:
            self._count(413)
            return _error(413, f"the body is larger than {self.limits.max_body} bytes")
        body = await request.read()
        status, payload = self._accept(body, received)
        return web.json_response(payload, status=status, headers={"Retry-After": "1"} if status == 429 else None)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        ws = web.WebSocketResponse(max_msg_size=self.limits.max_body, heartbeat=30, protocols=offered[:1])
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            async for message in ws:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    received = time.monotonic()
                    if not self.rate.take_request():
                        self._count(429)
                        status, payload = 429, {"ok": False, "error": "too many messages this second; slow down"}
                    else:
                        status, payload = self._accept(message.data, received)
                    await ws.send_json({**payload, "status": status})
                elif message.type == WSMsgType.ERROR:
                    break
        finally:
            self._sockets.discard(ws)
        if ws.close_code == 1009:  # message too big: aiohttp closed the socket
            self._count(413)
        return ws
