"""Talking to a running panel's live endpoint: ``live.json``, posting events, replaying
a recorded call with its timing (used by ``seatside event`` and ``seatside replay``)."""

from __future__ import annotations

import http.client
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.live.events import MAX_BATCH, Event, EventError, loads, parse_event, to_json

LIVE_FILE = "live.json"
# A replay file larger than this is refused (a recorded call is a few hundred lines).
MAX_REPLAY_BYTES = 20 * 1024 * 1024


class ClientError(Exception):
    """The panel cannot be reached or refused the events; the message says why."""


@dataclass(frozen=True)
class Endpoint:
    port: int
    token: str


def read_endpoint(data_dir: Path) -> Endpoint:
    path = Path(data_dir) / LIVE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClientError(f"the panel is not running with live events ({path} is missing)") from None
    except (OSError, ValueError) as exc:
        raise ClientError(f"cannot read {path}: {exc}") from None
    port, token = (data.get("port"), data.get("token")) if isinstance(data, dict) else (None, None)
    if not isinstance(port, int) or not 0 < port < 65536 or not isinstance(token, str) or not token:
        raise ClientError(f"{path} has no valid port and token")
    return Endpoint(port, token)


class Poster:
    """One keep-alive HTTP connection to the panel; ``post`` returns the count accepted."""

    def __init__(self, endpoint: Endpoint, timeout: float = 10.0):
        self.endpoint = endpoint
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.endpoint.port, timeout=self.timeout)
        return self._conn

    def post(self, events: Iterable[dict[str, Any]], retries_on_429: int = 5) -> int:
        # ASCII JSON: every separator and surrogate travels as a \\u escape, never raw.
        body = "\n".join(json.dumps(e, ensure_ascii=True) for e in events).encode("ascii")
        headers = {"Authorization": f"Bearer {self.endpoint.token}", "Content-Type": "application/x-ndjson"}
        for attempt in range(retries_on_429 + 1):
            try:
                conn = self._connection()
                conn.request("POST", "/events", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise ClientError(f"cannot reach the panel on 127.0.0.1:{self.endpoint.port}: {exc}") from None
            if response.status == 429 and attempt < retries_on_429:
                time.sleep(1.0)
                continue
            try:
                answer = json.loads(payload)
            except ValueError:
                answer = {}
            if response.status != 200:
                message = answer.get("error") if isinstance(answer, dict) else None
                raise ClientError(f"the panel refused the event ({response.status}): {message or payload[:200]!r}")
            return int(answer.get("accepted", 0))
        raise ClientError("the panel keeps refusing: too many events")  # pragma: no cover - loop returns

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def event_from_fields(kind: str, fields: dict[str, str]) -> Event:
    """``seatside event TYPE --field value …``: values typed as the schema wants."""
    data: dict[str, Any] = {"type": kind}
    for name, value in fields.items():
        if name == "final":
            if value.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                raise EventError("--final must be true or false")
            data[name] = value.lower() in {"true", "1", "yes"}
        elif name == "at":
            try:
                data[name] = float(value)
            except ValueError:
                data[name] = value  # an ISO-8601 time; the schema checks it
        else:
            data[name] = value
    if kind == "transcript":
        data.setdefault("final", True)
    return parse_event(data)


@dataclass(frozen=True)
class ReplayLine:
    t: float
    event: Event


def read_replay(path: Path) -> list[ReplayLine]:
    """A recorded call: JSON lines, each an event with ``t`` (seconds from the start).
    The whole file is checked before anything is sent."""
    from desktop.core.base.bounded import InputRefused, read_regular

    try:  # a regular file only, counted by the bytes actually read (a pipe or /dev/zero is refused)
        text = read_regular(Path(path), MAX_REPLAY_BYTES).decode("utf-8-sig")
    except InputRefused as exc:
        if "too large" in exc.message:
            raise ClientError(f"{path}: larger than {MAX_REPLAY_BYTES // (1024 * 1024)} MB") from None
        raise ClientError(exc.message) from None
    except FileNotFoundError:
        raise ClientError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ClientError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ClientError(f"{path}: {exc.strerror or exc}") from None
    lines: list[ReplayLine] = []
    previous = 0.0
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028 is text
        if not line.strip():
            continue
        try:
            data = loads(line)
        except EventError as exc:
            raise ClientError(f"{path}:{number}: malformed JSON ({exc})") from None
        except (ValueError, RecursionError) as exc:
            raise ClientError(f"{path}:{number}: malformed JSON ({getattr(exc, 'msg', 'nested too deeply')})") from None
        if not isinstance(data, dict):
            raise ClientError(f"{path}:{number}: an event must be a JSON object")
        t = data.pop("t", previous)
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 <= t < 86400 or t < previous:
            raise ClientError(f"{path}:{number}: 't' must be seconds from the start, never going back")
        try:
            event = parse_event(data)
        except EventError as exc:
            raise ClientError(f"{path}:{number}: {exc}") from None
        previous = float(t)
        lines.append(ReplayLine(previous, event))
    if not lines:
        raise ClientError(f"{path}: no event in the file")
    return lines


def fresh_call_ids(lines: list[ReplayLine]) -> list[dict[str, Any]]:
    """The events with call ids made unique to this run (a file can be replayed again)."""
    suffix = uuid.uuid4().hex[:8]
    out = []
    for line in lines:
        data = to_json(line.event)
        data["call_id"] = f"{data['call_id'][:100]}-{suffix}"
        out.append(data)
    return out


def replay(
    lines: list[ReplayLine],
    send: Callable[[list[dict[str, Any]]], int],
    speed: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Send each event at its time divided by ``speed``; events due together go in one
    request. Returns the number of events sent."""
    events = fresh_call_ids(lines)
    start = clock()
    sent, index = 0, 0
    while index < len(lines):
        due = lines[index].t / speed
        wait = start + due - clock()
        if wait > 0:
            sleep(wait)
        batch = []
        now = clock() - start
        while index < len(lines) and lines[index].t / speed <= now + 0.005:
            batch.append(events[index])
            index += 1
        if not batch:  # woke a hair early
            batch.append(events[index])
            index += 1
        for first in range(0, len(batch), MAX_BATCH):  # the endpoint takes MAX_BATCH at a time
            sent += send(batch[first : first + MAX_BATCH])
    return sent
