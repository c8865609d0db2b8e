"""The event schema of the live endpoint: parsing and validation, one event or NDJSON.

Events are JSON objects::

    {"type": "call.ringing" | "call.answered" | "call.ended",
     "call_id": "…", "caller": "13800138000", "direction": "in" | "out",
     "call_data": {"ivr": "2-1", "queue": "信用卡挂失", "skill": "…", "tier": "…"}}

``call_data`` (or ``callData``) is what the phone system attached to the call: an object,
a JSON object in a string, or ``key=value`` pairs separated by ``;``, ``&`` or ``|``.
Only the routing keys are kept (their usual CTI spellings too: ``ivrPath``,
``skillName``, ``customerLevel``…); other attached data is dropped at once.
    {"type": "transcript", "call_id": "…", "speaker": "customer" | "agent",
     "text": "…", "final": true, "at": 12.5}

Every problem raises ``EventError`` with one clear sentence; a batch (NDJSON) is
accepted whole or refused whole, so nothing is half-applied.

Text is made safe to store and show before it is accepted: a lone surrogate (which
no UTF-8 store can write) becomes U+FFFD, and line and paragraph separators inside a
string (U+2028, U+2029, U+0085, …) become spaces. NDJSON lines are split on ``\n``
only, so such a character inside a JSON string never splits an event. Numbers longer
than ``MAX_NUMBER_CHARS`` are refused before Python converts them.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CALL_TYPES = ("call.ringing", "call.answered", "call.ended")
EVENT_TYPES = (*CALL_TYPES, "transcript")
SPEAKERS = ("customer", "agent")
DIRECTIONS = ("in", "out")

MAX_CALL_ID = 128
MAX_CALLER = 64
MAX_CUSTOMER_ID = 64
MAX_TEXT = 2000
MAX_CALL_DATA = 4000  # characters of attached data read
MAX_ROUTING_VALUE = 64
# CTI spellings of the routing keys (compared without case, "_" or "-").
ROUTING_ALIASES = {
    "ivr": "ivr", "ivrpath": "ivr", "ivrnode": "ivr", "menu": "ivr", "menupath": "ivr",
    "queue": "queue", "queuename": "queue", "queueid": "queue", "acdqueue": "queue",
    "skill": "skill", "skillname": "skill", "skillid": "skill", "skillgroup": "skill",
    "tier": "tier", "level": "tier", "customerlevel": "tier", "custlevel": "tier", "viplevel": "tier",
    "customertier": "tier", "grade": "tier",
}
# Events in one request or one WebSocket message.
MAX_BATCH = 500
# A JSON number longer than this is refused (no id or time needs more; Python refuses
# integers over 4,300 digits with an error of its own).
MAX_NUMBER_CHARS = 40

_SURROGATE = re.compile("[\ud800-\udfff]")
# Line and paragraph separators other than \n and \r, and the C1 next-line control.
_SEPARATORS = re.compile("[\u2028\u2029\u0085\u000b\u000c\u001c\u001d\u001e]")


def clean_text(text: str) -> str:
    """``text`` safe to store and show: no lone surrogate, no NUL, separators as spaces."""
    text = _SURROGATE.sub("\ufffd", text)
    return _SEPARATORS.sub(" ", text.replace("\x00", ""))


class EventError(ValueError):
    """An event or a batch that cannot be accepted; the message says why."""


@dataclass(frozen=True)
class CallEvent:
    type: str
    call_id: str
    caller: str = field(default="", repr=False)  # the number in clear: memory only, never logged
    direction: str = "in"
    customer_id: str = field(default="", repr=False)  # the CRM's full customer id, when the CTI knows it
    # the phone system's attached data, routing keys only (ivr, queue, skill, tier)
    call_data: dict[str, str] = field(default_factory=dict, repr=False, compare=False, hash=False)


@dataclass(frozen=True)
class TranscriptEvent:
    call_id: str
    speaker: str
    text: str = field(repr=False)
    final: bool
    at: float | None = None  # seconds (epoch or since the call started), as the source sends it

    type: str = "transcript"


Event = CallEvent | TranscriptEvent


def _string(obj: dict[str, Any], name: str, limit: int, *, required: bool = True) -> str:
    value = obj.get(name)
    if value is None:
        if required:
            raise EventError(f"'{name}' is missing")
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name in {"call_id", "caller"}:
        value = str(value)  # some CTIs send numeric ids
    if not isinstance(value, str):
        raise EventError(f"'{name}' must be a string")
    if _SURROGATE.search(value):
        raise EventError(f"'{name}' is not valid Unicode text (a lone surrogate)")
    value = value.strip()
    if required and not value:
        raise EventError(f"'{name}' is empty")
    if len(value) > limit:
        raise EventError(f"'{name}' is longer than {limit} characters")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in value):
        raise EventError(f"'{name}' contains control characters")
    return value


def _at(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise EventError("'at' must be a number of seconds or an ISO-8601 time")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value < 0:
            raise EventError("'at' must be a finite number of seconds, not negative")
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise EventError("'at' is not an ISO-8601 time") from None
    raise EventError("'at' must be a number of seconds or an ISO-8601 time")


def _pairs(text: str) -> dict[str, Any]:
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise EventError("'call_data' is not a JSON object") from None
        if not isinstance(value, dict):
            raise EventError("'call_data' is not a JSON object")
        return value
    out: dict[str, Any] = {}
    for part in text.replace("&", ";").replace("|", ";").split(";"):
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def parse_call_data(value: Any) -> dict[str, str]:
    """The routing keys of a call's attached data (see the module's doc); {} when none."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        if len(value) > MAX_CALL_DATA:
            raise EventError(f"'call_data' is longer than {MAX_CALL_DATA} characters")
        value = _pairs(value)
    if not isinstance(value, dict):
        raise EventError("'call_data' must be an object or key=value text")
    out: dict[str, str] = {}
    for raw_key, raw in value.items():
        key = ROUTING_ALIASES.get(str(raw_key).replace("_", "").replace("-", "").casefold())
        if key is None or raw is None or isinstance(raw, (bool, dict, list)):
            continue
        text = str(raw).strip()
        if not text:
            continue
        if len(text) > MAX_ROUTING_VALUE or any(ord(c) < 32 for c in text):
            raise EventError(f"'call_data': '{key}' must be text of at most {MAX_ROUTING_VALUE} characters")
        out.setdefault(key, text)
    return out


def parse_event(obj: Any) -> Event:
    """Validate one decoded JSON value as an event."""
    if not isinstance(obj, dict):
        raise EventError("an event must be a JSON object")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise EventError("'type' is missing")
    if kind not in EVENT_TYPES:
        raise EventError(f"unknown event type '{kind[:40]}' (expected one of {', '.join(EVENT_TYPES)})")
    call_id = _string(obj, "call_id", MAX_CALL_ID)
    if kind == "transcript":
        speaker = obj.get("speaker")
        if speaker not in SPEAKERS:
            raise EventError("'speaker' must be 'customer' or 'agent'")
        text = obj.get("text")
        if not isinstance(text, str):
            raise EventError("'text' must be a string")
        if len(text) > MAX_TEXT:
            raise EventError(f"'text' is longer than {MAX_TEXT} characters")
        final = obj.get("final", False)
        if not isinstance(final, bool):
            raise EventError("'final' must be true or false")
        return TranscriptEvent(call_id, speaker, clean_text(text), final, _at(obj.get("at")))
    caller = _string(obj, "caller", MAX_CALLER, required=False)
    direction = obj.get("direction", "in")
    if direction not in DIRECTIONS:
        raise EventError("'direction' must be 'in' or 'out'")
    customer_id = _string(obj, "customer_id", MAX_CUSTOMER_ID, required=False)
    raw_data = obj.get("call_data", obj.get("callData"))
    return CallEvent(kind, call_id, caller, direction, customer_id, parse_call_data(raw_data))


def _number(kind: type[int] | type[float]) -> Any:
    def parse(literal: str) -> int | float:
        if len(literal) > MAX_NUMBER_CHARS:
            raise EventError(f"a number longer than {MAX_NUMBER_CHARS} characters")
        return kind(literal)

    return parse


def _constant(name: str) -> Any:
    raise EventError(f"{name} is not a JSON number")


def loads(text: str) -> Any:
    """``json.loads`` that refuses oversized numbers and NaN/Infinity with ``EventError``."""
    return json.loads(text, parse_int=_number(int), parse_float=_number(float), parse_constant=_constant)


def _decode(line: str, where: str) -> Any:
    try:
        return loads(line)
    except EventError as exc:
        raise EventError(f"{where}malformed JSON: {exc}") from None
    except json.JSONDecodeError as exc:
        raise EventError(f"{where}malformed JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise EventError(f"{where}malformed JSON: nested too deeply") from None


def parse_body(body: bytes | str, max_events: int = MAX_BATCH) -> list[Event]:
    """One JSON event, a JSON array of events, or NDJSON (one event per line)."""
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise EventError("the body is not UTF-8 text") from None
    else:
        text = body
    # Split on \n only: str.splitlines() would also split at U+2028 or U+0085 inside a string.
    lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    if not lines:
        raise EventError("no event in the body")
    if len(lines) > 1 or not lines[0][1].lstrip().startswith("["):
        if len(lines) > max_events:
            raise EventError(f"more than {max_events} events in one request")
        events = []
        for number, line in lines:
            where = f"line {number}: " if len(lines) > 1 else ""
            try:
                events.append(parse_event(_decode(line, where)))
            except EventError as exc:
                message = str(exc)
                raise EventError(message if message.startswith(where) else where + message) from None
        return events
    items = _decode(lines[0][1], "")
    if not isinstance(items, list):
        raise EventError("an event must be a JSON object")
    if len(items) > max_events:
        raise EventError(f"more than {max_events} events in one request")
    if not items:
        raise EventError("no event in the body")
    events = []
    for index, item in enumerate(items, start=1):
        try:
            events.append(parse_event(item))
        except EventError as exc:
            raise EventError(f"event {index}: {exc}") from None
    return events


def to_json(event: Event) -> dict[str, Any]:
    """The wire form of an event (the CLI and the adapters post this)."""
    if isinstance(event, TranscriptEvent):
        data: dict[str, Any] = {
            "type": "transcript", "call_id": event.call_id, "speaker": event.speaker,
            "text": event.text, "final": event.final,
        }
        if event.at is not None:
            data["at"] = event.at
        return data
    data = {"type": event.type, "call_id": event.call_id, "direction": event.direction}
    if event.caller:
        data["caller"] = event.caller
    if event.customer_id:
        data["customer_id"] = event.customer_id
    if event.call_data:
        data["call_data"] = dict(event.call_data)
    return data
