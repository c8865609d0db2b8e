"""Huawei CEC CC-Gateway adapter: signs in (or uses the toolbar's Guid), polls the
agent's events over HTTPS and forwards them as Seatside live events."""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.core.live.cec import CecFormatError, CecTranslator

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
        self.translator = CecTranslator()
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
