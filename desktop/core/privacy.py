"""Masking personal data in call notes: bank-card, resident ID and mobile numbers.

``mask_pii(text)`` is what the notes editor and everything that stores a note
calls. It replaces each hidden digit with the mask character one for one and
keeps separators, so the text keeps its length (the editor keeps the cursor
where it was), and it is idempotent: masked text is left as it is.

What counts as a number
-----------------------
The text is cut into *runs*: chunks of ASCII letters, digits (ASCII or
full-width) and mask characters, joined by single separators (space, no-break
space, ideographic space, dash). A run ends at anything else: Chinese text,
punctuation, a second separator. A chunk is *clean* when it is only digits
(the last chunk of an ID may end in X). A candidate is one or more consecutive
clean chunks of a run, never part of a chunk, so a digit run of 20+ digits,
``TX20250621…`` or ``138****5678`` is never (re)masked in part.

A candidate made of several chunks must look like a written grouping: one
separator throughout, groups of 3+ digits (a leading ``86``/``0086`` before
a mobile excepted), none of its groups a number in its own right, and no
short group joined on with the same separator (``6222 0212 3456 7890 1280``
is a 20-digit number, not a card followed by ``1280``).

Then by length and check digits:

* resident ID: 17 digits and a check character (ISO 7064 MOD 11-2), a
  province code, a birth date from 1900 to today;
* mobile: 11 digits ``1[3-9]…``, optionally after ``86`` or ``0086``;
* bank card: 13-19 digits with a valid Luhn digit.

Amounts (``20000.00``, ``¥1,234``), dates, times and reference numbers whose
check digits fail are left alone, and so are 13-19 digit numbers that open with
a date (``2025062100012345678``: transaction references; no card starts like
that). Any other reference number of 13-19 digits whose last digit happens to
satisfy Luhn (one in ten) is masked: a card number may not be kept, so the
doubt goes to masking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import ModuleType


@cache
def _stdnum() -> tuple[ModuleType, ModuleType]:
    """python-stdnum's Luhn and resident-ID modules, imported on first use (start-up cost)."""
    from stdnum import luhn
    from stdnum.cn import ric

    return luhn, ric


CARD = "card"
RESIDENT_ID = "id"
MOBILE = "mobile"

#: Separators allowed between the groups of one number.
SEPARATORS = " -\u00a0\u3000"
#: Characters other programs and people use for hidden digits; a chunk that
#: contains one is already masked.
MASK_LIKE = "*＊•●×#"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
#: Province-level codes (first two digits of a resident ID), incl. HK/Macau/Taiwan residence permits.
PROVINCES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"]  # noqa: E501 - one data item, clearer unbroken
)
_MOBILE_RE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
_DIGITS = "0123456789０１２３４５６７８９"


@dataclass(frozen=True)
class MaskPolicy:
    """How much of each number stays readable."""

    card_keep_first: int = 6
    card_keep_last: int = 4
    mobile_keep_first: int = 0
    mobile_keep_last: int = 4
    id_keep_first: int = 6
    id_keep_last: int = 4
    mask_char: str = "*"

    def __post_init__(self) -> None:
        if len(self.mask_char) != 1 or self.mask_char in _DIGITS or self.mask_char in SEPARATORS + ".,+xX":
            raise ValueError(f"mask_char must be one character that is not a digit or separator: {self.mask_char!r}")
        for name in ("card_keep_first", "card_keep_last", "mobile_keep_first", "mobile_keep_last",
                     "id_keep_first", "id_keep_last"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

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


def is_mobile(digits: str) -> bool:
    """A mainland mobile number, 11 digits 1[3-9]…, optionally after 86 or 0086."""
    return _MOBILE_RE.fullmatch(digits) is not None


def is_resident_id(number: str, today: date | None = None) -> bool:
    """An 18-character resident ID: check character, province, plausible birth date.

    ``stdnum.cn.ric.is_valid`` also checks that the county code existed in the
    birth year, but the code is that of the household registration when the
    card was issued, so it rejects real numbers (e.g. a Nanshan, Shenzhen
    resident born in 1960: 440305…); such a number must still be masked. The
    check character and the birth date use stdnum.
    """
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return False
    ric = _stdnum()[1]
    if ric.calc_check_digit(number) != number[17] or number[:2] not in PROVINCES:
        return False
    try:
        born = ric.get_birth_date(number)
    except ValueError:  # stdnum.exceptions.InvalidComponent: not a date
        return False
    return bool(date(1900, 1, 1) <= born <= (today or date.today()))


def _kind_of(digits: str) -> str | None:
    """What ``digits`` (ASCII, perhaps ending in X) is, or None."""
    if len(digits) == 18 and is_resident_id(digits):
        return RESIDENT_ID
    if not digits.isdigit():
        return None
    if len(digits) in (11, 13, 15) and is_mobile(digits):
        return MOBILE
    if is_card_number(digits) and not _starts_with_date(digits):
        return CARD
    return None


def _starts_with_date(digits: str) -> bool:
    """Whether ``digits`` opens with a date YYYYMMDD (1990-2099), as bank transaction and
    case references do. No card number starts like that: the 2-series Mastercard range
    begins at 2221, UnionPay cards with 62 or 9."""
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
        chars = "0-9０-９A-Za-zＸｘ" + re.escape(MASK_LIKE + mask_char)
        sep = re.escape(SEPARATORS)
        pattern = _PATTERNS[mask_char] = re.compile(f"[{chars}]+(?:[{sep}][{chars}]+)*")
    return pattern


def _runs(text: str, mask_char: str) -> list[list[_Chunk]]:
    """The runs of ``text`` that hold at least 11 clean digits."""
    runs: list[list[_Chunk]] = []
    for found in _run_pattern(mask_char).finditer(text):
        start, end = found.span()
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
        # A decimal ("13812345678.00") or dotted number ("1.13812345678") is not a candidate.
        if end + 1 < len(text) and text[end] == "." and text[end + 1] in _DIGITS:
            chunks[-1].clean = False
        if start >= 2 and text[start - 1] == "." and text[start - 2] in _DIGITS:
            chunks[0].clean = False
        if sum(len(c.text) for c in chunks if c.clean) >= 11:
            runs.append(chunks)
    return runs


def _grouping_ok(chunks: list[_Chunk], i: int, j: int) -> bool:
    """Whether chunks[i..j] (j > i) is written like one number."""
    group = chunks[i : j + 1]
    first = 1 if group[0].text in ("86", "0086") else 0
    if any(len(c.text) < 3 for c in group[first:]):
        return False
    separators = {c.sep_before for c in group[first + 1 :]}
    if len(separators) > 1:
        return False
    sep = separators.pop() if separators else group[-1].sep_before
    # A short group joined on with the same separator continues the number.
    before = chunks[i - 1] if i > 0 else None
    if before and before.numeric and group[0].sep_before == sep and len(before.text) < 7:
        return False
    after = chunks[j + 1] if j + 1 < len(chunks) else None
    if after and after.numeric and after.sep_before == sep and len(after.text) < 7:
        return False
    # None of the groups may be a number of its own.
    return not any(len(c.text) >= 11 and _kind_of(c.text) for c in group)


def _candidate(chunks: list[_Chunk], i: int) -> tuple[Match, int] | None:
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
        kind = _kind_of(digits)
        if kind is not None:
            return Match(kind, chunks[i].start, chunks[j].end), j
    return None


def _find_once(text: str, mask_char: str) -> list[Match]:
    matches: list[Match] = []
    for chunks in _runs(text, mask_char):
        i = 0
        while i < len(chunks):
            chunk = chunks[i]
            # A number starts with a group of 3+ digits (or a country code).
            usable = chunk.clean and (len(chunk.text) >= 3 or chunk.text == "86")
            found = _candidate(chunks, i) if usable else None
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
