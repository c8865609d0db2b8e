"""The reading alphabet: one code and one initial symbol per character, built once per process."""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from desktop.core.search.scores import CODE_BASE, LETTERS, SYM_ANY, SYM_OTHER, TOP

# -- the reading alphabet (one per process) ------------------------------------


def _toneless(reading: str) -> tuple[str, ...]:
    """``"lǜ"`` → ``("lv", "lu")``: tone marks dropped, ü written v (and u, as input methods accept)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return (plain, plain.replace("v", "u")) if "v" in plain else (plain,)


def code_cp(rank: int) -> int:
    cp = CODE_BASE + rank
    return cp if cp < 0xD800 else cp + 0x800


def rank_of(cp: int) -> int:
    return cp - CODE_BASE if cp < 0xD800 else cp - CODE_BASE - 0x800


def runs_pattern(cps: Sequence[int]) -> str:
    """A regex character class for sorted code points, as ranges."""
    parts = []
    k = 0
    while k < len(cps):
        j = k
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(chr(cps[k]) if j == k else f"{chr(cps[k])}-{chr(cps[j])}")
        k = j + 1
    return "[" + "".join(parts) + "]"


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` shaped as a trie (fast to match)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


class Alphabet:
    """Codes and initial symbols for every BMP letter, digit and Han character."""

    def __init__(self) -> None:
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

        stripped: dict[str, tuple[str, ...]] = {}
        han: dict[int, tuple[str, ...]] = {}
        for cp, raw in PINYIN_DICT.items():
            if cp > 0xFFFF:
                continue
            readings: list[str] = []
            for reading in raw.split(","):
                forms = stripped.get(reading)
                if forms is None:
                    forms = stripped[reading] = _toneless(reading)
                for form in forms:
                    if form and form not in readings:
                        readings.append(form)
            if readings:
                han[cp] = tuple(readings)
        items: list[tuple[str, int, tuple[str, ...]]] = []
        for cp in range(0x10000):
            found = han.get(cp)
            if found is None:
                if 0xD800 <= cp <= 0xDFFF or not chr(cp).isalnum():
                    continue
                found = (chr(cp),)
            items.append((found[0], cp, found))
        items.sort()

        # Several initials: the commonest sets (by common characters) get a symbol each.
        def initials_of(readings: tuple[str, ...]) -> frozenset[str]:
            return frozenset(r[0] for r in readings)

        usage: dict[str, int] = {}
        for phrase in PHRASES_DICT:  # how common a character is: the words of pypinyin's lexicon it is in
            for char in phrase:
                usage[char] = usage.get(char, 0) + 1
        weight: dict[frozenset[str], int] = {}
        for cp, char_readings in han.items():
            initials = initials_of(char_readings)
            if len(initials) > 1:
                weight[initials] = weight.get(initials, 0) + 1 + usage.get(chr(cp), 0)
        pool = [chr(c) for c in range(0x02, 0xD7) if not (chr(c).isdigit() or chr(c) in LETTERS)]
        ranked_sets = sorted(weight, key=lambda s: (-weight[s], sorted(s)))
        symbol_of_set = {s: pool[k] for k, s in enumerate(ranked_sets[: len(pool)])}
        self.expand: dict[str, tuple[str, ...]] = {sym: tuple(sorted(s)) for s, sym in symbol_of_set.items()}
        for char in LETTERS + "0123456789":
            self.expand[char] = (char,)
        self.expand[SYM_OTHER] = (SYM_OTHER,)
        self.expand[SYM_ANY] = tuple(LETTERS)

        size = code_cp(len(items)) + 1
        self.pair_table: list[str | None] = [None] * 0x10000  # char → code + symbol
        self.pair_table[0] = "\x00\x00"
        self.code_table: list[str | None] = [None] * 0x10000  # char → code
        self.symbol: list[str | None] = [None] * size  # code → symbol
        self.readings: list[tuple[str, ...]] = []  # by rank
        self.primary: list[str] = []  # by rank, sorted
        secondary: dict[str, list[int]] = {}
        for rank, (first, cp, readings_t) in enumerate(items):
            code = chr(code_cp(rank))
            initials = initials_of(readings_t)
            if len(initials) > 1:
                sym = symbol_of_set.get(initials, SYM_ANY)
            elif first[0] in LETTERS or (first[0].isascii() and first[0].isdigit()):
                sym = first[0]
            else:
                sym = SYM_OTHER
            self.pair_table[cp] = code + sym
            self.code_table[cp] = code
            self.symbol[ord(code)] = sym
            self.readings.append(readings_t)
            self.primary.append(first)
            for other in readings_t[1:]:
                secondary.setdefault(other, []).append(rank)
        self.secondary = {k: tuple(v) for k, v in secondary.items()}
        self.secondary_keys = sorted(secondary)
        distinct = set().union(*han.values())
        self.syllables = frozenset(
            r for r in distinct if r.isascii() and r.isalpha() and any(v in r for v in "aeiouv")
        )
        self.syllable_prefixes = frozenset(s[:k] for s in self.syllables for k in range(1, len(s) + 1))
        self.longest = max(map(len, self.syllables))
        # Whole-term check for fuzzy candidates: syllables, the last one perhaps unfinished.
        self.valid_pinyin = re.compile(
            f"(?:{_trie_pattern(self.syllables)})*?(?:{_trie_pattern(self.syllable_prefixes)})"
        )
        # The initial-symbol class of each letter: the letter, every set holding it, "any".
        self.letter_class = {
            letter: "["
            + re.escape(letter)
            + "".join(re.escape(sym) for sym, members in self.expand.items() if len(sym) == 1 and sym != letter
                      and letter in members)
            + "]"
            for letter in LETTERS
        }

    def rank(self, char: str) -> int | None:
        """The rank of a character's code, or None (not a letter/digit, or outside the BMP)."""
        cp = ord(char)
        if cp > 0xFFFF:
            return None
        code = self.code_table[cp]
        return None if code is None else rank_of(ord(code))

    def ranks_for(self, reading: str, prefix: bool) -> tuple[int, int, tuple[int, ...]]:
        """Ranks whose first reading is ``reading`` (or starts with it): a range, plus the others."""
        primary = self.primary
        lo = bisect.bisect_left(primary, reading)
        if prefix:
            hi = bisect.bisect_left(primary, reading + TOP)
            keys = self.secondary_keys
            a = bisect.bisect_left(keys, reading)
            b = bisect.bisect_left(keys, reading + TOP)
            extra = tuple(r for k in keys[a:b] for r in self.secondary[k])
        else:
            hi = bisect.bisect_right(primary, reading)
            extra = self.secondary.get(reading, ())
        return lo, hi, extra

    def symbols_of(self, codes: str) -> str:
        table = self.symbol
        return "".join(table[ord(c)] or "" for c in codes if ord(c) < len(table))


_alphabet: Alphabet | None = None
_alphabet_lock = threading.Lock()


def get_alphabet() -> Alphabet:
    """The process-wide tables, built by the first index (with the imports they need)."""
    global _alphabet
    if _alphabet is None:
        with _alphabet_lock:
            if _alphabet is None:
                import rapidfuzz.distance  # noqa: F401 - imported now rather than on the first typo

                _alphabet = Alphabet()
    return _alphabet


