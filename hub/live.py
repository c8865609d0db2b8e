"""Live updates through PostgreSQL LISTEN/NOTIFY, never process memory.

Writers ``NOTIFY`` a channel in the same transaction as their change, so every
``serve`` process on the database sees every change. Each process keeps ONE
listening connection (``Listener``, created by the app's lifespan and kept on
``app.state``) and fans notifications out to its own waiters: SSE streams and
pack long-polls. A waiter always re-reads the database after waking, so a
notification lost during a reconnect costs at most one poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import psycopg

log = logging.getLogger(__name__)

#: A seat's state changed (heartbeat): payload {"seat_id", "team_id", ...the seat_state row}.
SEAT_CHANNEL = "seatside_seat_state"
#: A team's packs were published: payload {"team_id", "version"}.
PACKS_CHANNEL = "seatside_packs"
#: A seat's token stopped working ({"seat_id"}) or a lead's session ended ({"session_id",
#: "lead_id"}): sent by triggers (migration 0110), so every path that revokes is covered.
REVOKED_CHANNEL = "seatside_revoked"
#: A lead answered a seat's help request: payload {"seat_id", "team_id", "request_id"}.
HELP_CHANNEL = "seatside_help"
CHANNELS = (SEAT_CHANNEL, PACKS_CHANNEL, REVOKED_CHANNEL, HELP_CHANNEL)


class Listener:
    """One LISTEN connection per process, fanned out to asyncio queues."""

    def __init__(self, url: str):
        self.url = url
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {c: set() for c in CHANNELS}
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.connected = asyncio.Event()
        #: Set when the process is shutting down: long waits end at once.
        self.stopping = False
        #: Loop time the listening connection was lost (None while connected).
        self.outage_started: float | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="seatside-hub-listener")

    def request_stop(self) -> None:
        """End every wait (long-polls answer, event streams close); callable from any thread."""
        self.stopping = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._publish_all, {"stopping": True})

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        delay = 0.2
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                    for channel in CHANNELS:
                        await conn.execute(f"LISTEN {channel}")
                    self.connected.set()
                    self.outage_started = None
                    delay = 0.2
                    # Wake everyone once: they re-read what they may have missed.
                    self._publish_all({"reconnected": True})
                    async for notice in conn.notifies():
                        try:
                            payload = json.loads(notice.payload) if notice.payload else {}
                        except json.JSONDecodeError:
                            payload = {}
                        self._publish(notice.channel, payload)
            except asyncio.CancelledError:
                raise
            except psycopg.Error as exc:
                self.connected.clear()
                if self.outage_started is None:
                    self.outage_started = asyncio.get_running_loop().time()
                    self._publish_all({"lost": True})
                log.info("live listener lost the database (%s); reconnecting", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _publish(self, channel: str, payload: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            if queue.qsize() < 1000 or payload.get("stopping") or channel == REVOKED_CHANNEL:
                queue.put_nowait(payload | {"channel": channel})

    def _publish_all(self, payload: dict[str, Any]) -> None:
        queues = {queue for channel in CHANNELS for queue in self._subscribers[channel]}
        for queue in queues:
            queue.put_nowait(payload)

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """One queue for the notifications of ``channels`` (each payload gains its ``channel``)."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        if self.stopping:
            queue.put_nowait({"stopping": True})
        for channel in channels:
            self._subscribers[channel].add(queue)
        try:
            yield queue
        finally:
            for channel in channels:
                self._subscribers[channel].discard(queue)


async def seat_events(listener: Listener, team_id: int, *, keepalive_s: float = 15.0) -> AsyncIterator[dict[str, Any] | None]:
    """The team's seat-state changes as they happen (for the dashboard's SSE endpoint).

    Yields the notified seat_state row as a dict, ``{"reconnected": True}`` when the
    listener came back after a database outage (re-read the board), or ``None``
    every ``keepalive_s`` without news (send an SSE comment to keep proxies open).
    Ends when the process shuts down (the browser's EventSource reconnects).
    """
    async with listener.subscribe(SEAT_CHANNEL) as queue:
        while True:
            try:
                payload = await asyncio.wait_for(queue.get(), timeout=keepalive_s)
            except asyncio.TimeoutError:
                yield None
                continue
            if payload.get("stopping"):
                return
            if payload.get("reconnected") or payload.get("team_id") == team_id:
                yield payload
