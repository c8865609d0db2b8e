"""Masking personal data: bank-card, resident ID and mobile numbers.

``mask_pii(text)`` is what everything that stores or shows a note calls (the
store masks every text it writes, see ``desktop.core.guard``). It replaces each
hidden digit with the mask character one for one and keeps separators, so the
text keeps its length (the editor keeps the cursor where it was), and it is
idempotent: masked text is left as it is. ``mask_draft`` additionally hides
every run of ``DRAFT_DIGITS`` or more digits, for notes saved while the seat is
still typing a number.

What counts as a number
-----------------------
The text is cut into *runs*: chunks of digits (ASCII or full-width, an ID's
check character X right after them) and mask characters, joined by single
separators (space, no-break space, ideographic space, dash, dot). A run ends at
anything else: Chinese text, ASCII letters (``tel13912345678``,
``card6222…`` and ``No.6217…`` are numbers glued to a word), punctuation, a
second separator. A candidate is one or more consecutive clean chunks of a run,
never part of a chunk, so a digit run of 20+ digits or ``138****5678`` is never
(re)masked in part.

A candidate made of several chunks must look like a written grouping: one
separator throughout, groups of 3+ digits (a leading ``86``/``0086`` before a
mobile excepted, and a short last group after four groups of four:
``6228 9028 4770 0971 23``), three or more groups when the separator is a dot,
none of its groups a number in its own right, and no short group joined on with
the same separator (``6222 0212 3456 7890 1280`` is a 20-digit number, not a
card followed by ``1280``). A single chunk joined to digits by a dot is a
decimal (``13812345678.50``), not a candidate.

Then by length, check digits, scheme and the label written in front:

* resident ID: 17 digits and a check character with a province code and a
  birth date from 1900 to today, *whatever the check character*: a mistyped ID
  is still an ID. After an ID word (身份证, 证件号…) any 18-character or
  15-digit number is one.
* mobile: 11 digits ``1[3-9]…``, optionally after ``86`` or ``0086``; after a
  phone word (手机, 电话…) any 11 digits starting with 1.
* bank card: a valid Luhn digit *and* a scheme's prefix and length (UnionPay
  62 16–19, Visa 4 13/16/19, Mastercard 51–55 and 2221–2720 16, Amex 34/37 15,
  JCB 35 16–19, Diners 36/38/39/300–305 14, Discover 6011/644–649/65 16–19, the
  pre-UnionPay domestic 9x 16–19, BOC-style 60 16–19). After a card word
  (卡号, 银行卡, 账号, card…) any 13–19 digits are a card, Luhn or not: one
  mistyped digit does not make a card number less personal.
* after a reference label (订单号, 流水号, 工单号, 参考号, 编号, 交易号…) a
  number is never taken for a card: reference numbers stay readable. IDs and
  mobiles are still masked there.

Amounts (``20000.00``, ``¥1,234``), dates, times, hotlines (95588), extensions,
post codes and reference numbers whose check digits or prefix do not fit a
card are left alone, and so are 13-19 digit numbers that open with a date
(``2025062100012345678``: transaction references).

How much stays readable is capped (``MAX_KEEP``): at most the first 6 and last
4 digits of a card (PCI DSS 3.3) and the last 4 of an ID or a mobile; a policy
asking for more is refused, settings asking for more are cut back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
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

# Separators allowed between the groups of one number.
SEPARATORS = " -.\u00a0\u3000\uff0d"
# Characters other programs and people use for hidden digits; a chunk that
# contains one is already masked.
MASK_LIKE = "*＊•●×"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
# Province-level codes (first two digits of a resident ID), incl. HK/Macau/Taiwan residence permits.
PROVINCES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"]  # noqa: E501 - one data item, clearer unbroken
)
_MOBILE_RE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
_DIGITS = "0123456789０１２３４５６７８９"

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
    "订单号", "订单编号", "订单", "流水号", "流水", "交易流水号", "交易号", "交易单号", "工单号", "工单编号", "工单",
    "参考号", "编号", "单号", "业务号", "业务编号", "受理号", "受理编号", "凭证号", "批次号", "合同号", "保单号",
    "运单号", "快递单号", "案件号", "投诉单号", "申请号", "申请编号", "商户号", "终端号", "序列号", "授权号",
    "授权码", "追踪号", "回单号", "账单号", "会员号", "客户号", "工号",
)
CARD_WORDS = (
    "卡号", "卡", "银行卡", "信用卡", "借记卡", "储蓄卡", "卡片", "账号", "帐号", "账户", "帐户", "card", "cardno",
    "card no", "card number", "acct", "account",
)
ID_WORDS = ("身份证", "身份证号", "身份证号码", "证件号", "证件号码", "证件", "id", "idno", "id no")
MOBILE_WORDS = ("手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "tel", "mobile", "phone", "cell")
_LABEL_TAIL_RE = re.compile(r"[\s:：#＃=是为的(（]*(?:(?<![A-Za-z])[A-Za-z]{1,6}[.:：#]?)?[\s:：#＃=]*$")


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
        if len(self.mask_char) != 1 or self.mask_char in _DIGITS or self.mask_char in SEPARATORS + ".,+xX":
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
    return 13 <= len(digits) <= 19 and digits.isdigit() and _stdnum()[0].is_valid(digits)


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


def _label(before: str) -> str | None:
    """What the words right before a number say it is: "ref", CARD, RESIDENT_ID, MOBILE or None."""
    before = before[-24:]
    tail = _LABEL_TAIL_RE.search(before)
    words = (before[: tail.start()] if tail else before).casefold().rstrip()
    found = _LABEL_END_RE.search(words)
    if found is not None:
        label, start = found.group(), found.start()
        # An ASCII word must stand on its own: "discard" is not "card".
        if not (label.isascii() and start > 0 and words[start - 1].isascii() and words[start - 1].isalpha()):
            return _LABEL_KINDS[label]
    # The letters between label and number ("订单号TX…", "No.") were skipped above; a
    # letter prefix alone ("card6222…") is a label of its own.
    if tail is not None:
        letters = re.sub(r"[^a-z]", "", before[tail.start() :].casefold())
        return _LETTER_LABELS.get(letters) if letters else None
    return None


def _kind_of(digits: str, label: str | None = None) -> str | None:
    """What ``digits`` (ASCII, perhaps ending in X) is, or None; ``label`` is what the
    words in front of it say."""
    n = len(digits)
    if n == 18 and (looks_like_resident_id(digits) or (label == RESIDENT_ID and digits[:17].isdigit())):
        return RESIDENT_ID
    if not digits.isdigit():
        return None
    if label == RESIDENT_ID and n == 15 and digits[:2] in PROVINCES:
        return RESIDENT_ID  # a first-generation 15-digit ID
    if n in (11, 13, 15) and is_mobile(digits) and not (label == "ref" and n > 11):
        return MOBILE  # (after a reference label, 86… of 13+ digits is a reference)
    if label == MOBILE and n == 11 and digits[0] == "1":
        return MOBILE
    if 13 <= n <= 19:
        if label == CARD:
            return CARD
        if label == "ref":
            return None
        if card_scheme(digits) and is_card_number(digits) and not _starts_with_date(digits):
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
@dataclass
class _Chunk:
    start: int
    end: int
    text: str  # the chunk with full-width digits made ASCII
    clean: bool  # only digits (perhaps ending in X): may be part of a number
    sep_before: str  # the separator before this chunk ("" for the first of a run)

    @property
    def numeric(self) -> bool:
        """Digits or mask characters in it: a group of some number, not a word."""
        return any(ch.isdigit() or not ch.isalnum() for ch in self.text)


_PATTERNS: dict[str, re.Pattern[str]] = {}
_CLEAN_RE = re.compile(r"[0-9]+[xX]?")
_SPLIT_RE = re.compile(f"([{re.escape(SEPARATORS)}])")


def _run_pattern(mask_char: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(mask_char)
    if pattern is None:
        chars = "0-9０-９" + re.escape(MASK_LIKE + mask_char)
        # An ID's check character X belongs to the digits before it unless a word goes on.
        token = f"[{chars}]+(?:[xXｘＸ](?![0-9A-Za-z０-９]))?"
        sep = re.escape(SEPARATORS)
        pattern = _PATTERNS[mask_char] = re.compile(f"{token}(?:[{sep}]{token})*")
    return pattern


def _runs(text: str, mask_char: str) -> list[tuple[int, list[_Chunk]]]:
    """The runs of ``text`` (start, chunks) that hold at least 11 clean digits."""
    runs: list[tuple[int, list[_Chunk]]] = []
    for found in _run_pattern(mask_char).finditer(text):
        start, end = found.span()
        if end - start < 11:
            continue
        chunks: list[_Chunk] = []
        position, sep = start, ""
        for index, part in enumerate(_SPLIT_RE.split(found.group())):
            if index % 2:
                sep = part
                position += 1
                continue
            ascii_part = part.translate(_FULLWIDTH)
            clean = _CLEAN_RE.fullmatch(ascii_part) is not None
            chunks.append(_Chunk(position, position + len(part), ascii_part, clean, sep))
            position += len(part)
        if sum(len(c.text) for c in chunks if c.clean) >= 11:
            runs.append((start, chunks))
    return runs


def _dotted(chunks: list[_Chunk], i: int, j: int) -> bool:
    """Whether chunks[i..j] is joined to a neighbour by a dot (a decimal or a dotted number)."""
    if j + 1 < len(chunks) and chunks[j + 1].sep_before == ".":
        return True
    return chunks[i].sep_before == "."


def _grouping_ok(chunks: list[_Chunk], i: int, j: int) -> bool:
    """Whether chunks[i..j] (j > i) is written like one number."""
    group = chunks[i : j + 1]
    first = 1 if group[0].text in ("86", "0086") else 0
    middle = group[first:]
    # A short last group after three or more groups of four: 6228 9028 4770 0971 23.
    short_tail = len(middle) >= 4 and all(len(c.text) == 4 for c in middle[:-1])
    if any(len(c.text) < 3 for c in (middle[:-1] if short_tail else middle)):
        return False
    separators = {c.sep_before for c in group[first + 1 :]}
    if len(separators) > 1:
        return False
    sep = separators.pop() if separators else group[-1].sep_before
    if sep == "." and len(group) < 3:
        return False
    # A short group joined on with the same separator continues the number.
    before = chunks[i - 1] if i > 0 else None
    if before and before.numeric and group[0].sep_before == sep and len(before.text) < 7:
        return False
    after = chunks[j + 1] if j + 1 < len(chunks) else None
    if after and after.numeric and after.sep_before == sep and len(after.text) < 7:
        return False
    # None of the groups may be a number of its own (a 13-15 digit card number inside
    # a longer grouping, "622848 4015942020011", is only a Luhn coincidence).
    return not any(len(c.text) >= 11 and _own_number(c.text) for c in group)


def _own_number(digits: str) -> bool:
    """Whether a group is a number by itself: an ID, an 11-digit mobile, a card of 16+ digits
    (shorter cards and 86-prefixed mobiles inside a longer grouping are coincidences)."""
    kind = _kind_of(digits)
    if kind == CARD:
        return len(digits) >= 16
    if kind == MOBILE:
        return len(digits) == 11
    return kind is not None


def _candidate(chunks: list[_Chunk], i: int, label: str | None) -> tuple[Match, int] | None:
    """The longest number that starts with chunks[i], and the index of its last chunk."""
    ends: list[tuple[int, str]] = []
    digits = ""
    for j in range(i, len(chunks)):
        if not chunks[j].clean:
            break
        digits += chunks[j].text
        if len(digits) > 19:
            break
        if len(digits) >= 11 and "X" not in digits[:-1].upper():
            ends.append((j, digits))
    for j, digits in reversed(ends):
        if j > i and not _grouping_ok(chunks, i, j):
            continue
        if j == i and _dotted(chunks, i, j):
            continue
        kind = _kind_of(digits.upper(), label)
        if kind is not None:
            return Match(kind, chunks[i].start, chunks[j].end), j
    return None


def _find_once(text: str, mask_char: str) -> list[Match]:
    matches: list[Match] = []
    for run_start, chunks in _runs(text, mask_char):
        label = _label(text[max(0, run_start - 24) : run_start])
        i = 0
        while i < len(chunks):
            chunk = chunks[i]
            # A number starts with a group of 3+ digits (or a country code).
            usable = chunk.clean and (len(chunk.text) >= 3 or chunk.text == "86")
            found = _candidate(chunks, i, label if i == 0 else None) if usable else None
            if found is None:
                i += 1
            else:
                matches.append(found[0])
                i = found[1] + 1
    return matches


def _mask_match(chars: list[str], match: Match, policy: MaskPolicy) -> None:
    positions = [k for k in range(match.start, match.end) if chars[k] not in SEPARATORS]
    if match.kind == MOBILE:
        positions = positions[len(positions) - 11 :]  # 86 / 0086 is the country code
    keep_first, keep_last = policy.keep(match.kind)
    for k in positions[keep_first : max(keep_first, len(positions) - keep_last)]:
        chars[k] = policy.mask_char


def _scan(text: str, policy: MaskPolicy) -> tuple[list[Match], str]:
    """The numbers in ``text`` and the text with them masked."""
    if MAYBE_NUMBER.search(text) is None:  # no 11 digits close together: nothing to find
        return [], text
    found = _find_once(text, policy.mask_char)
    if not found:
        return [], text
    # Masking can free a number that a longer candidate hid: look again until
    # nothing new turns up, so that masking the result changes nothing.
    everything: list[Match] = []
    chars = list(text)
    while found:
        for match in found:
            _mask_match(chars, match, policy)
        everything.extend(found)
        found = [m for m in _find_once("".join(chars), policy.mask_char) if m not in everything]
    return sorted(everything, key=lambda m: m.start), "".join(chars)


def find_pii(text: str, policy: MaskPolicy | None = None) -> list[Match]:
    """Every card, resident ID and mobile number in ``text``, in order."""
    return _scan(text, policy or DEFAULT_POLICY)[0]


def mask_pii(text: str, policy: MaskPolicy | None = None) -> str:
    """``text`` with card, resident ID and mobile numbers masked; same length, idempotent."""
    return _scan(text, policy or DEFAULT_POLICY)[1]


_DRAFT_RUN_RE = re.compile(f"[{_DIGITS}](?:[{re.escape(SEPARATORS)}]?[{_DIGITS}])*")


def mask_draft(text: str, policy: MaskPolicy | None = None) -> str:
    """``text`` masked as ``mask_pii`` does, and every run of ``DRAFT_DIGITS`` or more
    digits (single separators allowed between them) hidden too: what is stored of
    notes still being typed. Same length."""
    policy = policy or DEFAULT_POLICY
    masked = mask_pii(text, policy)

    def hide(found: re.Match[str]) -> str:
        run = found.group()
        if sum(ch in _DIGITS for ch in run) < DRAFT_DIGITS:
            return run
        return "".join(policy.mask_char if ch in _DIGITS else ch for ch in run)

    return _DRAFT_RUN_RE.sub(hide, masked)


# 11 digits with at most one other character between each two: what any number the
# masker finds has (a quick test before the real one).
MAYBE_NUMBER = re.compile(r"\d(?:\D?\d){10}")
_OLD_MASKED_ID_RE = re.compile(r"(?<![0-9０-９])[0-9]{6}(?=[*＊]{8}[0-9Xx*＊]{4}(?![0-9０-９]))")


def remask_stored(text: str, policy: MaskPolicy | None = None) -> str:
    """Text stored by an older version, masked by today's rules: numbers the old masker
    missed, and IDs masked the old way (first 6 shown) cut back to the last 4."""
    policy = policy or DEFAULT_POLICY
    text = _OLD_MASKED_ID_RE.sub(lambda m: policy.mask_char * 6, text)
    return mask_pii(text, policy) if MAYBE_NUMBER.search(text) else text


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
