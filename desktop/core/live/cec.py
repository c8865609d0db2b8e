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

Outbound calls: ``feature`` 7 is a seat's own outbound call; the campaign outbound
calls (preview and predictive dialling, and the other system outbound types the
bank's platform configures) are listed in ``OUTBOUND_FEATURES`` and can be extended.
A preview call announces its customer first (``AgentEvent_Preview_CallOut``,
``dialeddigits``). The bank's own access numbers (the hotline the platform dials out
from) are never taken as the customer: the customer is the party that is neither the
seat nor an access number, or nobody.

Speech recognition results pushed by the gateway's recognition subscription are
turned into ``transcript`` events (``recognition``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop.core.live.events import EventError, parse_call_data

# 7: the seat's own outbound call; 43-47: campaign outbound calls (preview, predictive,
# progressive, preset and callback dialling on CEC releases with a campaign engine).
OUTBOUND_FEATURES = frozenset({"7", "43", "44", "45", "46", "47"})
ROLES = {"agent": "agent", "customer": "customer", "0": "agent", "1": "customer", "caller": "customer",
         "called": "customer", "user": "customer", "seat": "agent"}


class CecFormatError(ValueError):
    """A gateway answer that is not what its documentation describes."""


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


@dataclass
class CecTranslator:
    """Remembers each call's customer number between ringing and answering.

    ``agent_id`` and ``phone``: the seat's own numbers; ``access_numbers``: the bank's
    hotline numbers; none of them is ever passed as the customer."""

    calls: dict[str, tuple[str, str]] = field(default_factory=dict)  # callid -> (number, direction)
    data: dict[str, Any] = field(default_factory=dict)  # callid -> the attached data seen at ringing
    agent_id: str = ""
    phone: str = ""
    access_numbers: frozenset[str] = frozenset()
    outbound_features: frozenset[str] = OUTBOUND_FEATURES
    previewed: str = ""  # the customer a preview call announced, until its ringing

    def _ours(self, number: str) -> bool:
        if not number or number[:1] in {"a", "A"}:
            return True
        digits = _digits(number)
        own = {_digits(n) for n in (self.agent_id, self.phone, *self.access_numbers) if n}
        return digits in own or any(digits.endswith(n) and len(n) >= 5 for n in own if n)

    def _customer_number(self, content: dict[str, Any], outbound: bool) -> str:
        """The other party: ``caller`` inbound; on outbound calls ``called``, else ``caller``
        (a predictive call rings the seat with the customer as its caller); never the seat
        or an access number (which a campaign call can present as either)."""
        for name in ("called", "caller") if outbound else ("caller",):
            number = _text(content.get(name))
            if not self._ours(number):
                return number
        return ""

    def recognition(self, result: Any) -> list[dict[str, Any]]:
        """One pushed speech-recognition result -> a ``transcript`` event ([] if not usable)."""
        if not isinstance(result, dict):
            raise CecFormatError("a recognition result is not a JSON object")
        callid = _text(result.get("callId") or result.get("callid"))
        text = result.get("text") if isinstance(result.get("text"), str) else result.get("result")
        role = ROLES.get(_text(result.get("role") or result.get("speaker")).lower())
        if not callid or not isinstance(text, str) or role is None:
            return []
        final = result.get("isFinal", result.get("final", True))
        event: dict[str, Any] = {"type": "transcript", "call_id": callid[:128], "speaker": role, "text": text[:2000],
                                 "final": final is True or _text(final).lower() in {"true", "1"}}
        return [event]

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
        return self.event(event)

    def event(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """One agent event (polled, or pushed by a subscription) -> live events."""
        kind = _text(event.get("eventType"))
        content = event.get("content")
        if kind in {"AgentEvent_Preview_CallOut", "AgentEvent_Preview_CallOut_Ex"} and isinstance(content, dict):
            numbers = [n for n in _text(content.get("dialeddigits")).split(",") if not self._ours(n.strip())]
            self.previewed = numbers[0].strip() if len(numbers) == 1 else ""
            return []
        if kind == "AgentEvent_Ringing" and isinstance(content, dict):
            callid = _text(content.get("callid"))
            if not callid:
                return []
            outbound = _text(content.get("feature")) in self.outbound_features
            number, direction = self._customer_number(content, outbound), "out" if outbound else "in"
            if outbound and not number and self.previewed:
                number = self.previewed
            self.previewed = ""
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
                outbound = _text(content.get("feature")) in self.outbound_features or direction == "out"
                number, direction = self._customer_number(content, outbound), "out" if outbound else direction
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
