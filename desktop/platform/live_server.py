"""The local live-event endpoint: aiohttp on 127.0.0.1 in a background thread.

Every request needs ``Authorization: Bearer <token>``; a request with an ``Origin``
header is refused unless that origin is allow-listed (so a web page the seat opens
cannot drive the panel); the ``Host`` header must name the loopback address (no DNS
rebinding). Bodies are capped, requests and events are rate-limited per second, with
separate budgets for call events, transcripts and refused bodies, so a chatty
transcript feed (or junk) can never starve the calls.

A client cannot hold the endpoint: a connection must send its request headers within
``header_timeout`` seconds, an idle keep-alive connection is closed after
``idle_timeout``, a body must arrive within ``body_timeout``, and at most
``max_connections`` are open at once (a new one evicts the oldest connection still
waiting for its headers, so a prompt client always gets through). The panel runs with
an open-file limit of 1,024, which the cap keeps far away.

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

from desktop.core.live.events import MAX_BATCH, CallEvent, Event, EventError, parse_body

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
LIVE_FILE = "live.json"
WS_PROTOCOL_PREFIX = "seatside.bearer."

Deliver = Callable[[list[Event], float], None]


@dataclass(frozen=True)
class Limits:
    max_body: int = 256 * 1024  # bytes per request or WebSocket message
    requests_per_s: int = 50  # requests carrying call events
    events_per_s: int = 500  # call events
    transcript_requests_per_s: int = 100
    transcript_events_per_s: int = 1000
    bad_requests_per_s: int = 20  # bodies refused as malformed
    max_events: int = MAX_BATCH
    max_connections: int = 64
    header_timeout: float = 10.0  # seconds from connecting (or the last answer) to the request headers
    idle_timeout: float = 60.0  # an idle keep-alive connection; the WebSocket ping interval
    body_timeout: float = 30.0

    def __post_init__(self) -> None:
        if min(self.events_per_s, self.transcript_events_per_s) < self.max_events:
            raise ValueError("an event budget smaller than one batch would refuse every full batch")


class RateWindow:
    """Fixed one-second window: how many requests and events were taken this second."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic, *,
                 requests_per_s: int | None = None, events_per_s: int | None = None):
        self.limits, self.clock = limits, clock
        self.requests_per_s = limits.requests_per_s if requests_per_s is None else requests_per_s
        self.events_per_s = limits.events_per_s if events_per_s is None else events_per_s
        self.second = -1
        self.requests = self.events = 0

    def _roll(self) -> None:
        now = int(self.clock())
        if now != self.second:
            self.second, self.requests, self.events = now, 0, 0

    def take_request(self) -> bool:
        self._roll()
        self.requests += 1
        return self.requests <= self.requests_per_s

    def can_take(self, count: int) -> bool:
        self._roll()
        return self.requests < self.requests_per_s and self.events + count <= self.events_per_s

    def take(self, count: int) -> None:
        self._roll()
        self.requests += 1
        self.events += count

    def take_events(self, count: int) -> bool:
        self._roll()
        if self.events + count > self.events_per_s:
            return False
        self.events += count
        return True


class Budgets:
    """One window for call events, one for transcripts, one for refused bodies."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic):
        self.calls = RateWindow(limits, clock)
        self.transcripts = RateWindow(limits, clock, requests_per_s=limits.transcript_requests_per_s,
                                      events_per_s=limits.transcript_events_per_s)
        self.bad = RateWindow(limits, clock, requests_per_s=limits.bad_requests_per_s, events_per_s=0)

    def take(self, events: Sequence[Event]) -> str | None:
        """Charge a parsed batch to its budgets (all or nothing); the refusal, or None."""
        calls = sum(1 for e in events if isinstance(e, CallEvent))
        texts = len(events) - calls
        if calls and not self.calls.can_take(calls):
            return "too many call events this second; slow down"
        if texts and not self.transcripts.can_take(texts):
            return "too many transcript events this second; slow down"
        if calls:
            self.calls.take(calls)
        if texts:
            self.transcripts.take(texts)
        return None


class _Connection(asyncio.Protocol):
    """Wraps aiohttp's protocol for one connection: deadlines and the connection cap."""

    def __init__(self, server: LiveServer, inner: asyncio.Protocol):
        self.server, self.inner = server, inner
        self.transport: asyncio.Transport | None = None
        self.busy = False
        self.timer: asyncio.TimerHandle | None = None
        self.opened = 0.0

    def _arm(self, seconds: float) -> None:
        if self.timer is not None:
            self.timer.cancel()
        loop = asyncio.get_running_loop()
        self.timer = loop.call_later(seconds, self._expire)

    def _expire(self) -> None:
        if self.transport is not None and not self.busy:
            self.server.timed_out += 1
            self.transport.abort()

    def started(self) -> None:
        """Headers arrived: aiohttp has the request."""
        self.busy = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def finished(self) -> None:
        self.busy = False
        self._arm(self.server.limits.header_timeout)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport, self.opened = transport, time.monotonic()
        conns = self.server._connections
        if len(conns) >= self.server.limits.max_connections:
            waiting = [c for c in conns.values() if not c.busy]
            if not waiting:
                self.server.dropped += 1
                transport.abort()
                self.transport = None
                return
            oldest = min(waiting, key=lambda c: c.opened)
            self.server.dropped += 1
            if oldest.transport is not None:
                oldest.transport.abort()
            conns.pop(id(oldest.transport), None)
        conns[id(transport)] = self
        self._arm(self.server.limits.header_timeout)
        self.inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.transport is None:  # refused at the cap: aiohttp never saw it
            return
        if self.server._connections.get(id(self.transport)) is self:
            del self.server._connections[id(self.transport)]
        self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


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
        self.rate = Budgets(limits)
        self.refused: dict[int, int] = {}  # status -> count (shown in diagnostics and tests)
        self.timed_out = 0  # connections closed for sending nothing in time
        self.dropped = 0  # connections closed at the cap
        self._connections: dict[int, _Connection] = {}
        self._server: asyncio.base_events.Server | None = None
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
        app = web.Application(client_max_size=self.limits.max_body, middlewares=[self._deadlines, self._guard])
        app.router.add_post("/events", self._post_events)
        app.router.add_get("/ws", self._websocket)
        app.router.add_get("/health", self._health)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False,
                                     keepalive_timeout=self.limits.idle_timeout)
        await self._runner.setup()
        factory = self._runner.server
        assert factory is not None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self, factory()), self.host, self.port, reuse_address=False,
            backlog=128,
        )
        self.port = int(self._server.sockets[0].getsockname()[1])  # the port the system chose

    async def _cleanup(self) -> None:
        if self._server is not None:
            self._server.close()
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

    @web.middleware
    async def _deadlines(self, request: web.Request, handler) -> web.StreamResponse:
        """Marks the connection busy while a request is handled (no header deadline)."""
        transport = request.transport
        connection = self._connections.get(id(transport)) if transport is not None else None
        if connection is not None:
            connection.started()
        try:
            return await handler(request)
        finally:
            if connection is not None:
                connection.finished()

    # -- handlers ----------------------------------------------------------------
    def _accept(self, body: bytes | str, received: float) -> tuple[int, dict]:
        try:
            events = parse_body(body, self.limits.max_events)
        except EventError as exc:
            if not self.rate.bad.take_request():
                self._count(429)
                return 429, {"ok": False, "error": "too many malformed bodies this second; slow down"}
            self._count(400)
            return 400, {"ok": False, "error": str(exc)}
        refusal = self.rate.take(events)
        if refusal is not None:
            self._count(429)
            return 429, {"ok": False, "error": refusal}
        self.deliver(events, received)
        return 200, {"ok": True, "accepted": len(events)}

    async def _post_events(self, request: web.Request) -> web.Response:
        received = time.monotonic()
        length = request.content_length
        if length is not None and length > self.limits.max_body:
            self._count(413)
            return _error(413, f"the body is larger than {self.limits.max_body} bytes")
        try:
            body = await asyncio.wait_for(request.read(), self.limits.body_timeout)
        except asyncio.TimeoutError:
            self._count(408)
            return _error(408, f"the body did not arrive within {self.limits.body_timeout:g} seconds")
        status, payload = self._accept(body, received)
        return web.json_response(payload, status=status, headers={"Retry-After": "1"} if status == 429 else None)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        ws = web.WebSocketResponse(max_msg_size=self.limits.max_body, heartbeat=self.limits.idle_timeout,
                                   protocols=offered[:1])
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            async for message in ws:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    status, payload = self._accept(message.data, time.monotonic())
                    await ws.send_json({**payload, "status": status})
                elif message.type == WSMsgType.ERROR:
                    break
        finally:
            self._sockets.discard(ws)
        if ws.close_code == 1009:  # message too big: aiohttp closed the socket
            self._count(413)
        return ws
