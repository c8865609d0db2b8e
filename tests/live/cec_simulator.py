"""A simulator of the Huawei CEC CC-Gateway agent interfaces the adapter uses, on
HTTPS on the loopback address: sign-in (PUT onlineagent/{id}, Set-GUID header) and
the long-polling event interface (GET agentevent/{id} with the Guid header)."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web


class CecSimulator:
    def __init__(self, cert_dir: Path, *, agent_id: str = "49999", password: str = "s3cret-Pw", wait: float = 1.0):
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = cert_dir / "cec-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        self.ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.ssl)
        self.agent_id, self.password, self.wait = agent_id, password, wait
        self.guid = ""
        self.signins = 0
        self.polls = 0
        self.rotate_guid = True  # dynamic authentication: every poll answer carries a new Guid
        self.raw_answers: list[Any] = []  # answers sent as they are, before the queue
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self.port = 0

    # -- test side -----------------------------------------------------------------
    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()
        assert self._ready.wait(10)

    def push(self, event_type: str, content: Any) -> None:
        event = {"eventType": event_type, "workNo": self.agent_id, "content": content}
        assert self._loop is not None and self._queue is not None
        self._loop.call_soon_threadsafe(self._queue.put_nowait, event)

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # -- server side --------------------------------------------------------------
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._queue = asyncio.Queue()
        app = web.Application()
        app.router.add_put("/agentgateway/resource/onlineagent/{agent}", self._sign_in)
        app.router.add_get("/agentgateway/resource/agentevent/{agent}", self._poll)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self.ssl)
        loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    def _answer(self, retcode: str, event: Any = None, message: str = "", guid: bool = False) -> web.Response:
        headers = {}
        if guid:
            headers["Set-GUID"] = f"JSESSIONID={self.guid}"
        body = {"message": message, "retcode": retcode, "event": event} if event is not None or retcode == "0" else {
            "message": message, "retcode": retcode}
        return web.Response(text=json.dumps(body), content_type="application/json", headers=headers)

    async def _sign_in(self, request: web.Request) -> web.Response:
        body = await request.json()
        if request.match_info["agent"] != self.agent_id or body.get("password") != self.password:
            return self._answer("100-003", message="password error")
        self.signins += 1
        self.guid = f"{uuid.uuid4()}.AgentGateway0"
        return self._answer("0", guid=True)

    async def _poll(self, request: web.Request) -> web.Response:
        if request.headers.get("Guid") != self.guid or not self.guid:
            return self._answer("000-002", message="agent not signed in or guid expired")
        self.polls += 1
        if self.raw_answers:
            return web.Response(text=self.raw_answers.pop(0), content_type="application/json")
        assert self._queue is not None
        try:
            event = await asyncio.wait_for(self._queue.get(), self.wait)
        except asyncio.TimeoutError:
            event = None
        if self.rotate_guid:
            self.guid = f"{uuid.uuid4()}.AgentGateway0"
        return self._answer("0", event, guid=self.rotate_guid)
