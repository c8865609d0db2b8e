"""Huawei CEC (CC-Gateway) agent events -> Seatside live events.

The gateway's polling interface answers ``{"message": "", "retcode": "0", "event":
{"eventType": …, "workNo": …, "content": …}}``. Used here:

- ``AgentEvent_Ringing``: content ``caller``, ``called``, ``callid``, ``feature``
  (0 an inbound call, 7 an outbound one) -> ``call.ringing``;
- ``AgentEvent_Talking``: the seat is in the conversation -> ``call.answered``;
- ``AgentEvent_Call_Release``: content is the call id -> ``call.ended``.

Numbers starting with ``a``/``A`` are agents (internal calls): no caller is passed.
The call's attached data (``callData`` in the ringing or talking content: the IVR path,
queue, skill or customer level the flow attached) is passed on as ``call_data``, so the
panel can open the scenario the call was routed for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop.core.live.events import EventError, parse_call_data

OUTBOUND_FEATURES = {"7"}


class CecFormatError(ValueError):
    """A gateway answer that is not what its documentation describes."""


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _customer_number(content: dict[str, Any], outbound: bool) -> str:
    number = _text(content.get("called" if outbound else "caller"))
    return "" if number[:1] in {"a", "A"} else number


@dataclass
class CecTranslator:
    """Remembers each call's customer number between ringing and answering."""

    calls: dict[str, tuple[str, str]] = field(default_factory=dict)  # callid -> (number, direction)
    data: dict[str, Any] = field(default_factory=dict)  # callid -> the attached data seen at ringing

    def translate(self, answer: Any) -> list[dict[str, Any]]:
        if not isinstance(answer, dict):
            raise CecFormatError("the gateway's answer is not a JSON object")
        retcode = _text(answer.get("retcode"))
        if retcode != "0":
            raise CecFormatError(f"the gateway answered retcode {retcode or '?'}: {_text(answer.get('message'))[:200]}")
        event = answer.get("event")
        if event is None:
            return []
        if not isinstance(event, dict):
            raise CecFormatError("'event' is not an object")
        kind = _text(event.get("eventType"))
        content = event.get("content")
        if kind == "AgentEvent_Ringing" and isinstance(content, dict):
            callid = _text(content.get("callid"))
            if not callid:
                return []
            outbound = _text(content.get("feature")) in OUTBOUND_FEATURES
            number, direction = _customer_number(content, outbound), "out" if outbound else "in"
            self._remember(callid, number, direction)
            attached = content.get("callData")
            if attached not in (None, ""):
                self.data[callid] = attached
            return [self._call("call.ringing", callid, number, direction, attached)]
        if kind == "AgentEvent_Talking" and isinstance(content, dict):
            callid = _text(content.get("callid"))
            if not callid:
                return []
            number, direction = self.calls.get(callid, ("", "in"))
            if not number:
                outbound = _text(content.get("feature")) in OUTBOUND_FEATURES
                number, direction = _customer_number(content, outbound), "out" if outbound else direction
            attached = content.get("callData")
            if attached in (None, ""):
                attached = self.data.get(callid)
            return [self._call("call.answered", callid, number, direction, attached)]
        if kind == "AgentEvent_Call_Release":
            callid = _text(content.get("callid")) if isinstance(content, dict) else _text(content)
            if not callid:
                return []
            self.calls.pop(callid, None)
            self.data.pop(callid, None)
            return [{"type": "call.ended", "call_id": callid}]
        return []

    def _remember(self, callid: str, number: str, direction: str) -> None:
        self.calls[callid] = (number, direction)
        while len(self.calls) > 32:  # calls never answered nor released are forgotten
            oldest = next(iter(self.calls))
            self.calls.pop(oldest)
            self.data.pop(oldest, None)

    @staticmethod
    def _call(kind: str, callid: str, number: str, direction: str, attached: Any = None) -> dict[str, Any]:
        data: dict[str, Any] = {"type": kind, "call_id": callid[:128], "direction": direction}
        if number:
            data["caller"] = number[:64]
        if isinstance(attached, (str, dict)) and attached:
            try:  # only the routing keys leave the adapter
                routing = parse_call_data(attached)
            except EventError:
                routing = {}
            if routing:
                data["call_data"] = routing
        return data
