"""服务禁语 with gaps, exceptions, the bare 你 rule, and the check-text command."""

from __future__ import annotations

import io
import re
import sys

import pytest

from desktop.core.packs.banned import BannedHit, builtin_banned, find_banned, load_banned


def banned(text: str) -> list[str]:
    return [h.text for h in find_banned(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这是规定", ["这是规定"]),
        ("这是银行的规定，没法改", ["这是银行的规定"]),
        ("这是我们银行的规定", ["这是我们银行的规定"]),
        ("您先听我说", ["您先听我说"]),
        ("你好好听我说", ["你好好听我说"]),
        ("您听我讲完", ["您听我讲"]),
        ("请您听我把话说完", ["听我把话说完"]),
        ("我不管这些", ["我不管"]),
        ("这个我们不管", ["我们不管"]),
        ("这个不知道", ["不知道"]),
        ("您投诉也没用", ["投诉也没用"]),
        ("投诉了也是没用的", ["投诉了也是没用"]),
        ("你去投诉吧", ["你去投诉"]),
        ("您要投诉就去投诉吧", ["您要投诉就去投诉"]),
        ("刚才说过了", ["刚才说过了"]),
        ("刚才我已经说过了", ["刚才我已经说过了"]),
    ],
)
def test_new_banned_phrases_survive_inserted_words(text, expected):
    assert banned(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我帮您问一下，稍等",
        "不知道的话我帮您查",
        "不知道您现在方便吗",
        "如果您不知道密码，可以先重置",
        "客户不知道卡号",
        "谢谢您耐心听我讲这么多",
        "这是您的卡。规定时间内请取走",
        "您好，您的卡已经挂失了",
        "客户说你们银行乱扣费",
        "客户称：你们怎么又扣钱",
        "记录：「你们就是骗子」",
        "客户原话“你听我说完”",
    ],
)
def test_harmless_wordings_are_not_flagged(text):
    assert banned(text) == []


def test_bare_you_addressing_the_caller():
    hits = find_banned("你好，你的卡已经办好了")
    assert [(h.start, h.end, h.entry.rule) for h in hits] == [(0, 1, "address"), (3, 4, "address")]
    assert all(h.entry.suggestion == "您" for h in hits)
    # The quote ends with its sentence: the seat's own 你 after it counts again.
    assert banned("客户说你们扣错了。你先等等") == ["你"]
    # 跟客户说 is the seat speaking, not the customer.
    assert banned("跟客户说了这是规定，您听我说") == ["这是规定", "您听我说"]
    # A longer entry wins over the bare 你 inside it.
    assert [h.entry.phrase for h in find_banned("你自己看")] == ["你自己看"]


def test_longer_entry_wins_and_hits_do_not_overlap():
    hits = find_banned("我不知道，这是银行的规定")
    assert [h.entry.phrase for h in hits] == ["我不知道", "这是…{6}规定"]
    assert hits[0].end <= hits[1].start


def test_every_entry_has_a_suggestion_and_compiles():
    entries = builtin_banned()
    assert len(entries) >= 30 and all(e.suggestion and e.reason for e in entries)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("banned:\n  - phrase: …规定\n    suggestion: x\n", "entry 1"),
        ("banned:\n  - phrase: 好\n    unless: 好的\n", "'unless' must be a list"),
        ("banned:\n  - phrase: 好\n    unless: [好的……吧]\n", "in a row"),
        ("[1, 2]\n", "'banned' list"),
    ],
)
def test_broken_banned_list_names_file_and_entry(tmp_path, text, message):
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        load_banned(path)
    assert str(path) in str(info.value)


def test_check_text_command(capsys):
    from desktop.cli import main

    assert main(["check-text", "这是银行的规定，你先听我说"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("0-7: 这是银行的规定 → ") and lines[1].startswith("8-13: 你先听我说 → ")
    assert main(["check-text", "您好，我帮您查一下"]) == 0
    assert capsys.readouterr().out == ""


def test_check_text_reads_standard_input(monkeypatch, capsys):
    from desktop.cli import main

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\ufeff我不管\n".encode())))
    assert main(["check-text", "-"]) == 1
    assert capsys.readouterr().out.startswith("0-3: 我不管 → ")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe\x00")))
    assert main(["check-text", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.strip() == "seatside check-text: standard input is not UTF-8 text"


def test_check_text_usage_error(capsys):
    from desktop.cli import main

    with pytest.raises(SystemExit) as info:
        main(["check-text"])
    assert info.value.code == 2


def test_hostile_text_with_many_hits_is_handled():
    text = "不知道您方便吗，不知道。" * 20000 + "「你们」"
    hits = find_banned(text)
    assert len(hits) == 20000 and all(h.text == "不知道" for h in hits)


@pytest.mark.parametrize(
    "text",
    [
        "这事不归我们管",
        "不归我们管",
        "我管不了",
        "我不是说了吗",
        "急什么",
        "您自己去网点问",
        "这是您自己的问题",
        "下班了明天再打",
        "您问我我问谁",
        "这个是规定",
        "这个没有办法",
    ],
)
def test_the_misses_reported_by_quality_checkers_are_caught(text):
    assert find_banned(text), text
    # The same words said on the phone, as speech-to-text writes them, alert too.
    assert [h for h in find_banned(text.replace("您", "你"), speech=True) if h.alert], text


@pytest.mark.parametrize(
    "text",
    ["钱不可能凭空消失", "只能说明对方还没操作", "您刚才说过了我都记下了", "这个规定是为了保护您",
     "我帮您看看有没有办法加急", "我明天再打给您确认", "等您下班了再去网点也来得及"],
)
def test_harmless_wordings_that_contain_a_banned_phrase(text):
    assert banned(text) == []


def test_bare_you_in_speech_is_noted_never_alerted():
    text = "你好 这里是信用卡中心 请问有什么可以帮你"
    typed = find_banned(text)
    spoken = find_banned(text, speech=True)
    assert [h.entry.rule for h in typed] == ["address", "address"]
    assert all(h.alert for h in typed)
    assert [h.entry.rule for h in spoken] == ["address", "address"]
    assert not any(h.alert for h in spoken)
    # A real banned phrase in the same speech still alerts.
    hits = find_banned("你急什么 你听我说", speech=True)
    assert [h.text for h in hits if h.alert] == ["急什么", "你听我说"]


def test_spoken_bare_you_is_not_counted_on_the_call():
    from desktop.core.live.events import TranscriptEvent
    from desktop.core.live.speech import LiveCall, take_segment

    call = LiveCall("c1")
    event = TranscriptEvent(call_id="c1", speaker="agent", text="你好 请问有什么可以帮你", final=True)
    outcome = take_segment(call, event, None, lambda step: False)
    assert outcome is not None
    assert outcome.banned == ()
    assert len(outcome.noted) == 2
    event = TranscriptEvent(call_id="c1", speaker="agent", text="你急什么呀", final=True)
    outcome = take_segment(call, event, None, lambda step: False)
    assert outcome is not None and [h.text for h in outcome.banned] == ["急什么"]


def test_check_text_speech_notes_the_bare_you_and_exits_on_alerts_only(tmp_path):
    import subprocess

    run = [sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main(sys.argv[1:]))", "check-text"]
    quiet = subprocess.run([*run, "--speech", "你好 请问有什么可以帮你"], capture_output=True, text=True, timeout=60)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.count("(noted, not counted)") == 2
    loud = subprocess.run([*run, "--speech", "你急什么"], capture_output=True, text=True, timeout=60)
    assert loud.returncode == 1 and "急什么" in loud.stdout
    typed = subprocess.run([*run, "你好"], capture_output=True, text=True, timeout=60)
    assert typed.returncode == 1 and "noted" not in typed.stdout


# Family rules: structures a quality checker judges, not a list of wordings.


def alerted(text: str, speech: bool = False) -> list[BannedHit]:
    return [h for h in find_banned(text, speech=speech) if h.alert]


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("这块业务我们这边不负责的，您打别的电话吧。", "推诿"),
        ("我哪里态度不好了？", "顶撞"),
        ("您能不能一次说完？", "不耐烦"),
        ("不给办就是不给办。", "一口回绝"),
        ("卡是您自己弄丢的，损失您自己担着。", "甩锅客户"),
        ("流程就是这样，您不接受也得接受。", "规定压人"),
        ("您直接说要办什么，长话短说。", "命令催促"),
        ("这么简单的操作您都不会？", "嘲讽"),
        ("您要是继续骂人，我这边就结束通话了。", "威胁挂机"),
        ("反正就这样了。", "冷漠"),
        ("您是不是想赖账？", "质疑客户"),
        ("账单您自己在App里看，我就不念了。", "让客户自查"),
        ("下次长点心吧。", "说教"),
    ],
)
def test_each_family_is_caught_and_explained_in_words(text, family):
    hits = alerted(text)
    assert hits, text
    hit = next(h for h in hits if h.entry.family == family)
    # The reason names the family and says what was seen; a softer wording comes with it.
    assert hit.entry.reason.startswith(f"{family}：") and len(hit.entry.reason) > len(family) + 6
    assert hit.entry.suggestion and hit.entry.phrase.startswith(f"{family}：")
    assert text[hit.start : hit.end] == hit.text


def test_offering_another_way_eases_a_refusal_but_not_blame():
    assert alerted("这个办不了，您去柜台问吧。")
    assert alerted("这个我做不了主")
    assert not alerted("这个暂时办不了，不过我可以帮您申请分期。")
    assert not alerted("这个我做不了主我帮你请示一下主管", speech=True)
    # Blaming the customer stays banned whatever the seat offers after it.
    assert alerted("谁让您把验证码告诉别人的，我帮您冻结一下")
    # A bare 不过/但是 is no offer: the refusal after it still counts.
    assert alerted("好的先生，不过这个真不归我们管，您得找商户。")
    assert alerted("理解您的心情，但是规定就是规定，我们也没办法。")
    # 不过 inside 管不过来 is no offer.
    assert alerted("您的情况我管不过来，不过来电我记下了") or alerted("您的情况我管不过来。")


def test_stopping_a_fraud_eases_commands_and_hanging_up():
    assert alerted("你赶紧的别浪费时间", speech=True)
    assert not alerted("你赶紧把那个远程软件关掉", speech=True)
    assert alerted("没事我挂了啊", speech=True)
    assert not alerted("对方再打过来你直接挂掉就行", speech=True)


def test_restating_the_customer_or_quoting_others_is_not_the_seat_speaking():
    assert alerted("不归我们管")
    assert not alerted("您是说网点跟您讲不归他们管，对吗？这个我来帮您处理。")
    assert not alerted("你刚才说有人让你自己去网点问是吧这个不应该", speech=True)
    assert not alerted("kh称之前的坐席说他急什么，要求投诉。")
    # 你说的… is the seat's own judgement of it, not a restatement.
    assert alerted("你说的这个我不信啊", speech=True)


def test_negation_and_facts_are_not_flagged():
    for text in ("这不是您的问题，是系统延迟。", "您不用自己去查，我帮您查。", "我不会挂您电话的，您慢慢说。",
                 "系统只能查询最近一年的明细。", "钱不会凭空消失，一般是在途。", "麻烦您回想一下，最后一次用这张卡是在哪台取款机上？"):
        assert not alerted(text), text


def test_speech_to_text_fillers_and_homophones_are_read_as_meant():
    from desktop.core.packs.banned import normalise

    # Homophones are read as meant without moving a character.
    slips = "我门网店半法验正码知到好几边在这样听的懂挂湿动结"
    assert len(normalise(slips)[0]) == len(slips)
    assert normalise(slips)[0] == "我们网点办法验证码知道好几遍再这样听得懂挂失冻结"
    norm, index = normalise("嗯您这个不归我门管的")
    assert norm == "你这个不归我们管的"
    assert index[0] == 1 and len(index) == len(norm)
    for text in ("呃这个不归我门管的", "嗯那个你自己去网店问吧", "我也没半法啊", "我都说了好几边了", "你在这样我就挂了"):
        hits = alerted(text, speech=True)
        assert hits, text
        # The hit points at the seat's own words as written, fillers and slips included.
        assert all(text[h.start : h.end] == h.text for h in hits)


@pytest.mark.parametrize(
    ("families", "message"),
    [
        ("families:\n  推诿:\n    suggestion: x\n    rules:\n      - why: y\n        regex: '(找'\n", "rule 1"),
        ("families:\n  推诿:\n    suggestion: x\n    rules:\n      - regex: 找\n", "needs 'regex' and 'why'"),
        ("families:\n  推诿:\n    rules: []\n", "needs a 'suggestion'"),
        ("families:\n  推诿:\n    suggestion: x\n    eased_by: [nope]\n    rules: []\n", "unknown frame 'nope'"),
        ("families:\n  推诿:\n    suggestion: x\n    eased_by: offer\n    rules: []\n", "'eased_by' must be a list"),
        ("frames:\n  offer: '(帮'\n", "frame 'offer'"),
        ("families: [1]\n", "'families' must be a mapping"),
        ("frames: [1]\n", "'frames' must be a mapping"),
    ],
)
def test_broken_family_rules_name_file_and_family(tmp_path, families, message):
    path = tmp_path / "b.yaml"
    path.write_text("banned:\n  - phrase: 好\n    suggestion: x\n" + families, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        load_banned(path)
    assert str(path) in str(info.value)


def test_long_hostile_texts_of_frames_and_fillers_are_handled():
    # Restated frames and fillers that never end a sentence: each kept linear in the text.
    for text in ("您说" * 50000, "嗯" * 100000, "行了行了" * 20000):
        hits = find_banned(text)
        assert all(0 <= h.start < h.end <= len(text) for h in hits)
    assert len(find_banned("行了行了" * 20000)) == 20000


def test_every_set_holds_the_goal_it_was_tuned_to():
    """A regression guard on every tuning set (each has been tuned on; none is a blind figure)."""
    from benchmarks.banned_accuracy import SETS, measure

    results = [r for path, name in SETS for r in measure(path, name)]
    assert len(results) == 2 * len(SETS) == 14 and all(r.positives >= 10 and r.negatives >= 10 for r in results)
    for r in results:
        assert r.recall >= 0.95, (r.name, r.form, r.misses)
        assert r.false_alarm_rate <= 0.03, (r.name, r.form, r.alarms)


@pytest.mark.parametrize(
    "text",
    ["喂，说话！", "没看我正忙着吗？", "我就这态度，怎么了？", "上面写得清清楚楚。", "嫌慢您早点来啊。", "我解释不了。",
     "都说了还问。", "少啰嗦。", "不办就算了。", "我又不是故意的。", "您听不懂中国话吗？", "您爱找谁找谁。",
     "这有什么好问的。", "您有病吧。", "这个您应该问您自己。", "这种问题也来问。", "您到底办不办？",
     "不是我说您，您这也太不小心了。", "那是您自己的选择。", "哪有您这样的。", "这不明摆着吗？",
     "我们这儿不是您家。", "没这规矩。", "别拿投诉吓唬我。", "您看您说的这叫什么话。", "唉，又是这个问题。",
     "还要我说几遍？", "这不是很简单吗？", "我又不是神仙。", "怪我咯？", "您是听不懂还是不想听？", "不想办就别办。"],
)
def test_classic_banned_wordings_are_caught_typed_and_spoken(text):
    assert alerted(text), text
    assert alerted(text.replace("您", "你").rstrip("。！？"), speech=True), text


@pytest.mark.parametrize(
    "text",
    ["您说得很清楚，我明白了。", "您又不是故意的，别自责。", "您不方便就算了，我改天再打给您。", "您没看到短信吗？我再给您发一条。",
     "这不是您家附近的网点，我帮您查一个近的。", "我问问您自己的意见。", "我就这样帮您登记了。", "这个有什么好担心的，您放心。",
     "您问几遍都没关系，我再说一次。", "这不是您的错，您放心。"],
)
def test_their_harmless_twins_are_not(text):
    assert not alerted(text), text
