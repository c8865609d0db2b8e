"""Huawei CEC CC-Gateway adapters that forward a seat's calls as Seatside live events.

``CecSubscriber`` (what a bank runs): a read-only subscription on an integration
account of its own (the C5 intelligent-assistance login, never the seat's session),
so the seat's CTI toolbar keeps its event queue and Guid to itself. The gateway
pushes the agent events and the speech-recognition results to a callback this
adapter serves; a handshake keeps the subscription; a refused Guid signs in again
and re-registers; a lost gateway is retried with back-off.

``CecAdapter`` (test set-ups only): long-polls the agent's own event queue. With the
toolbar's Guid it competes with the toolbar for events and Guid rotation, and its
own sign-in logs the toolbar out; see docs/live.md.
"""

from __future__ import annotations

import hmac
import http.client
import http.server
import json
import logging
import secrets
import ssl
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from desktop.core.live.cec import CecFormatError, CecTranslator
from desktop.core.live.client import ClientError
from desktop.core.live.events import EventError, loads

log = logging.getLogger(__name__)

BASE = "/agentgateway/resource"
# Consecutive failed polls before the adapter gives up.
MAX_FAILURES = 5


class CecError(Exception):
    """The gateway cannot be used; the message says why."""


class CecAdapter:
    def __init__(
        self,
        gateway: str,
        agent_id: str,
        *,
        phone: str = "",
        password: str = "",
        guid: str = "",
        ca_file: Path | None = None,
        poll_pause: float = 0.3,
        timeout: float = 20.0,
        stop: threading.Event | None = None,
    ):
        url = urllib.parse.urlsplit(gateway)
        if url.scheme != "https" or not url.hostname:
            raise CecError(f"the gateway must be an https:// address, not {gateway!r}")
        if not agent_id.isdigit():
            raise CecError("the agent id is a number")
        self.host, self.port = url.hostname, url.port or 8043
        self.agent_id, self.phone, self.password, self.guid = agent_id, phone, password, guid
        try:
            self.context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise CecError(f"cannot use the CA certificate {ca_file}: {exc}") from None
        self.poll_pause, self.timeout = poll_pause, timeout
        self.stop = stop or threading.Event()
        self.translator = CecTranslator(agent_id=agent_id, phone=phone)
        self._conn: http.client.HTTPSConnection | None = None

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any, str]:
        if self._conn is None:
            self._conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.context)
        headers = {"Content-Type": "application/json; charset=UTF-8"}
        if self.guid:
            headers["Guid"] = self.guid
        try:
            self._conn.request(method, BASE + path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = self._conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise CecError(f"cannot reach the gateway {self.host}:{self.port}: {exc}") from None
        set_guid = response.getheader("Set-GUID") or ""
        try:
            answer = json.loads(raw) if raw else None
        except ValueError:
            self.close()
            raise CecError(f"the gateway answered {response.status} with something that is not JSON") from None
        return response.status, answer, set_guid

    @staticmethod
    def _guid_from(header: str) -> str:
        # "JSESSIONID=<guid>" as the gateway sends it
        return header.split("=", 1)[1].strip() if "=" in header else header.strip()

    def sign_in(self) -> None:
        if self.guid:
            return  # the toolbar's Guid: never sign in a second time (it would log the seat out)
        if not self.password or not self.phone:
            raise CecError("give --guid, or --phone and $SEATSIDE_CEC_PASSWORD to sign in")
        status, answer, set_guid = self._request(
            "PUT", f"/onlineagent/{self.agent_id}", {"password": self.password, "phonenum": self.phone}
        )
        retcode = answer.get("retcode") if isinstance(answer, dict) else None
        if status != 200 or retcode != "0" or not set_guid:
            self.close()
            raise CecError(f"sign-in refused (HTTP {status}, retcode {retcode})")
        self.guid = self._guid_from(set_guid)

    def poll_once(self) -> list[dict[str, Any]]:
        """One long poll: the gateway answers at once with an event, or after ~10 s without."""
        status, answer, set_guid = self._request("GET", f"/agentevent/{self.agent_id}")
        if set_guid:
            self.guid = self._guid_from(set_guid)  # dynamic authentication renews it
        try:
            if status != 200:
                raise CecFormatError(f"the gateway answered HTTP {status}")
            return self.translator.translate(answer)
        except CecFormatError as exc:
            self.close()
            raise CecError(str(exc)) from None

    def run(self, send: Callable[[list[dict[str, Any]]], object]) -> None:
        """Poll until ``stop`` is set; gives up after MAX_FAILURES failures in a row."""
        self.sign_in()
        try:
            self._loop(send)
        finally:
            self.close()

    def _loop(self, send: Callable[[list[dict[str, Any]]], object]) -> None:
        failures = 0
        while not self.stop.is_set():
            try:
                events = self.poll_once()
                failures = 0
            except CecError as exc:
                failures += 1
                if failures >= MAX_FAILURES:
                    raise
                log.warning("CEC poll failed (%d/%d): %s", failures, MAX_FAILURES, exc)
                self.stop.wait(min(5.0, 0.5 * 2**failures))
                continue
            if events:
                send(events)
            self.stop.wait(self.poll_pause)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# Gateway answers that mean "sign in again" (Guid unknown or expired, not signed in).
AUTH_RETCODES = {"000-002", "000-003", "100-006", "100-007"}
SUBSCRIBE_RECOGNITION = "1"
# The callback takes bodies up to this size (a pushed batch of events).
MAX_CALLBACK_BODY = 512 * 1024


class _AuthExpired(Exception):
    pass


class _SubscriptionGone(Exception):
    pass


class _Refused(CecError):
    """The gateway answered with a retcode other than 0."""


class CecSubscriber:
    """The read-only subscription: ``run(send)`` until ``stop`` is set."""

    def __init__(
        self,
        gateway: str,
        agent_id: str,
        *,
        account: str,
        password: str,
        callback_url: str = "",
        listen: tuple[str, int] = ("127.0.0.1", 0),
        callback_tls: tuple[Path, Path] | None = None,
        ca_file: Path | None = None,
        access_numbers: Iterable[str] = (),
        phone: str = "",
        handshake_every: float = 30.0,
        timeout: float = 20.0,
        max_failures: int = 20,
        stop: threading.Event | None = None,
    ):
        url = urllib.parse.urlsplit(gateway)
        if url.scheme != "https" or not url.hostname:
            raise CecError(f"the gateway must be an https:// address, not {gateway!r}")
        if not agent_id.isdigit():
            raise CecError("the agent id is a number")
        if not account.isdigit():
            raise CecError("the integration account is a number (a configuration or VDN account)")
        if not password:
            raise CecError("the integration account needs its password ($SEATSIDE_CEC_PASSWORD)")
        self.host, self.port = url.hostname, url.port or 8043
        self.agent_id, self.account, self.password = agent_id, account, password
        try:
            self.context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise CecError(f"cannot use the CA certificate {ca_file}: {exc}") from None
        self.callback_url, self.listen, self.callback_tls = callback_url, listen, callback_tls
        self.handshake_every, self.timeout, self.max_failures = handshake_every, timeout, max_failures
        self.stop = stop or threading.Event()
        self.translator = CecTranslator(agent_id=agent_id, phone=phone,
                                        access_numbers=frozenset(n.strip() for n in access_numbers if n.strip()))
        self.token = secrets.token_hex(24)  # the gateway sends it back with every push
        self.guid = ""
        self.server_id = ""
        self.logins = self.registrations = self.refused_pushes = 0
        self.failures = 0  # failed gateway calls in a row
        self._lock = threading.Lock()  # one translation and one post at a time
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self._send: Callable[[list[dict[str, Any]]], object] | None = None

    # -- the gateway ---------------------------------------------------------------------
    def _call(self, path: str, body: dict[str, Any], *, auth: bool = True) -> dict[str, Any]:
        conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.context)
        headers = {"Content-Type": "application/json; charset=UTF-8"}
        if auth:
            headers["Guid"] = self.guid
        try:
            conn.request("POST", BASE + path, body=json.dumps(body), headers=headers)
            response = conn.getresponse()
            raw = response.read(1024 * 1024)
        except (OSError, http.client.HTTPException) as exc:
            raise CecError(f"cannot reach the gateway {self.host}:{self.port}: {exc}") from None
        finally:
            conn.close()
        if response.status in (401, 403):
            raise _AuthExpired()
        if response.status >= 500:
            raise CecError(f"the gateway is unavailable (HTTP {response.status})")
        try:
            answer = loads(raw.decode("utf-8")) if raw else None
        except (ValueError, EventError, UnicodeDecodeError):
            raise CecError(f"the gateway answered {response.status} with something that is not JSON") from None
        if not isinstance(answer, dict):
            raise CecError(f"the gateway answered HTTP {response.status} without a JSON object")
        retcode = str(answer.get("retcode", ""))
        if retcode in AUTH_RETCODES:
            raise _AuthExpired()
        if response.status != 200 or retcode != "0":
            raise _Refused(f"the gateway refused {path.rsplit('/', 1)[-1]} (HTTP {response.status}, retcode {retcode})")
        return answer

    def login(self) -> None:
        """The integration account's own session (C5 login): its Guid is never the toolbar's."""
        try:
            answer = self._call("/config/login", {"agentId": int(self.account), "password": self.password}, auth=False)
        except _AuthExpired:
            raise CecError("sign-in refused: check the integration account and its password") from None
        result = answer.get("result")
        guid = result.get("guid") if isinstance(result, dict) else None
        if not isinstance(guid, str) or not guid:
            raise CecError("the gateway signed in without a Guid")
        self.guid = guid
        self.logins += 1

    def register(self) -> None:
        answer = self._call("/config/subscribe/register", {
            "subscribeType": SUBSCRIBE_RECOGNITION, "serviceToken": self.token,
            "serviceCallBackUri": self.callback_url, "nlpFlag": False,
        })
        result = answer.get("result")
        server_id = result.get("serverId") if isinstance(result, dict) else None
        if not isinstance(server_id, str) or not server_id:
            raise CecError("the gateway registered the subscription without an id")
        self.server_id = server_id
        self.registrations += 1

    def handshake(self) -> None:
        """Keeps the subscription; a refused handshake (the gateway restarted and forgot
        it) means registering again."""
        try:
            self._call("/config/subscribe/handshake", {"serverId": self.server_id, "serviceToken": self.token})
        except _Refused:
            raise _SubscriptionGone() from None

    # -- the callback the gateway pushes to ---------------------------------------------------
    def _start_callback(self) -> None:
        subscriber = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 30  # a half-open connection is dropped

            def log_message(self, *args: object) -> None:  # no access log (numbers in paths)
                return

            def do_POST(self) -> None:
                status = subscriber.pushed(self)
                body = json.dumps({"retcode": "0" if status == 200 else str(status), "message": ""}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        httpd = http.server.ThreadingHTTPServer(self.listen, Handler)
        httpd.daemon_threads = True
        if self.callback_tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(self.callback_tls[0]), str(self.callback_tls[1]))
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        self._httpd = httpd
        host, port = self.listen[0], int(httpd.server_address[1])
        if not self.callback_url:
            scheme = "https" if self.callback_tls else "http"
            self.callback_url = f"{scheme}://{host}:{port}/seatside/cec"
        threading.Thread(target=httpd.serve_forever, name="seatside-cec-callback", daemon=True).start()

    def pushed(self, request: http.server.BaseHTTPRequestHandler) -> int:
        """One push from the gateway: agent events (``eventList``) or a recognition result."""
        offered = request.headers.get("service_token") or request.headers.get("serviceToken") or ""
        if not hmac.compare_digest(offered.encode(), self.token.encode()):
            self.refused_pushes += 1
            return 401
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            return 400
        if not 0 < length <= MAX_CALLBACK_BODY:
            return 413 if length else 400
        try:
            data = loads(request.rfile.read(length).decode("utf-8"))
        except (ValueError, EventError, UnicodeDecodeError):
            return 400
        if not isinstance(data, dict):
            return 400
        with self._lock:
            try:
                events = self._translate(data)
            except CecFormatError as exc:
                log.warning("CEC push not understood: %s", exc)
                return 400
            if events and self._send is not None:
                try:
                    self._send(events)
                except (OSError, ClientError) as exc:  # the panel is away: answered, and logged
                    log.warning("live events not delivered to the panel: %s", exc)
                    return 503
        return 200

    def _translate(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        if "eventList" in data:
            if str(data.get("workNo", self.agent_id)) != self.agent_id:
                return []  # another seat's events: not ours to show
            items = data["eventList"]
            if not isinstance(items, list):
                raise CecFormatError("'eventList' is not a list")
            for item in items:
                if isinstance(item, dict) and str(item.get("workNo", self.agent_id)) == self.agent_id:
                    events.extend(self.translator.event(item))
            return events
        if str(data.get("workNo") or data.get("agentId") or self.agent_id) != self.agent_id:
            return []
        return self.translator.recognition(data)

    # -- the loop ------------------------------------------------------------------------------
    def run(self, send: Callable[[list[dict[str, Any]]], object]) -> None:
        """Sign in, subscribe, keep the subscription; re-authenticate and re-register as
        needed; give up after ``max_failures`` failures in a row."""
        self._send = send
        self._start_callback()
        backoff = 0.0
        try:
            while not self.stop.is_set():
                try:
                    if not self.guid:
                        self.login()
                    if not self.server_id:
                        self.register()
                    else:
                        self.handshake()
                    self.failures, backoff = 0, 0.0
                    self.stop.wait(self.handshake_every)
                    continue
                except _AuthExpired:
                    log.info("CEC: the Guid was refused; signing in again")
                    self.guid, self.server_id = "", ""
                except _SubscriptionGone:
                    log.info("CEC: the gateway lost the subscription; registering again")
                    self.server_id = ""
                except CecError as exc:
                    log.warning("CEC: %s", exc)
                self.failures += 1
                if self.failures >= self.max_failures:
                    raise CecError(f"the gateway kept failing ({self.failures} times in a row); stopped")
                backoff = min(30.0, max(0.5, backoff * 2))
                self.stop.wait(backoff)
        finally:
            if self._httpd is not None:
                self._httpd.shutdown()
                self._httpd.server_close()
