"""Real HTTP and WebSocket clients for the live endpoint (stdlib http.client, aiohttp)."""

from __future__ import annotations

import asyncio
import http.client
import json
from typing import Any

import aiohttp


def post(port: int, body: bytes | str, token: str | None, headers: dict[str, str] | None = None,
         host: str = "127.0.0.1", path: str = "/events", method: str = "POST") -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=all_headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    try:
        payload = json.loads(raw) if raw else {}
    except ValueError:
        payload = {"raw": raw.decode(errors="replace")}
    return response.status, payload


def ws_exchange(port: int, messages: list[str | bytes], token: str | None = None, *,
                headers: dict[str, str] | None = None, protocols: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Connect, send each message, collect one answer per message."""

    async def run() -> list[dict[str, Any]]:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        async with aiohttp.ClientSession() as session, session.ws_connect(
            f"http://127.0.0.1:{port}/ws", headers=all_headers, protocols=protocols
        ) as ws:
            answers = []
            for message in messages:
                if isinstance(message, bytes):
                    await ws.send_bytes(message)
                else:
                    await ws.send_str(message)
                reply = await ws.receive(timeout=10)
                if reply.type != aiohttp.WSMsgType.TEXT:
                    answers.append({"closed": True, "code": ws.close_code})
                    break
                answers.append(json.loads(reply.data))
            return answers

    return asyncio.run(run())


def ws_refused(port: int, token: str | None, headers: dict[str, str] | None = None) -> int:
    """The HTTP status a WebSocket handshake is refused with."""

    async def run() -> int:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"http://127.0.0.1:{port}/ws", headers=all_headers):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    return asyncio.run(run())
