"""The rules of a seat's calls (``desktop.core.calls.call``), without Qt; then what they store."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from desktop.core.calls import call_records
from desktop.core.calls.call import (
    FIRST_RUN_SCENARIO,
    Call,
    RecoveryPlan,
    Refusal,
    Refused,
    SuggestionChange,
    plan_recovery,
    session_from_record,
)
from desktop.core.packs.loader import load_packs
from desktop.core.packs.scenarios import Library, PhraseChoice
from desktop.core.privacy.masking import MaskPolicy
from desktop.core.records.storage import CallRecord, CallStore, TickedStep, UsedPhrase
from desktop.core.search.suggest import Evidence, Suggestion
from tests.helpers import PACKS

NOW = datetime(2026, 3, 2, 10, 0).astimezone()
CARD = "6222021234567890123"
ALLOWED = {"resolved", "complaint", "other"}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_packs([PACKS]).library


@pytest.fixture
def call(library: Library) -> Call:
    return Call(library, MaskPolicy())


def test_between_calls_the_last_scenario_is_shown_or_the_first_run_one(library):
    assert Call(library, MaskPolicy(), "atm-cash-retained").scenario.id == "atm-cash-retained"
    assert Call(library, MaskPolicy(), "gone-from-the-packs").scenario.id == FIRST_RUN_SCENARIO
    browsing = Call(library, MaskPolicy())
    assert not browsing.in_call and browsing.current_index() == 0
    assert browsing.current_step_id() == browsing.scenario.steps[0].id


def test_start_takes_the_scenario_shown_and_is_refused_while_in_a_call(call):
    call.choose_scenario("atm-cash-retained")
    session = call.start(NOW)
    assert call.in_call and session.scenario.id == "atm-cash-retained" and session.started == NOW
    with pytest.raises(Refused) as refused:
        call.start(NOW + timedelta(minutes=1))
    assert refused.value.reason is Refusal.IN_CALL
    assert call.session is session  # the call in progress is untouched


def test_an_unknown_scenario_is_refused_and_changes_nothing(call):
    before = call.scenario
    with pytest.raises(Refused) as refused:
        call.choose_scenario("no-such-scenario")
    assert refused.value.reason is Refusal.UNKNOWN_SCENARIO and refused.value.detail == "no-such-scenario"
    assert call.scenario is before


def test_choosing_in_a_call_changes_the_calls_scenario_and_what_is_shown_after_it(call):
    call.start(NOW)
    call.choose_scenario("card-retained-atm")
    assert call.session.scenario.id == "card-retained-atm"
    call.end("resolved", ALLOWED, NOW, complaint_days=7)
    assert call.scenario.id == "card-retained-atm"


def test_ticks_are_refused_without_a_call_or_a_scenario(library):
    call = Call(library, MaskPolicy())
    step = call.current_step_id()
    with pytest.raises(Refused) as refused:
        call.tick(step, True, NOW)
    assert refused.value.reason is Refusal.NO_CALL
    empty = Call(Library([]), MaskPolicy())
    empty.start(NOW)
    with pytest.raises(Refused) as refused:
        empty.tick("anything", True, NOW)
    assert refused.value.reason is Refusal.NO_SCENARIO


def test_ticking_moves_the_highlight_and_untick_moves_it_back(call):
    call.choose_scenario("atm-cash-retained")
    call.start(NOW)
    first = call.current_step_id()
    scenario, step = call.tick(first, True, NOW)
    assert (scenario.id, step.id) == ("atm-cash-retained", first)
    assert call.is_ticked(first) and call.current_index() == 1
    call.tick(first, False, NOW)
    assert not call.is_ticked(first) and call.current_index() == 0


def test_values_typed_between_calls_fill_phrases_until_a_call_starts(call):
    assert call.set_value("卡号尾号", "1234") is None
    call.set_customer("王先生")
    assert call.render("{称呼}，尾号{卡号尾号}").text == "王先生，尾号1234"
    call.start(NOW)
    rendered = call.render("{称呼}，尾号{卡号尾号}")
    assert not rendered.complete and set(rendered.missing) == {"称呼", "卡号尾号"}
    call.set_value("称呼", "李女士")
    call.set_value("卡号尾号", "5678")
    assert call.session.customer == "李女士"
    assert call.render("{称呼}，尾号{卡号尾号}").text == "李女士，尾号5678"


def test_the_seats_own_values_are_settings_not_call_values(call):
    call.start(NOW)
    assert call.set_value("坐席工号", "A1024") == "seat_id"
    assert call.set_value("银行名称", "示例银行") == "bank_name"
    assert call.session.values == {}
    assert call.render("{坐席工号}", seat_id="A1024").text == "A1024"


def test_a_phrase_used_is_logged_as_written_in_the_pack_and_only_in_a_call(call):
    team = PhraseChoice("atm-cash-retained/hello", "{称呼}您好", "atm-cash-retained", "greet")
    mine = PhraseChoice("personal/7", "稍等", "", "", personal=True)
    assert call.phrase_used(team, "copy", "t") is None
    call.start(NOW)
    call.set_customer("王先生")
    used = call.phrase_used(team, "paste", "t")
    assert (used.phrase_id, used.text, used.via) == ("hello", "{称呼}您好", "paste")  # no caller's name stored
    assert call.phrase_used(mine, "type", "t").phrase_id == "personal/7"
    assert call.session.phrases_used == 2


def test_notes_are_masked_before_any_save(call):
    assert not call.set_notes("between calls nothing is kept")
    call.start(NOW)
    assert call.set_notes(f"卡号 {CARD} 被吞")
    assert not call.set_notes(f"卡号 {CARD} 被吞")  # unchanged
    assert call.mask_notes()
    assert CARD not in call.notes and "622202" in call.notes and "0123" in call.notes
    assert not call.mask_notes()  # already masked


def test_masking_follows_the_seats_policy(library):
    call = Call(library, MaskPolicy(card_keep_first=0, card_keep_last=4, mask_char="#"))
    call.start(NOW)
    call.set_notes(f"卡号 {CARD}")
    call.mask_notes()
    assert "622202" not in call.notes and "#" in call.notes and call.notes.endswith("0123")


def test_the_reference_is_normalised_then_masked(call):
    with pytest.raises(Refused) as refused:
        call.set_customer_ref("13812345678")
    assert refused.value.reason is Refusal.NO_CALL
    call.start(NOW)
    full, masked = call.set_customer_ref("+86 138-1234-5678")
    assert full == "13812345678"
    assert masked != full and masked.endswith("5678") and "1234" not in masked
    assert call.customer_ref == masked == call.session.customer_ref


def test_a_number_from_the_phone_system_keeps_at_most_its_last_four_digits(call):
    call.start(NOW)
    full, masked = call.set_customer_ref("010-8765 4321", caller_id=True)  # a landline, not a mobile
    assert full == "01087654321"
    assert masked.endswith("4321") and sum(c.isdigit() for c in masked) == 4
    typed = call.set_customer_ref("010-8765 4321")[1]  # typed by the seat: an ordinary number stays
    assert typed == "01087654321"


def test_speech_ticks_are_marked_until_the_seat_takes_them_back(call):
    call.choose_scenario("atm-cash-retained")
    with pytest.raises(Refused):
        call.tick_by_speech("anything", NOW)  # no call
    call.start(NOW)
    first, second = (s.id for s in call.scenario.steps[:2])
    call.tick_by_speech(first, NOW)
    call.tick(second, True, NOW)
    assert call.ticked_by_speech(first) and not call.ticked_by_speech(second)
    assert call.speech_taken_back() == []
    call.tick(first, False, NOW)  # the seat unticks what speech ticked
    assert call.speech_taken_back() == [first] and call.speech_taken_back() == []
    call.tick(first, True, NOW)
    assert not call.ticked_by_speech(first)  # ticked again by hand: no longer speech's


def test_banned_phrases_spoken_belong_to_the_call(call):
    assert call.banned_spoken == 0
    with pytest.raises(Refused):
        call.set_banned_spoken(1)
    call.start(NOW)
    call.set_banned_spoken(2)
    assert call.banned_spoken == 2
    call.end("resolved", ALLOWED, NOW, complaint_days=7)
    call.start(NOW)
    assert call.banned_spoken == 0 and call.speech_taken_back() == []


def test_end_checks_the_disposition_masks_the_notes_and_plans_follow_ups(call):
    call.choose_scenario("atm-cash-retained")
    call.start(NOW)
    call.set_notes(f"客户卡号 {CARD}")
    with pytest.raises(Refused) as refused:
        call.end("made-up", ALLOWED, NOW, complaint_days=7)
    assert refused.value.reason is Refusal.UNKNOWN_DISPOSITION
    assert call.in_call  # a refused end leaves the call going
    callback = NOW + timedelta(hours=2)
    ended = NOW - timedelta(seconds=30)
    kept = call.library.get("atm-cash-retained").continuity
    ending = call.end("complaint", ALLOWED, NOW, ended=ended, complaint_days=5, callback=callback, kept=kept)
    assert not call.in_call and ending.ended == ended and ending.disposition == "complaint"
    assert ending.notes_masked and CARD not in ending.notes and ending.notes == ending.session.notes
    kinds = [kind for kind, _text, _due in ending.followups]
    continuity = len(call.library.get("atm-cash-retained").continuity)
    assert kinds == ["continuity"] * continuity + ["complaint", "callback"]
    assert ending.followups[-2] == ("complaint", "", NOW + timedelta(days=5))  # worded when shown
    assert ending.followups[-1] == ("callback", "", callback)
    with pytest.raises(Refused) as refused:
        call.end("resolved", ALLOWED, NOW, complaint_days=5)
    assert refused.value.reason is Refusal.NO_CALL


def test_a_reloaded_library_keeps_the_call_on_the_new_version(call, library):
    call.choose_scenario("atm-cash-retained")
    call.start(NOW)
    reloaded = load_packs([PACKS]).library
    call.set_library(reloaded)
    assert call.session.scenario is reloaded.get("atm-cash-retained")
    assert call.browsing is reloaded.get("atm-cash-retained")


# -- the scenario suggestion ----------------------------------------------------------


def test_notes_offer_another_scenario_once_and_never_switch(call):
    call.choose_scenario("points-redemption")
    call.start(NOW)
    assert call.suggest() == SuggestionChange()  # nothing in the notes yet
    call.set_notes("客户说卡在取款机里被吞卡了")
    change = call.suggest()
    assert change.offered is not None and change.offered[0] == "card-retained-atm" and change.offered[1]
    assert change.explanation and call.offered == "card-retained-atm"
    assert call.scenario.id == "points-redemption"
    call.set_notes("客户说卡在取款机里被吞卡了。")
    assert call.suggest().offered is None  # the same offer is not made twice


def test_choosing_the_offered_scenario_withdraws_the_offer(call):
    call.choose_scenario("points-redemption")
    call.start(NOW)
    call.set_notes("客户说卡在取款机里被吞卡了")
    call.suggest()
    _, change = call.choose_scenario("card-retained-atm")
    assert change.offered == ("", "") and call.offered is None


def test_a_dismissed_offer_is_withdrawn_and_not_made_again_this_call(call):
    call.choose_scenario("points-redemption")
    call.start(NOW)
    call.set_notes("客户说卡在取款机里被吞卡了")
    offered = call.suggest().offered
    assert offered is not None
    change = call.dismiss(offered[0])
    assert offered[0] in call.dismissed
    assert change.offered is not None and change.offered[0] != offered[0]  # another one, or withdrawn ("")
    call.set_notes("客户说卡在取款机里被吞卡了，又说吞卡")
    again = call.suggest().offered
    assert again is None or again[0] != offered[0]
    call.end("resolved", ALLOWED, NOW, complaint_days=7)
    call.start(NOW)
    assert call.dismissed == set()  # a new call starts afresh


def test_dismissing_with_nothing_else_to_offer_withdraws_the_offer(library):
    call = Call(library, MaskPolicy())
    call.choose_scenario("points-redemption")
    call.start(NOW)
    speech = Suggestion("card-retained-atm", 2.0, (Evidence("吞卡", 2.0),))
    call.offer_scenario(speech)
    assert call.dismiss("card-retained-atm").offered == ("", "")
    assert call.offered is None


def test_an_offer_from_speech_follows_the_same_rules(call):
    speech = Suggestion("card-retained-atm", 2.0, (Evidence("吞卡", 2.0),))
    assert call.offer_scenario(speech) == SuggestionChange()  # no call
    call.choose_scenario("card-retained-atm")
    call.start(NOW)
    assert call.offer_scenario(speech) == SuggestionChange()  # the scenario shown
    call.choose_scenario("points-redemption")
    change = call.offer_scenario(speech)
    assert change == SuggestionChange(speech.explanation, ("card-retained-atm", "吞卡"))
    assert call.suggestion is speech
    assert call.offer_scenario(speech) == SuggestionChange()  # offered already
    call.dismiss("card-retained-atm")
    assert call.offer_scenario(speech) == SuggestionChange()  # dismissed


# -- recovery ------------------------------------------------------------------------


def record(call_id: int, started: datetime, **fields: object) -> CallRecord:
    values: dict[str, object] = dict(
        id=call_id, started_at=started.isoformat(), ended_at=None, duration_s=None, scenario_id="",
        scenario_name="", notes="", disposition="", status="active",
    )
    values.update(fields)
    return CallRecord(**values)


def test_recovery_restores_the_newest_active_call_and_closes_the_others():
    assert plan_recovery([]).restore is None and plan_recovery([]).close == ()
    one = record(4, NOW)
    assert plan_recovery([one]) == RecoveryPlan((), one)
    # inserted last wins, whatever the clock said (it may have been set back meanwhile)
    calls = [record(9, NOW - timedelta(hours=1)), record(3, NOW), record(7, NOW - timedelta(days=1))]
    plan = plan_recovery(calls)
    assert plan.restore is calls[0]
    assert [r.id for r in plan.close] == [3, 7]


def test_the_session_is_rebuilt_from_its_record(call, library):
    ticked = NOW + timedelta(seconds=20)
    saved = record(
        12, NOW, scenario_id="atm-cash-retained", scenario_name="x", notes="已登记", customer_ref="138****5678",
        steps=[TickedStep("atm-cash-retained", "greet", "问候", True, ticked.isoformat())],
        phrases=[UsedPhrase("atm-cash-retained", "greet", "hello", "您好", ticked.isoformat(), "click")] * 2,
    )
    session = session_from_record(saved, library)
    assert session.call_id == 12 and session.started == NOW and session.notes == "已登记"
    assert session.scenario is library.get("atm-cash-retained") and session.phrases_used == 2
    assert session.ticks == {("atm-cash-retained", "greet"): ticked} and session.customer_ref == "138****5678"
    restored = call.restore(saved)
    assert call.in_call and call.session is restored and call.scenario.id == "atm-cash-retained"
    with pytest.raises(Refused) as refused:
        call.restore(saved)
    assert refused.value.reason is Refusal.IN_CALL


def test_a_restored_call_whose_scenario_is_gone_keeps_what_was_shown(call, library):
    call.choose_scenario("atm-cash-retained")
    call.restore(record(5, NOW, scenario_id="removed-from-the-packs"))
    assert call.session.scenario is None and call.scenario.id == "atm-cash-retained"


# -- what the transitions store (desktop.core.calls.call_records), on a real database ----------


@pytest.fixture
def store(tmp_path):
    s = CallStore(tmp_path / "seatside.db")
    yield s
    s.close()


def test_an_ended_call_is_stored_with_its_follow_ups(store, call):
    call.choose_scenario("atm-cash-retained")
    session = call.start(NOW)
    call_id = call_records.insert_call(store, session)
    scenario, step = call.tick(call.current_step_id(), True, NOW + timedelta(seconds=5))
    call_records.store_tick(store, call_id, scenario, step, True, NOW + timedelta(seconds=5))
    call.set_notes(f"卡号 {CARD}")
    ending = call.end("complaint", ALLOWED, NOW + timedelta(minutes=3), complaint_days=5)
    call_records.store_ending(store, call_id, ending, NOW + timedelta(minutes=3), wrapup_s=12.0, end_reason="")
    (stored,) = store.calls_between(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    assert (stored.status, stored.disposition, stored.scenario_id) == ("ended", "complaint", "atm-cash-retained")
    assert [s.step_id for s in stored.steps] == [step.id]
    assert CARD not in stored.notes and stored.wrapup_s == 12.0
    assert sorted(f.kind for f in stored.followups) == sorted(kind for kind, _, _ in ending.followups)
    complaint = next(f for f in stored.followups if f.kind == "complaint")
    assert complaint.text == ""  # the kind is stored; its wording is chosen when shown


def test_start_up_closes_the_older_interrupted_calls_and_hands_back_the_newest(store, library):
    older = store.start_call(NOW - timedelta(hours=2))
    store.save_notes(older, "第一通", NOW - timedelta(hours=2))
    newest = store.start_call(NOW - timedelta(minutes=5))
    finished = store.start_call(NOW - timedelta(hours=3))
    store.end_call(finished, NOW - timedelta(hours=3) + timedelta(minutes=2), "resolved", "")
    restored = call_records.close_interrupted(store, NOW)
    assert restored is not None and restored.id == newest
    by_id = {c.id: c for c in store.calls_between(NOW - timedelta(days=1), NOW + timedelta(days=1))}
    assert (by_id[older].status, by_id[older].disposition, by_id[older].end_reason) == ("ended", "other", "interrupted")
    assert by_id[older].notes == "第一通" and by_id[finished].disposition == "resolved"
    assert [c.id for c in store.active_calls()] == [newest]
    assert call_records.close_interrupted(store, NOW).id == newest  # the restored call stays active


def test_a_callers_earlier_calls_are_found_by_the_key_then_again_after_a_restart(store, call):
    store.history_key = b"k" * 32  # as the OS secret store would hand it over
    earlier = []
    for number in ("13812345678", "13912345678"):  # same masked tail, different callers
        first = Call(call.library, MaskPolicy())
        first.start(NOW)
        call_id = call_records.insert_call(store, first.session)
        full, masked = first.set_customer_ref(number)
        earlier.append((call_id, call_records.store_reference(store, call_id, full, masked)))
    assert earlier[0][1] == ([], True) and earlier[1][1] == ([], True)  # told apart by the key
    call.start(NOW + timedelta(days=1))
    call_id = call_records.insert_call(store, call.session)
    full, masked = call.set_customer_ref("138 1234 5678")
    found, exact = call_records.store_reference(store, call_id, full, masked)
    assert exact and [c.id for c in found] == [earlier[0][0]]
    assert [c.id for c in call_records.earlier_calls(store, call_id, masked)] == [earlier[0][0]]
    assert "13812345678" not in str(store.conn.execute("SELECT * FROM calls").fetchall())
