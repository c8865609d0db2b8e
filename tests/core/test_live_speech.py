"""Steps ticked by the seat's speech (precision first), banned phrases said, the
scenario the customer's words point to, partial and final segments."""

from __future__ import annotations

import pytest

from desktop.core.live.cues import find_ticks
from desktop.core.live.events import TranscriptEvent
from desktop.core.live.speech import (
    LiveCall,
    speech_suggestion,
    take_segment,
)
from desktop.core.live.transcript import MAX_SEGMENTS, CallTranscript
from desktop.core.packs.scenarios import Library, Scenario, Step
from desktop.core.privacy.masking import mask_caller, mask_pii

LOSS = Scenario(
    "loss", "挂失", keywords=("吞卡", "挂失"),
    steps=(
        Step("confirm", "确认情况", mandatory=True, done_when=("跟您确认一下",)),
        Step("register", "挂失", mandatory=True, done_when=("挂失…办好了", "已经…办理…挂失")),
        Step("unlock", "提醒解挂", done_when=("当场…解挂",)),
    ),
)
CASH = Scenario("cash", "吞钞", keywords=("吞钞", "钱没吐出来"))


def segment(text: str, speaker: str = "agent", final: bool = True, call: str = "c1") -> TranscriptEvent:
    return TranscriptEvent(call, speaker, text, final)


@pytest.mark.parametrize(
    "text, ticked",
    [
        ("好的，临时挂失已经给您办好了。", {"register"}),
        ("已经为您办理了临时挂失，您放心。", {"register"}),
        ("我跟您确认一下，卡是今天被吞的对吧？", {"confirm"}),
        ("取卡时请您在柜台当场把挂失解除，也就是当场解挂。", {"unlock"}),
        ("挂失还没有办好，系统有点慢。", set()),
        ("挂失办好了吗？", set()),
        ("如果挂失办好了，我再告诉您。", set()),
        ("我马上为您办理临时挂失。", set()),
        ("还没有为您办理挂失", set()),
        ("您看是不是已经办理了挂失？", set()),
        ("为了跟您确认一下，麻烦您报一下卡号后四位。", set()),
        ("挂失办好了，别的我还在查。", {"register"}),  # the pending part is another clause
        ("挂失办好了我再跟您说。", set()),
        ("跟您确认一下还在查的那笔。", set()),
        ("请问挂失办好了没有", set()),
        ("", set()),
    ],
)
def test_cues_tick_only_what_was_stated_as_done(text: str, ticked: set[str]) -> None:
    assert {m.step_id for m in find_ticks(text, LOSS)} == ticked


def test_partials_replace_each_other_until_the_final() -> None:
    call = LiveCall("c1")
    assert take_segment(call, segment("挂失", final=False), LOSS, lambda s: False) is None
    assert take_segment(call, segment("挂失已经给您", final=False), LOSS, lambda s: False) is None
    assert call.transcript.partial == {"agent": "挂失已经给您"}
    outcome = take_segment(call, segment("挂失已经给您办好了"), LOSS, lambda s: False)
    assert outcome is not None and [m.step_id for m in outcome.ticks] == ["register"]
    assert call.transcript.partial == {} and call.transcript.lines() == [("agent", "挂失已经给您办好了")]


def test_partials_never_tick_nor_alert() -> None:
    call = LiveCall("c1")
    assert take_segment(call, segment("挂失办好了，这是规定", final=False), LOSS, lambda s: False) is None
    assert call.banned_count == 0


def test_ticked_and_refused_steps_are_left_alone() -> None:
    call = LiveCall("c1")
    outcome = take_segment(call, segment("挂失办好了"), LOSS, lambda s: s == "register")
    assert outcome is not None and outcome.ticks == ()
    call.seat_refused.add("register")
    outcome = take_segment(call, segment("挂失办好了"), LOSS, lambda s: False)
    assert outcome is not None and outcome.ticks == ()


def test_customer_speech_never_ticks() -> None:
    outcome = take_segment(LiveCall("c1"), segment("你们挂失办好了", "customer"), LOSS, lambda s: False)
    assert outcome is not None and outcome.ticks == () and outcome.banned == ()


def test_banned_phrases_in_final_agent_segments_are_counted() -> None:
    call = LiveCall("c1")
    outcome = take_segment(call, segment("这个只能等清机，这是规定。"), LOSS, lambda s: False)
    assert outcome is not None and {h.text for h in outcome.banned} == {"只能", "这是规定"}
    assert call.banned_count == 2
    take_segment(call, segment("这是规定", "customer"), LOSS, lambda s: False)
    assert call.banned_count == 2


def test_customer_speech_suggests_another_scenario() -> None:
    library = Library([LOSS, CASH])

    def offered(text, current, dismissed=()):
        found = speech_suggestion(text, library, current, dismissed)
        return (found.scenario_id, found.cue) if found else None

    assert offered("我取钱，钱没吐出来", LOSS) == ("cash", "钱没吐出来")
    assert offered("我取钱，钱没吐出来", LOSS, {"cash"}) is None
    assert offered("卡被吞卡了", CASH) == ("loss", "吞卡")
    assert offered("今天天气不错", LOSS) is None


def test_transcript_memory_is_bounded() -> None:
    transcript = CallTranscript("c1")
    for n in range(MAX_SEGMENTS * 3):
        transcript.apply(segment(f"第{n}句", "customer"))
    assert len(transcript.finals) == MAX_SEGMENTS
    assert len(transcript.customer_text()) <= 600


@pytest.mark.parametrize(
    "number, masked",
    [("13812345678", "*******5678"), ("01055500001", "*******0001"), ("95588", "*5588"), ("1234", "1234")],
)
def test_callers_are_masked_landlines_too(number: str, masked: str) -> None:
    assert mask_caller(number, mask_pii) == masked


def test_live_migration_is_idempotent(tmp_path) -> None:
    import sqlite_utils

    from desktop.core.live import store as live_store
    from desktop.core.records.storage import SCHEMA_VERSION, CallStore, _v_live

    store = CallStore(tmp_path / "s.db")
    assert store.user_version == SCHEMA_VERSION
    _v_live(sqlite_utils.Database(store.conn))  # again: nothing breaks, nothing doubles
    from datetime import datetime

    at = datetime(2026, 12, 1, 9, 0).astimezone()
    call_id = store.start_call(at)
    store.tick_step(call_id, "s", "a", "A", True, at)
    live_store.mark_speech_tick(store, call_id, "s", "a")
    live_store.set_banned_count(store, call_id, 2)
    live_store.add_transcript_segment(store, call_id, "agent", "好的", at)
    assert live_store.speech_ticks(store, call_id) == [("s", "a")]
    assert live_store.banned_count(store, call_id) == 2
    assert live_store.transcript(store, call_id) == [("agent", "好的")]
    # A call removed later (retention) takes its transcript with it.
    store.conn.execute("DELETE FROM call_steps WHERE call_id = ?", (call_id,))
    store.conn.execute("DELETE FROM calls WHERE id = ?", (call_id,))
    assert live_store.transcript(store, call_id) == []
    store.close()
