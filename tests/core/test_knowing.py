"""Knowing the call: suggestions that survive typing slips and everyday words, a scam
under way kept in the top three, screen pop from the phone system's attached data, and
speech ticks that read restatements, word order, fillers and Chinese numbers."""

from __future__ import annotations

import pytest

from desktop.core.base.paths import builtin_packs_dir
from desktop.core.live.cec import CecTranslator
from desktop.core.live.cues import find_ticks, restates, spoken_form
from desktop.core.live.events import EventError, TranscriptEvent, parse_body, parse_call_data, parse_event, to_json
from desktop.core.live.speech import LiveCall, recheck, take_segment
from desktop.core.packs.loader import load_packs
from desktop.core.packs.scenarios import Library, Phrase, Scenario, Step
from desktop.core.search.suggest import rank_scenarios


@pytest.fixture(scope="module")
def builtin() -> Library:
    return load_packs([builtin_packs_dir()]).library


def ids(text: str, library: Library) -> list[str]:
    return [s.scenario_id for s in rank_scenarios(text, library)]


def one(sid: str, keywords=(), *, safety: bool = False, routing=(), steps=None) -> Scenario:
    steps = steps or (Step("s", "s", phrases=(Phrase("p", "x"),)),)
    return Scenario(id=sid, name=sid, keywords=tuple(keywords), safety=safety, routing=routing, steps=steps)


# -- suggestions -------------------------------------------------------------------
def test_a_same_sounding_slip_still_counts_a_little_less(builtin) -> None:
    exact = rank_scenarios("账户冻结了", builtin)[0]
    slip = rank_scenarios("账户冻节了", builtin)[0]
    assert exact.scenario_id == slip.scenario_id == "account-restricted"
    assert 0 < slip.score < exact.score
    assert ids("半夜被到刷了三千", builtin)[0] == "unrecognised-transaction"


def test_a_real_word_is_not_taken_for_a_slip(builtin) -> None:
    """推销保险 sounds like 消保 inside, but 推销 is a word: no escalation evidence."""
    ranked = rank_scenarios("网点推销保险", builtin)
    assert all("消保" not in s.explanation for s in ranked)


def test_everyday_and_english_words_read_as_the_packs_words(builtin) -> None:
    assert ids("提款机吃了钱没出钞", builtin)[0] == "atm-cash-retained"
    assert ids("app登不上去", builtin)[0] == "password-login"
    assert ids("客户要去银保监投诉", builtin)[0] == "escalation-threat"
    assert "password-login" not in ids("apple watch 刷不了", builtin)[:1]


def test_ties_go_to_the_scenario_with_more_evidence() -> None:
    library = Library([one("a-first", ["卡"]), one("b-second", ["卡", "吞卡"])])
    ranked = rank_scenarios("卡 卡", library)
    assert [s.scenario_id for s in ranked] == ["a-first", "b-second"]  # equal evidence: library order
    library = Library([one("a", ["甲乙"]), one("b", ["甲", "乙"])])
    ranked = rank_scenarios("甲乙", library)
    assert ranked[0].scenario_id == "a"


def test_a_safety_scenario_pointed_to_is_always_in_the_top_three() -> None:
    library = Library([one("x", ["转账失败"]), one("y", ["汇款没到"]), one("z", ["跨行汇款"]),
                       one("scam", ["打钱"], safety=True)])
    ranked = [s.scenario_id for s in rank_scenarios("转账失败 汇款没到 跨行汇款 对方让打钱", library)]
    assert ranked.index("scam") <= 2
    assert "scam" not in [s.scenario_id for s in rank_scenarios("转账失败 汇款没到", library)]


@pytest.mark.parametrize("note", [
    "刷单做任务，对方让再转5万解冻",
    "老人说孙子出事了要汇款",
    "对方说要先交解冻费才能放款",
    "有人让客户装向日葵远程",
    "陌生人打电话问客户要手机收到的验证码",
    "客户要把钱转到安全账户",
])
def test_scam_signals_put_scam_in_progress_in_the_top_three(builtin, note) -> None:
    assert "scam-in-progress" in ids(note, builtin)[:3]


def test_ordinary_calls_with_scam_words_are_not_taken_for_scams(builtin) -> None:
    assert ids("手机银行登录要验证码但收不到", builtin)[0] == "password-login"
    assert ids("客户账户被冻结，说是法院执行", builtin)[0] == "account-restricted"


# -- routing -------------------------------------------------------------------------
def test_routing_picks_the_most_specific_rule() -> None:
    library = Library([
        one("lost", routing=((("ivr", "2-1"),), (("queue", "信用卡挂失"),))),
        one("vip-lost", routing=((("ivr", "2-1"), ("tier", "白金")),)),
    ])
    assert library.routed({"ivr": "2-1"}).id == "lost"
    assert library.routed({"ivr": "2-1", "tier": "白金"}).id == "vip-lost"
    assert library.routed({"queue": " 信用卡挂失 "}).id == "lost"
    assert library.routed({"ivr": "2-2"}) is None
    assert library.routed({}) is None


def test_every_builtin_scenario_has_routing(builtin) -> None:
    missing = [s.id for s in builtin.scenarios if not s.routing]
    assert builtin.scenarios and not missing
    assert builtin.routed({"ivr": "2-1"}).id == "lost-card-replacement"
    assert builtin.routed({"queue": "信用卡挂失"}).id == "lost-card-replacement"


def test_a_pack_with_bad_routing_is_refused(tmp_path) -> None:
    (tmp_path / "p.yaml").write_text(
        "scenarios:\n  - id: x\n    name: X\n    routing: [{ivr: '2-1'}, {dept: 3}, ivr]\n"
        "    safety: sometimes\n    steps: [{id: a, title: A}]\n", encoding="utf-8")
    result = load_packs([tmp_path])
    messages = " | ".join(p.message for p in result.problems)
    assert not result.library.scenarios
    assert "unknown routing key 'dept'" in messages
    assert "every item of 'routing' must be a mapping" in messages
    assert "'safety' must be true or false" in messages


@pytest.mark.parametrize("raw", [
    {"ivrPath": "2-1", "queue_name": "信用卡挂失", "cardNo": "6222020000000000"},
    '{"IVR": "2-1", "queueName": "信用卡挂失", "idNo": "x"}',
    "ivr=2-1;queue=信用卡挂失;mobile=13800138000",
    "ivr=2-1&queue=信用卡挂失",
])
def test_attached_data_keeps_only_the_routing_keys(raw) -> None:
    assert parse_call_data(raw) == {"ivr": "2-1", "queue": "信用卡挂失"}


def test_attached_data_on_call_events_round_trips() -> None:
    event = parse_event({"type": "call.ringing", "call_id": "c1", "callData": {"skillName": "反欺诈", "level": 3}})
    assert event.call_data == {"skill": "反欺诈", "tier": "3"}
    assert parse_body(__import__("json").dumps(to_json(event)))[0].call_data == event.call_data
    assert parse_event({"type": "call.answered", "call_id": "c1"}).call_data == {}


@pytest.mark.parametrize("raw, message", [
    ([1, 2], "'call_data' must be an object"),
    ('{"ivr": ', "not a JSON object"),
    ({"ivr": "x" * 65}, "at most 64 characters"),
    ({"queue": "a\nb"}, "at most 64 characters"),
])
def test_bad_attached_data_is_refused_with_a_reason(raw, message) -> None:
    with pytest.raises(EventError, match=message):
        parse_event({"type": "call.ringing", "call_id": "c1", "call_data": raw})


def test_the_cec_adapter_passes_call_data_from_ringing_to_answering() -> None:
    translator = CecTranslator()
    ringing = translator.translate({"retcode": "0", "event": {"eventType": "AgentEvent_Ringing", "content": {
        "callid": "9", "caller": "13800138000", "callData": "ivrPath=2-1;idNo=110101199001011234"}}})
    talking = translator.translate({"retcode": "0", "event": {"eventType": "AgentEvent_Talking",
                                                              "content": {"callid": "9"}}})
    assert ringing[0]["call_data"] == {"ivr": "2-1"} == talking[0]["call_data"]
    assert "110101199001011234" not in repr(ringing + talking)
    assert parse_event(talking[0]).call_data == {"ivr": "2-1"}


# -- speech ticks ----------------------------------------------------------------------
def steps_scenario() -> Scenario:
    return one("t", steps=(
        Step("confirm", "confirm", done_when=("@restate",)),
        Step("ask-name", "ask", done_when=("?怎么称呼您",)),
        Step("register", "register", done_when=("挂失&办好了",)),
        Step("refund", "refund", done_when=("3个工作日…退回",)),
        Step("police", "police", done_when=("报警",)),
        Step("recap", "recap", done_when=("@restate",)),
    ))


def ticks(text: str, skip=lambda _s: False) -> set[str]:
    return {m.step_id for m in find_ticks(text, steps_scenario(), skip=skip)}


def test_spoken_form_reads_fillers_you_and_chinese_numbers() -> None:
    assert spoken_form("嗯 你好，一般三到五个工作日") == "您好,一般3到5个工作日"
    assert spoken_form("十五天，两个小时，一下") == "15天,2个小时,一下"


def test_a_restatement_ticks_the_first_confirmation_step_not_yet_ticked() -> None:
    text = "我跟您确认一下，您是今天下午在人民路网点的取款机上取钱，卡没退出来，对吧？"
    assert restates(spoken_form(text))
    assert ticks(text) == {"confirm"}
    assert ticks(text, skip=lambda step: step == "confirm") == {"recap"}
    assert ticks("我跟您确认一下您的手机号。") == set()
    assert ticks("您是要办挂失吗？") == set()


def test_a_step_that_is_a_question_ticks_when_asked() -> None:
    assert ticks("您好，请问怎么称呼您？") == {"ask-name"}
    assert ticks("如果方便的话，稍后再问您怎么称呼您。") == set()


def test_parts_in_any_order_numbers_and_negatives() -> None:
    assert ticks("都办好了。临时挂失的事我再问问。") == set()  # the parts are in two sentences
    assert ticks("临时挂失呢已经帮您办好了。") == {"register"}
    assert ticks("已经办好了临时挂失。") == {"register"}
    assert ticks("一般三个工作日左右退回您卡上。") == {"refund"}
    assert ticks("报警也没用的阿姨。") == set()
    assert ticks("您要是已经转了钱，就得赶紧报警。") == set()
    assert ticks("您现在就报警。") == {"police"}
    assert ticks("挂失办没办好了") == set()


def test_what_was_said_is_read_again_when_the_scenario_changes() -> None:
    call = LiveCall("c1")
    first = one("other", steps=(Step("x", "x", done_when=("不会说的话",)),))
    for text in ("您好，请问怎么称呼您？", "临时挂失已经帮您办好了。"):
        outcome = take_segment(call, TranscriptEvent("c1", "agent", text, True), first, lambda _s: False)
        assert outcome is not None and outcome.ticks == ()
    found = recheck(call, steps_scenario(), lambda step: step == "ask-name")
    assert [m.step_id for m in found] == ["register"]
    call.seat_refused.add("register")
    assert recheck(call, steps_scenario(), lambda _s: False)[0].step_id == "ask-name"
    assert all(m.step_id != "register" for m in recheck(call, steps_scenario(), lambda _s: False))


# -- signals and wording -------------------------------------------------------------
def test_scam_signals_need_no_pack_cue() -> None:
    library = Library([one("other", ["转账"]), one("scam", ["安全账户"], safety=True)])
    ranked = rank_scenarios("客户转账中，对方让他先交2000保证金才能放款", library)
    scam = next(s for s in ranked if s.scenario_id == "scam")
    assert any(e.kind == "signal" for e in scam.evidence) and scam.by_cue
    plain = Library([one("other", ["转账"]), one("scam", ["安全账户"])])  # not marked safety: no signals
    assert "scam" not in [s.scenario_id for s in rank_scenarios("对方让他先交2000保证金才能放款", plain)]


def test_suspicion_and_own_accounts_point_away_from_a_scam(builtin) -> None:
    assert "scam-in-progress" not in ids("营销电话太多 客户怀疑是骗子", builtin)[:1]
    assert "scam-in-progress" not in ids("把他行存款转到自己账户 问单日限额", builtin)[:1]


def test_a_scenarios_own_wording_ranks_what_no_cue_speaks_for(builtin) -> None:
    ranked = rank_scenarios("走银联差错流程", builtin)  # words of the ATM scenario's facts, no cue
    assert ranked and ranked[0].scenario_id == "atm-cash-retained"
    assert all(e.kind == "content" for e in ranked[0].evidence) and ranked[0].score <= 0.6
    assert not rank_scenarios("今天天气不错", builtin)


def test_the_panel_offers_only_what_a_cue_points_to() -> None:
    from desktop.core.search.suggest import suggest_other

    library = Library([
        Scenario(id="a", name="a", description="自助设备清机对账", steps=(Step("s", "s"),)),
        Scenario(id="c", name="c", description="信用卡分期手续费", steps=(Step("s", "s"),)),
        one("b", ["吞卡"]),
    ])
    ranked = rank_scenarios("清机对账", library)
    assert [s.scenario_id for s in ranked] == ["a"] and not ranked[0].by_cue
    assert suggest_other("清机对账", library, None) is None
    assert suggest_other("清机对账 吞卡", library, None).scenario_id == "b"


def test_the_blind_benchmark_reads_every_set() -> None:
    from benchmarks import knowing

    result = knowing.run()
    assert (result.notes.notes, result.scam.notes, result.notscam.notes) == (194, 56, 34)
    assert (result.ticks.utterances, result.ticks.positives, result.ticks.negatives) == (410, 251, 159)
    assert result.ticks.tp + result.ticks.fn == 251
    text = knowing.markdown(result)
    assert "65.5% (127/194)" in text and "First run (blind)" in text  # the first run is kept as measured


@pytest.mark.parametrize("asked", [
    "我先跟您核实一下身份", "请问您是持卡人本人吗", "麻烦报一下身份证号码的最后四位", "请本人来接一下电话",
    "嗯 我先核对一下您的身份啊",
])
def test_asking_for_identity_never_ticks_the_identity_step(asked):
    """The identity step is done when the check passed, not when the seat asks (accounts open up after it)."""
    from desktop.core.base.paths import builtin_packs_dir
    from desktop.core.live.cues import find_ticks
    from desktop.core.packs.loader import load_packs

    library = load_packs([builtin_packs_dir()]).library
    identity_steps = [(s, st) for s in library.scenarios for st in s.steps if st.verifies_identity]
    assert len(identity_steps) >= 20
    for scenario, step in identity_steps:
        assert step.id not in {m.step_id for m in find_ticks(asked, scenario)}, (scenario.id, asked)
    scenario, step = identity_steps[0]
    assert step.id in {m.step_id for m in find_ticks("好的 身份核实好了 谢谢您", scenario)}
