"""The live event schema: every hostile or broken body gives one clear error."""

from __future__ import annotations

import json

import pytest

from desktop.core.live.events import (
    MAX_TEXT,
    CallEvent,
    EventError,
    TranscriptEvent,
    parse_body,
    to_json,
)


def test_one_event_and_ndjson() -> None:
    one = parse_body(b'{"type": "call.answered", "call_id": "c1", "caller": "01055500001"}')
    assert one == [CallEvent("call.answered", "c1", "01055500001", "in")]
    many = parse_body(
        '{"type":"transcript","call_id":"c1","speaker":"agent","text":"您好","final":true,"at":1.5}\n\n'
        '{"type":"call.ended","call_id":"c1"}\n'
    )
    assert many == [TranscriptEvent("c1", "agent", "您好", True, 1.5), CallEvent("call.ended", "c1")]
    assert parse_body(json.dumps([to_json(e) for e in many])) == many


def test_the_caller_never_shows_in_repr() -> None:
    event = parse_body(b'{"type": "call.ringing", "call_id": "c1", "caller": "13812345678"}')[0]
    assert "13812345678" not in repr(event)


def test_iso_time_and_numeric_ids() -> None:
    event = parse_body(b'{"type":"transcript","call_id":42,"speaker":"customer","text":"x","at":"2026-12-01T06:00:00Z"}')[0]
    assert isinstance(event, TranscriptEvent) and event.call_id == "42" and event.at and not event.final


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "no event"),
        (b"{", "malformed JSON"),
        (b"[" * 50000, "malformed JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"42", "must be a JSON object"),
        (b"[]", "no event"),
        (b'{"call_id": "c"}', "'type' is missing"),
        (b'{"type": "call.exploded", "call_id": "c"}', "unknown event type"),
        (b'{"type": "call.ringing"}', "'call_id' is missing"),
        (b'{"type": "call.ringing", "call_id": "  "}', "'call_id' is empty"),
        (b'{"type": "call.ringing", "call_id": "c\\u0001"}', "control characters"),
        (b'{"type": "call.ringing", "call_id": "' + b"x" * 200 + b'"}', "longer than 128"),
        (b'{"type": "call.ringing", "call_id": "c", "direction": "sideways"}', "'direction'"),
        (b'{"type": "call.ringing", "call_id": "c", "caller": {"n": 1}}', "'caller' must be a string"),
        (b'{"type": "transcript", "call_id": "c", "speaker": "bot", "text": "x"}', "'speaker'"),
        (b'{"type": "transcript", "call_id": "c", "speaker": "agent", "text": 5}', "'text' must be a string"),
        (b'{"type": "transcript", "call_id": "c", "speaker": "agent", "text": "x", "final": "yes"}', "'final'"),
        (b'{"type": "transcript", "call_id": "c", "speaker": "agent", "text": "x", "at": -1}', "'at'"),
        (b'{"type": "transcript", "call_id": "c", "speaker": "agent", "text": "x", "at": "noon"}', "ISO-8601"),
        (b'{"type": "transcript", "call_id": "c", "speaker": "agent", "text": "x", "at": true}', "'at'"),
    ],
)
def test_refused_with_a_clear_message(body: bytes, message: str) -> None:
    with pytest.raises(EventError, match=message):
        parse_body(body)


def test_overlong_text_and_batches_are_capped() -> None:
    long = json.dumps({"type": "transcript", "call_id": "c", "speaker": "agent", "text": "话" * (MAX_TEXT + 1)})
    with pytest.raises(EventError, match="longer than"):
        parse_body(long)
    line = '{"type": "call.ended", "call_id": "c"}'
    with pytest.raises(EventError, match="more than 3 events"):
        parse_body("\n".join([line] * 4), max_events=3)


def test_a_bad_line_refuses_the_whole_batch_and_names_the_line() -> None:
    body = '{"type": "call.ended", "call_id": "c"}\n{"type": "call.ended"}\n'
    with pytest.raises(EventError, match=r"^line 2: 'call_id' is missing"):
        parse_body(body)
