"""A generated corpus of call notes for the masker (``desktop.core.privacy.masking``).

Every category of the privacy review: card, resident ID and mobile numbers
written the ways seats write them (plain, grouped, glued to letters, full-width,
with a country code, mistyped), and ordinary numbers that must stay readable
(amounts, dates, times, labelled order/transaction/work-order numbers of 12-32
digits, dated transaction references, hotlines, extensions, post codes,
landlines). Numbers with check digits are computed with python-stdnum; the
generator is seeded, so a corpus is the same on every machine.

    python -m benchmarks.privacy_corpus   # recall and wrong-masking per category
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum import luhn
from stdnum.cn import ric

from desktop.core.privacy.masking import (
    CARD,
    DEFAULT_POLICY,
    MAX_KEEP,
    MOBILE,
    PROVINCES,
    RESIDENT_ID,
    mask_pii,
    normalise,
)


@dataclass(frozen=True)
class Sample:
    category: str
    text: str
    #: Where the personal number is (start, end, kind), or None for an ordinary number.
    span: tuple[int, int, str] | None


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_BEFORE = ["客户来电称", "核实后", "客户说", "来电人提供", "已登记", "", "备注：", "请回访，", "客户本人，"]
_AFTER = ["，已核实。", "，需回电", "。", "", " 已处理", "，客户情绪平稳", "，次日回访"]

# Scheme: (prefixes, lengths)
SCHEMES: dict[str, tuple[Callable[[random.Random], str], tuple[int, ...]]] = {
    "unionpay": (
        lambda r: r.choice(["622202", "622848", "621700", "622588", "625", "628", "6217", "6228"]),
        (16, 17, 18, 19),
    ),
    "visa": (lambda r: "4" + str(r.randint(10000, 99999)), (13, 16, 19)),
    "mastercard": (lambda r: str(r.randint(51, 55)) if r.random() < 0.6 else str(r.randint(2221, 2720)), (16,)),
    "amex": (lambda r: r.choice(["34", "37"]), (15,)),
    "jcb": (lambda r: str(r.randint(3528, 3589)), (16, 17, 18, 19)),
    "diners": (lambda r: r.choice(["36", "38", "39"]) if r.random() < 0.5 else str(r.randint(300, 305)), (14,)),
    "domestic": (lambda r: r.choice(["9558", "9559", "9555", "9588"]), (19,)),
}


def _digits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def card_number(rng: random.Random, scheme: str | None = None) -> str:
    scheme = scheme or rng.choice(list(SCHEMES))
    prefix_of, lengths = SCHEMES[scheme]
    length = rng.choice(lengths)
    body = prefix_of(rng)
    body += "".join(rng.choice("0123456789") for _ in range(length - len(body) - 1))
    return body + luhn.calc_check_digit(body)


def resident_id(rng: random.Random, *, bad_check: bool = False) -> str:
    region = rng.choice(sorted(PROVINCES)) + f"{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}"
    born = date(1930, 1, 1) + timedelta(days=rng.randint(0, 365 * 90))
    body = region + born.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
    check = ric.calc_check_digit(body)
    if bad_check:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return body + check


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def grouped(number: str, sizes: list[int], sep: str = " ") -> str:
    out, i = [], 0
    for size in sizes:
        out.append(number[i : i + size])
        i += size
    if i < len(number):
        out.append(number[i:])
    return sep.join(out)


def _four(number: str, sep: str = " ") -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def _embed(rng: random.Random, category: str, written: str, kind: str, label: str = "") -> Sample:
    before = rng.choice(_BEFORE) + label
    return Sample(category, before + written + rng.choice(_AFTER), (len(before), len(before) + len(written), kind))


def _plain(rng: random.Random, category: str, written: str, label: str = "") -> Sample:
    return Sample(category, rng.choice(_BEFORE) + label + written + rng.choice(_AFTER), None)


def _one_wrong_digit(rng: random.Random, number: str) -> str:
    while True:
        k = rng.randrange(1, len(number))
        wrong = number[:k] + rng.choice([d for d in "0123456789" if d != number[k]]) + number[k + 1 :]
        if not luhn.is_valid(wrong):
            return wrong


# -- how people say and speech-to-text engines write a number --------------------
_SPOKEN = {
    "0": "零〇洞",
    "1": "一幺",
    "2": "二两",
    "3": "三",
    "4": "四",
    "5": "五",
    "6": "六",
    "7": "七",
    "8": "八",
    "9": "九",
    "X": "叉",
}
_CAPITAL = {
    "0": "零",
    "1": "壹",
    "2": "贰",
    "3": "叁",
    "4": "肆",
    "5": "伍",
    "6": "陆",
    "7": "柒",
    "8": "捌",
    "9": "玖",
    "X": "叉",
}
_FORMAT_CHARS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202c"]
SPLIT_SEPARATORS = ["，", "、", "\t", "\n", "/", "_", "  ", " - ", ", ", "　", "－", " / ", "·"]


def spoken(rng: random.Random, number: str) -> str:
    """Chinese numerals: 幺 or 一 for 1, 两 or 二 for 2, 零/〇/洞 for 0, 叉 for X."""
    return "".join(rng.choice(_SPOKEN.get(ch.upper(), ch)) for ch in number)


def capitals(number: str) -> str:
    return "".join(_CAPITAL.get(ch.upper(), ch) for ch in number)


def natural_groups(number: str) -> list[int]:
    """Where people break a number when they say it: 3-4-4, 4-4-4-4…, 6-8-4."""
    n = len(number)
    if n == 11:
        return [3, 4]
    if n == 18:
        return [6, 8]
    if n == 15:
        return [6, 6]
    return [4] * ((n - 1) // 4)


def styled(rng: random.Random, number: str, style: str) -> str:
    """``number`` written in ``style`` (see ``STYLES``)."""
    if style == "chinese numerals":
        return spoken(rng, number)
    if style == "financial capitals":
        return capitals(number)
    if style == "digits one by one":
        return rng.choice([" ", "  ", ", ", "，", "、"]).join(number)
    if style == "numerals one by one":
        return rng.choice([" ", "，", "、"]).join(spoken(rng, number))
    if style == "groups split by punctuation":
        return grouped(number, natural_groups(number), rng.choice(SPLIT_SEPARATORS))
    if style == "spoken groups":
        return grouped(spoken(rng, number), natural_groups(number), rng.choice([" ", "，", "、", "　"]))
    if style == "invisible format characters":
        chars = list(number)
        for _ in range(rng.randint(1, 4)):
            chars.insert(rng.randint(1, len(chars) - 1), rng.choice(_FORMAT_CHARS))
        return "".join(chars)
    if style == "arabic and chinese mixed":
        cut = rng.randint(3, len(number) - 3)
        head, tail = number[:cut], number[cut:]
        return head + spoken(rng, tail) if rng.random() < 0.5 else spoken(rng, head) + tail
    if style == "full-width groups":
        return grouped(number.translate(_FULL), natural_groups(number), rng.choice(["　", "－", "，"]))
    if style == "any punctuation or | between groups":
        return grouped(number, natural_groups(number), rng.choice(_PUNCT_SEPARATORS))
    if style == "chinese punctuation between groups":
        return grouped(number, natural_groups(number), rng.choice(["，", "。", "；", "：", "、", "！", "？", "…"]))
    if style == "in brackets or quotes":
        sizes = natural_groups(number)
        pair = rng.choice(["（）", "()", "【】", "「」", "“”", '""', "《》", "[]", "''", "〔〕"])
        opening, closing = pair[0], pair[1]
        if rng.random() < 0.5:
            return opening + number + closing
        parts = grouped(number, sizes, "|").split("|")
        return "".join(opening + part + closing for part in parts)
    if style == "next to markup tags":
        tag = rng.choice(["b", "span", "em", "font color=red", "td", "i"])
        parts = grouped(number, natural_groups(number), "|").split("|")
        if rng.random() < 0.5:
            return f"<{tag}>{number}</{tag.split()[0]}>"
        return rng.choice(["", " ", "<br>"]).join(f"<{tag}>{p}</{tag.split()[0]}>" for p in parts)
    if style == "zero-width and bidi anywhere":
        chars = list(number)
        for _ in range(rng.randint(1, 6)):
            chars.insert(rng.randint(0, len(chars)), rng.choice(_FORMAT_CHARS + _BIDI_CHARS))
        return "".join(chars)
    if style == "spaced speech-to-text tokens":
        out, i = [], 0
        while i < len(number):
            size = rng.randint(1, 4)
            out.append(number[i : i + size])
            i += size
        return " ".join(out)
    if style == "separators said aloud":
        return grouped(
            number, natural_groups(number), rng.choice(["杠", "横杠", "空格", " dash ", " space ", "斜杠", " - "])
        )
    if style == "fillers between groups":
        parts = grouped(number, natural_groups(number), "|").split("|")
        return parts[0] + "".join(
            rng.choice(["嗯", "呃，", "那个", "就是", "然后", "对，", "啊", "嗯嗯，"]) + p for p in parts[1:]
        )
    if style == "numerals with fillers":
        parts = grouped(spoken(rng, number), natural_groups(number), "|").split("|")
        return parts[0] + "".join(rng.choice(["嗯", "呃，", "那个", "然后是", "对，", "后面是"]) + p for p in parts[1:])
    if style == "english digit words":
        words = [_ENGLISH_DIGITS[int(d)] if d != "X" else "X" for d in number]
        if rng.random() < 0.3:
            words = ["oh" if w == "zero" else w for w in words]
        return rng.choice([" ", ", ", "-"]).join(w.capitalize() if rng.random() < 0.2 else w for w in words)
    if style == "counted digits said":
        # a digit said twice or three times in a row: 两个八, double eight
        out, i, english = [], 0, rng.random() < 0.3
        spoken_number = spoken(rng, number) if not english else number
        while i < len(number):
            run = 1
            while i + run < len(number) and number[i + run] == number[i] and run < 3:
                run += 1
            if run >= 2 and number[i] != "X":
                if english:
                    out.append(" " + {2: "double", 3: "triple"}[run] + " " + number[i] + " ")
                else:
                    out.append(rng.choice({2: ["两个", "二个"], 3: ["三个"]}[run]) + spoken_number[i])
            else:
                out.append(spoken_number[i : i + run])
            i += run
        return "".join(out).strip()
    if style == "look-alike letters inside digits":
        chars = list(number)
        inner = [k for k in range(1, len(chars) - 1) if chars[k] in "01"]
        for k in rng.sample(inner, min(len(inner), rng.randint(1, 3))):
            chars[k] = rng.choice("Oo") if chars[k] == "0" else rng.choice("lI")
        return "".join(chars)
    if style == "check character variants":
        if not number.endswith("X"):
            return number
        return number[:-1] + rng.choice(["x", "X", "Ｘ", "ｘ", "×", "叉", "大写X", " X", "Ⅹ"])
    raise ValueError(style)


_ENGLISH_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_PUNCT_SEPARATORS = ["|", " | ", ";", ":", "~", "!", "?", "'", "‧", "／", "＼", "＿", "｜", "～"]
_BIDI_CHARS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200f",
    "\u061c",
]

STYLES = [
    "chinese numerals",
    "financial capitals",
    "digits one by one",
    "numerals one by one",
    "groups split by punctuation",
    "spoken groups",
    "invisible format characters",
    "arabic and chinese mixed",
    "full-width groups",
    "any punctuation or | between groups",
    "chinese punctuation between groups",
    "in brackets or quotes",
    "next to markup tags",
    "zero-width and bidi anywhere",
    "spaced speech-to-text tokens",
    "separators said aloud",
    "fillers between groups",
    "numerals with fillers",
    "english digit words",
    "counted digits said",
    "look-alike letters inside digits",
    "check character variants",
]
_SAY_BEFORE = ["客户说", "我的", "来电人报了", "客户念了", "", "麻烦记一下，", "客户说他的"]


def _styled_maker(kind: str, style: str) -> Callable[[random.Random], Sample]:
    def make(r: random.Random) -> Sample:
        if kind == CARD:
            number, label = card_number(r), r.choice(["卡号", "卡号是", "银行卡", "信用卡号码是", "", "账号"])
        elif kind == RESIDENT_ID:
            number, label = resident_id(r), r.choice(["身份证", "身份证号是", "证件号码", ""])
        else:
            number, label = mobile(r), r.choice(["手机", "手机号是", "电话", "号码是", "", "回拨"])
        return _embed(r, f"{kind} said: {style}", styled(r, number, style), kind, r.choice(_SAY_BEFORE) + label)

    return make


def off_scheme_card(rng: random.Random) -> str:
    """13-19 digits with a valid Luhn digit and no scheme's prefix (e.g. 518721… as 18 digits)."""
    while True:
        body = _digits(rng, rng.randint(13, 19) - 1)
        number = body + luhn.calc_check_digit(body)
        if not number.startswith(("19", "20")):
            return number


def first_generation_id(rng: random.Random) -> str:
    region = rng.choice(sorted(PROVINCES)) + f"{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}"
    born = date(1930, 1, 1) + timedelta(days=rng.randint(0, 365 * 65))
    return region + born.strftime("%y%m%d") + f"{rng.randint(0, 999):03d}"


def _extra_positives() -> dict[str, Callable[[random.Random], Sample]]:
    return {
        **{
            f"{kind} said: {style}": _styled_maker(kind, style)
            for kind in (CARD, RESIDENT_ID, MOBILE)
            for style in STYLES
        },
        "card: off-scheme, Luhn-valid (13-19)": lambda r: _embed(
            r,
            "card: off-scheme, Luhn-valid (13-19)",
            r.choice([off_scheme_card(r), _four(off_scheme_card(r))]),
            CARD,
            r.choice(["", "卡号", "卡", "客户报了", "手机", "身份证"]),
        ),
        "mobile: trunk prefix 0": lambda r: _embed(
            r, "mobile: trunk prefix 0", "0" + mobile(r), MOBILE, r.choice(["回拨", "来电", "", "拨打"])
        ),
        "id: first generation (15 digits), no ID word": lambda r: _embed(
            r,
            "id: first generation (15 digits), no ID word",
            first_generation_id(r),
            RESIDENT_ID,
            r.choice(["", "老证号", "客户报", "号码"]),
        ),
    }


# -- the categories -------------------------------------------------------------
def _scheme_maker(scheme: str, words: list[str]) -> Callable[[random.Random], Sample]:
    return lambda r: _embed(r, f"card: {scheme}", card_number(r, scheme), CARD, r.choice(words))


def _positives() -> dict[str, Callable[[random.Random], Sample]]:
    card_words = ["卡号", "银行卡", "卡号：", "信用卡", "借记卡", "账号", ""]
    return {
        **{f"card: {scheme}": _scheme_maker(scheme, card_words) for scheme in SCHEMES},
        "card: groups of 4 (16-19 digits)": lambda r: _embed(
            r,
            "card: groups of 4 (16-19 digits)",
            _four(card_number(r, "unionpay"), r.choice(" -")),
            CARD,
            r.choice(card_words),
        ),
        "card: 6 + rest": lambda r: _embed(
            r, "card: 6 + rest", grouped(card_number(r, "unionpay"), [6]), CARD, r.choice(card_words)
        ),
        "card: dots": lambda r: _embed(r, "card: dots", _four(card_number(r), "."), CARD, r.choice(card_words)),
        "card: glued to letters": lambda r: _embed(
            r, "card: glued to letters", card_number(r), CARD, r.choice(["card", "No.", "TX", "Card#", "acct"])
        ),
        "card: full-width digits": lambda r: _embed(
            r, "card: full-width digits", card_number(r).translate(_FULL), CARD, r.choice(card_words)
        ),
        "card: one wrong digit after a card word": lambda r: _embed(
            r,
            "card: one wrong digit after a card word",
            _one_wrong_digit(r, card_number(r)),
            CARD,
            r.choice(["卡号", "卡号：", "银行卡", "信用卡号", "账号", "卡号是"]),
        ),
        "id: plain": lambda r: _embed(r, "id: plain", resident_id(r), RESIDENT_ID, r.choice(["身份证", "证件号", ""])),
        "id: lower-case x / full-width": lambda r: _embed(
            r,
            "id: lower-case x / full-width",
            r.choice([resident_id(r).lower(), resident_id(r).translate(_FULL)]),
            RESIDENT_ID,
        ),
        "id: groups 6 8 4": lambda r: _embed(
            r, "id: groups 6 8 4", grouped(resident_id(r), [6, 8]), RESIDENT_ID, "身份证 "
        ),
        "id: glued to letters": lambda r: _embed(
            r, "id: glued to letters", resident_id(r), RESIDENT_ID, r.choice(["ID", "id:", "IDNo.", "No."])
        ),
        "id: wrong check character": lambda r: _embed(
            r,
            "id: wrong check character",
            resident_id(r, bad_check=True),
            RESIDENT_ID,
            r.choice(["身份证号", "证件号码", "", "客户"]),
        ),
        "mobile: plain": lambda r: _embed(
            r, "mobile: plain", mobile(r), MOBILE, r.choice(["手机", "电话", "", "回拨"])
        ),
        "mobile: 3-4-4": lambda r: _embed(r, "mobile: 3-4-4", grouped(mobile(r), [3, 4], r.choice(" -")), MOBILE),
        "mobile: +86 / 0086": lambda r: _embed(
            r, "mobile: +86 / 0086", r.choice(["+86", "+86 ", "0086-", "0086", "86-"]) + mobile(r), MOBILE
        ),
        "mobile: glued to letters": lambda r: _embed(
            r, "mobile: glued to letters", mobile(r), MOBILE, r.choice(["tel", "Tel:", "mobile", "TEL", "phone"])
        ),
        "mobile: full-width digits": lambda r: _embed(
            r, "mobile: full-width digits", mobile(r).translate(_FULL), MOBILE
        ),
        **_extra_positives(),
    }


REFERENCE_LABELS = [
    "订单号",
    "订单号：",
    "流水号",
    "交易流水号",
    "工单号",
    "工单号：",
    "参考号",
    "编号",
    "交易号",
    "订单号TX",
    "业务编号",
    "受理号",
    "工单号码",
    "流水号码",
    "单据号",
    "凭条号码",
    "订单编号：",
    "票号",
    "投诉单号",
]

# Ordinary Chinese with counts, amounts, dates, hotlines and codes: must stay as written.
CHINESE_ORDINARY = [
    "刷了三次",
    "分十二期",
    "年费二百元",
    "一号去的网点",
    "第一次第二次都没扣款",
    "2026年12月7日",
    "95588转一号键",
    "二〇二六年十二月七日来电",
    "两万三千五百元",
    "一百二十三点五元",
    "下午三点二十分",
    "三三两两",
    "一五一十地说了",
    "一一核对了",
    "分别是第1、2、3、4、5、6期",
    "额度五万，已用两万八",
    "一二月份各还了一次",
    "拨打九五五八八转一再转三",
    "验证码123456",
    "验证码 一二三四五六",
    "验证码是六五四三二一",
    "工单号 2026120712345678",
    "尾号5678",
    "尾号五六七八",
    "三个月内第二次",
    "零点五个百分点",
    "二十四期免息",
    "九五五三三",
    "幺幺零报警了",
    "一二三四五六七八九十",
    "这个月一号和十五号各扣了一次",
    "第三、四、五、六期",
    "转了三笔 20000, 30000, 50000",
    "1、2、3、4、5、6、7、8、9、10",
    "共 12 笔，合计 345,678.90 元",
    "客户说一两天内还",
    "两三百块",
    "八九不离十",
    "十一月十二日",
    "1/2/3/4/5/6/7/8/9/10/11",
]


def _negatives() -> dict[str, Callable[[random.Random], Sample]]:
    def amount(r: random.Random) -> str:
        value = r.randint(1, 10 ** r.randint(2, 9))
        return r.choice(
            [
                f"{value}.{r.randint(0, 99):02d}元",
                f"¥{value:,}",
                f"{value:,}.00",
                f"{value}元",
                f"{r.randint(1, 999)}万",
            ]
        )

    def when(r: random.Random) -> str:
        day = date(2020, 1, 1) + timedelta(days=r.randint(0, 2500))
        return r.choice(
            [
                day.strftime("%Y%m%d"),
                day.isoformat(),
                day.strftime("%Y/%m/%d"),
                f"{day.isoformat()} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
                day.strftime("%Y%m%d") + f"{r.randint(0, 235959):06d}",
                f"{day.year}年{day.month}月{day.day}日",
            ]
        )

    return {
        "amounts": lambda r: _plain(r, "amounts", amount(r), r.choice(["金额", "转账", "扣款", ""])),
        "dates and times": lambda r: _plain(r, "dates and times", when(r), r.choice(["交易时间", "日期", ""])),
        "labelled reference numbers (12-32 digits)": lambda r: _plain(
            r, "labelled reference numbers (12-32 digits)", _digits(r, r.randint(12, 32)), r.choice(REFERENCE_LABELS)
        ),
        "dated transaction references (14-32 digits)": lambda r: _plain(
            r,
            "dated transaction references (14-32 digits)",
            (date(2020, 1, 1) + timedelta(days=r.randint(0, 2500))).strftime("%Y%m%d")
            + "".join(r.choice("0123456789") for _ in range(r.randint(6, 24))),
            r.choice(["", "交易", "参考"]),
        ),
        "hotlines": lambda r: _plain(
            r,
            "hotlines",
            r.choice(
                [
                    "95588",
                    "95533",
                    "95599",
                    "95566",
                    "95555",
                    "95559",
                    "400-820-8888",
                    "4008208888",
                    "800-830-8003",
                    "10086",
                    "12378",
                    "96169",
                ]
            ),
            r.choice(["拨打", ""]),
        ),
        "extensions": lambda r: _plain(
            r, "extensions", f"{r.choice(['转', '分机', 'ext.', '转分机'])}{r.randint(100, 99999)}"
        ),
        "post codes": lambda r: _plain(
            r, "post codes", f"{r.randint(10, 86)}{r.randint(0, 9999):04d}", r.choice(["邮编", "邮编：", ""])
        ),
        "landlines": lambda r: _plain(
            r,
            "landlines",
            r.choice(["010", "021", "0755", "020", "0571"])
            + r.choice(["-", "", " "])
            + _digits(r, r.choice([7, 8]), "2345678"),
        ),
        "chinese counts, amounts and dates": lambda r: _plain(
            r, "chinese counts, amounts and dates", r.choice(CHINESE_ORDINARY)
        ),
        "11-digit order and ticket numbers after a label": lambda r: _plain(
            r, "11-digit order and ticket numbers after a label", mobile(r), r.choice(REFERENCE_LABELS)
        ),
        "amount lists": lambda r: _plain(
            r,
            "amount lists",
            r.choice(["，", ", ", "、", " "]).join(f"{r.randint(1, 999) * 100}" for _ in range(r.randint(2, 6))) + "元",
            r.choice(["分几笔：", "金额分别为", ""]),
        ),
        "dates and times, spoken": lambda r: _plain(
            r,
            "dates and times, spoken",
            spoken(r, (date(2020, 1, 1) + timedelta(days=r.randint(0, 2500))).strftime("%Y"))
            + "年"
            + r.choice(["十二月七日", "一月一日", "三月十五日"])
            + r.choice(["", "下午三点", "上午十点二十"]),
        ),
    }


#: Random digits of 12-32 without a label: indistinguishable from card numbers when
#: prefix, length and Luhn fit, so masked by design; measured for information.
def _unlabelled(r: random.Random) -> Sample:
    return _plain(r, "unlabelled random digits (12-32), for information", _digits(r, r.randint(12, 32)))


def _any_number(r: random.Random) -> tuple[str, str]:
    kind = r.choice([CARD, RESIDENT_ID, MOBILE])
    if kind == CARD:
        return kind, card_number(r)
    return kind, resident_id(r) if kind == RESIDENT_ID else mobile(r)


def _in_lines(r: random.Random, category: str, lines: list[str], pieces: list[str], kind: str) -> Sample:
    """A transcript of ``lines`` with the number's ``pieces`` at ``{}`` marks; the span covers the number."""
    text = "\n".join(lines)
    starts = []
    for piece in pieces:
        at = text.index("{}")
        starts.append(at)
        text = text[:at] + piece + text[at + 2 :]
    return Sample(category, text, (starts[0], starts[-1] + len(pieces[-1]), kind))


_CALLER = ["客户：", "客户: ", "A: ", "来电人："]
_SEAT = ["坐席：", "坐席: ", "B: ", "客服："]
_BACKCHANNEL = ["嗯", "好的", "嗯嗯，您说", "对", "好，请继续", "稍等，我记下"]


def _transcript_positives() -> dict[str, Callable[[random.Random], Sample]]:
    def split(backchannel: bool, category: str) -> Callable[[random.Random], Sample]:
        def make(r: random.Random) -> Sample:
            kind, number = _any_number(r)
            cut = r.randint(3, len(number) - 3)
            pieces = [number[:cut], number[cut:]]
            speaker = r.choice(_CALLER)
            lines = [speaker + r.choice(["我的号码是", "号码是", "是", ""]) + "{}"]
            if backchannel:
                lines.append(r.choice(_SEAT) + r.choice(_BACKCHANNEL))
            lines.append(speaker + r.choice(["", "然后", "后面是"]) + "{}")
            return _in_lines(r, category, lines, pieces, kind)

        return make

    def repeated(r: random.Random) -> Sample:
        kind, number = _any_number(r)
        written = grouped(number, natural_groups(number), r.choice([" ", "", "-"]))
        second = r.choice([written, number])
        text = f"客户报了{written}，我复述一遍{second}，客户确认"
        return Sample("number said twice", text, (4, 4 + len(written), kind))

    return {
        "number split over two caller lines, seat's back-channel between": split(
            True, "number split over two caller lines, seat's back-channel between"
        ),
        "number split over two lines of one speaker": split(False, "number split over two lines of one speaker"),
        "number said twice": repeated,
    }


_NEW_REFERENCE_LABELS = [
    "退款单号",
    "预约编号",
    "回执号",
    "查询号",
    "交易参考号",
    "参考编号",
    "报案号",
    "工单ID",
    "Ticket No.",
    "Ref:",
    "Case #",
    "order#",
    "凭证编号",
    "批次编号",
    "业务流水号",
    "系统参考号",
    "订单 ID",
    "Reference: ",
    "投诉工单号",
    "服务单号",
    "任务编号",
    "流水编号",
]


def _new_negatives() -> dict[str, Callable[[random.Random], Sample]]:
    def labelled_11(r: random.Random) -> Sample:
        return _plain(r, "11-digit references 13-19… after other labels", mobile(r), r.choice(_NEW_REFERENCE_LABELS))

    def labelled_luhn(r: random.Random) -> Sample:
        return _plain(
            r,
            "Luhn-valid references after other labels",
            off_scheme_card(r),
            r.choice(_NEW_REFERENCE_LABELS + REFERENCE_LABELS),
        )

    def amount(r: random.Random) -> Sample:
        whole = _digits(r, r.randint(11, 17))
        written = r.choice(
            [f"{whole}.{r.randint(0, 99):02d}", f"{int(whole):,}.{r.randint(0, 99):02d}", f"{whole}.{r.randint(0, 9)}"]
        )
        return _plain(
            r,
            "long amounts with decimals",
            r.choice(["", "¥", "金额", "余额："]) + written + r.choice(["元", "", " CNY"]),
        )

    def timestamp(r: random.Random) -> Sample:
        moment = date(2020, 1, 1) + timedelta(days=r.randint(0, 2500))
        hms = f"{r.randint(0, 23):02d}{r.randint(0, 59):02d}{r.randint(0, 59):02d}"
        epoch = r.randint(1_580_000_000, 1_800_000_000)
        written = r.choice(
            [
                moment.strftime("%Y-%m-%d ") + f"{hms[:2]}:{hms[2:4]}:{hms[4:]}",
                moment.strftime("%Y/%m/%d ") + f"{hms[:2]}:{hms[2:4]}",
                moment.strftime("%Y%m%d") + hms,
                moment.strftime("%Y%m%d") + hms + f"{r.randint(0, 999):03d}",
                moment.strftime("%Y-%m-%dT") + f"{hms[:2]}:{hms[2:4]}:{hms[4:]}.{r.randint(0, 999):03d}Z",
            ]
        )
        if r.random() < 0.3:  # Unix time, in seconds or milliseconds: readable after a time word only
            return _plain(
                r,
                "timestamps",
                r.choice([f"{epoch}", f"{epoch}{r.randint(0, 999):03d}"]),
                r.choice(["时间戳", "时间：", "timestamp "]),
            )
        return _plain(r, "timestamps", written, r.choice(["", "时间", "时间戳", "通话开始 "]))

    return {
        "11-digit references 13-19… after other labels": labelled_11,
        "Luhn-valid references after other labels": labelled_luhn,
        "long amounts with decimals": amount,
        "timestamps": timestamp,
    }


def corpus(per_category: int, seed: int = 10) -> Iterator[Sample]:
    rng = random.Random(seed)
    for make in {**_positives(), **_transcript_positives(), **_negatives(), **_new_negatives()}.values():
        for _ in range(per_category):
            yield make(rng)


def informative(per_category: int, seed: int = 11) -> Iterator[Sample]:
    rng = random.Random(seed)
    for _ in range(per_category):
        yield _unlabelled(rng)


# -- scoring --------------------------------------------------------------------
def hidden_enough(sample: Sample, masked: str) -> bool:
    """Whether no more than the display cap of the number's digits stays readable."""
    assert sample.span is not None
    start, end, kind = sample.span
    shown = sum(ch in "0123456789X" for ch in normalise(masked[start:end]).text.upper())
    written = sample.text[start:end]
    if (
        kind == MOBILE
        and written.lstrip("+").startswith(("86", "0086"))
        and len([c for c in written if c.isdigit()]) > 11
    ):
        shown -= sum(c.isdigit() for c in written[: len(written) - len(written.lstrip("+0")) + 2])
    if kind == MOBILE and re.sub(r"[^0-9]", "", normalise(written).text).startswith("01"):
        shown -= re.sub(r"[^0-9*]", "", normalise(masked[start:end]).text)[:1] == "0"  # the trunk prefix 0
    first, last = MAX_KEEP[kind]
    return shown <= max(first + last, MAX_KEEP[CARD][0] + MAX_KEEP[CARD][1] if kind == CARD else first + last)


@dataclass
class Score:
    category: str
    positive: bool
    samples: int = 0
    failures: int = 0
    example: str = ""

    @property
    def rate(self) -> float:
        return self.failures / self.samples if self.samples else 0.0


def score(samples: Iterator[Sample]) -> tuple[dict[str, Score], float, int]:
    """Per category: for personal numbers how many stayed readable, for ordinary
    numbers how many were changed; also the seconds spent masking and the characters masked."""
    scores: dict[str, Score] = {}
    spent, chars = 0.0, 0
    for sample in samples:
        t0 = time.perf_counter()
        masked = mask_pii(sample.text, DEFAULT_POLICY)
        spent += time.perf_counter() - t0
        chars += len(sample.text)
        item = scores.setdefault(sample.category, Score(sample.category, sample.span is not None))
        item.samples += 1
        failed = not hidden_enough(sample, masked) if sample.span is not None else masked != sample.text
        if failed:
            item.failures += 1
            item.example = item.example or f"{sample.text} → {masked}"
    return scores, spent, chars


def main() -> int:
    per = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    scores, spent, chars = score(corpus(per))
    for item in scores.values():
        print(f"{'+' if item.positive else '-'} {item.category}: {item.failures}/{item.samples} {item.example}")
    info, _, _ = score(informative(per))
    for item in info.values():
        print(f"? {item.category}: {item.failures}/{item.samples} {item.example}")
    print(f"{chars / spent / 1e6:.2f} M characters/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
