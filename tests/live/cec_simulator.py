"""A simulator of the Huawei CEC CC-Gateway interfaces the adapters use, on HTTPS on
the loopback address:

- the agent interfaces the seat's CTI toolbar uses: sign-in (PUT onlineagent/{id},
  Set-GUID), the long-polling event queue (GET agentevent/{id} with the Guid; with
  dynamic authentication every answer carries a new Guid and the old one stops
  working); a second sign-in of the same agent replaces the first session;
- the intelligent-assistance (C5) interfaces Seatside's subscriber uses: login with an
  integration account (POST config/login, its own Guid), subscription register and
  handshake (POST config/subscribe/register|handshake), and pushes of every agent event
  and of speech-recognition results to the registered callback, with its token.

``ToolbarClient`` plays the seat's toolbar: a second client that signs in and polls
like the production toolbar, recording what it saw and every authentication error.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import ssl
import threading
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web


class CecSimulator:
    def __init__(self, cert_dir: Path, *, agent_id: str = "49999", password: str = "s3cret-Pw", wait: float = 1.0,
                 account: str = "101", account_password: str = "cfg-Pw"):
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = cert_dir / "cec-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        self.ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.ssl)
        self.agent_id, self.password, self.wait = agent_id, password, wait
        self.account, self.account_password = account, account_password
        self.guid = ""
        self.signins = 0
        self.polls = 0
        self.rotate_guid = True  # dynamic authentication: every poll answer carries a new Guid
        self.raw_answers: list[Any] = []  # answers sent as they are, before the queue
        self.config_guids: set[str] = set()
        self.config_logins = 0
        self.subscriptions: dict[str, tuple[str, str]] = {}  # serverId -> (callback, token)
        self.handshakes = 0
        self.pushed = 0  # pushes the subscribers' callbacks accepted
        self.undelivered = 0
        self.down = False  # an outage: the intelligent-assistance interfaces answer 503
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._outbox: asyncio.Queue[dict[str, Any]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self.port = 0

    # -- test side -----------------------------------------------------------------
    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()
        assert self._ready.wait(10)

    def push(self, event_type: str, content: Any) -> None:
        """An agent event: to the agent's polled queue and to every subscription."""
        event = {"eventType": event_type, "workNo": self.agent_id, "content": content}
        assert self._loop is not None and self._queue is not None and self._outbox is not None
        self._loop.call_soon_threadsafe(self._queue.put_nowait, event)
        self._loop.call_soon_threadsafe(self._outbox.put_nowait, {"workNo": self.agent_id, "eventList": [event]})

    def push_recognition(self, call_id: str, role: str, text: str, final: bool = True) -> None:
        """A speech-recognition result: to the subscriptions only (the toolbar never sees it)."""
        body = {"workNo": self.agent_id, "callId": call_id, "role": role, "text": text, "isFinal": final}
        assert self._loop is not None and self._outbox is not None
        self._loop.call_soon_threadsafe(self._outbox.put_nowait, body)

    def expire_config_guids(self) -> None:
        """The integration account's Guid expires (a gateway restart, a timeout)."""
        self.config_guids.clear()

    def forget_subscriptions(self) -> None:
        self.subscriptions.clear()

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
        self._outbox = asyncio.Queue()
        app = web.Application()
        app.router.add_put("/agentgateway/resource/onlineagent/{agent}", self._sign_in)
        app.router.add_get("/agentgateway/resource/agentevent/{agent}", self._poll)
        app.router.add_post("/agentgateway/resource/config/login", self._config_login)
        app.router.add_post("/agentgateway/resource/config/subscribe/register", self._register)
        app.router.add_post("/agentgateway/resource/config/subscribe/handshake", self._handshake)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self.ssl)
        loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        pusher = loop.create_task(self._push_loop())
        self._ready.set()
        loop.run_forever()
        pusher.cancel()
        loop.run_until_complete(asyncio.gather(pusher, return_exceptions=True))
        loop.run_until_complete(runner.cleanup())
        loop.close()

    async def _push_loop(self) -> None:
        """Each push goes to every subscription in order; a callback that is down is
        retried a few times, then the push is counted as undelivered."""
        assert self._outbox is not None
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while True:
                body = await self._outbox.get()
                for callback, token in list(self.subscriptions.values()):
                    for _attempt in range(20):
                        try:
                            async with session.post(callback, json=body, headers={"service_token": token}) as reply:
                                if reply.status == 200:
                                    self.pushed += 1
                                    break
                        except aiohttp.ClientError:
                            pass
                        await asyncio.sleep(0.1)
                    else:
                        self.undelivered += 1

    def _answer(self, retcode: str, event: Any = None, message: str = "", guid: bool = False,
                result: Any = None) -> web.Response:
        headers = {}
        if guid:
            headers["Set-GUID"] = f"JSESSIONID={self.guid}"
        body: dict[str, Any] = {"message": message, "retcode": retcode}
        if event is not None or (retcode == "0" and result is None):
            body["event"] = event
        if result is not None:
            body["result"] = result
        return web.Response(text=json.dumps(body), content_type="application/json", headers=headers)

    async def _sign_in(self, request: web.Request) -> web.Response:
        body = await request.json()
        if request.match_info["agent"] != self.agent_id or body.get("password") != self.password:
            return self._answer("100-003", message="password error")
        self.signins += 1
        self.guid = f"{uuid.uuid4()}.AgentGateway0"  # any earlier session of this agent ends
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

    async def _config_login(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="service unavailable")
        body = await request.json()
        if str(body.get("agentId")) != self.account or body.get("password") != self.account_password:
            return self._answer("100-003", message="password error", result={})
        guid = f"{uuid.uuid4()}.AgentGateway1"
        self.config_guids.add(guid)
        self.config_logins += 1
        return self._answer("0", result={"guid": guid})

    async def _register(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="service unavailable")
        if request.headers.get("Guid") not in self.config_guids:
            return self._answer("000-002", message="guid expired", result={})
        body = await request.json()
        callback, token = body.get("serviceCallBackUri"), body.get("serviceToken")
        if body.get("subscribeType") != "1" or not isinstance(callback, str) or not isinstance(token, str):
            return self._answer("100-001", message="bad parameters", result={})
        server_id = uuid.uuid4().hex
        self.subscriptions[server_id] = (callback, token)
        return self._answer("0", result={"serverId": server_id})

    async def _handshake(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="service unavailable")
        if request.headers.get("Guid") not in self.config_guids:
            return self._answer("000-002", message="guid expired", result={})
        body = await request.json()
        if body.get("serverId") not in self.subscriptions:
            return self._answer("100-009", message="no such subscription", result={})
        self.handshakes += 1
        return self._answer("0", result={})


class ToolbarClient:
    """The seat's production CTI toolbar: signs in as the agent and long-polls the
    agent's event queue, following the rotating Guid. ``events`` is what it saw,
    ``auth_errors`` how often its Guid was refused."""

    def __init__(self, simulator: CecSimulator, phone: str = "70001"):
        self.sim, self.phone = simulator, phone
        self.context = ssl.create_default_context(cafile=str(simulator.ca_file))
        self.guid = ""
        self.events: list[tuple[str, str]] = []  # (eventType, call id)
        self.auth_errors = 0
        self.stop = threading.Event()
        self.signed_in = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        assert self.signed_in.wait(10)

    def close(self) -> None:
        self.stop.set()
        self._thread.join(10)

    def _request(self, method: str, path: str, body: Any = None) -> tuple[dict[str, Any], str]:
        conn = http.client.HTTPSConnection("127.0.0.1", self.sim.port, timeout=10, context=self.context)
        try:
            conn.request(method, "/agentgateway/resource" + path, body=json.dumps(body) if body is not None else None,
                         headers={"Content-Type": "application/json", "Guid": self.guid})
            response = conn.getresponse()
            return json.loads(response.read()), response.getheader("Set-GUID") or ""
        finally:
            conn.close()

    def _run(self) -> None:
        answer, set_guid = self._request("PUT", f"/onlineagent/{self.sim.agent_id}",
                                         {"password": self.sim.password, "phonenum": self.phone})
        assert answer["retcode"] == "0", answer
        self.guid = set_guid.split("=", 1)[1]
        self.signed_in.set()
        while not self.stop.is_set():
            answer, set_guid = self._request("GET", f"/agentevent/{self.sim.agent_id}")
            if set_guid:
                self.guid = set_guid.split("=", 1)[1]
            if answer.get("retcode") != "0":
                self.auth_errors += 1
                self.stop.wait(0.05)
                continue
            event = answer.get("event")
            if isinstance(event, dict):
                content = event.get("content")
                callid = content.get("callid", "") if isinstance(content, dict) else str(content)
                self.events.append((event["eventType"], callid))


def assert_toolbar_saw_everything(toolbar: ToolbarClient, pushed: list[tuple[str, str]]) -> None:
    """The toolbar is the seat's tool: it must see every event, with no auth error."""
    assert toolbar.auth_errors == 0, f"the toolbar's Guid was refused {toolbar.auth_errors} times"
    missing = [e for e in pushed if e not in toolbar.events]
    assert not missing, f"the toolbar missed {len(missing)} of {len(pushed)} events: {missing[:5]}"
