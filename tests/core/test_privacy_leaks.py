"""Leak classes of issue #20's third round, each with its own generated cases (a tuning
set written with these changes) and adversarial ordinary numbers that must stay readable;
and the long-text path (stretch by stretch) giving the same result as masking the whole."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.privacy_corpus import card_number, mobile, resident_id
from desktop.core.privacy import masking as privacy
from desktop.core.privacy.masking import DEFAULT_POLICY, mask_pii, normalise

CASES = 200
SAID = dict(zip("0123456789X", "零一二三四五六七八九叉"))
SAID_RADIO = dict(zip("0123456789X", "洞幺两三四五六拐八勾叉"))


def _number(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(["card", "id", "mobile"])
    number = {"card": lambda: card_number(rng), "id": lambda: resident_id(rng), "mobile": lambda: mobile(rng)}[kind]()
    return kind, number


def _hidden(text: str, masked: str, digits: str, kind: str) -> bool:
    """No more of ``digits`` readable in ``masked`` than the display limit (the view of
    ``text`` maps each digit back to the character that says it)."""
    view = normalise(text)
    places = [k for k, ch in enumerate(view.text.upper()) if ch.isdigit() or ch == "X"]
    stream = "".join(view.text.upper()[k] for k in places)
    start = stream.find(digits)
    assert start >= 0, f"the test cannot find {digits} in {text!r}"
    first, last = (6, 4) if kind == "card" else (0, 4)
    for i in range(first, len(digits) - last):
        at = view.at(places[start + i])
        if masked[at] == text[at]:
            return False
    return True


def _counted(rng: random.Random, number: str) -> str:
    """Runs of a repeated digit said with a count: 三个八, 两个零, 俩8."""
    out, i = [], 0
    while i < len(number):
        run = 1
        while i + run < len(number) and number[i + run] == number[i] and run < 3:
            run += 1
        digit = number[i]
        if run >= 2 and digit != "X":
            said = rng.choice([SAID[digit], digit])
            out.append(rng.choice(["两个", "三个"][run - 2 : run - 1] + (["俩"] if run == 2 else [])) + said)
        else:
            out.extend(rng.choice([SAID[c], c]) for c in number[i : i + run])
        i += run
    return "".join(out)


def _zero_width(rng: random.Random, number: str) -> str:
    marks = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u034f", "\u180e", "\u00ad"]
    return "".join(c + (rng.choice(marks) if rng.random() < 0.7 else "") for c in number[:-1]) + number[-1]


def _lookalike(rng: random.Random, number: str) -> str:
    swap = {"0": "Oo", "1": "lI"}
    chars = list(number)
    places = [k for k, c in enumerate(chars) if c in swap]
    for k in rng.sample(places, min(len(places), rng.randint(1, 3))):
        chars[k] = rng.choice(swap[chars[k]])
    return "".join(chars)


def _fillers(rng: random.Random, number: str) -> str:
    words = ["嗯", "呃", "那个", "就是", "稍等啊", "我看看", "然后是", "嗯……"]
    cuts = sorted(rng.sample(range(3, len(number) - 2), 2))
    parts = [number[: cuts[0]], number[cuts[0] : cuts[1]], number[cuts[1] :]]
    numerals = rng.random() < 0.5
    parts = ["".join(SAID[c] for c in p) if numerals else p for p in parts]
    return parts[0] + rng.choice(words) + "，" + parts[1] + " " + rng.choice(words) + " " + parts[2]


def _markup(rng: random.Random, number: str) -> str:
    cuts = {11: [0, 3, 7, 11], 18: [0, 6, 14, 18]}.get(len(number)) or [*range(0, len(number) - 3, 4), len(number)]
    parts = [number[a:b] for a, b in itertools.pairwise(cuts)]
    style = rng.choice(["html", "md", "code", "json"])
    if style == "html":
        return "".join(f'<span class="n">{p}</span>' for p in parts)
    if style == "md":
        return "**" + "**".join(parts) + "**"
    if style == "code":
        return "".join(f"`{p}`" for p in parts)
    return '{"value": "' + " ".join(parts) + '", "ok": true}'


def _plain_numerals(rng: random.Random, number: str) -> str:
    table = rng.choice([SAID, SAID_RADIO, {**SAID, "0": "○"}])
    return "".join(table[c] for c in number)


def _spoken_separators(rng: random.Random, number: str) -> str:
    word = rng.choice(["短横", "点", "杠", "横杠"])
    sizes = [3, 4, 4] if len(number) == 11 else ([4] * (len(number) // 4) + ([len(number) % 4] if len(number) % 4 else []))
    parts, i = [], 0
    for size in sizes:
        parts.append(number[i : i + size])
        i += size
    if rng.random() < 0.5:
        parts = ["".join(SAID[c] for c in p) for p in parts]
    return word.join(parts)


def _two_lines(rng: random.Random, number: str) -> str:
    label = rng.choice(["客户：", "【客户】", "[客户] ", "用户: "])
    cut = rng.randint(3, len(number) - 4)
    return f"坐席：好的，您说。\n{label}号码是{number[:cut]}\n{label}{number[cut:]}"


STYLES: dict[str, Callable[[random.Random, str], str]] = {
    "counted digits (三个八, 两个零, 俩8)": _counted,
    "zero-width and invisible characters inside": _zero_width,
    "look-alike letters (O/o for 0, l/I for 1), at the ends too": _lookalike,
    "fillers inside spoken numbers": _fillers,
    "markup and JSON around the groups": _markup,
    "plain Chinese numerals (洞幺两, ○)": _plain_numerals,
    "separators said aloud (短横, 点, 杠)": _spoken_separators,
    "two lines of one speaker": _two_lines,
}
FRAMES = ["客户报的号码{}，已核实。", "{} 客户说一直在用。", "备注：{}", "客户说{}，一直打不通。"]


def test_a_number_said_before_yi_zhi_ends_before_it():
    # 一直 ("all along") glued to a number: the number may end before its 一, or take it.
    assert mask_pii("客户反映预留手机一三零九五七一六一八六一直收不到验证码") == "客户反映预留手机*******六一八六一直收不到验证码"
    assert mask_pii("手机一三八一二三四五六七一直打不通") == "手机*******五六七一直打不通"
    assert mask_pii("手机号13812345678 一直打不通") == "手机号*******5678 一直打不通"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_leak_class_is_masked(style):
    rng = random.Random(style)
    write = STYLES[style]
    for _ in range(CASES):
        kind, number = _number(rng)
        text = rng.choice(FRAMES).format(write(rng, number)) if style != "two lines of one speaker" else write(rng, number)
        masked = mask_pii(text)
        assert _hidden(text, masked, number, kind), f"{text!r} → {masked!r}"
        assert mask_pii(masked) == masked


# Ordinary numbers written in the same styles: they hold no personal number and stay as written.
NEGATIVES = [
    "下午三点二十分回电，利率四点三五，三点以后方便接听。",
    "客户分两个8期还款，俩人一起来的网点。",
    "尾号是八八八八，两个八结尾的那张。",
    "一直一直打不通，一下午打了三次，一起查一下。",
    "金额20000+30000+50000元，合计十万。",
    "• 第一条\n• 第二条：2026年12月7日已处理",
    "客户称…2026年12月7日…已到账五千元。",
    "余额一万两千三百四十五点六七元。",
    "订单号13812345678，工单号码20261207000123456789。",
    "第1、2、3、4、5、6、7、8、9、10、11期都已还清。",
    "客服热线95588转一号键，或拨打400-820-8820。",
    "**重要**：额度5万，已用2万8，**请勿**外泄。",
    '{"amount": "20000", "term": "12", "rate": "0.035"}',
    "<b>尾号</b><span>5678</span>，<i>金额</i>3000元",
    "版本v1.2.3.4.5.6.7.8.9.10.11已更新。",
    "客户：嗯，那个，就是，我想问一下，那个分期的事。",
    "坐席：好的，请稍等。\n客户：我看看啊，三千块。\n客户：五百块。",
    "卡号后四位是1234，手机尾号5678，身份证后四位888X。",
    "验证码123456，嗯，123456。",
    "l00 0I0 100元，共lO笔",
    "投诉已登记，登记号 15808305337，三个工作日内回电。",
    "设备号ATM700429672，当天发生吞卡。",
    "大额转账13 268 420 773.00元因超限被拦截。",
]


def test_a_registered_number_is_still_a_phone():
    # 登记号 names a reference; 登记号码 is the number registered, often a mobile.
    assert mask_pii("已登记号码是163 8760 1528，需回电") == "已登记号码是*** **** 1528，需回电"


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_numbers_in_the_same_styles_stay_readable(text):
    assert mask_pii(text) == text


# -- the long-text path -----------------------------------------------------------
_PROSE = [
    "客户来电反映信用卡账单有疑问，已耐心解释并核实身份，",
    "已告知处理时效为三到五个工作日，",
    "客户说一两天内还，",
    "分别是第1、2、3、4、5、6期，",
    "年费二百元，",
    "建议客户通过手机银行查询进度。",
    "\n[00:01:12] 坐席：好的。\n",
]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_long_text_masked_stretch_by_stretch_is_masked_as_a_whole(data):
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    parts: list[str] = []
    while sum(map(len, parts)) < 600:
        if rng.random() < 0.25:
            _kind, number = _number(rng)
            parts.append(rng.choice(list(STYLES.values()))(rng, number))
        else:
            parts.append(rng.choice(_PROSE))
    text = "".join(parts)
    assert len(text) >= privacy._WINDOW_MIN
    assert privacy._scan(text, DEFAULT_POLICY) == privacy._scan_whole(text, DEFAULT_POLICY)
