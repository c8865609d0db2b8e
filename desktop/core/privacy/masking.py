"""Masking personal data: bank-card, resident ID and mobile numbers.

``mask_pii(text)`` is what everything that stores, sends or shows a text calls
(the store masks every text it writes, see ``desktop.core.privacy.guard``; the hub
refuses what it still finds with ``find_pii``). It replaces each hidden
character with the mask character one for one, so the text keeps its length,
and it is idempotent: masked text is left as it is.

Normalise, find, mask the original
----------------------------------
Numbers are found in a *view* of the text (``normalise``) with a map from each
of its positions back to the original: NFKC (full-width digits and spaces,
circled digits), Unicode format characters (Cf: zero-width spaces, joiners, BOM,
direction marks, soft hyphen) dropped, Chinese numerals as digits
(``CHINESE_NUMERALS``: 零〇洞 一幺壹 二两贰 … 九玖; 十百千万 are not digits, so
counts and amounts such as 分十二期 or 二百元 stay words), 叉 as the ID check
character X, 杠 as a dash, and words said between the groups of a number (嗯, 对,
然后…, separators said aloud: 横杠, 空格, dash) or a speaker's label on the next
transcript line (a line of the other speaker, such as the seat's "嗯，好的", may
stand between) as one separator; markup tags as a space, English digit words
(one three eight, oh), counted digits (两个八, double 8), look-alike letters
inside a digit run (O/o for 0, l/I for 1) and "大写X" rewritten (``_REWRITES``).
The characters of the original text behind a found number are masked (a digit
word whole).

The view is cut into *runs*: digit groups (an ID's X after them) and mask
characters, joined by short runs (1-3) of spaces or punctuation (``SEPARATORS``).
Arabic digits glued to numerals are cut apart (``GLUE``) so that 第一13812345678
holds a mobile and 13812一二三四五六 is one number. A candidate is one or more
consecutive groups of a run that look like one written number (``_grouping_ok``:
groups of 3+ digits, 2+ between spaces, or every digit alone; one kind of
separator, a second only in narrow cases; no thousands grouping, no list of round
amounts; no short group of the same grouping left out).

Then by length, check digits and the label written in front:

* resident ID: 17 digits and a check character with a province code and a birth
  date from 1900 to today, whatever the check character (a mistyped ID is still
  an ID), except after a reference label; after an ID word any 18 characters;
  15 digits with a province code and a valid YYMMDD (a first-generation ID).
* mobile: 11 digits ``1[3-9]…``, after ``86``/``0086`` or a trunk ``0`` too;
  after a phone word any 11 digits starting with 1.
* bank card: any 13-19 digits with a valid Luhn digit (as a bank's discovery
  scanner flags them), unless they open with a date (transaction references);
  after a card word any 13-19 digits.
* after a reference label (订单号, 流水号, 工单号, 编号…) a number is neither a
  card nor a mobile: reference, order and ticket numbers stay readable.

How much stays readable is capped (``MAX_KEEP``): at most the first 6 and last
4 digits of a card (PCI DSS 3.3) and the last 4 of an ID or a mobile.

``mask_draft`` is what the autosave stores while the seat types: masked as the
final record, with the digit run that may still grow (at the cursor) hidden whole.
``mask_segments`` masks consecutive pieces (transcript segments) as one text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from itertools import pairwise
from operator import itemgetter
from types import ModuleType
from typing import Any


@cache
def _stdnum() -> tuple[ModuleType, ModuleType]:
    """python-stdnum's Luhn and resident-ID modules, imported on first use (start-up cost)."""
    from stdnum import luhn
    from stdnum.cn import ric

    return luhn, ric


CARD = "card"
RESIDENT_ID = "id"
MOBILE = "mobile"

# Between the groups of one number: a short run (1-3) of spaces and punctuation, as
# people type and speech-to-text engines write them: "138 1234 5678", "138，1234，5678",
# "138、1234", tab, newline, "/", "_", two spaces, " - ". (Searched in the normalised
# view, where NFKC has made full-width and ideographic forms ASCII.)
SEPARATORS = (
    " \t\n\r-.,_/、·\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fb"
    # any other punctuation, brackets and quotes between groups: 138|1234|5678, 138。1234；5678, (138)1234-5678
    "|;:~!?'\"‧()[]{}<>\\。！？；：【】「」『』《》〈〉“”‘’〔〕〖〗"
)
# Characters other programs and people use for hidden digits; a chunk that
# contains one is already masked.
MASK_LIKE = "*＊•●×"
# Province-level codes (first two digits of a resident ID), incl. HK/Macau/Taiwan residence permits.
PROVINCES = frozenset(f"{code}" for code in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                                               45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83))
_MOBILE_RE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
_DIGITS = "0123456789０１２３４５６７８９"


# -- the normalised view ----------------------------------------------------------
# Chinese numerals as people say and speech-to-text engines write digits: 幺 for 1,
# 两 for 2, 洞 for 0 (radio style), financial capitals (壹贰叁…, traditional too),
# Suzhou numerals; 叉 is how the ID check character X is said. 十百千万 are not
# digits: "十二期", "二百元" are counts and amounts and stay readable.
CHINESE_NUMERALS: dict[str, str] = {
    **dict.fromkeys("零〇洞", "0"),
    **dict.fromkeys("一幺壹〡", "1"),
    **dict.fromkeys("二两兩贰貳〢", "2"),
    **dict.fromkeys("三叁參〣", "3"),
    **dict.fromkeys("四肆〤", "4"),
    **dict.fromkeys("五伍〥", "5"),
    **dict.fromkeys("六陆陸〦", "6"),
    **dict.fromkeys("七柒拐〧", "7"),
    **dict.fromkeys("八捌〨", "8"),
    **dict.fromkeys("九玖勾〩", "9"),
    "叉": "X",
}
# Unicode format characters (category Cf: zero-width spaces and joiners, word joiner,
# BOM, direction marks, soft hyphen, tags…): invisible, dropped from the view.
_CF = (
    "\ufe00-\ufe0f\u20dd-\u20e4"  # variation selectors and enclosing marks (keycap digits 1️⃣) too
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_CF_RE = re.compile(f"[{_CF}]")
# One-for-one replacements done in C before anything else: full-width forms (what NFKC
# does to them), spaces, numerals. Whatever else NFKC would change goes the slow way.
_QUICK = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
        "\u3000": " ",
        "\u00a0": " ",
        "\u2026": ".",
        "杠": "-",  # a dash said aloud: 136杠3447杠5168
        **CHINESE_NUMERALS,
    }
)
_SLOW_RE = re.compile(r"(?![0-9])\d")  # digits of other scripts (NFKC leaves them alone)
# Characters that are or may become a digit: the pre-filter counts them.
_DIGIT_LIKE = (
    r"\d" + "".join(CHINESE_NUMERALS) + "\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089\u2150-\u218b"
    "\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3220-\u3229\u3248-\u324f\u3251-\u325f\u3280-\u3289\u32b1-\u32bf"
    "\U0001d7ce-\U0001d7ff\U0001f100-\U0001f10c"
)
_NOT_DIGIT_LIKE_RE = re.compile(f"[^{_DIGIT_LIKE}]+")
_LETTERS_RE = re.compile("[A-Za-z\uff21-\uff3a\uff41-\uff5a]")


def may_hold_number(text: str) -> bool:
    """Whether ``text`` has 11 or more characters that are or may become digits (a
    quick test before the real one: every number the masker finds has them)."""
    if len(text) < 11:
        return False
    count = len(_NOT_DIGIT_LIKE_RE.sub("", text))
    if count >= 11:
        return True
    if count + 1 < 11 and not text.isascii() and _LETTERS_RE.search(text) is None:
        return False
    # digit words and look-alike letters: "one three eight…", "1385O00l234"
    words = len(_WORD_RE.findall(text)) + sum(map(len, _LOOKALIKE_RE.findall(text))) + 2 * len(_COUNTS_RE.findall(text))
    return count + words >= 11 or count + 1 >= 11


@dataclass(frozen=True)
class View:
    """``text`` normalised for finding numbers: NFKC, format characters dropped, Chinese
    numerals as digits (叉 as X). ``origin[k]`` is the index in the original text of the
    view's character ``k`` (None: the same index)."""

    text: str
    origin: list[int] | None

    def at(self, k: int) -> int:
        return k if self.origin is None else self.origin[k]


@cache
def _nfkc(char: str) -> str:
    value = unicodedata.decimal(char, None)
    if value is not None:
        return str(value)
    return unicodedata.normalize("NFKC", char).translate(_QUICK)


_SPECIAL_RE = re.compile(f"[{_CF}]|(?![0-9])\\d")


# Words said between the groups of a number ("190嗯2452嗯7115", "一八六，是一二三四"), and a
# speaker's label at the start of the next transcript line ("6228 4815\nspk1: 1766"):
# one separator in the view.
_FILLERS = (
    "嗯嗯|嗯|呃|啊|额|哦|诶|对对|对的|对|的|是的|是|然后是|然后|那个|就是|接着是|接着|再是|后面是|后面|最后是|最后"
    "|还有|没错|好的|那|呢|吧|哈|嘛|啦|呀"
    # a separator said aloud
    "|横-|斜-|横|斜|空格|中横线|下划线|减|dash|hyphen|space|slash|um|uh|er|erm|hmm|then|and"
)
_PUNCT = "[ \t,、.·;:!?~|。-]*"
_STAMP = "(?:\\[[0-9:. ]{1,12}\\][ \t]*)?"  # a transcript line's time: "[00:01:12] "
_JOINT_RE = re.compile(
    f"(?<=[0-9])(?:{_PUNCT}(?:{_FILLERS}){_PUNCT})+(?=[0-9])"
    f"|(?<=[0-9]){_PUNCT}\n"
    # (a line between, e.g. the seat's back-channel "嗯，好的", with no number on it)
    f"(?:{_STAMP}(?:[^\n0-9]|(?<![0-9])[0-9](?![0-9])){{0,30}}\n)?"
    f"{_STAMP}[^\n:：0-9\\[][^\n:：]{{0,11}}[:：][ \t]*"
    f"(?:(?:{_FILLERS}){_PUNCT})*(?=[0-9])"
)
_JOINT_HINT_RE = re.compile(f"[0-9](?:{_PUNCT}(?:{_FILLERS})|{_PUNCT}\n)")


def _joined(view: View) -> View:
    """``view`` with the words and labels between the groups of a number made one space."""
    if _JOINT_HINT_RE.search(view.text) is None:
        return view
    joints = list(_JOINT_RE.finditer(view.text))
    if not joints:
        return view
    origin = view.origin if view.origin is not None else list(range(len(view.text)))
    out: list[str] = []
    kept: list[int] = []
    at = 0
    for joint in joints:
        a, b = joint.span()
        out += [view.text[at:a], " "]
        kept += origin[at:a]
        kept.append(origin[a])
        at = b
    out.append(view.text[at:])
    kept += origin[at:]
    return View("".join(out), kept)


def normalise(text: str) -> View:
    """The view of ``text`` the masker searches, with a map back to ``text``."""
    return _joined(_rewritten(_normalised(text)))


# Rewrites of the view, each a regular expression and what its match becomes:
# markup tags as a space ("<b>138</b>1234"), English digit words ("one three eight",
# "oh" for 0), "double 8"/"两个8" (a digit said with a count), letters that look like
# digits inside a run of digits (O/o for 0, l/I for 1), "大写X" for the check character.
_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_TAG_RE = re.compile(r"(?:[ \t]*(?:</?[A-Za-z][^<>\n]{0,60}>|&nbsp;|&#\d{1,5};)[ \t]*)+")
_WORD_RE = re.compile(r"(?<![A-Za-z])(?:" + "|".join(_DIGIT_WORDS) + r")(?![A-Za-z])", re.IGNORECASE)
_COUNT_RE = re.compile(
    r"(?:(?<![A-Za-z])(double|triple)[ -]?|(?:(?<=[0-9])[ ,、]?|(?<![0-9]))([234])个)([0-9])"
)
_LOOKALIKE_RE = re.compile(r"(?<=[0-9])[ ]?[OoIl]+(?=[ ]?[0-9]|[xX](?![A-Za-z0-9]))")
_CHECK_WORD_RE = re.compile(
    r"(?<=[0-9]{2})(?:[ ,](?:大写的?|小写的?|字母)?[ ]?|(?:大写的?|小写的?|字母)[ ]?)(?=[xX](?![A-Za-z0-9]))"
)
_COUNTS_RE = re.compile(r"double|triple|个", re.IGNORECASE)
_REWRITE_HINT_RE = re.compile(r"[<&]|[A-Za-z]{2}|[0-9][ ]?[OoIl]|个[0-9]|字母|大写|小写")


def _count(match: re.Match[str]) -> str:
    times = {"double": 2, "triple": 3}.get((match.group(1) or "").lower()) or int(match.group(2))
    return match.group(3) * times


def _lookalike(match: re.Match[str]) -> str:
    return match.group().translate(str.maketrans("OoIl", "0011"))


_REWRITES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_TAG_RE, lambda m: " "),
    (_WORD_RE, lambda m: _DIGIT_WORDS[m.group().lower()]),
    (_COUNT_RE, _count),
    (_LOOKALIKE_RE, _lookalike),
    (_CHECK_WORD_RE, lambda m: ""),
)


def _rewritten(view: View) -> View:
    """``view`` with ``_REWRITES`` applied; each new character maps to the original
    character it replaces (the match's last one when the match is longer)."""
    if _REWRITE_HINT_RE.search(view.text) is None:
        return view
    for pattern, replace in _REWRITES:
        matches = list(pattern.finditer(view.text))
        if not matches:
            continue
        origin = view.origin if view.origin is not None else list(range(len(view.text)))
        out: list[str] = []
        kept: list[int] = []
        at = 0
        for match in matches:
            a, b = match.span()
            new = replace(match)
            out.append(view.text[at:a])
            kept += origin[at:a]
            out.append(new)
            last = len(new) - 1
            kept += [origin[a + (i * (b - a - 1) + last // 2) // last if last else a] for i in range(len(new))]
            at = b
        out.append(view.text[at:])
        kept += origin[at:]
        view = View("".join(out), kept)
    return view


def _normalised(text: str) -> View:
    quick = text.translate(_QUICK)
    if quick.isascii():
        return View(quick, None)
    specials = list(_SPECIAL_RE.finditer(quick))
    if not specials and unicodedata.is_normalized("NFKC", quick):
        return View(quick, None)
    out: list[str] = []
    origin: list[int] = []
    if unicodedata.is_normalized("NFKC", _SPECIAL_RE.sub("", quick)):
        # Only format characters to drop and digits of other scripts: copy the stretches between them.
        at = 0
        for special in specials:
            index = special.start()
            out.append(quick[at:index])
            origin.extend(range(at, index))
            new = _nfkc(special.group()) if not _CF_RE.match(special.group()) else ""
            out.append(new)
            origin.extend([index] * len(new))
            at = index + 1
        out.append(quick[at:])
        origin.extend(range(at, len(quick)))
        return View("".join(out), origin)
    for index, char in enumerate(quick):  # compatibility forms (①, ㈠, ligatures…): one by one
        if char < "\u00a0":
            out.append(char)
            origin.append(index)
            continue
        if _CF_RE.match(char):
            continue
        new = _nfkc(char)
        out.append(new)
        origin.extend([index] * len(new))
    return View("".join(out), origin)


# The most each kind may show (first, last): PCI DSS 3.3 for cards; for IDs and
# mobiles the last four, what a seat reads back to a caller.
MAX_KEEP: dict[str, tuple[int, int]] = {CARD: (6, 4), MOBILE: (0, 4), RESIDENT_ID: (0, 4)}

# In drafts (notes saved while the seat types) every run of this many digits or
# more is hidden: a half-typed number is not recognisable, but it is still a
# piece of one.
DRAFT_DIGITS = 5

# Labels written in front of a number, nearest last. A reference label keeps the
# number readable; a card, ID or phone word makes a number of the right length
# that kind even when a digit was mistyped.
REFERENCE_LABELS = (
    "订单号",
    "订单编号",
    "订单",
    "流水号",
    "流水",
    "交易流水号",
    "交易号",
    "交易单号",
    "工单号",
    "工单编号",
    "工单",
    "参考号",
    "编号",
    "单号",
    "业务号",
    "业务编号",
    "受理号",
    "受理编号",
    "凭证号",
    "批次号",
    "合同号",
    "保单号",
    "运单号",
    "快递单号",
    "案件号",
    "投诉单号",
    "申请号",
    "申请编号",
    "商户号",
    "终端号",
    "序列号",
    "授权号",
    "授权码",
    "追踪号",
    "回单号",
    "账单号",
    "会员号",
    "客户号",
    "工号",
    "工单号码",
    "流水号码",
    "单据号",
    "单据号码",
    "凭条号",
    "凭条号码",
    "订单号码",
    "票号",
    "车票号",
    "机票号",
    "发票号",
    "发票号码",
    "物流单号",
    "交易号码",
    "参考号码",
    "业务单号",
    "案件编号",
    "投诉编号",
    "申请单号",
    "批次号码",
    "流水单号",
    "检索号",
    "检索参考号",
    "凭证号码", "档案号", "档案编号",
    "预约号",
    "合同编号",
    "保单号码",
    "退款单号", "预约编号", "回执号", "查询号", "交易参考号", "参考编号", "报案号", "凭证编号", "批次编号",
    "业务流水号", "系统参考号", "服务单号", "任务编号", "流水编号", "工单id", "订单id",
    "时间戳", "时间", "timestamp", "reference", "ref#", "case", "case no", "order#", "invoice", "booking", "tracking",
    "order",
    "order no",
    "ref",
    "ref no",
    "ticket",
    "txn",
    "rrn",
)
CARD_WORDS = (
    "卡号",
    "卡",
    "银行卡",
    "信用卡",
    "借记卡",
    "储蓄卡",
    "卡片",
    "账号",
    "帐号",
    "账户",
    "帐户",
    "card",
    "cardno",
    "card no",
    "card number",
    "acct",
    "account",
)
ID_WORDS = ("身份证", "身份证号", "身份证号码", "证件号", "证件号码", "证件", "id", "idno", "id no")
MOBILE_WORDS = ("手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "tel", "mobile", "phone", "cell")
# 卡号后四位 6222…: the words "last four" between a label and a whole number do not unlabel it.
_LABEL_TAIL_RE = re.compile(
    r"(?:[前后末][四六46]位)?[\s:：#＃=是为的(（]*(?:(?<![A-Za-z])[A-Za-z]{1,6}[.:：#]?)?[\s:：#＃=]*$"
)


@dataclass(frozen=True)
class MaskPolicy:
    """How much of each number stays readable (never more than ``MAX_KEEP``)."""

    card_keep_first: int = 6
    card_keep_last: int = 4
    mobile_keep_first: int = 0
    mobile_keep_last: int = 4
    id_keep_first: int = 0
    id_keep_last: int = 4
    mask_char: str = "*"

    def __post_init__(self) -> None:
        char = self.mask_char
        plain = unicodedata.normalize("NFKC", char) if len(char) == 1 else char
        if (
            len(char) != 1
            or char in _DIGITS
            or char in CHINESE_NUMERALS
            or plain.isdigit()
            or (char in SEPARATORS + ".,+xX\u00a0\u3000" or plain in SEPARATORS + ".,+xX" or _CF_RE.match(char))
        ):
            raise ValueError(f"mask_char must be one character that is not a digit or separator: {self.mask_char!r}")
        for kind, prefix in ((CARD, "card"), (MOBILE, "mobile"), (RESIDENT_ID, "id")):
            for side, most in zip(("first", "last"), MAX_KEEP[kind]):
                name = f"{prefix}_keep_{side}"
                value = getattr(self, name)
                if not 0 <= value <= most:
                    raise ValueError(f"{name} must be between 0 and {most}")

    @classmethod
    def from_settings(cls, raw: Mapping[str, Any] | object) -> MaskPolicy:
        """The policy a settings value asks for, cut back to what ``MAX_KEEP`` allows;
        unknown keys and values of the wrong type are ignored."""
        if not isinstance(raw, Mapping):
            return cls()
        fields: dict[str, Any] = {}
        for kind, prefix in ((CARD, "card"), (MOBILE, "mobile"), (RESIDENT_ID, "id")):
            for side, most in zip(("first", "last"), MAX_KEEP[kind]):
                value = raw.get(f"{prefix}_keep_{side}")
                if isinstance(value, int) and not isinstance(value, bool):
                    fields[f"{prefix}_keep_{side}"] = min(max(value, 0), most)
        mask_char = raw.get("mask_char")
        if isinstance(mask_char, str):
            fields["mask_char"] = mask_char
        try:
            return cls(**fields)
        except ValueError:
            fields.pop("mask_char", None)
            return cls(**fields)

    def keep(self, kind: str) -> tuple[int, int]:
        if kind == CARD:
            return self.card_keep_first, self.card_keep_last
        if kind == MOBILE:
            return self.mobile_keep_first, self.mobile_keep_last
        return self.id_keep_first, self.id_keep_last


DEFAULT_POLICY = MaskPolicy()


@dataclass(frozen=True)
class Match:
    """A number found in the text: ``text[start:end]`` (separators included)."""

    kind: str  # "card", "id" or "mobile"
    start: int
    end: int


# -- check digits ---------------------------------------------------------------
def is_card_number(digits: str) -> bool:
    """13-19 digits with a valid Luhn check digit."""
    return 13 <= len(digits) <= 19 and digits.isascii() and digits.isdigit() and luhn_valid(digits)


_DOUBLED = {str(d): (2 * d) % 10 + (2 * d) // 10 for d in range(10)}


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of ASCII ``digits``; the same answer as ``stdnum.luhn``
    (a test compares them), a few times faster: it runs on every candidate of every
    keystroke's autosave."""
    total = sum(map(int, digits[-1::-2])) + sum(map(_DOUBLED.__getitem__, digits[-2::-2]))
    return total % 10 == 0


def card_scheme(digits: str) -> str | None:
    """The card scheme whose prefix and length ``digits`` has, or None."""
    n = len(digits)
    if not digits.isdigit() or not 13 <= n <= 19:
        return None
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if two == 62 and n >= 16:
        return "unionpay"
    if digits[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and n == 16:
        return "mastercard"
    if two in (34, 37) and n == 15:
        return "amex"
    if two == 35 and n >= 16:
        return "jcb"
    if (two in (36, 38, 39) or 300 <= three <= 305) and n == 14:
        return "diners"
    if (four == 6011 or 644 <= three <= 649 or two == 65) and n >= 16:
        return "discover"
    if two == 60 and n >= 16:
        return "unionpay"  # e.g. Bank of China 601382…
    if digits[0] == "9" and n >= 16:
        return "domestic"  # cards of Chinese banks from before UnionPay (9558…, 9559…)
    return None


def is_mobile(digits: str) -> bool:
    """A mainland mobile number, 11 digits 1[3-9]…, optionally after 86 or 0086."""
    return _MOBILE_RE.fullmatch(digits) is not None


def _birth_date(number: str, today: date | None) -> date | None:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if date(1900, 1, 1) <= born <= (today or date.today()) else None


def is_resident_id(number: str, today: date | None = None) -> bool:
    """An 18-character resident ID: check character, province, plausible birth date.

    ``stdnum.cn.ric.is_valid`` also checks that the county code existed in the
    birth year, but the code is that of the household registration when the
    card was issued, so it rejects real numbers (e.g. a Nanshan, Shenzhen
    resident born in 1960: 440305…); such a number must still be masked. The
    check character uses stdnum.
    """
    number = number.upper()
    if not looks_like_resident_id(number, today):
        return False
    return bool(_stdnum()[1].calc_check_digit(number) == number[17])


def looks_like_resident_id(number: str, today: date | None = None) -> bool:
    """17 digits with a province code and a birth date, then a digit or X: a resident
    ID, perhaps with a mistyped check character."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return False
    return number[:2] in PROVINCES and _birth_date(number, today) is not None


_LABEL_KINDS: dict[str, str] = {
    label.casefold(): kind
    for kind, labels in ((MOBILE, MOBILE_WORDS), (RESIDENT_ID, ID_WORDS), (CARD, CARD_WORDS), ("ref", REFERENCE_LABELS))
    for label in labels
}
# Any label at the end of the words; the leftmost match is the longest label.
_LABEL_END_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _LABEL_KINDS), key=len, reverse=True)) + ")$")
_LETTER_LABELS: dict[str, str] = {
    label.replace(" ", ""): kind for label, kind in _LABEL_KINDS.items() if label.isascii() and kind != "ref"
}


_REF_SUFFIX_RE = re.compile(
    r"(?:单号|编号|编码|流水号?|参考号|回执号?|查询号|报案号|凭证号|序号|批号|单据号?|票据号|借据号|合同号|协议号|交易号)(?:码|id)?$"
)


def _label(before: str) -> str | None:
    """What the words right before a number say it is: "ref", CARD, RESIDENT_ID, MOBILE or None."""
    before = before[-24:]
    tail = _LABEL_TAIL_RE.search(before)
    words = (before[: tail.start()] if tail else before).casefold().rstrip()
    found = _LABEL_END_RE.search(words)
    if found is None and _REF_SUFFIX_RE.search(words):
        return "ref"  # a label we do not list that names a reference: 退款单号, 报案编号…
    if found is not None:
        label, start = found.group(), found.start()
        # An ASCII word must stand on its own: "discard" is not "card".
        if not (label.isascii() and start > 0 and words[start - 1].isascii() and words[start - 1].isalpha()):
            return _LABEL_KINDS[label]
    # The letters between label and number ("订单号TX…", "No.") were skipped above; a
    # letter prefix alone ("card6222…") is a label of its own.
    if tail is not None:
        letters = re.sub(r"[^a-z]", "", before[tail.start() :].casefold())
        if not letters:
            return None
        return _LETTER_LABELS.get(letters) or ("ref" if _LABEL_KINDS.get(letters) == "ref" else None)
    return None


def looks_like_first_generation_id(digits: str) -> bool:
    """15 digits with a province code and a birth date YYMMDD (1900-1999): a
    first-generation resident ID (issued 1984-2004, still seen on old records)."""
    if len(digits) != 15 or not digits.isdigit() or digits[:2] not in PROVINCES:
        return False
    try:
        date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=8192)
def _kind_of(digits: str, label: str | None = None) -> str | None:
    """What ``digits`` (ASCII, perhaps ending in X) is, or None; ``label`` is what the
    words in front of it say."""
    n = len(digits)
    if n == 18 and (
        (looks_like_resident_id(digits) and (label != "ref" or is_resident_id(digits)))
        or (label == RESIDENT_ID and digits[:17].isdigit())
    ):
        return RESIDENT_ID  # (after a reference label only with a valid check character)
    if not digits.isdigit():
        return None
    if n == 15 and (
        (label == RESIDENT_ID and digits[:2] in PROVINCES)
        or (label != "ref" and looks_like_first_generation_id(digits))
    ):
        return RESIDENT_ID
    if label != "ref":  # after a reference label an 11-digit number is an order or ticket number
        if n in (11, 13, 15) and is_mobile(digits):
            return MOBILE
        if n == 12 and digits[0] == "0" and is_mobile(digits[1:]):
            return MOBILE  # dialled with the trunk prefix: 013812345678
    if label == MOBILE and ((n == 11 and digits[0] == "1") or (n == 12 and digits[:2] == "01")):
        return MOBILE
    if 13 <= n <= 19:
        if label == CARD:
            return CARD
        if label == "ref":
            return None
        # Any Luhn-valid 13-19 digits, as a bank's discovery scanner flags them (the
        # scheme is not required: a seat writes numbers of issuers we do not list).
        if is_card_number(digits) and not _starts_with_date(digits):
            return CARD
    return None


def _starts_with_date(digits: str) -> bool:
    """Whether ``digits`` opens with a date YYYYMMDD (1990-2099), as bank transaction and
    case references do."""
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    if not 1990 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


# -- finding --------------------------------------------------------------------
_SEP_CLASS = re.escape(SEPARATORS)


@dataclass
class _Chunk:
    start: int  # in the view
    end: int
    text: str
    clean: bool  # only digits (perhaps ending in X): may be part of a number
    sep_before: str  # the separator before this chunk ("" for the first; GLUE inside a token)

    @property
    def numeric(self) -> bool:
        """Digits or mask characters in it: a group of some number, not a word."""
        return any(ch.isdigit() or not ch.isalnum() for ch in self.text)


GLUE = "\x00"  # between Arabic digits and Chinese numerals written together
_PATTERNS: dict[str, re.Pattern[str]] = {}
_CLEAN_RE = re.compile(r"[0-9]+X?|X")


def _run_pattern(mask_char: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(mask_char)
    if pattern is None:
        marks = MASK_LIKE + mask_char + unicodedata.normalize("NFKC", mask_char)
        chars = "0-9" + re.escape(marks)
        # An ID's check character X belongs to the digits before it unless a word goes on.
        # (Said one by one, "… 2 6 X", the X is a group of its own.)
        token = f"(?:[{chars}]+(?:[xX](?![0-9A-Za-z]))?|(?<![0-9A-Za-z])[xX](?![0-9A-Za-z]))"
        # (The lookahead turns away in C every start that cannot make a run of 11 characters.)
        ahead = f"(?=[{chars}xX{_SEP_CLASS}]{{11}})"
        pattern = _PATTERNS[mask_char] = re.compile(f"{ahead}{token}(?:[{_SEP_CLASS}]{{1,3}}{token})*")
    return pattern


_TOKEN_SPLIT_RE = re.compile(f"([{_SEP_CLASS}]+)")


_NUMERAL_RE = re.compile(f"[{''.join(CHINESE_NUMERALS)}]")


_SAID_RE = re.compile("\x01+|[^\x01]+")
_NO_DIGITS = str.maketrans("", "", "0123456789")


def _runs(
    view: View, original: str, mask_char: str, only: list[tuple[int, int]] | None = None
) -> list[tuple[int, list[_Chunk]]]:
    """The runs of the view (start, chunks) that hold at least 11 clean digits (``only``:
    those that overlap these spans of the view)."""
    runs: list[tuple[int, list[_Chunk]]] = []
    text = view.text
    # "\x01" where the original has a Chinese numeral (same length as the original).
    said = _NUMERAL_RE.sub("\x01", original) if not original.isascii() and _NUMERAL_RE.search(original) else None
    if said is not None and view.origin is not None:
        said = "".join(itemgetter(*view.origin)(said)) if len(view.origin) > 1 else said[: len(view.origin)]
    for found in _run_pattern(mask_char).finditer(text):
        start, end = found.span()
        if end - start < 11:
            continue
        if only is not None and not any(a <= end and start <= b for a, b in only):  # touching counts
            continue
        group = found.group()
        if len(group) - len(group.translate(_NO_DIGITS)) < 11:
            continue  # fewer than 11 digits (counted in C): no number here
        chunks: list[_Chunk] = []
        position, sep = start, ""
        for index, part in enumerate(_TOKEN_SPLIT_RE.split(found.group())):
            if index % 2:
                sep = part
                position += len(part)
                continue
            upper = part.upper()
            if upper.endswith("×") and len(upper) == 18 and upper[:-1].isdigit():
                upper = upper[:-1] + "X"  # an ID's check character written as a multiplication sign
            clean = _CLEAN_RE.fullmatch(upper) is not None
            # Arabic digits and Chinese numerals glued together are cut apart (GLUE):
            # "第一13812345678" holds a mobile; "13812一二三四五六" is one number.
            cuts = [0]
            if clean and said is not None:
                marks = said[position : position + len(part)]
                cuts += [m.start() for m in _SAID_RE.finditer(marks) if m.start() and part[m.start()] != "X"]
            cuts.append(len(part))
            for a, b in pairwise(cuts):
                piece = upper[a:b]
                chunks.append(_Chunk(position + a, position + b, piece, clean, sep if a == 0 else GLUE))
            position += len(part)
        if sum(len(c.text) for c in chunks if c.clean) >= 11:
            runs.append((start, chunks))
    return runs


def _key(sep: str) -> str:
    """A separator as compared between groups: spaces around punctuation do not count."""
    return sep.strip(" ") or " " if sep != GLUE else GLUE


def _groups(chunks: list[_Chunk]) -> list[tuple[str, str]]:
    """(digits, separator key before) of each group; glued chunks are one group."""
    groups: list[tuple[str, str]] = []
    for chunk in chunks:
        if groups and chunk.sep_before == GLUE:
            groups[-1] = (groups[-1][0] + chunk.text, groups[-1][1])
        else:
            groups.append((chunk.text, _key(chunk.sep_before) if chunk.sep_before else ""))
    return groups


def _dotted(chunks: list[_Chunk], i: int, j: int) -> bool:
    """Whether chunks[i..j] is joined to a neighbour by a dot (a decimal or a dotted number)."""
    if j + 1 < len(chunks) and _key(chunks[j + 1].sep_before) == ".":
        return True
    return _key(chunks[i].sep_before) == "." if chunks[i].sep_before else False


def _grouping_ok(chunks: list[_Chunk], i: int, j: int) -> bool | _Strict:
    """Whether chunks[i..j] (j > i) is written like one number."""
    # A short group joined on with the same separator continues the number (checked
    # first: it is cheap and turns away most starts inside digits said one by one).
    inner = next((c.sep_before for c in chunks[i + 1 : j + 1] if c.sep_before != GLUE), None)
    if inner is not None and i > 0 and chunks[i].sep_before != GLUE and _key(chunks[i].sep_before) == _key(inner):
        before = chunks[i - 1]
        if before.numeric and len(before.text) < (2 if len(chunks[i].text) == 1 else 7):
            return False
    groups = _groups(chunks[i : j + 1])
    if len(groups) == 1:
        return not _dotted(chunks, i, j)
    first = 1 if groups[0][0] in ("86", "0086", "0") else 0
    middle = groups[first:]
    separators = {sep for _, sep in middle[1:]}
    sizes = [len(text) for text, _ in middle]
    one_by_one = all(size == 1 for size in sizes)  # "1 3 8 1 2 3 4 5 6 7 8", "一 三 八 …"
    # One separator throughout; two kinds (spaces, dashes, line breaks) only between
    # groups of 3+ digits ("6222 0212-3456 7890", a line break in a pasted number); other
    # mixes ("136/1766-5541", "幺九八，四七二二，对，三八二二") only for a number whose
    # check digits, scheme or pattern say what it is (``_strict``).
    if len(separators) >= 2 and (one_by_one or min(sizes) < 3):
        return False
    if len(separators) > 2 or (len(separators) == 2 and not separators <= {" ", "-", "\n", "\t"}):
        return _STRICT
    sep = " " if " " in separators else (min(separators) if separators else groups[-1][1])
    if not one_by_one:
        # A short last group after three or more groups of four: 6228 9028 4770 0971 23.
        short_tail = len(sizes) >= 4 and all(size == 4 for size in sizes[:-1])
        shortest = 2 if sep == " " else 3
        if any(size < shortest for size in (sizes[:-1] if short_tail else sizes)):
            # speech-to-text tokens of any size: "3567 1 330 08 29 8 0 67"
            if separators == {" "}:
                return True if max(sizes) >= 3 else _STRICT
            return False
    if sep == "." and len(groups) < 3:
        return False
    if sep == "," and sizes[0] <= 3 and all(size == 3 for size in sizes[1:]):
        return False  # thousands: 1,234,567
    if all(text.endswith("000") for text, _ in middle) or (
        len(middle) >= 3 and all(text.endswith("00") for text, _ in middle)
    ):
        return False  # a list of round amounts: 21100、2100、25600
    # A short group joined on with the same separator continues the number.
    limit = 2 if one_by_one else 7
    neighbours: list[tuple[_Chunk, _Chunk]] = [(chunks[i - 1], chunks[i])] if i > 0 else []
    if j + 1 < len(chunks):
        neighbours.append((chunks[j + 1], chunks[j + 1]))
    for near, joint in neighbours:
        # (After a comma, a slash or a line break a new number may start: "138，1234，5678，2026年".)
        joined = joint.sep_before != GLUE and _key(joint.sep_before) == sep and (one_by_one or sep in " -.")
        if joined and near.numeric and len(near.text) < limit:
            return False
    # None of the groups may be a number of its own (a 13-15 digit card number inside
    # a longer grouping, "622848 4015942020011", is only a Luhn coincidence).
    # (Unless the whole is a valid number by itself: a mobile's 11 digits said first, then the rest of an ID.)
    if not any(len(text) >= 11 and _own_number(text) for text, _ in groups):
        return True
    return _strict_kind("".join(text for text, _ in groups)) not in (None, MOBILE)


class _Strict:
    """A grouping that holds only for a number valid by itself (truthy)."""

    def __bool__(self) -> bool:
        return True


_STRICT = _Strict()


def _strict_kind(digits: str) -> str | None:
    """What ``digits`` is by its own checks alone: a valid ID, a mobile, a scheme's Luhn-valid card."""
    if len(digits) == 18 and looks_like_resident_id(digits):
        return RESIDENT_ID
    if is_mobile(digits) or (len(digits) == 12 and digits[0] == "0" and is_mobile(digits[1:])):
        return MOBILE
    if card_scheme(digits) and is_card_number(digits):
        return CARD
    return None


def _own_number(digits: str) -> bool:
    """Whether a group is a number by itself: an ID, an 11-digit mobile, a card of 16+ digits
    (shorter cards and 86-prefixed mobiles inside a longer grouping are coincidences)."""
    kind = _kind_of(digits)
    if kind == CARD:
        return len(digits) >= 16
    if kind == MOBILE:
        return len(digits) == 11 or (len(digits) == 12 and digits[0] == "0")
    return kind is not None


def _candidate(chunks: list[_Chunk], i: int, label: str | None) -> tuple[str, int, int] | None:
    """The longest number that starts with chunks[i]: (kind, index of its last chunk)."""
    ends: list[tuple[int, str]] = []
    digits = ""
    for j in range(i, len(chunks)):
        if not chunks[j].clean:
            break
        digits += chunks[j].text
        if len(digits) > 19:
            break
        if len(digits) >= 11 and "X" not in digits[:-1]:
            ends.append((j, digits))
    for j, digits in reversed(ends):
        grouping = _grouping_ok(chunks, i, j)
        if not grouping:
            continue
        kind = _strict_kind(digits) if grouping is _STRICT else _kind_of(digits, label)
        if kind is not None:
            return kind, i, j
    return None


@dataclass(frozen=True)
class _Found:
    kind: str
    start: int  # in the view
    end: int


def _find_once(view: View, original: str, mask_char: str, only: list[tuple[int, int]] | None = None) -> list[_Found]:
    found: list[_Found] = []
    for run_start, chunks in _runs(view, original, mask_char, only):
        label = _label(view.text[max(0, run_start - 24) : run_start])
        i = 0
        while i < len(chunks):
            chunk = chunks[i]
            usable = chunk.clean and (i == 0 or chunk.sep_before == GLUE or chunk.start > chunks[i - 1].end)
            if usable and i > 0 and len(chunk.text) == 1 and chunk.sep_before != GLUE and len(chunks[i - 1].text) == 1:
                usable = False  # inside digits said one by one: a number starts at the first of them
            hit = _candidate(chunks, i, label if i == 0 else None) if usable else None
            if hit is None:
                i += 1
            else:
                found.append(_Found(hit[0], chunks[hit[1]].start, chunks[hit[2]].end))
                i = hit[2] + 1
    return found


def _mask_at(chars: list[str], at: int, mask_char: str) -> None:
    """Mask the original character at ``at``, and the rest of the word when it is a digit
    word ("one" → "***")."""
    word = chars[at].isascii() and chars[at].isalpha()
    chars[at] = mask_char
    while word and at + 1 < len(chars) and chars[at + 1].isascii() and chars[at + 1].isalpha():
        at += 1
        chars[at] = mask_char


def _hide(chars: list[str], view: View, found: _Found, policy: MaskPolicy) -> Match:
    """Mask ``found`` in ``chars`` (the original text); the match in original positions."""
    text = view.text
    positions = [k for k in range(found.start, found.end) if text[k] not in SEPARATORS]
    if found.kind == MOBILE:
        positions = positions[len(positions) - 11 :]  # 86 / 0086 / 0 is the country or trunk code
    keep_first, keep_last = policy.keep(found.kind)
    for k in positions[keep_first : max(keep_first, len(positions) - keep_last)]:
        _mask_at(chars, view.at(k), policy.mask_char)
    return Match(found.kind, view.at(found.start), view.at(found.end - 1) + 1)


def _scan(text: str, policy: MaskPolicy) -> tuple[list[Match], str]:
    """The numbers in ``text`` and the text with them masked."""
    if not may_hold_number(text):
        return [], text
    view = normalise(text)
    found = _find_once(view, text, policy.mask_char)
    if not found:
        return [], text
    # Masking can free a number that a longer candidate hid: look again until
    # nothing new turns up, so that masking the result changes nothing.
    # Only the runs that held a number can change.
    everything: dict[Match, None] = {}
    chars = list(text)
    while found:
        everything.update(dict.fromkeys(_hide(chars, view, f, policy) for f in found))
        masked = "".join(chars)
        # Masking swaps characters one for one: without a position map the view is the quick one.
        view = View(masked.translate(_QUICK), None) if view.origin is None else normalise(masked)
        spans = [(f.start, f.end) for f in found] if view.origin is None else None
        found = [
            f
            for f in _find_once(view, masked, policy.mask_char, spans)
            if Match(f.kind, view.at(f.start), view.at(f.end - 1) + 1) not in everything
        ]
    return sorted(everything, key=lambda m: m.start), "".join(chars)


def find_pii(text: str, policy: MaskPolicy | None = None) -> list[Match]:
    """Every card, resident ID and mobile number in ``text``, in order."""
    return _scan(text, policy or DEFAULT_POLICY)[0]


def mask_pii(text: str, policy: MaskPolicy | None = None) -> str:
    """``text`` with card, resident ID and mobile numbers masked; same length, idempotent."""
    return _scan(text, policy or DEFAULT_POLICY)[1]


def mask_segments(parts: list[str], policy: MaskPolicy | None = None) -> list[str]:
    """Consecutive pieces of one text (transcript segments of one speaker, pieces of a
    number typed in turns) masked as the one text they make: a number split across two
    pieces is masked as one number. Each piece keeps its length."""
    masked = mask_pii("".join(parts), policy)
    out, at = [], 0
    for part in parts:
        out.append(masked[at : at + len(part)])
        at += len(part)
    return out


# -- drafts ------------------------------------------------------------------------
# The digits of a draft (notes saved while the seat types) that may still be growing:
# a run of digits (single separators between them) at the cursor.
_DRAFT_RUN_RE = re.compile(f"[0-9](?:[{_SEP_CLASS}]{{0,3}}[0-9])*")


_AMOUNT_AFTER_RE = re.compile(r"\s?(?:元|块|万|亿|千|百|角|毛|美元|港币|欧元|%|笔|次|期|个|天|年|月|日|号|分钟|秒)")
_AMOUNT_BEFORE_RE = re.compile(r"(?:[¥$€£]|金额|余额|额度|欠款|还款|转账|消费|利息|手续费|年费)\s?[:：]?\s?$")


def _unfinished(digits: str) -> bool:
    """Whether 5 or more digits that are no number yet could be part of one: 7+ digits
    show more than a card's first 6 (any 13-19 Luhn-valid digits are a card), 5-6 digits
    more than the last 4 of a mobile (1[3-9]…) or an ID (a province code). Dated
    references, 400/800 hotlines and landlines (an area code) are finished numbers."""
    n = len(digits)
    if n < 5 or n > 18 or (n >= 8 and _starts_with_date(digits)):
        return False
    if n == 10 and digits.startswith(("400", "800")):
        return False
    if digits[0] == "0" and not re.match(r"01[3-9]", digits):
        return False  # an area code: a landline
    if n <= 6:
        return re.match(r"0?1[3-9]", digits) is not None or digits[:2] in PROVINCES
    return True


def _id_start(digits: str) -> bool:
    """Whether 13-17 digits could be the first digits of a resident ID."""
    return 13 <= len(digits) <= 17 and digits[:2] in PROVINCES and 1900 <= int(digits[6:10]) <= date.today().year


def mask_draft(text: str, policy: MaskPolicy | None = None, cursor: int | None = None) -> str:
    """What is stored of notes still being typed: ``text`` masked as the final record
    will be (``mask_pii``), and no fragment of a number: the digit run at the cursor
    (``cursor`` None: the end of the text) is hidden whole when it holds
    ``DRAFT_DIGITS`` or more digits, and so is any other unmasked run that looks like
    the start of a personal number (see ``_unfinished``) unless
    a reference label is in front of it. Finished amounts, dates, hotlines and
    references stay readable. Same length."""
    policy = policy or DEFAULT_POLICY
    masked = mask_pii(text, policy)
    if cursor is None or not 0 <= cursor <= len(text):
        cursor = len(text)
    view = normalise(text)
    chars: list[str] | None = None
    for run in _DRAFT_RUN_RE.finditer(view.text):
        positions = [k for k in range(*run.span()) if view.text[k].isdigit()]
        if len(positions) < DRAFT_DIGITS:
            continue
        start, end = view.at(run.start()), view.at(run.end() - 1) + 1
        while end < len(text) and end - view.at(run.end() - 1) <= 3 and (
            text[end] in SEPARATORS + "\u3000，个" or _CF_RE.match(text[end])
        ):
            end += 1  # "6222 0212 |": the seat is between two groups
        if not start <= cursor <= end:  # a finished run: hidden only if it is the start of a number
            digits = "".join(view.text[k] for k in positions)
            if any(masked[view.at(k)] != text[view.at(k)] for k in positions) and not _id_start(digits):
                continue  # a number the final record masks too (unless it may be an ID not typed to the end)
            before = view.text[max(0, run.start() - 24) : run.start()]
            if (
                not _unfinished(digits)
                or _label(before) == "ref"
                or (_AMOUNT_AFTER_RE.match(view.text, run.end()) and view.text[run.end() :] != "个")
                or _AMOUNT_BEFORE_RE.search(before)
            ):
                continue
        chars = chars if chars is not None else list(masked)
        for k in positions:
            _mask_at(chars, view.at(k), policy.mask_char)
    return masked if chars is None else "".join(chars)


_OLD_MASKED_ID_RE = re.compile(r"(?<![0-9０-９])[0-9]{6}(?=[*＊]{8}[0-9Xx*＊]{4}(?![0-9０-９]))")


def remask_stored(text: str, policy: MaskPolicy | None = None) -> str:
    """Text stored by an older version, masked by today's rules: numbers the old masker
    missed, and IDs masked the old way (first 6 shown) cut back to the last 4."""
    policy = policy or DEFAULT_POLICY
    text = _OLD_MASKED_ID_RE.sub(lambda m: policy.mask_char * 6, text)
    return mask_pii(text, policy)


def mask_caller(number: str, mask: Callable[[str], str]) -> str:
    """The caller's number as it may be stored: ``mask`` (the seat's mask policy) for
    mobiles and cards, and every other number cut to its last four digits."""
    masked = mask(number)
    digits = sum(c.isdigit() for c in masked)
    if digits > 4:
        keep, out = 4, []
        for char in reversed(masked):
            if char.isdigit():
                out.append(char if keep > 0 else "*")
                keep -= 1
            else:
                out.append(char)
        masked = "".join(reversed(out))
    return masked
