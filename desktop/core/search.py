"""Phrase search: Chinese, pinyin, initials, Traditional, full-width and typos, per keystroke.

Use
---
``SearchIndex(entries)`` indexes :class:`Entry` objects (team-pack phrases from
:func:`entries_from_library`, the seat's own from :func:`entries_from_personal`);
``index.search(query, scenario_id=..., step_id=..., usage=..., now=..., limit=20)``
returns :class:`Hit` objects, best first. :func:`suggest_scenarios` proposes
other scenarios whose keywords appear in the notes being typed. Nothing here
imports Qt. pypinyin, OpenCC and rapidfuzz are imported when the first index of
the process is built, which also builds the process-wide reading tables (about
0.6 s once; later indexes do not pay it).

What matches, and the score
---------------------------
Text and query are normalised the same way (:mod:`desktop.core.textnorm`: NFKC,
Traditional → Simplified, case-folded). The query is split on white space into
terms; every term must match. A term matches a phrase as

=============  =====  ====================================================
``exact``      100    the whole phrase text is the term
``prefix``      80    the phrase starts with the term
``substring``   60    the phrase contains the term (``吞卡``, ``ATM``)
``pinyin``      40    full pinyin, the last syllable may be unfinished:
                      ``tunka``, ``tunk``, mixed ``吞ka``
``initials``    20    one letter per character: ``tk``, ``nhxl``,
                      ``cz`` for 重置
``fuzzy``      ≤10    only when nothing matched at all: the term with one
                      edit (a letter deleted, inserted, changed, or two
                      swapped) that is valid pinyin and occurs in the
                      library, matched as pinyin; 10 × the rapidfuzz OSA
                      similarity (``tukna`` → ``tunka``: 8)
=============  =====  ====================================================

Punctuation and spaces inside a phrase are skipped by pinyin and initials
(``nhxs`` finds 您好，先生). A term that matches only the phrase's metadata
(scenario name, step title, tags, scenario keywords) counts ``META_WEIGHT``
(0.45) of the same kind, for exact/prefix/substring/pinyin (45, 36, 27, 18),
so a phrase that says 吞卡 comes before one that is merely in a scenario with
the keyword 吞卡. A query of several terms scores as its weakest term.

Boosts are added: current step +25 (or current scenario +10), favourite +5,
and the seat's own use ``FRECENCY_MAX * f / (f + 1)`` (below 10), where the
frecency ``f = sum(0.5 ** (age_days / 7))`` over the uses. Boosts add up to
less than 40 and kinds are 20 apart, so boosts reorder phrases within a kind
and can lift one over the next kind or two (a prefix match in the current
step, 105, comes before an exact match elsewhere, 100). Every hit says why in
``reasons``; ties are broken by key, so results are deterministic. An empty
query lists the phrases by boost alone: the current step first (its 25
exceeds every other boost together), then by use.

How pinyin is matched
---------------------
Every letter, digit and Han character of the BMP gets a one-character *code*
(built once per process from pypinyin's per-character table), numbered in the
order of the character's first reading, and a one-byte *initial symbol*: its
initial letter, or, for a character whose readings start with different
letters (重 zhong/chong/tong), a symbol standing for that set. Each phrase is
stored as its string of codes and its string of symbols; punctuation is
dropped from both. Heteronyms keep every reading, which is what makes ``cz``
find 重置 whatever pypinyin would guess from context.

A pinyin term is cut into syllables every possible way (``xian`` = xian |
xi+an | xi+a+n…; the last piece may be unfinished; at most 16 cuts). Each
piece stands for the set of codes having a matching reading; a cut matches a
phrase when consecutive codes belong to its pieces' sets. That is checked by
finding the piece with the fewest codes (a one-class regex; a piece's code set
and class are cached by the index, and ``re`` caches the compiled class, so a
keystroke rarely compiles more than its new last piece) and then testing the
neighbours against the other pieces' sets. Initials are simpler: one regular
expression over the symbol string, whose classes are tiny because symbols are
Latin-1. (Sets of initials beyond the 177 commonest share one "any letter"
symbol: a rare heteronym may then match any initial. Characters beyond the
BMP have no code: they match as text, not as pinyin.)

So that few phrases are tried at all, the index keeps bitsets (Python
integers, one bit per phrase): per reading, the phrases containing a
character with that reading; per pair of initials, the phrases with two
adjacent characters having them. A term ANDs the sets of its pieces and of
its adjacent initial pairs (the same serves substring search, through the
readings and initials of the query's own characters). The kinds of match are
visited from the best score down, as bitsets of candidates (ANDed over the
terms); within a score, candidates are checked in key order, and the search
stops as soon as ``limit`` phrases without boosts have been found that
nothing still unvisited could outrank. Boosted phrases (current scenario,
used, favourites) are all checked, among the candidates, up front; where a
candidate bitset is exact (exact and prefix matches, one pinyin piece,
metadata, which has a bitset per group of entries and per tag) no phrase
needs checking at all. Setting the bitsets, one bit per (phrase, character)
and per (phrase, pair of initials), is most of the build: about 1.3 s for
50,000 phrases on the benchmark machine (see ``benchmarks/search.py``), where
a keystroke then takes 2 ms at the median and 5 ms at the 99th percentile.
"""

from __future__ import annotations

import bisect
import gc
import re
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby, repeat
from operator import attrgetter, sub
from typing import Any

from desktop.core.scenarios import Library, phrase_key
from desktop.core.textnorm import normalize, normalize_many

__all__ = [
    "BASE_SCORES",
    "MATCH_KINDS",
    "NO_MATCH",
    "Entry",
    "Hit",
    "SearchIndex",
    "entries_from_library",
    "entries_from_personal",
    "frecency",
    "frecency_boost",
    "suggest_scenarios",
]

MATCH_KINDS = ("exact", "prefix", "substring", "pinyin", "initials", "fuzzy")
NO_MATCH = "none"  # the match of every hit of an empty query
BASE_SCORES = {"exact": 100.0, "prefix": 80.0, "substring": 60.0, "pinyin": 40.0, "initials": 20.0, "fuzzy": 0.0}
META_WEIGHT = 0.45
FUZZY_SPAN = 10.0
FUZZY_CHOICES = 3
FUZZY_MIN_LETTERS = 3
STEP_BOOST = 25.0
SCENARIO_BOOST = 10.0
FAVOURITE_BOOST = 5.0
FRECENCY_MAX = 10.0
HALF_LIFE_DAYS = 7.0
MAX_QUERY_CHARS = 100
MAX_CUTS = 16
MAX_LETTER_RUN = 40

_DAY = 86400.0
_CODE_BASE = 0x100
_TOP = "\U0010ffff"

# Initial symbols (Latin-1): letters and digits stand for themselves.
_SYM_OTHER = "\x01"  # a letter or character whose reading is not pinyin (é, α, an unknown Han)
_SYM_ANY = "\xd7"  # a rare set of several initials that got no symbol of its own: any letter
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


# -- public types ------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One phrase to index. ``key`` is unique: ``"scenario-id/phrase-id"`` or ``"personal/42"``."""

    key: str
    text: str
    scenario_id: str = ""
    step_id: str = ""
    scenario_name: str = ""
    step_title: str = ""
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    favourite: bool = False


@dataclass(frozen=True)
class Hit:
    """A search result: ``score`` = match + boosts; ``reasons`` explains both."""

    entry: Entry
    score: float
    match: str  # one of MATCH_KINDS, or NO_MATCH for an empty query
    reasons: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.entry.key


def entries_from_library(library: Library) -> list[Entry]:
    """Every phrase of every scenario; an entry's keywords are its scenario's."""
    out: list[Entry] = []
    for scenario in library.scenarios:
        keywords = tuple(scenario.keywords)
        for step in scenario.steps:
            for phrase in step.phrases:
                out.append(
                    Entry(
                        key=phrase_key(scenario.id, phrase.id),
                        text=phrase.text,
                        scenario_id=scenario.id,
                        step_id=step.id,
                        scenario_name=scenario.name,
                        step_title=step.title,
                        tags=tuple(phrase.tags),
                        keywords=keywords,
                    )
                )
    return out


def entries_from_personal(phrases: Iterable[Any], library: Library | None = None) -> list[Entry]:
    """Entries for the seat's own phrases (``storage.PersonalPhrase``-like objects:
    ``id``, ``scenario_id``, ``step_id``, ``text``, ``favourite``), keyed ``personal/<id>``.
    With ``library``, scenario name, step title and keywords are filled in."""
    out: list[Entry] = []
    for phrase in phrases:
        scenario = library.get(phrase.scenario_id) if library is not None and phrase.scenario_id else None
        title = ""
        if scenario is not None and phrase.step_id:
            try:
                title = scenario.step(phrase.step_id).title
            except KeyError:
                title = ""
        out.append(
            Entry(
                key=getattr(phrase, "key", None) or f"personal/{phrase.id}",
                text=phrase.text,
                scenario_id=phrase.scenario_id or "",
                step_id=phrase.step_id or "",
                scenario_name=scenario.name if scenario is not None else "",
                step_title=title,
                keywords=tuple(scenario.keywords) if scenario is not None else (),
                favourite=bool(getattr(phrase, "favourite", False)),
            )
        )
    return out


_DECAY = 0.5 ** (1.0 / (HALF_LIFE_DAYS * _DAY))  # per second


def frecency(timestamps: Iterable[float], now: float) -> float:
    """``sum(0.5 ** (age_days / HALF_LIFE_DAYS))``; a use in the future counts as now."""
    stamps = timestamps if isinstance(timestamps, (list, tuple)) else list(timestamps)
    if not stamps:
        return 0.0
    if max(stamps) <= now:
        return sum(map(pow, repeat(_DECAY), map(sub, repeat(now), stamps)))
    return sum([_DECAY ** (now - t) if t < now else 1.0 for t in stamps])


def frecency_boost(value: float) -> float:
    """The score a frecency adds, ``FRECENCY_MAX * f / (f + 1)``: 0 for no use, 5 for one use
    just now, 7.5 for three, always below FRECENCY_MAX."""
    return FRECENCY_MAX * value / (value + 1.0) if value > 0 else 0.0


# -- the reading alphabet (one per process) ------------------------------------


def _toneless(reading: str) -> tuple[str, ...]:
    """``"lǜ"`` → ``("lv", "lu")``: tone marks dropped, ü written v (and u, as input methods accept)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return (plain, plain.replace("v", "u")) if "v" in plain else (plain,)


def _code_cp(rank: int) -> int:
    cp = _CODE_BASE + rank
    return cp if cp < 0xD800 else cp + 0x800


def _rank_of(cp: int) -> int:
    return cp - _CODE_BASE if cp < 0xD800 else cp - _CODE_BASE - 0x800


def _runs_pattern(cps: Sequence[int]) -> str:
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
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


class _Alphabet:
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
        for cp, readings in han.items():
            initials = initials_of(readings)
            if len(initials) > 1:
                weight[initials] = weight.get(initials, 0) + 1 + usage.get(chr(cp), 0)
        pool = [chr(c) for c in range(0x02, 0xD7) if not (chr(c).isdigit() or chr(c) in _LETTERS)]
        ranked_sets = sorted(weight, key=lambda s: (-weight[s], sorted(s)))
        symbol_of_set = {s: pool[k] for k, s in enumerate(ranked_sets[: len(pool)])}
        self.expand: dict[str, tuple[str, ...]] = {sym: tuple(sorted(s)) for s, sym in symbol_of_set.items()}
        for char in _LETTERS + "0123456789":
            self.expand[char] = (char,)
        self.expand[_SYM_OTHER] = (_SYM_OTHER,)
        self.expand[_SYM_ANY] = tuple(_LETTERS)

        size = _code_cp(len(items)) + 1
        self.pair_table: list[str | None] = [None] * 0x10000  # char → code + symbol
        self.pair_table[0] = "\x00\x00"
        self.code_table: list[str | None] = [None] * 0x10000  # char → code
        self.symbol: list[str | None] = [None] * size  # code → symbol
        self.readings: list[tuple[str, ...]] = []  # by rank
        self.primary: list[str] = []  # by rank, sorted
        secondary: dict[str, list[int]] = {}
        for rank, (first, cp, readings_t) in enumerate(items):
            code = chr(_code_cp(rank))
            initials = initials_of(readings_t)
            if len(initials) > 1:
                sym = symbol_of_set.get(initials, _SYM_ANY)
            elif first[0] in _LETTERS or first[0].isascii() and first[0].isdigit():
                sym = first[0]
            else:
                sym = _SYM_OTHER
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
            for letter in _LETTERS
        }

    def rank(self, char: str) -> int | None:
        """The rank of a character's code, or None (not a letter/digit, or outside the BMP)."""
        cp = ord(char)
        if cp > 0xFFFF:
            return None
        code = self.code_table[cp]
        return None if code is None else _rank_of(ord(code))

    def ranks_for(self, reading: str, prefix: bool) -> tuple[int, int, tuple[int, ...]]:
        """Ranks whose first reading is ``reading`` (or starts with it): a range, plus the others."""
        primary = self.primary
        lo = bisect.bisect_left(primary, reading)
        if prefix:
            hi = bisect.bisect_left(primary, reading + _TOP)
            keys = self.secondary_keys
            a = bisect.bisect_left(keys, reading)
            b = bisect.bisect_left(keys, reading + _TOP)
            extra = tuple(r for k in keys[a:b] for r in self.secondary[k])
        else:
            hi = bisect.bisect_right(primary, reading)
            extra = self.secondary.get(reading, ())
        return lo, hi, extra

    def symbols_of(self, codes: str) -> str:
        table = self.symbol
        return "".join(table[ord(c)] or "" for c in codes if ord(c) < len(table))


_alphabet: _Alphabet | None = None
_alphabet_lock = threading.Lock()


def _get_alphabet() -> _Alphabet:
    """The process-wide tables, built by the first index (with the imports they need)."""
    global _alphabet
    if _alphabet is None:
        with _alphabet_lock:
            if _alphabet is None:
                import rapidfuzz.distance  # noqa: F401 - imported now rather than on the first typo

                _alphabet = _Alphabet()
    return _alphabet


# -- query parsing --------------------------------------------------------------

Piece = tuple[str, str]  # ("f", syllable) | ("p", start of a reading) | ("l", literal character)


def _tokens(term: str) -> list[tuple[str, str]]:
    """Letter runs ``("run", "tunka")`` and other letters/digits/Han ``("lit", "吞")``; the rest separates."""
    out: list[tuple[str, str]] = []
    run: list[str] = []
    for char in term:
        if "a" <= char <= "z":
            run.append(char)
            continue
        if run:
            out.append(("run", "".join(run)))
            run = []
        if char.isalnum():
            out.append(("lit", char))
    if run:
        out.append(("run", "".join(run)))
    return out


def _segment_pinyin(run: str, last: bool, alpha: _Alphabet) -> list[tuple[Piece, ...]]:
    """Cuts of ``run`` into whole syllables; when ``last``, the final piece may be unfinished."""
    results: list[tuple[Piece, ...]] = []
    budget = [4000]
    n = len(run)
    syllables, prefixes = alpha.syllables, alpha.syllable_prefixes

    def walk(pos: int, acc: list[Piece]) -> None:
        if len(results) >= MAX_CUTS or budget[0] <= 0:
            return
        budget[0] -= 1
        if pos == n:
            results.append(tuple(acc))
            return
        if last and run[pos:] in prefixes:
            results.append((*acc, ("p", run[pos:])))
        for size in range(min(alpha.longest, n - pos), 0, -1):
            word = run[pos : pos + size]
            if word in syllables and (pos + size < n or not last):
                acc.append(("f", word))
                walk(pos + size, acc)
                acc.pop()

    walk(0, [])
    return results


def _combine(token_cuts: list[list[tuple[Piece, ...]]]) -> list[tuple[Piece, ...]]:
    combos: list[tuple[Piece, ...]] = [()]
    for cuts in token_cuts:
        combos = [a + b for a in combos for b in cuts][:MAX_CUTS]
        if not combos:
            return []
    return combos


def _pinyin_cuts(term: str, alpha: _Alphabet) -> list[tuple[Piece, ...]]:
    tokens = _tokens(term)
    if not any(kind == "run" for kind, _ in tokens):
        return []
    cuts: list[list[tuple[Piece, ...]]] = []
    for k, (kind, value) in enumerate(tokens):
        if kind == "lit":
            cuts.append([(("l", value),)])
        elif len(value) > MAX_LETTER_RUN:
            return []
        else:
            cuts.append(_segment_pinyin(value, k == len(tokens) - 1, alpha))
    return _combine(cuts)


def _initials_cut(term: str) -> tuple[Piece, ...] | None:
    """One letter per character; other letters/digits/Han as themselves."""
    tokens = _tokens(term)
    if not any(kind == "run" for kind, _ in tokens):
        return None
    pieces: list[Piece] = []
    for kind, value in tokens:
        if kind == "lit":
            pieces.append(("l", value))
        elif len(value) > MAX_LETTER_RUN:
            return None
        else:
            pieces.extend(("p", letter) for letter in value)
    return tuple(pieces)


# -- bitsets -------------------------------------------------------------------

_NONZERO = re.compile(rb"[^\x00]")
_BIT_POSITIONS = tuple(tuple(k for k in range(8) if b >> k & 1) for b in range(256))
_BIT = (1, 2, 4, 8, 16, 32, 64, 128)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _iter_bits(x: int) -> Iterator[int]:
    """The positions of the set bits of ``x``, ascending, lazily."""
    if x <= 0:
        return
    data = x.to_bytes((x.bit_length() + 7) >> 3, "little")
    for m in _NONZERO.finditer(data):
        p = m.start()
        base = p << 3
        for k in _BIT_POSITIONS[data[p]]:
            yield base + k


def _bits_of(ids: Iterable[int]) -> int:
    """The bitset of some ids."""
    ids = list(ids)
    if not ids:
        return 0
    if len(ids) < 8:
        x = 0
        for i in ids:
            x |= 1 << i
        return x
    data = bytearray((max(ids) >> 3) + 1)
    for i in ids:
        data[i >> 3] |= _BIT[i & 7]
    return int.from_bytes(data, "little")


def _has_astral(text: str) -> bool:
    # A string holding any character beyond the BMP stores 4 bytes per character.
    if len(text) > 64:
        return sys.getsizeof(text) >= 3 * len(text)
    return bool(_ASTRAL.search(text))


class _Corpus:
    """Normalised texts with their code and symbol strings and their bitsets."""

    def __init__(self, norms: list[str], alpha: _Alphabet) -> None:
        self.alpha = alpha
        self.n = n = len(norms)
        self.norm = norms
        self.all = (1 << n) - 1
        joined = "\x00".join(norms)
        if _has_astral(joined):  # characters beyond the BMP have no code: dropped from codes
            joined = _ASTRAL.sub("", joined)
        both = joined.translate(alpha.pair_table)  # each letter/digit/Han → its code and symbol
        del joined
        self.codes: list[str] = both[0::2].split("\x00")
        symbols_joined = both[1::2]
        del both
        self.symbols: list[str] = symbols_joined.split("\x00")
        # Adjacent symbol pairs as single characters: the UTF-16 code units of the
        # symbol bytes, at even and at odd offsets (lo = first, hi = second symbol).
        raw = symbols_joined.encode("latin-1")
        del symbols_joined
        size = len(raw)
        even = raw[: size & ~1].decode("utf-16-le")
        odd = raw[1 : 1 + ((size - 1) & ~1)].decode("utf-16-le")
        del raw
        # One bit per text, set key by key: the characters of each text, and its pairs of
        # adjacent initial symbols (from the two UTF-16 views above). This loop is most
        # of the build; every other step runs in C over all the texts at once.
        width = (n >> 3) + 1
        code_maps: dict[str, bytearray] = {}
        pair_maps: dict[str, bytearray] = {}
        start = 0
        for i, text in enumerate(self.codes):
            j = i >> 3
            bit = _BIT[i & 7]
            for c in set(text):
                try:
                    code_maps[c][j] |= bit
                except KeyError:
                    m = code_maps[c] = bytearray(width)
                    m[j] = bit
            end = start + len(text)
            if end - start > 1:
                for g in set(even[(start + 1) >> 1 : end >> 1] + odd[start >> 1 : (end - 1) >> 1]):
                    try:
                        pair_maps[g][j] |= bit
                    except KeyError:
                        m = pair_maps[g] = bytearray(width)
                        m[j] = bit
            start = end + 1
        del even, odd
        self.present_codes = frozenset(code_maps)
        readings: dict[str, int] = {}
        present: list[int] = []
        while code_maps:  # popping frees each bytearray as soon as it is converted
            c, m = code_maps.popitem()
            rank = _rank_of(ord(c))
            present.append(rank)
            x = int.from_bytes(m, "little")
            for reading in alpha.readings[rank]:
                readings[reading] = readings.get(reading, 0) | x
        pairs: dict[str, int] = {}
        expand = alpha.expand
        while pair_maps:
            g, m = pair_maps.popitem()
            x = int.from_bytes(m, "little")
            value = ord(g)
            for a in expand.get(chr(value & 0xFF), ()):
                for b in expand.get(chr(value >> 8), ()):
                    pairs[a + b] = pairs.get(a + b, 0) | x
        self.readings = readings
        self.reading_keys = sorted(readings)
        self.pairs = pairs
        self.present = sorted(present)
        self._prefix_bits: dict[str, int] = {}
        order = sorted(range(n), key=norms.__getitem__)
        self.sorted_norms = [norms[i] for i in order]
        self.sorted_ids = order

    def prefix_bits(self, start: str) -> int:
        """Texts with a character having a reading that starts with ``start``."""
        x = self._prefix_bits.get(start)
        if x is None:
            keys = self.reading_keys
            lo = bisect.bisect_left(keys, start)
            hi = bisect.bisect_left(keys, start + _TOP)
            x = 0
            for key in keys[lo:hi]:
                x |= self.readings[key]
            self._prefix_bits[start] = x
        return x

    def exact_and_prefix(self, q: str) -> tuple[list[int], list[int]]:
        """Ids of texts equal to ``q`` and of texts that start with it (not equal)."""
        sn = self.sorted_norms
        lo = bisect.bisect_left(sn, q)
        mid = bisect.bisect_right(sn, q, lo)
        hi = bisect.bisect_left(sn, q + _TOP, mid)
        ids = self.sorted_ids
        return ids[lo:mid], ids[mid:hi]

    def substring_bits(self, qcodes: str, qsymbols: str) -> int:
        """A superset of the texts containing a query (given as its codes and symbols)."""
        if not qcodes:
            return self.all
        alpha = self.alpha
        if not self.present_codes.issuperset(qcodes):  # a character no text has
            return 0
        x = -1
        for c in set(qcodes):
            x &= self.readings.get(alpha.primary[_rank_of(ord(c))], 0)
            if not x:
                return 0
        expand = alpha.expand
        for k in range(len(qsymbols) - 1):
            a, b = expand[qsymbols[k]][0], expand[qsymbols[k + 1]][0]
            x &= self.pairs.get(a + b, 0)
            if not x:
                return 0
        return x


# -- compiled terms --------------------------------------------------------------


class _Cut:
    """One way of reading a term: its pieces' code sets, checked around the narrowest (the anchor)."""

    __slots__ = ("pieces", "length", "anchor", "pattern", "regex", "checks")

    def __init__(self, pieces: tuple[Piece, ...], sets: list[frozenset[str]], patterns: list[str]) -> None:
        anchor = min(range(len(sets)), key=lambda k: (len(sets[k]), k))
        self.pieces = pieces
        self.length = len(pieces)
        self.anchor = anchor
        self.pattern = patterns[anchor]
        self.regex: re.Pattern[str] | None = None  # compiled on first use (re caches it by pattern)
        self.checks = tuple((k - anchor, s) for k, s in enumerate(sets) if k != anchor)

    def search(self, codes: str) -> bool:
        regex = self.regex
        if regex is None:
            regex = self.regex = re.compile(self.pattern)
        if not self.checks:
            return regex.search(codes) is not None
        a = self.anchor
        last = len(codes) - self.length + a
        if last < a:
            return False
        for m in regex.finditer(codes, a, last + 1):
            p = m.start()
            for offset, allowed in self.checks:
                if codes[p + offset] not in allowed:
                    break
            else:
                return True
        return False


class _Plan:
    """Alternative cuts of a term (pinyin, mixed initials), or one regex over initial symbols."""

    __slots__ = ("cuts", "symbols_re", "exact", "bits")

    def __init__(self, cuts: list[_Cut], symbols_re: re.Pattern[str] | None = None) -> None:
        self.cuts = cuts
        self.symbols_re = symbols_re
        # One piece standing for a reading: the candidate bitset is exactly the matches.
        self.exact = symbols_re is None and len(cuts) == 1 and cuts[0].length == 1 and cuts[0].pieces[0][0] != "l"
        self.bits: dict[int, int] = {}

    def verify(self, codes: str, symbols: str) -> bool:
        if self.symbols_re is not None:
            return self.symbols_re.search(symbols) is not None
        return any(cut.search(codes) for cut in self.cuts)


class _Term:
    __slots__ = ("text", "codes", "symbols", "letters", "pinyin", "initials", "meta", "corrections", "levels")

    def __init__(self, text: str) -> None:
        self.text = text
        self.codes = ""
        self.symbols = ""
        self.letters = False  # only a-z: may be corrected when nothing matches
        self.pinyin: _Plan | None = None
        self.initials: _Plan | None = None
        self.meta: tuple[dict[int, Result], dict[str, Result]] | None = None
        self.corrections: list[tuple[float, str, _Plan]] | None = None
        self.levels: list[_Level] | None = None


Result = tuple[float, str, str]  # (score, kind, reason)
_Level = tuple[float, int, str]  # (score, candidate bitset, kind when the bitset is exactly the matches, else "")


# -- the index -------------------------------------------------------------------


class SearchIndex:
    """An immutable index of entries, sorted by key; build a new one when phrases change.

    Searching is safe from several threads (the caches are locked). Building takes
    a while for big libraries (see the module docstring): do it off the GUI thread.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        alpha = _get_alphabet()
        self._alpha = alpha
        items = sorted(entries, key=attrgetter("key"))
        self.entries: tuple[Entry, ...] = tuple(items)
        self._id = dict(zip(map(attrgetter("key"), items), range(len(items))))
        if len(self._id) != len(items):
            seen: set[str] = set()
            duplicate = next(e.key for e in items if e.key in seen or seen.add(e.key))  # type: ignore[func-returns-value]
            raise ValueError(f"duplicate entry key {duplicate!r}")
        gc_was_enabled = gc.isenabled()
        gc.disable()  # the build allocates many small objects; collecting meanwhile only costs time
        try:
            self._text = _Corpus(normalize_many(list(map(attrgetter("text"), items))), alpha)
            self._build_meta(items)
        finally:
            if gc_was_enabled:
                gc.enable()
        self._present_set = set(self._text.present) | set(self._meta.present)
        self._present = sorted(self._present_set)
        self._lock = threading.RLock()
        self._terms: OrderedDict[str, _Term] = OrderedDict()
        self._pieces: dict[Piece, tuple[frozenset[str], str] | None] = {}
        self._place_cache: dict[tuple[str, str | None], dict[int, float]] = {}

    @classmethod
    def from_library(cls, library: Library, personal: Iterable[Any] = ()) -> SearchIndex:
        return cls(entries_from_library(library) + entries_from_personal(personal, library))

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: str) -> Entry | None:
        i = self._id.get(key)
        return None if i is None else self.entries[i]

    def _places(self, scenario_id: str, step_id: str | None) -> dict[int, float]:
        """Entry → current step or scenario boost, cached for the last few (scenario, step)."""
        key = (scenario_id, step_id)
        with self._lock:
            places = self._place_cache.get(key)
            if places is None:
                sid = self._scenario_index[scenario_id]
                entries = self.entries
                places = {
                    i: STEP_BOOST if step_id is not None and entries[i].step_id == step_id else SCENARIO_BOOST
                    for i in _iter_bits(self._scenario_bits[sid])
                    if entries[i].scenario_id == scenario_id
                }
                if len(self._place_cache) >= 8:
                    self._place_cache.pop(next(iter(self._place_cache)))
                self._place_cache[key] = places
            return places

    def clear_caches(self) -> None:
        """Forget compiled terms and pieces and cached candidate sets (to measure cold keystrokes)."""
        with self._lock:
            self._place_cache.clear()
            self._terms.clear()
            self._pieces.clear()
            self._text._prefix_bits.clear()
            self._meta._prefix_bits.clear()

    # -- build ---------------------------------------------------------------------
    def _build_meta(self, items: Sequence[Entry]) -> None:
        """Metadata strings (scenario name, step title, keywords, tags) and who has them.

        Entries sharing scenario, step title and keywords form a group, and a match in
        the group's metadata is one for all its entries; tags are matched per entry.
        Groups and tags have bitsets, so metadata matches need no check per entry."""
        n = len(items)
        signatures = list(map(attrgetter("scenario_id", "scenario_name", "step_title", "keywords"), items))
        try:
            group_of = dict.fromkeys(signatures, 0)
        except TypeError:  # keywords given as lists
            signatures = [(a, b, c, tuple(k)) for a, b, c, k in signatures]
            group_of = dict.fromkeys(signatures, 0)
        scenario_index: dict[str, int] = {}
        pending: list[tuple[str, Any, str, str]] = []
        for gid, (scenario_id, scenario_name, step_title, keywords) in enumerate(group_of):
            group_of[(scenario_id, scenario_name, step_title, keywords)] = gid
            scenario_index.setdefault(scenario_id, len(scenario_index))
            fields = [("scenario", scenario_name), ("step", step_title)] + [("keyword", k) for k in keywords]
            pending.extend(("group", gid, name, value) for name, value in fields if value and value.strip())
        self._group = group = list(map(group_of.__getitem__, signatures))
        width = (n >> 3) + 1
        group_maps = [bytearray(width) for _ in range(len(group_of))]
        for i, gid in enumerate(group):
            group_maps[gid][i >> 3] |= _BIT[i & 7]
        self._group_bits = [int.from_bytes(m, "little") for m in group_maps]
        del group_maps
        # A scenario's entries are mostly consecutive (keys start with its id): set bits run by run.
        scenario_bits = [0] * len(scenario_index)
        position = 0
        for scenario_id, run in groupby(map(attrgetter("scenario_id"), items)):
            length = len(list(run))
            sid = scenario_index[scenario_id]
            scenario_bits[sid] |= ((1 << length) - 1) << position
            position += length
        self._scenario_bits = scenario_bits
        self._scenario_index = scenario_index
        self._favourites = [i for i, e in enumerate(items) if e.favourite]
        tags_of: list[tuple[str, ...]] = [()] * n
        tag_ids: dict[str, list[int]] = {}
        tag_norm: dict[str, str] = {}
        for i in [i for i, e in enumerate(items) if e.tags]:
            norms = []
            for tag in items[i].tags:
                norm = tag_norm.get(tag)
                if norm is None:
                    norm = tag_norm[tag] = normalize(tag)
                    if norm:
                        pending.append(("tag", norm, "tag", tag))
                if norm:
                    norms.append(norm)
                    tag_ids.setdefault(norm, []).append(i)
            tags_of[i] = tuple(norms)
        self._tags = tags_of
        self._tag_bits = {tag: _bits_of(ids) for tag, ids in tag_ids.items()}
        norms = normalize_many([value for _, _, _, value in pending])
        meta_index: dict[str, int] = {}
        texts: list[str] = []
        refs: list[list[tuple[str, Any, str, str]]] = []
        for ref, norm in zip(pending, norms):
            if not norm:
                continue
            mid = meta_index.get(norm)
            if mid is None:
                mid = meta_index[norm] = len(texts)
                texts.append(norm)
                refs.append([])
            refs[mid].append(ref)
        self._meta = _Corpus(texts, self._alpha)
        self._meta_refs = refs

    # -- pieces and plans ------------------------------------------------------------
    def _piece(self, piece: Piece) -> tuple[frozenset[str], str] | None:
        """The codes (present in the index) of the characters a piece stands for, and their regex class."""
        try:
            return self._pieces[piece]
        except KeyError:
            pass
        alpha = self._alpha
        kind, value = piece
        present = self._present
        ranks: list[int] = []
        if kind == "l":
            rank = alpha.rank(value)
            if rank is not None and rank in self._present_set:
                ranks.append(rank)
        else:
            lo, hi, extra = alpha.ranks_for(value, prefix=kind == "p")
            ranks.extend(present[bisect.bisect_left(present, lo) : bisect.bisect_left(present, hi)])
            ranks.extend(self._present_set.intersection(extra))
        result = None
        if ranks:
            cps = sorted({_code_cp(r) for r in ranks})
            result = frozenset(map(chr, cps)), _runs_pattern(cps)
        self._pieces[piece] = result
        return result

    def _plan(self, cuts: Iterable[tuple[Piece, ...]]) -> _Plan | None:
        kept = []
        seen = set()
        for pieces in cuts:
            if pieces in seen:
                continue
            seen.add(pieces)
            found = [self._piece(p) for p in pieces]
            if all(f is not None for f in found):
                kept.append(_Cut(pieces, [f[0] for f in found], [f[1] for f in found]))  # type: ignore[index]
        return _Plan(kept) if kept else None

    def _initials_plan(self, pieces: tuple[Piece, ...]) -> _Plan | None:
        if all(kind == "p" for kind, _ in pieces):  # letters only: one regex over initial symbols
            found = [self._piece(p) for p in pieces]
            if any(f is None for f in found):
                return None
            letter_class = self._alpha.letter_class
            regex = re.compile("".join(letter_class[v] for _, v in pieces))
            return _Plan([_Cut(pieces, [f[0] for f in found], [f[1] for f in found])], regex)  # type: ignore[index]
        return self._plan([pieces])

    def _plan_bits(self, plan: _Plan, corpus: _Corpus) -> int:
        key = id(corpus)
        x = plan.bits.get(key)
        if x is None:
            x = plan.bits[key] = self._cuts_bits([cut.pieces for cut in plan.cuts], corpus)
        return x

    def _cuts_bits(self, cuts: Iterable[tuple[Piece, ...]], corpus: _Corpus) -> int:
        """Candidates for some cuts: AND of their pieces' readings and adjacent initials, ORed over cuts."""
        alpha = self._alpha
        total = 0
        for pieces in cuts:
            x = corpus.all
            firsts: list[str] = []
            for kind, value in pieces:
                if kind == "f":
                    x &= corpus.readings.get(value, 0)
                    firsts.append(value[0])
                elif kind == "p":
                    x &= corpus.prefix_bits(value)
                    firsts.append(value[0])
                else:
                    rank = alpha.rank(value)
                    if rank is None:
                        x = 0
                        break
                    x &= corpus.readings.get(alpha.primary[rank], 0)
                    firsts.append(alpha.expand[alpha.symbol[_code_cp(rank)]][0])  # type: ignore[index]
                if not x:
                    break
            if x:
                for a, b in zip(firsts, firsts[1:]):
                    x &= corpus.pairs.get(a + b, 0)
                    if not x:
                        break
            total |= x
        return total

    def _term(self, text: str) -> _Term:
        with self._lock:
            term = self._terms.get(text)
            if term is not None:
                self._terms.move_to_end(text)
                return term
            alpha = self._alpha
            term = _Term(text)
            term.codes = _ASTRAL.sub("", text).translate(alpha.code_table)
            term.symbols = alpha.symbols_of(term.codes)
            term.letters = text.isascii() and text.isalpha()
            cuts = _pinyin_cuts(text, alpha)
            term.pinyin = self._plan(cuts) if cuts else None
            pieces = _initials_cut(text)
            if pieces is not None and (len(pieces) > 1 or term.pinyin is None):
                term.initials = self._initials_plan(pieces)
            self._terms[text] = term
            if len(self._terms) > 512:
                self._terms.popitem(last=False)
            return term

    # -- per-entry evaluation --------------------------------------------------------
    def _meta_of(self, term: _Term) -> tuple[dict[int, Result], dict[str, Result]]:
        """Best metadata match per group, and per tag, for a term."""
        if term.meta is not None:
            return term.meta
        with self._lock:
            if term.meta is not None:
                return term.meta
            meta = self._meta
            q = term.text
            kinds: dict[int, str] = {}
            exact, prefix = meta.exact_and_prefix(q)
            for mid in exact:
                kinds[mid] = "exact"
            for mid in prefix:
                kinds[mid] = "prefix"
            for mid in _iter_bits(meta.substring_bits(term.codes, term.symbols)):
                if mid not in kinds and q in meta.norm[mid]:
                    kinds[mid] = "substring"
            plan = term.pinyin
            if plan is not None:
                for mid in _iter_bits(self._plan_bits(plan, meta)):
                    if mid not in kinds and (plan.exact or plan.verify(meta.codes[mid], meta.symbols[mid])):
                        kinds[mid] = "pinyin"
            groups: dict[int, Result] = {}
            tags: dict[str, Result] = {}
            for mid in sorted(kinds, key=lambda m: (-BASE_SCORES[kinds[m]], m)):
                kind = kinds[mid]
                score = BASE_SCORES[kind] * META_WEIGHT
                for owner, key, name, value in self._meta_refs[mid]:
                    target = groups if owner == "group" else tags
                    if key not in target:
                        target[key] = (score, kind, f"{name} '{value}' ({kind})")
            term.meta = groups, tags
            return term.meta

    def _evaluate(self, term: _Term, i: int, fuzzy: bool) -> Result | None:
        """The best match of one term in one entry, or None."""
        text = self._text
        q = term.text
        s = text.norm[i]
        best: Result | None = None
        if q in s:
            if s == q:
                return BASE_SCORES["exact"], "exact", f"exact '{q}'"
            if s.startswith(q):
                return BASE_SCORES["prefix"], "prefix", f"prefix '{q}'"
            best = BASE_SCORES["substring"], "substring", f"substring '{q}'"
        elif term.pinyin is not None and term.pinyin.verify(text.codes[i], text.symbols[i]):
            best = BASE_SCORES["pinyin"], "pinyin", f"pinyin '{q}'"
        elif term.initials is not None and term.initials.verify(text.codes[i], text.symbols[i]):
            best = BASE_SCORES["initials"], "initials", f"initials '{q}'"
        groups, tags = term.meta if term.meta is not None else self._meta_of(term)
        found = groups.get(self._group[i])
        if found is not None and (best is None or found[0] > best[0]):
            best = found
        if tags:
            for tag in self._tags[i]:
                found = tags.get(tag)
                if found is not None and (best is None or found[0] > best[0]):
                    best = found
        if best is None and fuzzy and term.corrections:
            codes, symbols = text.codes[i], text.symbols[i]
            for score, reason, plan in term.corrections:
                if plan.verify(codes, symbols):
                    return score, "fuzzy", reason
        return best

    # -- candidate levels of a term ----------------------------------------------------
    def _levels(self, term: _Term, fuzzy: bool) -> list[_Level]:
        """(score, candidates, kind if exact) for every kind of match of a term, best first."""
        levels = term.levels
        if levels is None:
            text = self._text
            exact, prefix = text.exact_and_prefix(term.text)
            levels = [
                (BASE_SCORES["exact"], _bits_of(exact), "exact"),
                (BASE_SCORES["prefix"], _bits_of(prefix), "prefix"),
                (BASE_SCORES["substring"], text.substring_bits(term.codes, term.symbols), ""),
            ]
            if term.pinyin is not None:
                levels.append(
                    (BASE_SCORES["pinyin"], self._plan_bits(term.pinyin, text), "pinyin" if term.pinyin.exact else "")
                )
            if term.initials is not None:
                levels.append((BASE_SCORES["initials"], self._plan_bits(term.initials, text), ""))
            groups, tags = self._meta_of(term)
            by_score: dict[float, tuple[int, str]] = {}
            group_bits = self._group_bits
            for gid, (score, kind, _) in groups.items():
                by_score[score] = by_score.get(score, (0, kind))[0] | group_bits[gid], kind
            for tag, (score, kind, _) in tags.items():
                by_score[score] = by_score.get(score, (0, kind))[0] | self._tag_bits.get(tag, 0), kind
            # exact: a text match better than the metadata one would have been seen at its own level
            levels += [(score, bits, kind) for score, (bits, kind) in by_score.items()]
            levels = [level for level in levels if level[1]]
            levels.sort(key=lambda level: -level[0])
            term.levels = levels
        if fuzzy and term.corrections:
            text = self._text
            extra = [(score, self._plan_bits(plan, text), "") for score, _, plan in term.corrections]
            return sorted(levels + extra, key=lambda level: -level[0])
        return levels

    # -- search ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        scenario_id: str | None = None,
        step_id: str | None = None,
        usage: Mapping[str, Sequence[float]] | None = None,
        favourites: Collection[str] | None = None,
        now: float | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """The best ``limit`` entries for ``query``, best first.

        ``scenario_id``/``step_id``: the call's current scenario and step (the
        step counts only with its scenario). ``usage``: entry key → times of the
        seat's uses (seconds, like ``time.time()``). ``favourites``: keys of
        favourite entries, replacing the entries' own ``favourite`` flags.
        ``now``: the time for frecency (default: ``time.time()``).
        """
        if limit <= 0 or not self.entries:
            return []
        boosts = _Boosts(self, scenario_id, step_id, usage, favourites, now)
        terms = self._parse(query)
        if not terms:
            return self._browse(boosts, limit)
        fuzzy = False
        found = self._run(terms, boosts, limit, fuzzy)
        if not found:
            eligible = [t for t in terms if t.letters and len(t.text) >= FUZZY_MIN_LETTERS]
            for term in eligible:
                if len(terms) == 1 or not self._run([term], None, 1, False):
                    fuzzy = bool(self._corrections(term)) or fuzzy
            if fuzzy:
                found = self._run(terms, boosts, limit, fuzzy)
        ranked = sorted(((score + boosts.value(i), i) for i, score in found.items()), key=lambda item: (-item[0], item[1]))
        hits = []
        for score, i in ranked[:limit]:
            results = [self._evaluate(term, i, fuzzy) for term in terms]
            weakest = min(results, key=lambda r: r[0])  # type: ignore[index]
            reasons = tuple(r[2] for r in results)  # type: ignore[index]
            hits.append(Hit(self.entries[i], round(score, 6), weakest[1], reasons + boosts.reasons(i)))  # type: ignore[index]
        return hits

    def _parse(self, query: str) -> list[_Term]:
        text = normalize(query[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]
        parts: list[str] = []
        for part in text.split(" "):
            if part and part not in parts:
                parts.append(part)
        return [self._term(part) for part in parts]

    def _browse(self, boosts: _Boosts, limit: int) -> list[Hit]:
        ranked = sorted(((boosts.value(i), i) for i in _iter_bits(boosts.bits)), key=lambda item: (-item[0], item[1]))
        ranked = ranked[:limit]
        if len(ranked) < limit:
            for i in _iter_bits(self._text.all & ~boosts.bits):
                ranked.append((0.0, i))
                if len(ranked) >= limit:
                    break
        return [Hit(self.entries[i], round(v, 6), NO_MATCH, boosts.reasons(i)) for v, i in ranked]

    def _run(self, terms: list[_Term], boosts: _Boosts | None, limit: int, fuzzy: bool) -> dict[int, float]:
        """Matching entries → score before boosts; enough of them to rank the top ``limit``.

        Boosted entries are all scored (a boost may lift any of them). The others are
        visited score by score, best first, as the bitset of candidates that reach that
        score for every term, in key order, until ``limit`` of them are found that
        nothing still unvisited can outrank."""
        levels = [self._levels(t, fuzzy) for t in terms]
        evaluate = self._evaluate
        single = len(terms) == 1
        if single:
            term = terms[0]

            def score_of(i: int) -> float | None:
                r = evaluate(term, i, fuzzy)
                return None if r is None else r[0]

        else:
            order = sorted(range(len(terms)), key=lambda k: sum(b.bit_count() for _, b, _ in levels[k]))

            def score_of(i: int) -> float | None:
                weakest = 1e9
                for k in order:
                    r = evaluate(terms[k], i, fuzzy)
                    if r is None:
                        return None
                    weakest = min(weakest, r[0])
                return weakest

        found: dict[int, float] = {}
        union = -1
        for term_levels in levels:
            u = 0
            for _, bits, _ in term_levels:
                u |= bits
            union &= u
        if union <= 0:
            return found
        boosted = union & boosts.bits if boosts is not None else 0
        if boosted:
            if single:  # level by level: an exact level needs no check
                seen = 0
                for score, bits, exact in levels[0]:
                    fresh = boosted & bits & ~seen
                    seen |= fresh
                    for i in _iter_bits(fresh):
                        s = score if exact else score_of(i)
                        if s is not None:
                            found[i] = s
            else:
                for i in _iter_bits(boosted):
                    s = score_of(i)
                    if s is not None:
                        found[i] = s
        scores = sorted({score for term_levels in levels for score, _, _ in term_levels}, reverse=True)
        reached = [0] * len(terms)
        pointer = [0] * len(terms)
        previous = 0
        plain: list[float] = []
        unboosted = ~(boosts.bits if boosts is not None else 0)
        for level in scores:
            candidates = -1
            exact_kind = ""
            for k, term_levels in enumerate(levels):
                while pointer[k] < len(term_levels) and term_levels[pointer[k]][0] >= level:
                    reached[k] |= term_levels[pointer[k]][1]
                    if single and term_levels[pointer[k]][0] == level:
                        exact_kind = term_levels[pointer[k]][2]
                    pointer[k] += 1
                candidates &= reached[k]
            fresh = candidates & ~previous & unboosted
            previous = candidates
            above = sum(1 for s in plain if s > level)
            if above >= limit:
                break
            at = 0
            for i in _iter_bits(fresh):
                s = level if exact_kind else score_of(i)
                if s is None:
                    continue
                found[i] = s
                plain.append(s)
                if s >= level:
                    at += 1
                    if above + at >= limit:
                        return found
        return found

    # -- fuzzy -------------------------------------------------------------------------
    def _corrections(self, term: _Term) -> list[tuple[float, str, _Plan]]:
        """Single-edit variants of a term that matched nothing, that are pinyin and occur in the index."""
        if term.corrections is not None:
            return term.corrections
        from rapidfuzz.distance import OSA

        alpha = self._alpha
        q = term.text
        variants: set[str] = set()
        for k in range(len(q)):
            variants.add(q[:k] + q[k + 1 :])
            if k + 1 < len(q):
                variants.add(q[:k] + q[k + 1] + q[k] + q[k + 2 :])
            for letter in _LETTERS:
                variants.add(q[:k] + letter + q[k + 1 :])
                variants.add(q[:k] + letter + q[k:])
        variants.update(q + letter for letter in _LETTERS)
        variants.discard(q)
        valid = alpha.valid_pinyin.fullmatch
        text = self._text
        scored = []
        for variant in sorted(v for v in variants if len(v) >= 2 and valid(v)):
            cuts = _pinyin_cuts(variant, alpha)
            count = self._cuts_bits(cuts, text).bit_count() if cuts else 0
            if count:  # a superset of the phrases it would match: most first among equally close
                scored.append((-OSA.normalized_similarity(q, variant), -count, variant, cuts))
        scored.sort(key=lambda item: item[:3])
        out: list[tuple[float, str, _Plan]] = []
        for negative, _, variant, cuts in scored:
            plan = self._plan(cuts)
            if plan is None:
                continue
            # Each correction its own score, a little lower by rank, best first.
            score = FUZZY_SPAN * -negative - 0.01 * len(out)
            out.append((score, f"fuzzy '{variant}' {-negative:.0%}", plan))
            if len(out) >= FUZZY_CHOICES:
                break
        with self._lock:
            term.corrections = out
        return out


class _Boosts:
    """The boosts of one search: which entries have one (a bitset), and how much and why."""

    __slots__ = ("index", "scenario_id", "step_id", "favourites", "used", "bits", "place")

    def __init__(
        self,
        index: SearchIndex,
        scenario_id: str | None,
        step_id: str | None,
        usage: Mapping[str, Sequence[float]] | None,
        favourites: Collection[str] | None,
        now: float | None,
    ) -> None:
        self.index = index
        self.scenario_id = scenario_id
        self.step_id = step_id
        ids = index._id
        if favourites is None:
            self.favourites = set(index._favourites)
        else:
            self.favourites = {i for i in (ids.get(k) for k in favourites) if i is not None}
        self.used: dict[int, tuple[float, int, float]] = {}  # entry → (boost, uses, frecency)
        if usage:
            moment = time.time() if now is None else now
            for key, stamps in usage.items():
                i = ids.get(key)
                if i is None or not stamps:
                    continue
                f = frecency(stamps, moment)
                boost = frecency_boost(f)
                if boost >= 0.01:
                    self.used[i] = (boost, len(stamps), f)
        bits = _bits_of(list(self.favourites) + list(self.used))
        self.place: dict[int, float] = {}
        if scenario_id is not None:
            sid = index._scenario_index.get(scenario_id)
            if sid is not None:
                bits |= index._scenario_bits[sid]
                self.place = index._places(scenario_id, step_id)
        self.bits = bits

    def _place(self, i: int) -> float:
        return self.place.get(i, 0.0)

    def value(self, i: int) -> float:
        value = self.place.get(i, 0.0)
        if i in self.favourites:
            value += FAVOURITE_BOOST
        used = self.used.get(i)
        return value + used[0] if used else value

    def reasons(self, i: int) -> tuple[str, ...]:
        out = []
        place = self._place(i)
        if place == STEP_BOOST:
            out.append(f"current step +{STEP_BOOST:g}")
        elif place:
            out.append(f"current scenario +{SCENARIO_BOOST:g}")
        if i in self.favourites:
            out.append(f"favourite +{FAVOURITE_BOOST:g}")
        used = self.used.get(i)
        if used:
            boost, uses, f = used
            out.append(f"used {uses}× (frecency {f:.2f}) +{boost:.1f}")
        return tuple(out)


# -- scenario suggestions ----------------------------------------------------------


_keyword_cache: dict[str, str] = {}


def _normalized_keyword(keyword: str) -> str:
    norm = _keyword_cache.get(keyword)
    if norm is None:
        norm = normalize(keyword)
        if len(_keyword_cache) > 4096:
            _keyword_cache.clear()
        _keyword_cache[keyword] = norm
    return norm


def suggest_scenarios(text: str, library: Library, current_scenario_id: str | None) -> list[tuple[str, str]]:
    """(scenario id, keyword) for the scenarios other than the current one whose keywords
    appear in ``text`` (Simplified/Traditional and case insensitive): most keywords found
    first, then the longest keyword, then library order. The keyword is the longest found."""
    norm = normalize(text)
    if not norm:
        return []
    ranked = []
    for position, scenario in enumerate(library.scenarios):
        if scenario.id == current_scenario_id:
            continue
        found: dict[str, str] = {}
        for keyword in scenario.keywords:
            nk = _normalized_keyword(keyword)
            if nk and nk in norm and nk not in found:
                found[nk] = keyword
        if found:
            longest = max(found, key=len)
            ranked.append((-len(found), -len(longest), position, scenario.id, found[longest]))
    ranked.sort()
    return [(sid, keyword) for *_, sid, keyword in ranked]
